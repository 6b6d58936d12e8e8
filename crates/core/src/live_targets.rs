//! What a command needs read from AWS: the buckets (with their regions when known), the
//! distributions, and which of the account's policy lists. Made from a manifest or from a saved
//! plan, and handed to the AWS crate's one read path (`cors_sync_aws::live_state::read`).

use crate::bucket::Bucket;
use crate::manifest::Manifest;
use crate::plan::{Change, Plan, PolicyListings};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveTargets {
    /// The buckets to read, each with its region when the manifest (or the plan) states it.
    pub buckets: Vec<Bucket<Option<String>, ()>>,
    pub distributions: Vec<String>,
    /// Read each distribution whole with GetDistributionConfig (its ETag included: what an update
    /// sends back) rather than from the list pages that `plan` reads 100 at a time.
    pub whole_distributions: bool,
    pub policy_listings: PolicyListings,
}

impl LiveTargets {
    /// Everything the manifest manages.
    pub fn of_manifest(manifest: &Manifest) -> Self {
        LiveTargets {
            buckets: manifest.buckets.iter().map(|b| b.to_read()).collect(),
            distributions: manifest
                .distributions
                .iter()
                .map(|d| d.id.clone())
                .collect(),
            whole_distributions: false,
            policy_listings: crate::plan::policy_listings_needed(manifest),
        }
    }

    /// The resources a saved plan changes, read whole, in the regions the plan writes to.
    pub fn of_plan(plan: &Plan) -> Self {
        Self::of_changes(plan.changes.iter().map(|planned| &planned.change))
    }

    /// The resources these changes change, read whole, in the regions they write to.
    pub fn of_changes<'c>(changes: impl IntoIterator<Item = &'c Change>) -> Self {
        let mut targets = LiveTargets {
            whole_distributions: true,
            ..LiveTargets::default()
        };
        for change in changes {
            match change {
                Change::BucketCors { bucket, region, .. } => {
                    targets.buckets.push(Bucket {
                        name: bucket.clone(),
                        region: Some(region.clone()),
                        cors: (),
                    });
                }
                Change::Distribution { id, .. } => targets.distributions.push(id.clone()),
                Change::OriginRequestPolicy { .. } => {
                    targets.policy_listings.origin_request = true;
                }
                Change::ResponseHeadersPolicy { .. } => {
                    targets.policy_listings.response_headers = true;
                }
            }
        }
        targets
    }

    /// Only the manifest's distributions and the policy lists they need (no buckets).
    pub fn cloudfront_of(manifest: &Manifest) -> Self {
        LiveTargets {
            buckets: Vec::new(),
            ..LiveTargets::of_manifest(manifest)
        }
    }

    /// How many resources and lists will be read, for progress and for "could not read N of M".
    pub fn count(&self) -> usize {
        let PolicyListings {
            cache,
            origin_request,
            response_headers,
        } = self.policy_listings;
        self.buckets.len()
            + self.distributions.len()
            + usize::from(cache)
            + usize::from(origin_request)
            + usize::from(response_headers)
    }
}
