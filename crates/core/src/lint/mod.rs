//! Lints: configurations AWS accepts that cannot work or are dangerous. Warnings in `validate` and
//! `plan` (errors with `--strict`); each has a stable code, a one-line explanation and the fix,
//! and can be silenced per resource in the manifest (`silence_lints: {CODE: reason}`).

use crate::bucket_cors::CorsRule;
use crate::cloudfront::behavior::Managed;
use crate::cloudfront::managed_policies::{self, MANAGED_PREFIX};
use crate::cloudfront::policies::PolicyKind;
use crate::diagnostic::{Diagnostic, Severity, SourceLocation};
use crate::evaluate::browser::serialize_origin;
use crate::evaluate::wildcard_matches;
use crate::manifest::Manifest;
use crate::normalize::CanonicalRule;

pub use crate::diagnostic::LINTS;
pub use cloudfront::{cloudfront_lints, policy_quota_lints};
pub use provider::provider_lints;

mod cloudfront;
mod provider;

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
            let at = bucket.part_location(index);
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
    found.extend(provider_lints(manifest));
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
        if origin == "null" {
            found.push(lint(
                "CS009",
                at,
                "allowed origin `null`".into(),
                "name the origins that may call, and serve sandboxed or local pages from one of them",
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
pub(crate) fn unsendable(origin: &str) -> Option<String> {
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
