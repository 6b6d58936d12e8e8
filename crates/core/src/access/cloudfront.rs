//! CloudFront behaviors compared as a browser meets them through the edge: what each forwards to
//! S3, whether it lets OPTIONS through, and what its response headers policy adds or overrides
//! (`origin_override`), with AWS-managed policies taken from their table rows. Offline, a
//! behavior's live settings are unknown: what the manifest leaves out is taken as a CORS-correct
//! S3 behavior has it (forwarding Origin and both Access-Control-Request-* headers, allowing GET,
//! HEAD and OPTIONS, no policies), the same on both sides, so only what the manifest changes can differ.
//! Nor does the manifest say which bucket a behavior sends requests to: a behavior whose edge
//! changes is judged in front of each bucket the manifest names and of a bucket with no CORS
//! configuration or one that answers every request (`docs/diff.md`).

use std::collections::{HashMap, HashSet};

use super::bucket::{self, Side};
use super::AccessChange;
use crate::bucket_cors::{BucketCors, CorsRule};
use crate::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use crate::cloudfront::distribution::{bucket_of_origin, LiveDistribution};
use crate::cloudfront::policies::CorsPolicy;
use crate::evaluate::cloudfront::{Edge, Forwarded};
use crate::evaluate::edge;
use crate::manifest::Manifest;
use crate::plan::{desired_behavior, Address, LiveState};
use crate::Error;

/// What a behavior the manifest leaves alone is taken to be (see the module's comment).
fn assumed() -> BehaviorSettings {
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    BehaviorSettings {
        forward_headers: Some(strings(&[
            "Origin",
            "Access-Control-Request-Method",
            "Access-Control-Request-Headers",
        ])),
        allowed_methods: strings(&["GET", "HEAD", "OPTIONS"]),
        // Cached methods change no answer; GET and HEAD fit any allowed methods the manifest sets.
        cached_methods: strings(&["GET", "HEAD"]),
        cache_policy: None,
        origin_request_policy: None,
        response_headers_policy: None,
    }
}

/// The edge one manifest (or live state) makes of a behavior: settings, forwarding, policy CORS.
type ResolvedEdge = (BehaviorSettings, Forwarded, Option<CorsPolicy>);

/// `Err` says why it cannot be judged (offline: a custom policy only the account knows).
type Resolved = Result<ResolvedEdge, Error>;

/// A behavior's edge before and after, when there is something to judge: `None` when the two are
/// the same, or when a side cannot be resolved (then said in `notes`, as `unjudged` for
/// `resource`).
fn changed_edge(
    resource: &str,
    before: Resolved,
    after: Resolved,
    unjudged: &str,
    notes: &mut Vec<String>,
) -> Option<[ResolvedEdge; 2]> {
    match (before, after) {
        (Ok(before), Ok(after)) => (before != after).then_some([before, after]),
        (Err(problem), _) | (_, Err(problem)) => {
            notes.push(format!("{resource}: {unjudged}: {problem}"));
            None
        }
    }
}

/// The evaluator's view of a resolved edge.
fn edge_of((behavior, forwarded, policy): &ResolvedEdge) -> Edge<'_> {
    Edge {
        behavior,
        forwarded: *forwarded,
        response_headers: policy.as_ref(),
    }
}

fn resolve(manifest: &Manifest, id: &str, path: &BehaviorPath) -> Resolved {
    let live = LiveState {
        distributions: vec![LiveDistribution {
            id: id.to_string(),
            domain_name: String::new(),
            aliases: Vec::new(),
            origin_domains: Vec::new(),
            behaviors: vec![(path.clone(), assumed())],
            etag: None,
            behavior_origins: Vec::new(),
        }],
        ..LiveState::default()
    };
    let settings = match desired_behavior(manifest, &live, id, path) {
        Some(Ok(settings)) => settings,
        Some(Err(error)) => return Err(error),
        None => assumed(),
    };
    let (forwarded, policy) = edge::edge(&settings, manifest, &live)?;
    Ok((settings, forwarded, policy))
}

