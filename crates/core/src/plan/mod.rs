//! The plan: the changes that make live state equal the manifest, a pure function of the two.

mod accounts;
mod buckets;
mod change;
mod cloudfront;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use crate::address::{by_key, Address, Named, NotAnAddress, ResourceKey};
pub use buckets::bucket_change;
pub use change::{Action, BehaviorChange, Change, LivePolicy, Migration};
pub use cloudfront::{desired_behavior, policy_listings_needed, PolicyListings};

use crate::bucket::Bucket;
use crate::cloudfront::distribution::LiveDistribution;
use crate::cloudfront::policies::{
    CorsPolicy, LiveCachePolicy, LiveOriginRequestPolicy, LiveResponseHeadersPolicy,
    OriginRequestHeaders,
};
use crate::diagnostic::Diagnostics;
use crate::manifest::{AccountRef, Manifest};

/// Everything read from AWS in one account that a plan is computed against.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveState {
    /// The declared account it was read in (`None`: the credentials' own, no accounts declared).
    pub account: Option<String>,
    /// Its buckets as read, each in the region it lives in.
    pub buckets: Vec<Bucket>,
    pub distributions: Vec<LiveDistribution>,
    /// The account's custom policies of each kind; read only when the manifest needs them
    /// (see `policy_listings_needed`).
    pub origin_request_policies: Vec<LiveOriginRequestPolicy>,
    pub response_headers_policies: Vec<LiveResponseHeadersPolicy>,
    pub cache_policies: Vec<LiveCachePolicy>,
}

impl LiveState {
    pub fn bucket(&self, name: &str) -> Option<&Bucket> {
        self.buckets.iter().find(|b| b.name == name)
    }

    /// The buckets read here by their key (the account this state was read in, and the name):
    /// what desired state and plans are joined with.
    pub fn buckets_by_key(&self) -> HashMap<ResourceKey<'_>, &Bucket> {
        by_key(self.account.as_deref(), &self.buckets)
    }

    pub fn distribution(&self, id: &str) -> Option<&LiveDistribution> {
        self.distributions.iter().find(|d| d.id == id)
    }

    /// The distributions read here by their key (the account, and the ID).
    pub fn distributions_by_key(&self) -> HashMap<ResourceKey<'_>, &LiveDistribution> {
        by_key(self.account.as_deref(), &self.distributions)
    }

    /// The account's policy of this name as a change records it (its ID and managed part).
    pub fn origin_request_policy(&self, name: &str) -> Option<LivePolicy<OriginRequestHeaders>> {
        self.origin_request_policies
            .iter()
            .find(|p| p.name == name)
            .map(LivePolicy::from)
    }

    pub fn response_headers_policy(&self, name: &str) -> Option<LivePolicy<Option<CorsPolicy>>> {
        self.response_headers_policies
            .iter()
            .find(|p| p.name == name)
            .map(LivePolicy::from)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(into = "accounts::Wire", try_from = "accounts::Wire")]
pub struct Plan {
    /// In apply order: buckets, then policies (so that behaviors can refer to them), then
    /// distributions; account after account when the manifest declares accounts.
    pub changes: Vec<PlannedChange>,
    /// The resources `--target` limited it to; empty for a plan of the whole manifest. A plan
    /// with targets is partial: nothing else was read, compared or written.
    pub targets: Vec<Address>,
}

/// One change and the account it is made in: `None` when the manifest declares no accounts (the
/// credentials' own). Within one account an address is unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedChange {
    pub account: Option<String>,
    pub change: Change,
}

impl PlannedChange {
    /// A change to a resource the manifest puts in `account`.
    pub fn in_account_of(account: Option<&AccountRef>, change: Change) -> Self {
        PlannedChange {
            account: account.map(|a| a.name.clone()),
            change,
        }
    }

    /// The change's key across accounts: its account and its address.
    pub fn key(&self) -> (Option<&str>, Address) {
        (self.account.as_deref(), self.change.address())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Limited to some resources by `--target`.
    pub fn is_partial(&self) -> bool {
        !self.targets.is_empty()
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for planned in &self.changes {
            match planned.change.action() {
                Action::Create => summary.create += 1,
                Action::Update => summary.update += 1,
                Action::Delete => summary.delete += 1,
            }
        }
        summary
    }
}

/// The plan for everything the manifest names, each change in the account the manifest gives its
/// resource (so `manifest` and `live` are of one account: `Manifest::in_account`). Resources
/// missing from `live` are skipped (the reader reports why it could not read them). `Err` holds
/// problems only live state reveals, such as a behavior path the distribution does not have,
/// each tied to its place in the manifest.
pub fn plan(manifest: &Manifest, live: &LiveState) -> Result<Plan, Diagnostics> {
    // Joined once, by each bucket's key: never with a bucket of the same name in another account.
    let live_buckets = live.buckets_by_key();
    // The accounts' stores by name once, not a search of the accounts per bucket.
    let provider_of = manifest.provider_lookup();
    let mut changes: Vec<PlannedChange> = manifest
        .buckets
        .iter()
        .filter_map(|spec| {
            let current = *live_buckets.get(&spec.key())?;
            let change = bucket_change(provider_of(spec.account.as_ref()), &spec.cors, current)?;
            Some(PlannedChange::in_account_of(spec.account.as_ref(), change))
        })
        .collect();
    let mut diagnostics = Diagnostics::default();
    changes.extend(cloudfront::changes(manifest, live, &mut diagnostics));
    if diagnostics.has_errors() {
        diagnostics.sort();
        return Err(diagnostics);
    }
    Ok(Plan {
        changes,
        ..Plan::default()
    })
}
