//! Lints that need live state: CloudFront behaviors in front of managed buckets, as they will be
//! after apply, and a plan's custom policies against the account's default quota.

use super::{lint, silenced};
use crate::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use crate::cloudfront::distribution::bucket_of_origin;
use crate::cloudfront::managed_policies::{self, MANAGED_PREFIX};
use crate::diagnostic::{Diagnostic, SourceLocation};
use crate::evaluate::cloudfront::Forwarded;
use crate::evaluate::edge;
use crate::manifest::Manifest;
use crate::plan::{desired_behavior, LiveState};
/// Lints on CloudFront behaviors in front of managed buckets, as they will be after apply.
pub fn cloudfront_lints(manifest: &Manifest, live: &LiveState) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for distribution in &live.distributions {
        let spec = manifest.distribution(&distribution.id);
        for (path, current) in &distribution.behaviors {
            let Some(bucket) = distribution.origin_domain(path).and_then(bucket_of_origin) else {
                continue;
            };
            if manifest.bucket(bucket).is_none() {
                continue;
            }
            let settings = match desired_behavior(manifest, live, &distribution.id, path) {
                Some(Ok(settings)) => settings,
                _ => current.clone(),
            };
            let at = spec
                .and_then(|s| {
                    s.behaviors
                        .iter()
                        .find(|b| &b.path == path)
                        .map(|b| b.location.clone())
                })
                .or_else(|| spec.map(|s| s.location.clone()))
                .or_else(|| manifest.bucket(bucket).map(|b| b.location.clone()));
            let Some(at) = at else { continue };
            let mut own = Vec::new();
            behavior_lints(
                &distribution.id,
                path,
                bucket,
                &settings,
                manifest,
                live,
                &at,
                &mut own,
            );
            let silencers = spec.map(|s| s.silenced.as_slice()).unwrap_or_default();
            found.extend(own.into_iter().filter(|d| !silenced(silencers, d)));
        }
    }
    found
}

#[allow(clippy::too_many_arguments)]
fn behavior_lints(
    id: &str,
    path: &BehaviorPath,
    bucket: &str,
    settings: &BehaviorSettings,
    manifest: &Manifest,
    live: &LiveState,
    at: &SourceLocation,
    found: &mut Vec<Diagnostic>,
) {
    let what = format!("distribution {id} behavior {path} (in front of bucket {bucket})");
    let (forwarded, in_cache_key) = forwarding(settings, manifest, live);
    if let Some(forwarded) = forwarded {
        if !forwarded.all() {
            found.push(lint(
                "CS101",
                at,
                what.clone(),
                "forward Origin, Access-Control-Request-Method and Access-Control-Request-Headers (Managed-CORS-S3Origin, or forward_headers)",
            ));
        }
        let overriding = settings
            .response_headers_policy
            .as_ref()
            .and_then(|r| {
                r.id.as_deref()
                    .and_then(managed_policies::managed_cors)
                    .or_else(|| {
                        let name = r.name.as_deref()?;
                        manifest
                            .response_headers_policies
                            .iter()
                            .find(|p| p.name == name)
                            .map(|p| p.cors.clone())
                    })
            })
            .is_some_and(|cors| cors.origin_override);
        if forwarded.origin && !in_cache_key && !overriding {
            found.push(lint(
                "CS103",
                at,
                what.clone(),
                "put Origin in the cache key (a cache policy that includes it, or the legacy whitelist), or attach a response headers policy with origin_override: true",
            ));
        }
    }
    let allows = settings.allowed_methods.iter().any(|m| m == "OPTIONS");
    let caches = settings.cached_methods.iter().any(|m| m == "OPTIONS");
    if !allows || !caches {
        found.push(lint(
            "CS102",
            at,
            format!(
                "{what} allows [{}] and caches [{}]",
                settings.allowed_methods.join(", "),
                settings.cached_methods.join(", ")
            ),
            "allowed_methods: [GET, HEAD, OPTIONS] and cached_methods: [GET, HEAD, OPTIONS]",
        ));
    }
}

/// What reaches the origin, and whether Origin is part of the cache key; `None` when a policy's
/// headers are unknown here (a custom policy not in the manifest or the listing).
fn forwarding(
    settings: &BehaviorSettings,
    manifest: &Manifest,
    live: &LiveState,
) -> (Option<Forwarded>, bool) {
    if let Some(headers) = &settings.forward_headers {
        // The legacy whitelist is forwarded and part of the cache key.
        return (
            Some(Forwarded::from_headers(headers.iter().map(String::as_str))),
            true,
        );
    }
    let cache_headers = match settings.cache_policy.as_ref().and_then(|r| r.id.as_deref()) {
        Some(id) => match managed_policies::managed_forwarded_headers(id) {
            Some(headers) => headers.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
            None => return (None, false),
        },
        None => Vec::new(),
    };
    let request_headers: Vec<String> = match &settings.origin_request_policy {
        None => Vec::new(),
        Some(reference) => match edge::origin_request_headers(reference, manifest, live) {
            Some(headers) => headers,
            None => return (None, false),
        },
    };
    let in_key = cache_headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case("origin"));
    let all: Vec<&str> = cache_headers
        .iter()
        .chain(&request_headers)
        .map(String::as_str)
        .collect();
    (Some(Forwarded::from_headers(all)), in_key)
}

/// Lint CS106: a plan that would leave more custom policies of a kind than the default quota.
pub fn policy_quota_lints(manifest: &Manifest, live: &LiveState) -> Vec<Diagnostic> {
    /// CloudFront's default quota per account for each kind of custom policy.
    const QUOTA: usize = 20;
    let mut found = Vec::new();
    let creates = |names: Vec<&String>, live: Vec<&String>| {
        names.into_iter().filter(|n| !live.contains(n)).count()
    };
    let custom = |name: &&String| !name.starts_with(MANAGED_PREFIX);
    let kinds = [
        (
            "origin request",
            manifest
                .origin_request_policies
                .first()
                .map(|p| &p.location),
            creates(
                manifest
                    .origin_request_policies
                    .iter()
                    .map(|p| &p.name)
                    .collect(),
                live.origin_request_policies
                    .iter()
                    .map(|p| &p.name)
                    .collect(),
            ),
            live.origin_request_policies
                .iter()
                .map(|p| &p.name)
                .filter(custom)
                .count(),
        ),
        (
            "response headers",
            manifest
                .response_headers_policies
                .first()
                .map(|p| &p.location),
            creates(
                manifest
                    .response_headers_policies
                    .iter()
                    .map(|p| &p.name)
                    .collect(),
                live.response_headers_policies
                    .iter()
                    .map(|p| &p.name)
                    .collect(),
            ),
            live.response_headers_policies
                .iter()
                .map(|p| &p.name)
                .filter(custom)
                .count(),
        ),
    ];
    for (kind, location, created, existing) in kinds {
        if let Some(location) = location.filter(|_| created > 0 && created + existing > QUOTA) {
            found.push(lint(
                "CS106",
                location,
                format!("the plan creates {created} {kind} policies where the account has {existing}: {} in all", created + existing),
                "delete unused custom policies, or ask AWS to raise the quota",
            ));
        }
    }
    found
}
