//! Lints from the provider table (`crate::provider`): rules S3 would honour that cannot work on
//! the store the bucket is on, each naming the store's behaviour.

use super::{lint, silenced};
use crate::bucket_cors::CorsRule;
use crate::diagnostic::Diagnostic;
use crate::evaluate::wildcard_matches;
use crate::manifest::Manifest;
use crate::provider::{Behaviour, Evidence, Facts, Unconfigured};

pub fn provider_lints(manifest: &Manifest) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let provider_of = manifest.provider_lookup();
    for bucket in &manifest.buckets {
        let provider = provider_of(bucket.account.as_ref());
        let facts = provider.facts();
        let mut own = Vec::new();
        if !bucket.cors.is_configured() && facts.unconfigured.0 != Unconfigured::NoCors {
            let what = match facts.unconfigured.0 {
                Unconfigured::DefaultConfiguration => "its default CORS configuration applies",
                _ => "its server-wide CORS setting answers",
            };
            own.push(lint(
                "CS205",
                &bucket.location,
                format!(
                    "bucket `{}` has `cors_rules: []` on {provider}, where {what}",
                    bucket.name
                ),
                "write the rules you want, or silence CS205 if the store's own answer is what you mean",
            ));
        }
        for (index, rule) in bucket.cors.rules.iter().enumerate() {
            let at = bucket.part_location(index);
            for (behaviour, code, detail, fix) in
                rule_problems(facts, &bucket.cors.rules[..index], rule)
            {
                // How the store's behaviour is known, when it was not tested here.
                let known = facts
                    .quirk(behaviour)
                    .map(|q| q.evidence)
                    .filter(|e| *e != Evidence::TestedHere)
                    .map_or_else(String::new, |e| format!(" ({})", e.words()));
                own.push(lint(
                    code,
                    at,
                    format!("on {provider}{known}, rule {}: {detail}", index + 1),
                    &fix,
                ));
            }
        }
        found.extend(own.into_iter().filter(|d| !silenced(&bucket.silenced, d)));
    }
    found
}

/// Each way `rule` cannot work on the store: (code, what, the fix).
fn rule_problems(
    facts: &Facts,
    earlier: &[CorsRule],
    rule: &CorsRule,
) -> Vec<(Behaviour, &'static str, String, String)> {
    let mut found = Vec::new();
    let specific: Vec<&String> = rule.allowed_origins.iter().filter(|o| *o != "*").collect();
    if facts.has(Behaviour::JoinsAllowedOrigins) && specific.len() > 1 {
        found.push((
            Behaviour::JoinsAllowedOrigins,
            "CS201",
            format!(
                "it lists {} origins, and {}",
                rule.allowed_origins.len(),
                Behaviour::JoinsAllowedOrigins.words()
            ),
            "give each origin a rule of its own".to_string(),
        ));
    }
    if facts.has(Behaviour::ExactOrStarOrigins) {
        for origin in specific.iter().filter(|o| o.contains('*')) {
            found.push((
                Behaviour::ExactOrStarOrigins,
                "CS202",
                format!("`{origin}`: {}", Behaviour::ExactOrStarOrigins.words()),
                "list each origin in full".to_string(),
            ));
        }
    }
    if facts.has(Behaviour::CaseSensitiveHeaders) {
        for header in rule
            .allowed_headers
            .iter()
            .filter(|h| h.chars().any(|c| c.is_ascii_uppercase()))
        {
            found.push((
                Behaviour::CaseSensitiveHeaders,
                "CS203",
                format!("`{header}`: {}", Behaviour::CaseSensitiveHeaders.words()),
                format!("write `{}`", header.to_ascii_lowercase()),
            ));
        }
    }
    if facts.has(Behaviour::FirstOriginMatchDecides) {
        let overlapping = earlier.iter().position(|e| {
            let shared_origin = rule.allowed_origins.iter().any(|o| {
                e.allowed_origins
                    .iter()
                    .any(|eo| wildcard_matches(eo, o, false) || wildcard_matches(o, eo, false))
            });
            let grants_more = rule
                .allowed_methods
                .iter()
                .any(|m| !e.allowed_methods.contains(m))
                || rule.allowed_headers.iter().any(|h| {
                    !e.allowed_headers
                        .iter()
                        .any(|eh| wildcard_matches(eh, h, true))
                });
            shared_origin && grants_more
        });
        if let Some(first) = overlapping {
            found.push((
                Behaviour::FirstOriginMatchDecides,
                "CS204",
                format!(
                    "rule {} matches the same origins first, and {}",
                    first + 1,
                    Behaviour::FirstOriginMatchDecides.words()
                ),
                format!(
                    "merge this rule's methods and headers into rule {}, or give the origins rules that do not overlap",
                    first + 1
                ),
            ));
        }
    }
    found
}
