//! Restoring what a backup journal recorded: the journal's `before` states become a manifest, and
//! the ordinary planner turns that into the changes that restore them.

use std::path::Path;

use crate::bucket::Bucket;
use crate::cloudfront::behavior::{BehaviorSpec, Managed};
use crate::cloudfront::distribution::DistributionSpec;
use crate::cloudfront::policies::{OriginRequestPolicySpec, PolicyRef, ResponseHeadersPolicySpec};
use crate::diagnostic::SourceLocation;
use crate::manifest::{Account, AccountRef, Declared, Manifest};
use crate::plan::{Change, LivePolicy};

/// The manifest that restores every resource in `changes` to its `before` state, each in the
/// account it was recorded in. Returns it with notes on what cannot be restored (a policy the
/// apply created is left in place).
pub fn restoring_manifest(
    changes: &[(Option<Account>, Change)],
    journal: &Path,
) -> (Manifest, Vec<String>) {
    let location = SourceLocation::whole_file(journal);
    let mut manifest = Manifest::default();
    for account in changes.iter().filter_map(|(account, _)| account.as_ref()) {
        if manifest.account(&account.name).is_none() {
            manifest.accounts.push(account.clone());
        }
    }
    let mut notes = Vec::new();
    let reference = |r: &Option<PolicyRef>| match r.as_ref().and_then(|r| r.id.clone()) {
        Some(id) => Managed::Set(id),
        None => Managed::Detach,
    };
    for (account, change) in changes {
        let account = account.as_ref().map(|a| AccountRef {
            name: a.name.clone(),
            location: location.clone(),
        });
        let created = || {
            format!(
                "{}: was created by that apply; it is left in place (cors-sync never deletes policies)",
                change.address()
            )
        };
        match change {
            Change::BucketCors { bucket, region, before, .. } => {
                let bucket = Bucket {
                    name: bucket.clone(),
                    region: Some(region.clone()),
                    cors: before.clone(),
                };
                manifest.buckets.push(Declared {
                    parts: vec![location.clone(); before.rules.len()],
                    ..Declared::at(bucket, location.clone(), account.clone())
                });
            }
            Change::Distribution { id, behaviors } => {
                let behaviors = behaviors
                    .iter()
                    .map(|b| BehaviorSpec {
                        path: b.path.clone(),
                        forward_headers: b.before.forward_headers.clone(),
                        allowed_methods: Some(b.before.allowed_methods.clone()),
                        cached_methods: Some(b.before.cached_methods.clone()),
                        cache_policy: reference(&b.before.cache_policy),
                        origin_request_policy: reference(&b.before.origin_request_policy),
                        response_headers_policy: reference(&b.before.response_headers_policy),
                        location: location.clone(),
                        restore_legacy: b.removed_legacy.clone(),
                    })
                    .collect();
                let distribution = DistributionSpec {
                    id: id.clone(),
                    behaviors,
                    domains: Vec::new(),
                };
                manifest.distributions.push(Declared::at(
                    distribution,
                    location.clone(),
                    account.clone(),
                ));
            }
            Change::OriginRequestPolicy { name, live, .. } => match live {
                Some(LivePolicy { before, .. }) => {
                    let policy = OriginRequestPolicySpec {
                        name: name.clone(),
                        headers: before.headers.clone(),
                    };
                    let declared = Declared::at(policy, location.clone(), account.clone());
                    manifest.origin_request_policies.push(declared);
                }
                None => notes.push(created()),
            },
            Change::ResponseHeadersPolicy { name, live, .. } => match live {
                Some(LivePolicy { before: Some(cors), .. }) => {
                    let policy = ResponseHeadersPolicySpec {
                        name: name.clone(),
                        cors: cors.clone(),
                    };
                    let declared = Declared::at(policy, location.clone(), account.clone());
                    manifest.response_headers_policies.push(declared);
                }
                Some(LivePolicy { before: None, .. }) => notes.push(format!("{}: had no CORS configuration before; removing one is not supported, so it is left as it is", change.address())),
                None => notes.push(created()),
            },
        }
    }
    (manifest, notes)
}
