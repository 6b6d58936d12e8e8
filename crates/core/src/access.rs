//! What a change to CORS does to browsers' access, offline: two configurations compared by what
//! they answer, not by how they are written. For every origin pattern, method and request-header
//! pattern either side names, a representative preflight (a concrete origin a wildcard matches, a
//! concrete header a header pattern matches) is evaluated against both with S3's algorithm and
//! judged as a browser judges it. Rewriting that answers the same (items reordered inside a rule,
//! a rule that earlier rules shadow, an `id` renamed, a specific origin under an existing wildcard)
//! is no change; a widening, a narrowing, or a different answer (credentials, exposed headers,
//! max-age, which rule answers) is, each with an example request.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::bucket_cors::{BucketCors, CorsRule};
use crate::cloudfront::behavior::{BehaviorSpec, Managed};
use crate::cloudfront::distribution::DistributionSpec;
use crate::evaluate::browser::judge;
use crate::evaluate::s3::{self, Bucket};
use crate::evaluate::{Request, Response};
use crate::lint;
use crate::manifest::{BucketSpec, Manifest};
use crate::normalize::CanonicalRule;
use crate::plan::{Address, LiveState};

/// Methods S3 CORS can allow: every one is asked about.
const METHODS: [&str; 5] = ["GET", "HEAD", "PUT", "POST", "DELETE"];
/// The label a wildcard stands for in a representative origin or header.
const ANY: &str = "cors-sync-any";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Widens,
    Narrows,
    Changes,
}

/// One difference in access, as a sentence's parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
}

/// Everything a change does, resource by resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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

    pub fn changes_access(&self) -> bool {
        !self.changes.is_empty() || !self.cloudfront.is_empty()
    }
}

