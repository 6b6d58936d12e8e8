//! Saved plans: applied exactly, or refused when live state moved, a resource vanished, or the
//! file is corrupt, edited or foreign.

#![allow(deprecated)] // ForwardedValues: the legacy whitelist a test edits behind cors-sync's back.

use crate::reliability::two_rules_manifest;
use crate::support::assert_run;
use crate::support::cloudfront as cf;
use crate::support::cors_sync;
use crate::support::s3::{self, rule};

pub(crate) fn two_buckets(a: &str, b: &str) -> String {
    format!(
        r#"version: 1
buckets:
  - name: {a}
    cors_rules:
      - allowed_origins: ["https://www.example.com"]
        allowed_methods: [GET]
  - name: {b}
    cors_rules:
      - allowed_origins: ["https://www.example.com"]
        allowed_methods: [PUT]
"#
    )
}

#[test]
fn a_saved_plan_applies_exactly_and_converges() {
    s3::create_bucket("saved-a", "us-east-1");
    s3::create_bucket("saved-b", "us-east-1");
    let cli = cors_sync().manifest(&two_buckets("saved-a", "saved-b"));
    let plan = cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "reviewed.plan"]);
    plan.code(0);
    assert!(
        plan.stderr.contains("Saved this plan to reviewed.plan"),
        "{}",
        plan.stderr
    );
    let apply = cli.run_with(&["apply", "reviewed.plan"]);
    apply.code(0);
    assert!(
        apply.stdout.starts_with(&plan.stdout),
        "apply shows the saved plan first"
    );
    assert!(
        apply
            .stdout
            .ends_with("Apply complete: 2 created, 0 updated, 0 deleted.\n"),
        "{}",
        apply.stdout
    );
    assert_eq!(
        s3::cors("saved-a"),
        vec![rule(&["https://www.example.com"], &["GET"])]
    );
    assert_eq!(
        s3::cors("saved-b"),
        vec![rule(&["https://www.example.com"], &["PUT"])]
    );
    cli.assert_converged();
}

#[test]
fn a_stale_saved_plan_writes_nothing_and_names_what_moved() {
    s3::create_bucket("stale-a", "us-east-1");
    s3::create_bucket("stale-b", "us-east-1");
    let cli = cors_sync().manifest(&two_buckets("stale-a", "stale-b"));
    cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "reviewed.plan"])
        .code(0);
    // Someone edits one bucket by hand after the review.
    s3::put_cors(
        "stale-b",
        &[rule(&["https://console.example"], &["DELETE"])],
    );
    let apply = cli.run_with(&["apply", "reviewed.plan"]);
    assert_run!(apply, @r#"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
      s3_bucket.stale-b: moved since the plan was made
          --- when planned
          +++ now
          @@ -0,0 +1,2 @@
          +- allowed_origins: ["https://console.example"]
          +  allowed_methods: [DELETE]
    error: the saved plan is stale: 1 resource moved since it was made; nothing was written. Run plan again.
    "#);
    assert_eq!(
        s3::cors("stale-a"),
        vec![],
        "nothing is written, not even the bucket that did not move"
    );
    assert_eq!(
        s3::cors("stale-b"),
        vec![rule(&["https://console.example"], &["DELETE"])]
    );
}

#[test]
fn a_stale_distribution_is_caught_by_its_behaviors_even_where_the_etag_never_changes() {
    // moto never changes a distribution's ETag, so this checks the behaviors' fingerprint.
    let id = cf::create_distribution("stale-cdn", "stale-cdn-assets");
    let text = format!("version: 1\ndistributions:\n  - id: {id}\n    behaviors:\n      default:\n        forward_headers: [Origin, Access-Control-Request-Method]\n");
    let cli = cors_sync().manifest(&text);
    cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "reviewed.plan"])
        .code(0);
    let mut config = cf::config(&id);
    let default = config.default_cache_behavior.as_mut().unwrap();
    default.forwarded_values = Some(cf::forwarded(
        &["Origin", "Authorization"],
        false,
        aws_sdk_cloudfront::types::ItemSelection::None,
    ));
    cf::update(&id, config);
    let apply = cli.run_with(&["apply", "reviewed.plan"]);
    assert_run!(apply, redact id => "DIST", @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
      cloudfront_distribution.DIST: moved since the plan was made
          behavior default:
          --- when planned
          +++ now
          @@ -1,6 +1,6 @@
          -forward_headers: [Origin]
          +forward_headers: [Authorization, Origin]
           cache_policy: null
           origin_request_policy: null
           response_headers_policy: null
           allowed_methods: [GET, HEAD]
           cached_methods: [GET, HEAD]
    error: the saved plan is stale: 1 resource moved since it was made; nothing was written. Run plan again.
    ");
}

#[test]
fn corrupt_truncated_and_foreign_plan_files_are_refused() {
    s3::create_bucket("corrupt-a", "us-east-1");
    s3::create_bucket("corrupt-b", "us-east-1");
    let cli = cors_sync().manifest(&two_buckets("corrupt-a", "corrupt-b"));
    cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "reviewed.plan"])
        .code(0);
    let good = cli.read("reviewed.plan");
    let cli = cli
        .file("truncated.plan", &good[..good.len() / 2])
        .file(
            "edited.plan",
            &good.replace("https://www.example.com", "https://evil.example"),
        )
        .file(
            "future.plan",
            &good.replace("\"version\": 2", "\"version\": 7"),
        )
        .file("manifest-not-plan.plan", "version: 1\nbuckets: []\n");
    let mut errors = String::new();
    for file in [
        "truncated.plan",
        "edited.plan",
        "future.plan",
        "manifest-not-plan.plan",
        "missing.plan",
    ] {
        let run = cli.run_with(&["apply", file]);
        run.code(1);
        assert_eq!(run.stdout, "", "{file}");
        errors.push_str(&run.stderr);
    }
    insta::assert_snapshot!(errors, @"
    error: truncated.plan: the plan file is corrupt or truncated (EOF while parsing a value at line 60 column 5). Nothing was written.
    error: edited.plan: the plan file's checksum does not match its contents: it was corrupted or edited. Nothing was written.
    error: future.plan: the plan file has format version 7; this cors-sync reads version 2 (and 3 across accounts). Make the plan again with this cors-sync. Nothing was written.
    error: manifest-not-plan.plan: this is not a cors-sync plan file. Nothing was written.
    error: cannot read the plan file missing.plan: No such file or directory (os error 2)
    ");
    assert_eq!(s3::cors("corrupt-a"), vec![]);
}

#[test]
fn a_bucket_deleted_between_plan_and_apply_is_a_clear_error() {
    s3::create_bucket("vanish-a", "us-east-1");
    s3::create_bucket("vanish-b", "us-east-1");
    let cli = cors_sync().manifest(&two_rules_manifest("vanish-a", "vanish-b"));
    cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "reviewed.plan"])
        .code(0);
    s3::delete_bucket("vanish-b");
    let run = cli.run_with(&["apply", "reviewed.plan"]);
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: s3_bucket.vanish-b: GetBucketCors failed: NoSuchBucket: The specified bucket does not exist (request ID [ID])
    error: could not re-read the plan's resources; nothing was written
    ");
    assert_eq!(s3::cors("vanish-a"), vec![]);
}