/// Buckets a behavior may send requests to when the manifest cannot say which, each the same on
/// both sides: none configured, and one whose rule answers every request (with `*`, and with the
/// origin echoed, for requests with credentials).
fn outside_buckets() -> Vec<(String, BucketCors)> {
    let every = |origins: &[&str]| CorsRule {
        allowed_headers: vec!["*".into()],
        ..CorsRule::allowing(origins, &["GET", "HEAD", "PUT", "POST", "DELETE"])
    };
    vec![
        (
            "a bucket with no CORS configuration".into(),
            BucketCors::none(),
        ),
        (
            "a bucket whose CORS allows every origin with `*`".into(),
            BucketCors::new(vec![every(&["*"])]),
        ),
        (
            "a bucket whose CORS allows every origin by name".into(),
            BucketCors::new(vec![every(&["https://*", "http://*", "null"])]),
        ),
    ]
}

/// What going from `base` to `head` does through each behavior either names, and what cannot be
/// judged offline.
pub fn changes(base: &Manifest, head: &Manifest) -> (Vec<AccessChange>, Vec<String>) {
    let mut found: Vec<AccessChange> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut ids: Vec<&str> = head.distributions.iter().map(|d| d.id.as_str()).collect();
    for d in &base.distributions {
        if !ids.contains(&d.id.as_str()) {
            ids.push(&d.id);
        }
    }
    if ids.is_empty() {
        // No behavior on either side: nothing is judged through an edge.
        return (found, notes);
    }
    let none = BucketCors::none();
    // Each side's buckets indexed by name once, and the names of both sides made distinct with a
    // set: a search of a list per bucket was quadratic, 40 s of a plan's markdown comment over
    // one account's 100,000 buckets.
    let (base_cors, head_cors) = (cors_by_name(base), cors_by_name(head));
    let mut seen = HashSet::new();
    let bucket_names: Vec<&str> = head
        .buckets
        .iter()
        .chain(&base.buckets)
        .map(|b| b.name.as_str())
        .filter(|name| seen.insert(*name))
        .collect();
    for id in ids {
        let address = Address::CloudFrontDistribution(id.to_string()).to_string();
        let mut paths: Vec<BehaviorPath> = Vec::new();
        for manifest in [head, base] {
            for behavior in manifest.distribution(id).iter().flat_map(|d| &d.behaviors) {
                if !paths.contains(&behavior.path) {
                    paths.push(behavior.path.clone());
                }
            }
        }
        for path in paths {
            let resource = format!("{address} behavior {path}");
            // The same edge on both sides: what the buckets' own changes do is said for each
            // bucket.
            let Some(sides) = changed_edge(
                &resource,
                resolve(base, id, &path),
                resolve(head, id, &path),
                "not judged offline",
                &mut notes,
            ) else {
                continue;
            };
            let edges = [&sides[0], &sides[1]].map(edge_of);
            let scenarios: Vec<(String, &BucketCors, &BucketCors)> = bucket_names
                .iter()
                .map(|name| {
                    (
                        format!("if its origin is s3_bucket.{name}"),
                        base_cors.get(name).copied().unwrap_or(&none),
                        head_cors.get(name).copied().unwrap_or(&none),
                    )
                })
                .collect();
            found.extend(through_edge(&resource, &edges, &scenarios, true));
        }
    }
    (found, notes)
}

/// Each bucket's CORS by name; the first of a name, as `Manifest::bucket` finds it.
fn cors_by_name(manifest: &Manifest) -> HashMap<&str, &BucketCors> {
    let mut by_name = HashMap::with_capacity(manifest.buckets.len());
    for bucket in &manifest.buckets {
        by_name.entry(bucket.name.as_str()).or_insert(&bucket.cors);
    }
    by_name
}