/// What going from `base` to `head` does to access.
pub fn compare(base: &Manifest, head: &Manifest) -> AccessReport {
    // Each side indexed by name once: looking every bucket up in the other side's list made a
    // diff of 40,000 buckets take a minute.
    let base_buckets: HashMap<&str, &BucketSpec> =
        base.buckets.iter().map(|b| (b.name.as_str(), b)).collect();
    let head_buckets: HashSet<&str> = head.buckets.iter().map(|b| b.name.as_str()).collect();
    let base_distributions: HashMap<&str, &DistributionSpec> = base
        .distributions
        .iter()
        .map(|d| (d.id.as_str(), d))
        .collect();
    let head_distributions: HashSet<&str> =
        head.distributions.iter().map(|d| d.id.as_str()).collect();
    let mut report = AccessReport::default();
    for bucket in &head.buckets {
        let address = Address::S3Bucket(bucket.name.clone()).to_string();
        match base_buckets.get(bucket.name.as_str()) {
            Some(before) => {
                report
                    .changes
                    .extend(bucket_changes(&address, &before.cors, &bucket.cors))
            }
            None => report.added.push(address),
        }
    }
    for bucket in &base.buckets {
        if !head_buckets.contains(bucket.name.as_str()) {
            report
                .removed
                .push(Address::S3Bucket(bucket.name.clone()).to_string());
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

/// What applying the manifest does to the access its buckets give now (`plan`'s "Access
/// changes"): live state as the base. Lints and CloudFront are left to the plan itself.
pub fn compare_live(live: &LiveState, manifest: &Manifest) -> AccessReport {
    let specs: HashMap<&str, &BucketSpec> = manifest
        .buckets
        .iter()
        .map(|b| (b.name.as_str(), b))
        .collect();
    let mut base = Manifest::default();
    for bucket in &live.buckets {
        if let Some(spec) = specs.get(bucket.name.as_str()) {
            base.buckets.push(BucketSpec {
                cors: bucket.cors.clone(),
                rule_locations: Vec::new(),
                ..(*spec).clone()
            });
        }
    }
    let in_base: HashSet<&str> = base.buckets.iter().map(|b| b.name.as_str()).collect();
    let head = Manifest {
        buckets: manifest
            .buckets
            .iter()
            .filter(|b| in_base.contains(b.name.as_str()))
            .cloned()
            .collect(),
        ..Manifest::default()
    };
    let mut report = compare(&base, &head);
    report.lints_introduced.clear();
    report.lints_fixed.clear();
    report
}

/// A concrete value a pattern matches: its `*` filled in.
fn representative(pattern: &str, any: &str) -> String {
    pattern.replacen('*', any, 1)
}

fn bucket_changes(resource: &str, before: &BucketCors, after: &BucketCors) -> Vec<AccessChange> {
    // The same rules answer every request the same: nothing to evaluate (most buckets of a
    // pull request's diff).
    if before == after {
        return Vec::new();
    }
    let rules = || before.rules.iter().chain(&after.rules);
    let mut origins: Vec<(String, String)> = Vec::new();
    for pattern in rules().flat_map(|r| &r.allowed_origins) {
        let concrete = if pattern == "*" {
            format!("https://{ANY}.example")
        } else {
            representative(pattern, ANY)
        };
        if !origins.iter().any(|(p, _)| p == pattern) {
            origins.push((pattern.clone(), concrete));
        }
    }
    let mut headers: Vec<Option<(String, String)>> = vec![None];
    for pattern in rules().flat_map(|r| &r.allowed_headers) {
        let concrete = representative(pattern, &format!("x-{ANY}"));
        let lower = pattern.to_ascii_lowercase();
        if !headers
            .iter()
            .flatten()
            .any(|(p, _)| p.to_ascii_lowercase() == lower)
        {
            headers.push(Some((pattern.clone(), concrete)));
        }
    }
    let mut found: Vec<AccessChange> = Vec::new();
    for (pattern, origin) in &origins {
        for header in &headers {
            for method in METHODS {
                let asked: Vec<&str> = header.iter().map(|(_, h)| h.as_str()).collect();
                let request = Request::preflight(origin, method, &asked);
                let (was, now) = (answer(before, &request), answer(after, &request));
                let change = match (was.allowed, now.allowed) {
                    (false, true) => Some((Effect::Widens, now.describe(after, before))),
                    (true, false) => Some((Effect::Narrows, String::new())),
                    (true, true) => was
                        .difference(&now, before, after)
                        .map(|d| (Effect::Changes, d)),
                    (false, false) => None,
                };
                let Some((effect, detail)) = change else {
                    continue;
                };
                let header = header.as_ref().map(|(p, _)| p.clone());
                match found.iter_mut().find(|c| {
                    c.effect == effect
                        && c.origin == *pattern
                        && c.header == header
                        && c.detail == detail
                }) {
                    Some(existing) => existing.methods.push(method.to_string()),
                    None => found.push(AccessChange {
                        resource: resource.to_string(),
                        effect,
                        origin: pattern.clone(),
                        methods: vec![method.to_string()],
                        header,
                        detail,
                    }),
                }
            }
        }
    }
    found
}

/// A preflight's fate against one configuration.
struct Answer {
    allowed: bool,
    rule: Option<usize>,
    response: Response,
}

fn answer(cors: &BucketCors, request: &Request) -> Answer {
    let evaluation = s3::evaluate(Bucket::Cors(cors), request);
    Answer {
        allowed: judge(request, &evaluation.response).passes,
        rule: evaluation.matched_rule,
        response: evaluation.response,
    }
}

fn rule_name(rules: &[CorsRule], index: usize) -> String {
    match rules.get(index).and_then(|r| r.id.as_deref()) {
        Some(id) => format!("rule {} \"{id}\"", index + 1),
        None => format!("rule {}", index + 1),
    }
}

impl Answer {
    /// Which rule answers in `after`, and whether `before` had that rule.
    fn describe(&self, after: &BucketCors, before: &BucketCors) -> String {
        let Some(index) = self.rule else {
            return String::new();
        };
        let canonical = CanonicalRule::of(&after.rules[index]);
        let new = !before
            .rules
            .iter()
            .any(|r| CanonicalRule::of(r) == canonical);
        format!(
            "{}, {}",
            rule_name(&after.rules, index),
            if new { "new" } else { "unchanged" }
        )
    }

    /// How an answer allowed on both sides differs: what it carries, or which rule gives it.
    fn difference(&self, now: &Answer, before: &BucketCors, after: &BucketCors) -> Option<String> {
        let mut parts = Vec::new();
        // What an allowed answer carries. Allow-Methods is left out: each method's own verdict
        // already says what it changes.
        for header in [
            "Access-Control-Allow-Origin",
            "Access-Control-Allow-Credentials",
            "Access-Control-Expose-Headers",
            "Access-Control-Max-Age",
        ] {
            let (was, is) = (self.response.header(header), now.response.header(header));
            let as_set = |v: Option<&str>| {
                let mut items: Vec<String> = v
                    .unwrap_or_default()
                    .split(',')
                    .map(|i| i.trim().to_ascii_lowercase())
                    .collect();
                items.sort();
                (v.is_some(), items)
            };
            if as_set(was) != as_set(is) {
                let show = |v: Option<&str>| v.map_or("absent".to_string(), |v| format!("`{v}`"));
                parts.push(format!("{header} {} → {}", show(was), show(is)));
            }
        }
        // Which rule answers matters where the answer differs: say so, for the reviewer.
        if let (false, Some(was), Some(is)) = (parts.is_empty(), self.rule, now.rule) {
            if (was, rule_name(&before.rules, was)) != (is, rule_name(&after.rules, is)) {
                parts.push(format!(
                    "answered by {} instead of {}",
                    rule_name(&after.rules, is),
                    rule_name(&before.rules, was)
                ));
            }
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
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
