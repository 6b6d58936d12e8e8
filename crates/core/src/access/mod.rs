//! What a change to CORS does to browsers' access, offline: two configurations compared by what
//! they answer, not by how they are written. The origin patterns, header patterns and methods
//! either side names cut the requests a page can make into finitely many classes (`requests`,
//! `partition`); each class is sent through both sides with S3's algorithm, CloudFront's and the
//! browser's (`bucket`), exactly as `check` sends a request. Rewriting that answers the same
//! (items reordered inside a rule, a rule that earlier rules shadow, an `id` renamed, a specific
//! origin under an existing wildcard) is no change; a widening, a narrowing, or a different answer
//! (credentials, exposed headers, max-age, which rule answers) is, each with an example request
//! that `check` confirms. `docs/diff.md` is the user's account of it.

mod bucket;
mod cloudfront;
pub mod partition;
pub mod requests;

pub use bucket::{changes as side_changes, verdict, Side, Verdict};

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::bucket::Bucket;
use crate::bucket_cors::BucketCors;
use crate::cloudfront::behavior::{BehaviorSpec, Managed};
use crate::cloudfront::distribution::DistributionSpec;
use crate::lint;
use crate::manifest::{Declared, Manifest};
use crate::plan::{Address, LiveState};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Widens,
    Narrows,
    Changes,
}

impl Effect {
    pub fn word(self) -> &'static str {
        match self {
            Effect::Widens => "widens",
            Effect::Narrows => "narrows",
            Effect::Changes => "changes",
        }
    }
}

/// One difference in access, as a sentence's parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessChange {
    pub resource: String,
    pub effect: Effect,
    /// The origin pattern the requests come from, as the manifest writes it.
    pub origin: String,
    pub methods: Vec<String>,
    /// A request header pattern the requests ask for, if any.
    pub header: Option<String>,
    /// What changed, in words: which rule answers now, or what the answer carries.
    pub detail: String,
    /// `Some(true)`: only requests with credentials are affected; `Some(false)`: only those
    /// without; `None`: both.
    pub credentials: Option<bool>,
    /// A request that shows the change: `check` gives it the two verdicts this change says.
    pub example: Example,
}

/// A page's request, as `cors-sync check` takes it: `--origin`, `--method`, one `--header` per
/// name (sent without a value, so never CORS-safelisted), `--credentials`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    pub origin: String,
    pub method: String,
    pub headers: Vec<String>,
    pub credentials: bool,
}

/// Everything a change does, resource by resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessReport {
    pub changes: Vec<AccessChange>,
    /// CloudFront behaviors whose forwarding, methods or policies change what reaches S3.
    pub cloudfront: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub lints_introduced: Vec<String>,
    pub lints_fixed: Vec<String>,
}

impl AccessReport {
    pub fn widens(&self) -> bool {
        self.changes.iter().any(|c| c.effect == Effect::Widens)
    }

    /// The headline: "widens access", "narrows access", "changes access", "no change to access".
    pub fn headline(&self) -> &'static str {
        let effects: Vec<Effect> = self.changes.iter().map(|c| c.effect).collect();
        let any = |e: Effect| effects.contains(&e);
        if effects.is_empty() && self.cloudfront.is_empty() {
            "no change to access"
        } else if any(Effect::Widens) && !any(Effect::Narrows) && !any(Effect::Changes) {
            "widens access"
        } else if any(Effect::Narrows) && !any(Effect::Widens) && !any(Effect::Changes) {
            "narrows access"
        } else {
            "changes access"
        }
    }

    /// Each effect present, in the order widens, narrows, changes: a change that does both is
    /// said to do both.
    pub fn effects(&self) -> Vec<Effect> {
        [Effect::Widens, Effect::Narrows, Effect::Changes]
            .into_iter()
            .filter(|e| self.changes.iter().any(|c| c.effect == *e))
            .collect()
    }

    pub fn changes_access(&self) -> bool {
        !self.changes.is_empty() || !self.cloudfront.is_empty()
    }
}

/// What going from `base` to `head` does to access.
pub fn compare(base: &Manifest, head: &Manifest) -> AccessReport {
    let mut report = compare_access(base, head);
    let lints = |manifest: &Manifest| -> Vec<String> {
        lint::manifest_lints(manifest)
            .into_iter()
            .map(|d| d.message)
            .collect()
    };
    let (before, after) = (lints(base), lints(head));
    let (before_set, after_set): (HashSet<&String>, HashSet<&String>) =
        (before.iter().collect(), after.iter().collect());
    report.lints_introduced = after
        .iter()
        .filter(|l| !before_set.contains(l))
        .cloned()
        .collect();
    report.lints_fixed = before
        .iter()
        .filter(|l| !after_set.contains(l))
        .cloned()
        .collect();
    report
}