/// What changes through a behavior whose edge changes (`edges`: before, after), in front of each
/// bucket it may send requests to (`known`: what it is called, its CORS before and after), then
/// of buckets outside the manifest for effects the known ones do not show.
fn through_edge(
    resource: &str,
    edges: &[Edge<'_>; 2],
    known: &[(String, &BucketCors, &BucketCors)],
    outside_too: bool,
) -> Vec<AccessChange> {
    let outside = if outside_too {
        outside_buckets()
    } else {
        Vec::new()
    };
    let scenarios = known
        .iter()
        .map(|(what, before, after)| (what.clone(), *before, *after, false))
        .chain(
            outside
                .iter()
                .map(|(what, cors)| (format!("if its origin is {what}"), cors, cors, true)),
        );
    let mut found: Vec<AccessChange> = Vec::new();
    for (scenario, bucket_before, bucket_after, generic) in scenarios {
        let said = bucket::changes(
            resource,
            &Side {
                cors: bucket_before,
                edge: Some(&edges[0]),
            },
            &Side {
                cors: bucket_after,
                edge: Some(&edges[1]),
            },
        );
        for mut change in said {
            let already = found.iter().any(|c| {
                c.effect == change.effect
                    && c.origin == change.origin
                    && c.header == change.header
                    && c.credentials == change.credentials
                    && c.methods == change.methods
            });
            // A bucket outside the manifest is only asked about for an effect the known
            // buckets do not already show through this behavior.
            let shown = generic && found.iter().any(|c| c.effect == change.effect);
            if already || shown {
                continue;
            }
            change.detail = if change.detail.is_empty() {
                scenario.clone()
            } else {
                format!("{}; {scenario}", change.detail)
            };
            found.push(change);
        }
    }
    found
}

/// What applying the manifest does through each behavior it names, against live state (`plan`'s
/// "Access changes"): the behavior as it is live and as the manifest will make it, in front of
/// the bucket it sends requests to (its CORS as read, and as the manifest will make it), or of
/// buckets outside the manifest when that bucket was not read.
pub fn live_changes(live: &LiveState, manifest: &Manifest) -> (Vec<AccessChange>, Vec<String>) {
    let mut found = Vec::new();
    let mut notes = Vec::new();
    // Joined once, by each distribution's key, as the plan joins them.
    let read_by_key = live.distributions_by_key();
    for distribution in &manifest.distributions {
        let Some(read) = read_by_key.get(&distribution.key()).copied() else {
            continue;
        };
        let address = Address::CloudFrontDistribution(distribution.id.clone()).to_string();
        for spec in &distribution.behaviors {
            let resource = format!("{address} behavior {}", spec.path);
            let Some(current) = read.behavior(&spec.path) else {
                continue;
            };
            let desired = match desired_behavior(manifest, live, &distribution.id, &spec.path) {
                Some(Ok(desired)) => desired,
                Some(Err(error)) => {
                    notes.push(format!("{resource}: not judged: {error}"));
                    continue;
                }
                None => continue,
            };
            let resolved = |settings: &BehaviorSettings| -> Resolved {
                let (forwarded, policy) = edge::edge(settings, manifest, live)?;
                Ok((settings.clone(), forwarded, policy))
            };
            let Some(sides) = changed_edge(
                &resource,
                resolved(current),
                resolved(&desired),
                "not judged",
                &mut notes,
            ) else {
                continue;
            };
            let edges = [&sides[0], &sides[1]].map(edge_of);
            let bucket = read
                .origin_domain(&spec.path)
                .and_then(bucket_of_origin)
                .and_then(|name| live.bucket(name).map(|b| (name, &b.cors)));
            let known: Vec<(String, &BucketCors, &BucketCors)> = bucket
                .map(|(name, cors)| {
                    (
                        format!("through its origin s3_bucket.{name}"),
                        cors,
                        manifest.bucket(name).map_or(cors, |b| &b.cors),
                    )
                })
                .into_iter()
                .collect();
            // The bucket read is the one it sends requests to; only when it was not read (it is
            // outside the manifest) are buckets outside the manifest asked about.
            let outside_too = known.is_empty();
            found.extend(through_edge(&resource, &edges, &known, outside_too));
        }
    }
    (found, notes)
}
