//! CloudFront end to end on moto: behaviors' whitelists, methods and policy references, with
//! everything cors-sync does not manage coming back exactly as it was.

#![allow(deprecated)] // ForwardedValues and the legacy TTLs: what cors-sync manages on legacy behaviors.

use serde_json::json;

use crate::support::assert_run;
use crate::support::cloudfront::{self as cf, CACHING_OPTIMIZED, CORS_S3_ORIGIN};
use crate::support::s3::{self, rule};
use crate::support::{cors_sync, Run};

pub(crate) fn manifest(id: &str, behaviors: &str) -> String {
    format!("version: 1\ndistributions:\n  - id: {id}\n    behaviors:\n{behaviors}")
}

/// `plan` of `text`, written as manifest.yaml.
fn plan_of(text: &str) -> Run {
    cors_sync()
        .manifest(text)
        .args(["plan", "-f", "manifest.yaml"])
        .run()
}

#[test]
fn whitelist_methods_and_policies_change_and_nothing_else_does() {
    let id = cf::create_distribution("cf-main", "cf-main-assets");
    let before = cf::config(&id);
    let text = manifest(
        &id,
        r#"      default:
        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]
        allowed_methods: [GET, HEAD, OPTIONS]
        cached_methods: [GET, HEAD, OPTIONS]
      "/fonts/*":
        response_headers_policy: Managed-CORS-With-Preflight
      "/legacy/*":
        forward_headers: [accept, ORIGIN]
"#,
    );
    let plan = plan_of(&text);
    assert_run!(plan, redact id => "DIST", @"
    exit code: 0
    ----- stdout -----
    cors-sync will perform the following actions:

      ~ cloudfront_distribution.DIST: 2 behaviors will be updated
          behavior default:
          --- live
          +++ manifest
          @@ -1,6 +1,6 @@
          -forward_headers: [Origin]
          +forward_headers: [Access-Control-Request-Headers, Access-Control-Request-Method, Origin]
           cache_policy: null
           origin_request_policy: null
           response_headers_policy: null
          -allowed_methods: [GET, HEAD]
          -cached_methods: [GET, HEAD]
          +allowed_methods: [GET, HEAD, OPTIONS]
          +cached_methods: [GET, HEAD, OPTIONS]
          behavior /fonts/*:
          --- live
          +++ manifest
          @@ -1,6 +1,6 @@
           forward_headers: null
           cache_policy: Managed-CachingOptimized
           origin_request_policy: Managed-CORS-S3Origin
          -response_headers_policy: null
          +response_headers_policy: Managed-CORS-With-Preflight
           allowed_methods: [GET, HEAD]
           cached_methods: [GET, HEAD]

    Plan: 0 to create, 1 to update, 0 to delete.
    ----- stderr -----
    ");

    let apply = cors_sync()
        .manifest(&text)
        .args(["apply", "-f", "manifest.yaml", "--auto-approve"])
        .run();
    apply.code(0);
    assert!(
        apply.stdout.contains(&format!(
            "cloudfront_distribution.{id}: 2 behaviors updated; the distribution is"
        )),
        "{}",
        apply.stdout
    );

    let after = cf::config(&id);
    assert_eq!(
        cf::unmanaged_part(after.clone()),
        cf::unmanaged_part(before),
        "fields cors-sync does not manage must not change"
    );
    let default = cf::default_behavior(&after);
    assert_eq!(
        cf::header_items(default.forwarded_values.as_ref()),
        [
            "Origin",
            "Access-Control-Request-Method",
            "Access-Control-Request-Headers"
        ]
    );
    assert_eq!(
        default.allowed_methods,
        Some(cf::allowed(
            &["GET", "HEAD", "OPTIONS"],
            &["GET", "HEAD", "OPTIONS"]
        ))
    );
    let fonts = cf::behavior(&after, "/fonts/*");
    assert_eq!(
        fonts.response_headers_policy_id.as_deref(),
        Some("5cc3b908-e619-4b99-88e5-2cf7f45965bd")
    );
    assert_eq!(fonts.cache_policy_id.as_deref(), Some(CACHING_OPTIMIZED));
    assert_eq!(
        fonts.origin_request_policy_id.as_deref(),
        Some(CORS_S3_ORIGIN)
    );
    let legacy = cf::behavior(&after, "/legacy/*");
    assert_eq!(
        cf::header_items(legacy.forwarded_values.as_ref()),
        ["Origin", "Accept"],
        "a case-insensitive set match is no change"
    );

    cors_sync().manifest(&text).assert_converged();
}

#[test]
fn policies_by_id_detach_and_a_mixed_bucket_and_distribution_plan() {
    s3::create_bucket("cf-mixed-assets", "us-east-1");
    let id = cf::create_distribution("cf-mixed", "cf-mixed-assets");
    let text = format!(
        r#"version: 1
buckets:
  - name: cf-mixed-assets
    cors_rules:
      - allowed_origins: ["https://www.example.com"]
        allowed_methods: [GET, HEAD]
distributions:
  - id: {id}
    behaviors:
      "/fonts/*":
        origin_request_policy: null
        cache_policy: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad
"#
    );
    let plan = cors_sync()
        .manifest(&text)
        .args([
            "plan",
            "-f",
            "manifest.yaml",
            "--format",
            "json",
            "--detailed-exitcode",
        ])
        .run();
    plan.code(2);
    let document = plan.json();
    assert_eq!(
        document["summary"],
        json!({"create": 1, "update": 1, "delete": 0})
    );
    let distribution = &document["changes"][1];
    assert_eq!(
        distribution["address"],
        format!("cloudfront_distribution.{id}")
    );
    assert_eq!(distribution["action"], "update");
    assert_eq!(
        distribution["after"]["behaviors"]["/fonts/*"],
        json!({
            "forward_headers": null,
            "allowed_methods": ["GET", "HEAD"],
            "cached_methods": ["GET", "HEAD"],
            "cache_policy": {"name": "Managed-CachingDisabled", "id": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"},
            "origin_request_policy": null,
            "response_headers_policy": null
        })
    );
    assert_eq!(
        distribution["before"]["behaviors"]["/fonts/*"]["origin_request_policy"],
        json!({"name": "Managed-CORS-S3Origin", "id": CORS_S3_ORIGIN})
    );
    assert_eq!(distribution["notes"], json!([]));

    cors_sync()
        .manifest(&text)
        .args(["apply", "-f", "manifest.yaml", "--auto-approve"])
        .run()
        .code(0);
    let fonts = cf::config(&id);
    let fonts = cf::behavior(&fonts, "/fonts/*");
    assert_eq!(
        fonts.cache_policy_id.as_deref(),
        Some("4135ea2d-6df8-44a3-9df3-4b5a84be39ad")
    );
    assert!(
        fonts
            .origin_request_policy_id
            .as_deref()
            .unwrap_or_default()
            .is_empty(),
        "{fonts:?}"
    );
    assert_eq!(
        s3::cors("cf-mixed-assets"),
        vec![rule(&["https://www.example.com"], &["GET", "HEAD"])]
    );
    cors_sync().manifest(&text).assert_converged();
}

#[test]
fn moving_a_legacy_behavior_to_a_cache_policy_and_back_is_said_plainly() {
    let id = cf::create_distribution("cf-migrate", "cf-migrate-assets");
    let to_policy = manifest(
        &id,
        "      \"/legacy/*\":\n        cache_policy: Managed-CachingOptimized\n        origin_request_policy: Managed-CORS-S3Origin\n",
    );
    let plan = plan_of(&to_policy);
    assert_run!(plan, redact id => "DIST", @"
    exit code: 0
    ----- stdout -----
    cors-sync will perform the following actions:

      ~ cloudfront_distribution.DIST: 1 behavior will be updated
          behavior /legacy/*:
          --- live
          +++ manifest
          @@ -1,6 +1,6 @@
          -forward_headers: [Accept, Origin]
          -cache_policy: null
          -origin_request_policy: null
          +forward_headers: null
          +cache_policy: Managed-CachingOptimized
          +origin_request_policy: Managed-CORS-S3Origin
           response_headers_policy: null
           allowed_methods: [GET, HEAD]
           cached_methods: [GET, HEAD]
          note: behavior /legacy/* moves from legacy ForwardedValues to a cache policy: the same update removes ForwardedValues and the legacy MinTTL/DefaultTTL/MaxTTL

    Plan: 0 to create, 1 to update, 0 to delete.
    ----- stderr -----
    ");
    cors_sync()
        .manifest(&to_policy)
        .args(["apply", "-f", "manifest.yaml", "--auto-approve"])
        .run()
        .code(0);
    cors_sync().manifest(&to_policy).assert_converged();

    let back = manifest(
        &id,
        "      \"/legacy/*\":\n        cache_policy: null\n        forward_headers: [Origin]\n",
    );
    let plan = cors_sync()
        .manifest(&back)
        .args(["plan", "-f", "manifest.yaml", "--format", "json"])
        .run();
    plan.code(0);
    let document = plan.json();
    assert_eq!(
        document["changes"][0]["notes"],
        json!(["behavior /legacy/* moves from its cache policy back to legacy settings: the same update removes the cache and origin request policies and sets ForwardedValues with CloudFront's default TTLs (0/86400/31536000 s)"])
    );
    cors_sync()
        .manifest(&back)
        .args(["apply", "-f", "manifest.yaml", "--auto-approve"])
        .run()
        .code(0);
    let legacy = cf::config(&id);
    let legacy = cf::behavior(&legacy, "/legacy/*");
    assert_eq!(
        cf::header_items(legacy.forwarded_values.as_ref()),
        ["Origin"]
    );
    assert_eq!(
        (legacy.min_ttl, legacy.default_ttl, legacy.max_ttl),
        (Some(0), Some(86400), Some(31536000))
    );
    cors_sync().manifest(&back).assert_converged();
}

#[test]
fn problems_only_live_state_reveals_are_reported_with_their_manifest_position() {
    let id = cf::create_distribution("cf-problems", "cf-problems-assets");
    let text = manifest(
        &id,
        r#"      "/nope/*":
        allowed_methods: [GET, HEAD]
      "/fonts/*":
        forward_headers: [Origin]
      default:
        allowed_methods: [GET, HEAD, OPTIONS]
"#,
    );
    let run = plan_of(&text);
    assert_run!(run, redact id => "DIST", @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    manifest.yaml:5:7: error: distribution DIST has no behavior `/nope/*`
      help: its behaviors are: default, /fonts/*, /legacy/*
    manifest.yaml:7:7: error: distribution DIST behavior `/fonts/*`: it uses cache policy Managed-CachingOptimized, and CloudFront rejects `forward_headers` (the legacy ForwardedValues whitelist) next to a cache policy; forward headers with `origin_request_policy` instead
    error: the manifest does not fit live state; no plan was made
    ");
}

#[test]
fn a_policy_name_that_needs_the_account_listing_fails_clearly_where_the_api_is_missing() {
    // moto has no policy APIs (404), so resolving a custom policy name cannot work there; the
    // error must say which call failed rather than hide it.
    let id = cf::create_distribution("cf-listing", "cf-listing-assets");
    let text = manifest(
        &id,
        "      \"/fonts/*\":\n        origin_request_policy: my-account-policy\n",
    );
    let run = plan_of(&text);
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: origin_request_policies: ListOriginRequestPolicies failed: HTTP 404 with no AWS error code
    error: could not read 1 of 2 resources; no plan was made
    ");
}

#[test]
fn a_missing_distribution_is_named_with_its_error() {
    let text = manifest(
        "EDOESNOTEXIST1",
        "      default:\n        allowed_methods: [GET, HEAD]\n",
    );
    let run = plan_of(&text);
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: cloudfront_distribution.EDOESNOTEXIST1: ListDistributions failed: NoSuchDistribution: the account has no distribution with this ID
    error: could not read 1 of 1 resource; no plan was made
    ");
}

#[test]
fn apply_wait_reports_deployment() {
    let id = cf::create_distribution("cf-wait", "cf-wait-assets");
    let text = manifest(
        &id,
        "      default:\n        forward_headers: [Origin, Access-Control-Request-Method]\n",
    );
    let run = cors_sync()
        .manifest(&text)
        .args([
            "apply",
            "-f",
            "manifest.yaml",
            "--auto-approve",
            "--wait",
            "--wait-interval",
            "1",
        ])
        .run();
    run.code(0);
    assert!(
        run.stderr
            .contains(&format!("cloudfront_distribution.{id}: Deployed")),
        "{}",
        run.stderr
    );
}
