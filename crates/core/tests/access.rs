//! `diff`'s analysis on crafted pairs: what widens, narrows or changes access, and the rewrites
//! that change nothing a browser can observe.

use std::path::Path;

use cors_sync_core::access::compare;
use cors_sync_core::manifest::load_str;
use cors_sync_core::render::access_report;

fn manifest(rules: &str) -> String {
    format!("version: 1\nbuckets:\n  - name: uploads\n    cors_rules:\n{rules}")
}

fn diff(base: &str, head: &str) -> String {
    let base = load_str(Path::new("base.yaml"), base).unwrap();
    let head = load_str(Path::new("head.yaml"), head).unwrap();
    access_report::text(&compare(&base, &head))
}

const READS: &str = "      - id: reads\n        allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [GET, HEAD]\n";

#[test]
fn new_origins_methods_and_header_patterns_widen_access() {
    let partners = "      - id: partners\n        allowed_origins: [\"https://*.partner.example\"]\n        allowed_methods: [PUT, DELETE]\n        allowed_headers: [\"x-amz-*\"]\n";
    insta::assert_snapshot!(diff(&manifest(READS), &manifest(&format!("{READS}{partners}"))), @r#"
    Access: widens access.
      s3_bucket.uploads: now allows PUT, DELETE from https://*.partner.example (rule 2 "partners", new); e.g. PUT from https://evil.partner.example
      s3_bucket.uploads: now allows PUT, DELETE from https://*.partner.example with header x-amz-* (rule 2 "partners", new); e.g. PUT from https://evil.partner.example with header x-amz-evil
    "#);
}

#[test]
fn removing_a_method_narrows_access() {
    let fewer = "      - id: reads\n        allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [GET]\n";
    insta::assert_snapshot!(diff(&manifest(READS), &manifest(fewer)), @r"
    Access: narrows access.
      s3_bucket.uploads: no longer allows HEAD from https://*.example.com; e.g. HEAD from https://evil.example.com
    ");
}

#[test]
fn rewrites_that_answer_the_same_are_no_change_to_access() {
    let reordered = "      - id: reads\n        allowed_methods: [HEAD, GET]\n        allowed_origins: [\"https://*.example.com\"]\n";
    let renamed = "      - id: reading\n        allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [GET, HEAD]\n";
    let shadowed = format!("{READS}      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [GET]\n");
    let under_wildcard = "      - id: reads\n        allowed_origins: [\"https://*.example.com\", \"https://app.example.com\"]\n        allowed_methods: [GET, HEAD]\n";
    for head in [
        reordered.to_string(),
        renamed.to_string(),
        shadowed,
        under_wildcard.to_string(),
    ] {
        let report = diff(&manifest(READS), &manifest(&head));
        // The shadowed rule is still worth a lint; it is no change to access.
        assert!(
            report.starts_with("Access: no change to access.\n")
                && !report.contains("s3_bucket.uploads:"),
            "{head}\n{report}"
        );
    }
}

#[test]
fn a_rule_reorder_is_reported_where_it_changes_which_rule_answers() {
    let first = "      - id: narrow\n        allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [GET]\n        max_age_seconds: 60\n";
    let second = "      - id: broad\n        allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [GET, PUT]\n";
    insta::assert_snapshot!(diff(&manifest(&format!("{first}{second}")), &manifest(&format!("{second}{first}"))), @r#"
    Access: changes access.
      s3_bucket.uploads: GET from https://app.example.com gets another answer: Access-Control-Max-Age `60` → absent; answered by rule 1 "broad" instead of rule 1 "narrow"; e.g. GET from https://app.example.com
    Lint warnings introduced:
      CS005 shadowed-rule: rule 2 is shadowed by rule 1: an earlier rule matches every request this rule would, so S3 never reaches it
    "#);
}

#[test]
fn cloudfront_forwarding_and_resources_added_or_removed_are_said() {
    let base = "version: 1\nbuckets:\n  - name: old-bucket\n    cors_rules: []\ndistributions:\n  - id: E1\n    behaviors:\n      default:\n        forward_headers: [Origin, Access-Control-Request-Method]\n        allowed_methods: [GET, HEAD, OPTIONS]\n        response_headers_policy: Managed-SimpleCORS\n";
    let head = "version: 1\nbuckets:\n  - name: new-bucket\n    cors_rules: []\ndistributions:\n  - id: E1\n    behaviors:\n      default:\n        forward_headers: [Access-Control-Request-Method]\n        allowed_methods: [GET, HEAD]\n        response_headers_policy: null\n";
    insta::assert_snapshot!(diff(base, head), @r"
    Access: narrows access.
      cloudfront_distribution.E1 behavior default: no longer allows GET, HEAD from https://evil.example without credentials (if its origin is s3_bucket.new-bucket); e.g. GET from https://evil.example
      cloudfront_distribution.E1 behavior default: stops forwarding Origin
      cloudfront_distribution.E1 behavior default: OPTIONS is no longer allowed
      cloudfront_distribution.E1 behavior default: response headers policy Managed-SimpleCORS is detached
    Added to the manifest:
      s3_bucket.new-bucket
    Removed from the manifest (no longer managed; left as they are):
      s3_bucket.old-bucket
    ");
}

#[test]
fn credentials_and_lints_are_part_of_the_answer() {
    let star = "      - allowed_origins: [\"*\"]\n        allowed_methods: [GET, PUT]\n";
    let named = "      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [GET, PUT]\n";
    insta::assert_snapshot!(diff(&manifest(named), &manifest(star)), @r#"
    Access: changes access (widens, narrows, changes).
      s3_bucket.uploads: now allows GET, PUT from * without credentials (rule 1, new); e.g. GET from https://evil.example
      s3_bucket.uploads: GET, PUT from https://app.example.com without credentials gets another answer: Access-Control-Allow-Origin `https://app.example.com` → `*`; Access-Control-Allow-Credentials `true` → absent; e.g. GET from https://app.example.com
      s3_bucket.uploads: no longer allows GET, PUT from https://app.example.com with credentials; e.g. GET from https://app.example.com, with credentials
    Lint warnings introduced:
      CS001 wildcard-origin-with-writes: allowed_origins ["*"] with PUT: any website can write to this bucket from its visitors' browsers
    "#);
}

#[test]
fn the_json_report_is_the_documented_contract() {
    let partners = "      - id: partners\n        allowed_origins: [\"https://*.partner.example\"]\n        allowed_methods: [PUT]\n";
    let base = load_str(Path::new("base.yaml"), &manifest(READS)).unwrap();
    let head = load_str(
        Path::new("head.yaml"),
        &manifest(&format!("{READS}{partners}")),
    )
    .unwrap();
    insta::assert_snapshot!(access_report::json(&compare(&base, &head)), @r#"
    {
      "format_version": 1,
      "headline": "widens access",
      "effects": [
        "widens"
      ],
      "changes": [
        {
          "resource": "s3_bucket.uploads",
          "effect": "widens",
          "origin": "https://*.partner.example",
          "methods": [
            "PUT"
          ],
          "header": null,
          "detail": "rule 2 \"partners\", new",
          "credentials": null,
          "example": {
            "origin": "https://evil.partner.example",
            "method": "PUT",
            "headers": [],
            "credentials": false
          }
        }
      ],
      "cloudfront": [],
      "added": [],
      "removed": [],
      "lints_introduced": [],
      "lints_fixed": []
    }
    "#);
}