/// What going from `base` to `head` does to access, without the lints each side raises.
fn compare_access(base: &Manifest, head: &Manifest) -> AccessReport {
    // Each side indexed by name once: looking every bucket up in the other side's list made a
    // diff of 40,000 buckets take a minute.
    let base_buckets: HashMap<&str, &Declared<Bucket<Option<String>>>> =
        base.buckets.iter().map(|b| (b.name.as_str(), b)).collect();
    let head_buckets: HashSet<&str> = head.buckets.iter().map(|b| b.name.as_str()).collect();
    let base_distributions: HashMap<&str, &Declared<DistributionSpec>> = base
        .distributions
        .iter()
        .map(|d| (d.id.as_str(), d))
        .collect();
    let head_distributions: HashSet<&str> =
        head.distributions.iter().map(|d| d.id.as_str()).collect();
    let mut report = AccessReport::default();
    let none = BucketCors::none();
    for bucket in &head.buckets {
        let address = Address::S3Bucket(bucket.name.clone()).to_string();
        let before = base_buckets.get(bucket.name.as_str()).copied();
        if before.is_none() {
            report.added.push(address.clone());
        }
        report.changes.extend(bucket_changes(
            &address,
            before.map_or(&none, |b| &b.cors),
            &bucket.cors,
        ));
    }
    for bucket in &base.buckets {
        if !head_buckets.contains(bucket.name.as_str()) {
            let address = Address::S3Bucket(bucket.name.clone()).to_string();
            report
                .changes
                .extend(bucket_changes(&address, &bucket.cors, &none));
            report.removed.push(address);
        }
    }
    for distribution in &head.distributions {
        let address = Address::CloudFrontDistribution(distribution.id.clone()).to_string();
        match base_distributions.get(distribution.id.as_str()) {
            Some(before) => {
                for behavior in &distribution.behaviors {
                    if let Some(was) = before.behaviors.iter().find(|b| b.path == behavior.path) {
                        report.cloudfront.extend(
                            behavior_changes(was, behavior)
                                .into_iter()
                                .map(|c| format!("{address} behavior {}: {c}", behavior.path)),
                        );
                    }
                }
            }
            None => report.added.push(address),
        }
    }
    for distribution in &base.distributions {
        if !head_distributions.contains(distribution.id.as_str()) {
            report
                .removed
                .push(Address::CloudFrontDistribution(distribution.id.clone()).to_string());
        }
    }
    let (through_edges, not_judged) = cloudfront::changes(base, head);
    report.changes.extend(through_edges);
    report.cloudfront.extend(not_judged);
    report
}

/// What applying the manifest does to the access its buckets and behaviors give now (`plan`'s
/// "Access changes"): live state as the base. Lints are left to the plan itself.
pub fn compare_live(live: &LiveState, manifest: &Manifest) -> AccessReport {
    // Desired and live joined once by key, as the plan joins them: a search of the manifest for
    // each bucket read, and of those for each bucket of the manifest, made `plan --format
    // markdown` of one account's 100,000 buckets take 135 s instead of 13.
    let read = live.buckets_by_key();
    let mut report = AccessReport::default();
    // Each bucket against itself as read: the two sides hold the same buckets, so nothing is
    // added or removed, and no behavior is compared here (see `live_changes`). Lints are the
    // plan's own, not a comparison's: never raised here to be thrown away.
    for spec in &manifest.buckets {
        if let Some(current) = read.get(&spec.key()) {
            let address = Address::S3Bucket(spec.name.clone()).to_string();
            report
                .changes
                .extend(bucket_changes(&address, &current.cors, &spec.cors));
        }
    }
    let (through_edges, not_judged) = cloudfront::live_changes(live, manifest);
    report.changes.extend(through_edges);
    report.cloudfront.extend(not_judged);
    report
}

impl AccessReport {
    /// Another account's part of the same run, added to this one.
    pub fn merge(&mut self, other: AccessReport) {
        self.changes.extend(other.changes);
        self.cloudfront.extend(other.cloudfront);
        self.added.extend(other.added);
        self.removed.extend(other.removed);
        self.lints_introduced.extend(other.lints_introduced);
        self.lints_fixed.extend(other.lints_fixed);
    }
}

/// Every difference in access between two configurations of one bucket.
pub fn bucket_changes(
    resource: &str,
    before: &BucketCors,
    after: &BucketCors,
) -> Vec<AccessChange> {
    // The same rules judge every request the same way: nothing to partition.
    if before == after {
        return Vec::new();
    }
    bucket::changes(
        resource,
        &Side {
            cors: before,
            edge: None,
        },
        &Side {
            cors: after,
            edge: None,
        },
    )
}

/// What a behavior's change does to what reaches S3 and what the browser gets.
fn behavior_changes(before: &BehaviorSpec, after: &BehaviorSpec) -> Vec<String> {
    let mut changes = Vec::new();
    let has = |list: &Option<Vec<String>>, item: &str| {
        list.as_ref()
            .map(|l| l.iter().any(|h| h.eq_ignore_ascii_case(item)))
    };
    for header in [
        "Origin",
        "Access-Control-Request-Method",
        "Access-Control-Request-Headers",
    ] {
        match (
            has(&before.forward_headers, header),
            has(&after.forward_headers, header),
        ) {
            (Some(true), Some(false)) => changes.push(format!("stops forwarding {header}")),
            (Some(false), Some(true)) => changes.push(format!("starts forwarding {header}")),
            _ => {}
        }
    }
    for (field, was, is) in [
        ("allowed", &before.allowed_methods, &after.allowed_methods),
        ("cached", &before.cached_methods, &after.cached_methods),
    ] {
        match (has(was, "OPTIONS"), has(is, "OPTIONS")) {
            (Some(true), Some(false)) => changes.push(format!("OPTIONS is no longer {field}")),
            (Some(false), Some(true)) => changes.push(format!("OPTIONS is now {field}")),
            _ => {}
        }
    }
    let policy = |name: &str, was: &Managed<String>, is: &Managed<String>| match (was, is) {
        (Managed::Set(a), Managed::Set(b)) if a != b => {
            Some(format!("{name} changes from {a} to {b}"))
        }
        (Managed::Set(a), Managed::Detach) => Some(format!("{name} {a} is detached")),
        (Managed::Unmanaged | Managed::Detach, Managed::Set(b)) => {
            Some(format!("{name} {b} is attached"))
        }
        _ => None,
    };
    changes.extend(policy(
        "origin request policy",
        &before.origin_request_policy,
        &after.origin_request_policy,
    ));
    changes.extend(policy(
        "response headers policy",
        &before.response_headers_policy,
        &after.response_headers_policy,
    ));
    changes
}
