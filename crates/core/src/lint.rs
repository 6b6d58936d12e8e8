//! Lints: configurations AWS accepts that cannot work or are dangerous. Warnings in `validate` and
//! `plan` (errors with `--strict`); each has a stable code, a one-line explanation and the fix,
//! and can be silenced per resource in the manifest (`silence_lints: {CODE: reason}`).

use crate::bucket_cors::CorsRule;
use crate::cloudfront::behavior::Managed;
use crate::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use crate::cloudfront::distribution::bucket_of_origin;
use crate::cloudfront::managed_policies::{self, MANAGED_PREFIX};
use crate::cloudfront::policies::PolicyKind;
use crate::diagnostic::{Diagnostic, Severity, SourceLocation};
use crate::evaluate::browser::serialize_origin;
use crate::evaluate::cloudfront::Forwarded;
use crate::evaluate::edge;
use crate::evaluate::wildcard_matches;
use crate::manifest::Manifest;
use crate::normalize::CanonicalRule;
use crate::plan::{desired_behavior, LiveState};

pub use crate::diagnostic::LINTS;

fn lint(code: &str, location: &SourceLocation, detail: String, fix: &str) -> Diagnostic {
    let (code, name, why) = LINTS
        .iter()
        .find(|(c, _, _)| *c == code)
        .copied()
        .unwrap_or(("CS???", "", ""));
    Diagnostic {
        location: location.clone(),
        severity: Severity::Warning,
        code: Some(code),
        message: format!("{code} {name}: {detail}: {why}"),
        help: Some(fix.to_string()),
    }
}

/// Lints that need only the manifest.
pub fn manifest_lints(manifest: &Manifest) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for bucket in &manifest.buckets {
        let mut own = Vec::new();
        for (index, rule) in bucket.cors.rules.iter().enumerate() {
            let at = bucket.rule_locations.get(index).unwrap_or(&bucket.location);
            rule_lints(rule, at, &mut own);
            let earlier = &bucket.cors.rules[..index];
            let canonical = CanonicalRule::of(rule);
            if let Some(same) = earlier
                .iter()
                .position(|e| CanonicalRule::of(e) == canonical)
            {
                own.push(lint(
                    "CS006",
                    at,
                    format!("rule {} repeats rule {}", index + 1, same + 1),
                    "delete the repeated rule",
                ));
            } else if let Some(wider) = earlier.iter().position(|e| shadows(e, rule)) {
                own.push(lint(
                    "CS005",
                    at,
                    format!("rule {} is shadowed by rule {}", index + 1, wider + 1),
                    "move the narrower rule first, or delete it",
                ));
            }
        }
        found.extend(own.into_iter().filter(|d| !silenced(&bucket.silenced, d)));
    }
    for distribution in &manifest.distributions {
        let mut own = Vec::new();
        for behavior in &distribution.behaviors {
            for (kind, field) in [
                (PolicyKind::Cache, &behavior.cache_policy),
                (PolicyKind::OriginRequest, &behavior.origin_request_policy),
                (
                    PolicyKind::ResponseHeaders,
                    &behavior.response_headers_policy,
                ),
            ] {
                let Managed::Set(name) = field else { continue };
                if name.starts_with(MANAGED_PREFIX)
                    && managed_policies::by_name(kind, name).is_none()
                {
                    own.push(lint(
                        "CS104",
                        &behavior.location,
                        format!("behavior {} {} `{name}`", behavior.path, kind.field()),
                        "check the name against `aws cloudfront list-*-policies --type managed`",
                    ));
                }
            }
        }
        found.extend(
            own.into_iter()
                .filter(|d| !silenced(&distribution.silenced, d)),
        );
    }
    for policy in &manifest.response_headers_policies {
        if policy.cors.allow_credentials && policy.cors.allow_origins.iter().any(|o| o == "*") {
            found.push(lint(
                "CS105",
                &policy.location,
                format!(
                    "response headers policy `{}` allows origin `*` with credentials",
                    policy.name
                ),
                "list the origins that may send credentials",
            ));
        }
    }
    found
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

