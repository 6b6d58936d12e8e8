//! Whether a saved plan still holds: each resource's fingerprint, the changes the file has none
//! for, the resources that moved, and the plan with the state just re-read as its `before`.

use std::collections::HashMap;

use super::{Fingerprint, SavedPlan};
use crate::bucket::Bucket;
use crate::cloudfront::distribution::LiveDistribution;
use crate::cloudfront::policies::{LiveOriginRequestPolicy, LiveResponseHeadersPolicy};
use crate::fingerprint;
use crate::plan::{by_key, Address, Change, LivePolicy, LiveState, PlannedChange, ResourceKey};

/// Live state by key, each kind indexed once: what a saved plan's changes are looked up in.
struct Read<'l> {
    buckets: HashMap<ResourceKey<'l>, &'l Bucket>,
    distributions: HashMap<ResourceKey<'l>, &'l LiveDistribution>,
    origin_request_policies: HashMap<ResourceKey<'l>, &'l LiveOriginRequestPolicy>,
    response_headers_policies: HashMap<ResourceKey<'l>, &'l LiveResponseHeadersPolicy>,
}

impl<'l> Read<'l> {
    fn of(live: &'l LiveState) -> Self {
        let account = live.account.as_deref();
        Read {
            buckets: live.buckets_by_key(),
            distributions: live.distributions_by_key(),
            origin_request_policies: by_key(account, &live.origin_request_policies),
            response_headers_policies: by_key(account, &live.response_headers_policies),
        }
    }
}

/// The fingerprint of each changed resource, from live state read for it in its account. A
/// resource missing from `live`, or read in another account, fingerprints as absent, which
/// differs from any state it was planned from.
pub fn fingerprints<'p>(
    changes: impl IntoIterator<Item = &'p PlannedChange>,
    live: &LiveState,
) -> Vec<Fingerprint> {
    let read = Read::of(live);
    let absent = || "absent".to_string();
    changes
        .into_iter()
        .map(|PlannedChange { account, change }| {
            let key = |name| ResourceKey {
                account: account.as_deref(),
                name,
            };
            let mut etag = None;
            let sha256 = match change {
                Change::BucketCors { bucket, .. } => read
                    .buckets
                    .get(&key(bucket))
                    .map_or_else(absent, |b| fingerprint::bucket(&b.region, &b.cors)),
                Change::Distribution { id, .. } => {
                    let distribution = read.distributions.get(&key(id)).copied();
                    etag = distribution.and_then(|d| d.etag.clone());
                    distribution.map_or_else(absent, fingerprint::distribution)
                }
                Change::OriginRequestPolicy { name, .. } => fingerprint::origin_request_policy(
                    read.origin_request_policies.get(&key(name)).copied(),
                ),
                Change::ResponseHeadersPolicy { name, .. } => fingerprint::response_headers_policy(
                    read.response_headers_policies.get(&key(name)).copied(),
                ),
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
    let read = Read::of(now);
    changes
        .into_iter()
        .map(|PlannedChange { account, change }| {
            let key = |name| ResourceKey {
                account: account.as_deref(),
                name,
            };
            let change = match change {
                Change::BucketCors {
                    bucket,
                    region,
                    after,
                    ..
                } => Change::BucketCors {
                    bucket: bucket.clone(),
                    region: region.clone(),
                    before: read
                        .buckets
                        .get(&key(bucket))
                        .map(|b| b.cors.clone())
                        .unwrap_or_default(),
                    after: after.clone(),
                },
                Change::OriginRequestPolicy { name, after, .. } => Change::OriginRequestPolicy {
                    name: name.clone(),
                    live: read
                        .origin_request_policies
                        .get(&key(name))
                        .copied()
                        .map(LivePolicy::from),
                    after: after.clone(),
                },
                Change::ResponseHeadersPolicy { name, after, .. } => {
                    Change::ResponseHeadersPolicy {
                        name: name.clone(),
                        live: read
                            .response_headers_policies
                            .get(&key(name))
                            .copied()
                            .map(LivePolicy::from),
                        after: after.clone(),
                    }
                }
                Change::Distribution { .. } => change.clone(),
            };
            PlannedChange {
                account: account.clone(),
                change,
            }
        })
        .collect()
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
