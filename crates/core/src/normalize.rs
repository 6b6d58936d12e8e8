//! What makes two CORS configurations the same to S3, so that plans show only real changes.
//!
//! S3 walks the rules in order and uses the first match, so rule order is meaningful and kept.
//! Inside a rule every list is a set: item order and repeats do not change what matches. Header
//! names match case-insensitively, so they compare that way. A missing list and an empty one are
//! the same, as are a missing ID and an empty one.

use std::collections::BTreeSet;

use crate::bucket_cors::{BucketCors, CorsRule};
use crate::provider::{Behaviour, Provider};

/// A rule reduced to what S3's matching depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRule {
    pub id: String,
    /// Origins compare exactly: S3 does no normalisation (a trailing slash matters), and whether
    /// it matches origins case-insensitively is unverified, so a case difference is shown as a change.
    pub allowed_origins: BTreeSet<String>,
    pub allowed_methods: BTreeSet<String>,
    pub allowed_headers: BTreeSet<String>,
    pub expose_headers: BTreeSet<String>,
    pub max_age_seconds: Option<i32>,
}

impl CanonicalRule {
    pub fn of(rule: &CorsRule) -> Self {
        let exact = |items: &[String]| items.iter().cloned().collect();
        let header_names =
            |items: &[String]| items.iter().map(|h| h.to_ascii_lowercase()).collect();
        CanonicalRule {
            id: rule.id.clone().unwrap_or_default(),
            allowed_origins: exact(&rule.allowed_origins),
            allowed_methods: exact(&rule.allowed_methods),
            allowed_headers: header_names(&rule.allowed_headers),
            expose_headers: header_names(&rule.expose_headers),
            max_age_seconds: rule.max_age_seconds,
        }
    }
}

/// True when S3 would treat both configurations identically.
pub fn equivalent(a: &BucketCors, b: &BucketCors) -> bool {
    a.rules.len() == b.rules.len()
        && a.rules
            .iter()
            .zip(&b.rules)
            .all(|(x, y)| CanonicalRule::of(x) == CanonicalRule::of(y))
}

/// True when `live`, as `provider` reads it back, holds what `desired` asks for: the store's
/// read-back rewrites (its row in `crate::provider`) are undone first, so they never show as drift.
pub fn equivalent_on(provider: Provider, desired: &BucketCors, live: &BucketCors) -> bool {
    equivalent(desired, &as_written(provider, desired, live))
}

/// `live` with what `provider` adds on read-back taken out where `desired` explains it: SeaweedFS
/// reads a rule without MaxAgeSeconds back as `MaxAgeSeconds: 0`.
pub fn as_written(provider: Provider, desired: &BucketCors, live: &BucketCors) -> BucketCors {
    let mut live = live.clone();
    if provider.facts().has(Behaviour::MissingMaxAgeReadsAsZero) {
        for (read, wanted) in live.rules.iter_mut().zip(&desired.rules) {
            if wanted.max_age_seconds.is_none() && read.max_age_seconds == Some(0) {
                read.max_age_seconds = None;
            }
        }
    }
    live
}

/// The rule as a reader should see it in a diff: lists sorted (case-insensitively) and without
/// repeats, keeping the first spelling, so item order never shows up as a difference.
pub fn for_display(rule: &CorsRule) -> CorsRule {
    fn tidy(items: &[String], key: fn(&str) -> String) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut out: Vec<String> = items
            .iter()
            .filter(|item| seen.insert(key(item)))
            .cloned()
            .collect();
        out.sort_by_key(|item| key(item));
        out
    }
    let exact = |s: &str| s.to_string();
    let lower = |s: &str| s.to_ascii_lowercase();
    CorsRule {
        id: rule.id.clone().filter(|id| !id.is_empty()),
        allowed_origins: tidy(&rule.allowed_origins, exact),
        allowed_methods: tidy(&rule.allowed_methods, exact),
        allowed_headers: tidy(&rule.allowed_headers, lower),
        expose_headers: tidy(&rule.expose_headers, lower),
        max_age_seconds: rule.max_age_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(origins: &[&str], methods: &[&str]) -> CorsRule {
        CorsRule::allowing(origins, methods)
    }

    fn cors(rules: Vec<CorsRule>) -> BucketCors {
        BucketCors::new(rules)
    }

    #[test]
    fn item_order_and_repeats_inside_a_rule_do_not_matter() {
        let a = cors(vec![rule(&["https://a", "https://b"], &["GET", "PUT"])]);
        let b = cors(vec![rule(
            &["https://b", "https://a", "https://b"],
            &["PUT", "GET", "GET"],
        )]);
        assert!(equivalent(&a, &b));
    }

    #[test]
    fn rule_order_matters() {
        let first = rule(&["https://a"], &["GET"]);
        let second = rule(&["https://b"], &["GET"]);
        let a = cors(vec![first.clone(), second.clone()]);
        let b = cors(vec![second, first]);
        assert!(!equivalent(&a, &b));
    }

    #[test]
    fn header_names_compare_case_insensitively_but_origins_do_not() {
        let mut a = rule(&["https://a"], &["GET"]);
        a.allowed_headers = vec!["Content-Type".into()];
        a.expose_headers = vec!["ETag".into()];
        let mut b = a.clone();
        b.allowed_headers = vec!["content-type".into()];
        b.expose_headers = vec!["etag".into()];
        assert!(equivalent(&cors(vec![a.clone()]), &cors(vec![b])));

        let mut c = a.clone();
        c.allowed_origins = vec!["https://A".into()];
        assert!(!equivalent(&cors(vec![a]), &cors(vec![c])));
    }

    #[test]
    fn missing_and_empty_are_the_same() {
        let a = rule(&["*"], &["GET"]);
        let mut b = a.clone();
        b.id = Some(String::new());
        assert!(equivalent(&cors(vec![a]), &cors(vec![b])));
    }

    #[test]
    fn every_field_counts() {
        let base = rule(&["*"], &["GET"]);
        let variants = [
            CorsRule {
                id: Some("x".into()),
                ..base.clone()
            },
            CorsRule {
                allowed_origins: vec!["https://x".into()],
                ..base.clone()
            },
            CorsRule {
                allowed_methods: vec!["PUT".into()],
                ..base.clone()
            },
            CorsRule {
                allowed_headers: vec!["x".into()],
                ..base.clone()
            },
            CorsRule {
                expose_headers: vec!["x".into()],
                ..base.clone()
            },
            CorsRule {
                max_age_seconds: Some(1),
                ..base.clone()
            },
        ];
        for variant in variants {
            assert!(
                !equivalent(&cors(vec![base.clone()]), &cors(vec![variant.clone()])),
                "{variant:?}"
            );
        }
    }

    #[test]
    fn display_form_sorts_and_dedups_keeping_first_spelling() {
        let mut r = rule(&["https://b", "https://a", "https://b"], &["PUT", "GET"]);
        r.expose_headers = vec!["x-b".into(), "ETag".into(), "etag".into()];
        let shown = for_display(&r);
        assert_eq!(shown.allowed_origins, vec!["https://a", "https://b"]);
        assert_eq!(shown.allowed_methods, vec!["GET", "PUT"]);
        assert_eq!(shown.expose_headers, vec!["ETag", "x-b"]);
    }
}