fn rule_lints(rule: &CorsRule, at: &SourceLocation, found: &mut Vec<Diagnostic>) {
    let writes: Vec<&str> = rule
        .allowed_methods
        .iter()
        .map(String::as_str)
        .filter(|m| matches!(*m, "PUT" | "POST" | "DELETE"))
        .collect();
    if rule.allowed_origins.iter().any(|o| o == "*") && !writes.is_empty() {
        found.push(lint(
            "CS001",
            at,
            format!("allowed_origins [\"*\"] with {}", writes.join(", ")),
            "list the origins that may write, or keep `*` for GET/HEAD only",
        ));
    }
    for origin in &rule.allowed_origins {
        if let Some(c) = origin.chars().find(|c| !c.is_ascii()) {
            let kind = if crate::visible::is_invisible(c) {
                "the invisible character"
            } else {
                "the non-ASCII character"
            };
            found.push(lint(
                "CS007",
                at,
                format!("`{origin}` contains {kind} U+{:04X}", u32::from(c)),
                "write the host in its ASCII form (xn--… for an internationalised name) and remove invisible characters",
            ));
        }
        if let Some(sent) = unsendable(origin) {
            found.push(lint(
                "CS008",
                at,
                format!("`{origin}` (a browser sends `{sent}`)"),
                "write the origin as a browser serialises it: lower-case scheme and host, no default port, no path or trailing slash",
            ));
        }
        if origin.is_empty() {
            found.push(lint(
                "CS004",
                at,
                "an empty allowed origin".into(),
                "remove it",
            ));
        } else if origin.starts_with("http://") {
            found.push(lint(
                "CS002",
                at,
                format!("`{origin}`"),
                "use https://, or silence CS002 for a development-only origin",
            ));
        }
        if origin != "*" && origin.contains('*') {
            let host_suffix = origin.split_once('*').map(|(_, s)| s).unwrap_or_default();
            let labels = host_suffix
                .trim_start_matches('.')
                .split('.')
                .filter(|l| !l.is_empty())
                .count();
            if labels < 2 {
                found.push(lint(
                    "CS003",
                    at,
                    format!("`{origin}`"),
                    "put the wildcard under a domain you own, like `https://*.example.com`",
                ));
            }
        }
    }
}

/// How a browser would send an allowed origin that it can never send as written (upper-case
/// letters, a default port, a path or a trailing slash); `None` when it is sendable, or is a
/// wildcard or not an origin at all (other lints and S3 speak to those). A wildcard origin is
/// checked with a stand-in label where its `*` is.
fn unsendable(origin: &str) -> Option<String> {
    if origin == "*" || !origin.is_ascii() {
        return None;
    }
    let stand_in = "wildcard-label";
    let concrete = origin.replacen('*', stand_in, 1);
    let sent = serialize_origin(&concrete).ok()?;
    (sent != concrete).then(|| sent.replacen(stand_in, "*", 1))
}

/// True when every request `later` matches is matched by `earlier` first.
fn shadows(earlier: &CorsRule, later: &CorsRule) -> bool {
    let covers = |outer: &str, inner: &str, ignore_case: bool| -> bool {
        if !inner.contains('*') {
            return wildcard_matches(outer, inner, ignore_case);
        }
        match (outer.split_once('*'), inner.split_once('*')) {
            (Some((op, os)), Some((ip, is))) => {
                let (op, os, ip, is) = if ignore_case {
                    (
                        op.to_ascii_lowercase(),
                        os.to_ascii_lowercase(),
                        ip.to_ascii_lowercase(),
                        is.to_ascii_lowercase(),
                    )
                } else {
                    (
                        op.to_string(),
                        os.to_string(),
                        ip.to_string(),
                        is.to_string(),
                    )
                };
                ip.starts_with(&op) && is.ends_with(&os)
            }
            _ => false,
        }
    };
    let origins = later
        .allowed_origins
        .iter()
        .all(|o| earlier.allowed_origins.iter().any(|e| covers(e, o, false)));
    let methods = later
        .allowed_methods
        .iter()
        .all(|m| earlier.allowed_methods.contains(m));
    let headers = later
        .allowed_headers
        .iter()
        .all(|h| earlier.allowed_headers.iter().any(|e| covers(e, h, true)));
    !later.allowed_origins.is_empty() && origins && methods && headers
}

fn silenced(silenced: &[(String, String)], diagnostic: &Diagnostic) -> bool {
    silenced
        .iter()
        .any(|(code, _)| diagnostic.message.starts_with(&format!("{code} ")))
}

/// Lints on CloudFront behaviors in front of managed buckets, as they will be after apply.
pub fn cloudfront_lints(manifest: &Manifest, live: &LiveState) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for distribution in &live.distributions {
        let spec = manifest
            .distributions
            .iter()
            .find(|d| d.id == distribution.id);
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
