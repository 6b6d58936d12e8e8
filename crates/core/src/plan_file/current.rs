//! Whether a saved plan still holds: each resource's fingerprint, the changes the file has none
//! for, the resources that moved, and the plan with the state just re-read as its `before`.

use std::collections::HashMap;

use super::{Fingerprint, SavedPlan};
use crate::bucket_cors::BucketCors;
use crate::fingerprint;
use crate::plan::{Address, Change, LiveState, PlannedChange};

/// The fingerprint of each changed resource, from live state read for it in its account. A
/// resource missing from `live`, or a bucket read in another account, fingerprints as absent,
/// which differs from any state it was planned from.
pub fn fingerprints<'p>(
    changes: impl IntoIterator<Item = &'p PlannedChange>,
    live: &LiveState,
) -> Vec<Fingerprint> {
    let buckets = live.buckets_by_key();
    changes
        .into_iter()
        .map(|planned| {
            let PlannedChange { account, change } = planned;
            let sha256 = match change {
                Change::BucketCors { .. } => planned
                    .bucket_key()
                    .and_then(|key| buckets.get(&key))
                    .map_or_else(
                        || "absent".to_string(),
                        |b| fingerprint::bucket(&b.region, &b.cors),
                    ),
                Change::Distribution { id, .. } => live
                    .distribution(id)
                    .map_or_else(|| "absent".to_string(), fingerprint::distribution),
                Change::OriginRequestPolicy { name, .. } => fingerprint::origin_request_policy(
                    live.origin_request_policies
                        .iter()
                        .find(|p| &p.name == name),
                ),
                Change::ResponseHeadersPolicy { name, .. } => fingerprint::response_headers_policy(
                    live.response_headers_policies
                        .iter()
                        .find(|p| &p.name == name),
                ),
            };
            let etag = match change {
                Change::Distribution { id, .. } => {
                    live.distribution(id).and_then(|d| d.etag.clone())
                }
                _ => None,
            };
            Fingerprint {
                address: change.address(),
                sha256,
                account: account.clone(),
                etag,
            }
        })
        .collect()
}

/// The changes the plan file has no fingerprint for: nothing says what they were planned from, so
/// none of them may be applied (an edited file, or a forgery).
pub fn unfingerprinted(saved: &SavedPlan) -> Vec<Address> {
    let recorded = saved.fingerprints_by_key();
    saved
        .plan
        .changes
        .iter()
        .map(PlannedChange::key)
        .filter(|(account, address)| !recorded.contains_key(&(*account, address)))
        .map(|(_, address)| address)
        .collect()
}

/// The plan with every bucket's and policy's `before` (and a policy's ID) taken from `now`, the
/// live state just re-read, rather than from the file: what is shown and journalled is what AWS
/// holds, whatever the file says. A distribution keeps its recorded behaviors: its update refuses
/// unless they are exactly what is live.
pub fn with_live_before<'p>(
    changes: impl IntoIterator<Item = &'p PlannedChange>,
    now: &LiveState,
) -> Vec<PlannedChange> {
    let buckets = now.buckets_by_key();
    changes
        .into_iter()
        .map(|planned| {
            let live_cors = || {
                planned
                    .bucket_key()
                    .and_then(|key| buckets.get(&key))
                    .map(|b| b.cors.clone())
                    .unwrap_or_default()
            };
            PlannedChange {
                account: planned.account.clone(),
                change: with_live_before_one(&planned.change, live_cors, now),
            }
        })
        .collect()
}

/// One change with its `before` from `now`; a bucket's is `live_cors` (read in its account).
fn with_live_before_one(
    change: &Change,
    live_cors: impl FnOnce() -> BucketCors,
    now: &LiveState,
) -> Change {
    match change {
        Change::BucketCors {
            bucket,
            region,
            after,
            ..
        } => Change::BucketCors {
            bucket: bucket.clone(),
            region: region.clone(),
            before: live_cors(),
            after: after.clone(),
        },
        Change::OriginRequestPolicy { name, after, .. } => Change::OriginRequestPolicy {
            name: name.clone(),
            live: now.origin_request_policy(name),
            after: after.clone(),
        },
        Change::ResponseHeadersPolicy { name, after, .. } => Change::ResponseHeadersPolicy {
            name: name.clone(),
            live: now.response_headers_policy(name),
            after: after.clone(),
        },
        Change::Distribution { .. } => change.clone(),
    }
}

/// The resources in `account` whose live state (`now`, fingerprinted just now in that account)
/// no longer has the fingerprint the plan recorded.
pub fn moved<'p>(
    saved: &'p SavedPlan,
    account: Option<&str>,
    now: &[Fingerprint],
) -> Vec<&'p Address> {
    // The first of an address, as a search of the list finds it.
    let mut now_by_address: HashMap<&Address, &Fingerprint> = HashMap::with_capacity(now.len());
    for f in now {
        now_by_address.entry(&f.address).or_insert(f);
    }
    saved
        .fingerprints
        .iter()
        .filter(|recorded| recorded.account.as_deref() == account)
        .filter(|recorded| {
            now_by_address
                .get(&recorded.address)
                .is_none_or(|f| f.sha256 != recorded.sha256)
        })
        .map(|f| &f.address)
        .collect()
}
