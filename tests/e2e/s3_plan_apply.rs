use cors_sync_core::bucket_cors::CorsRule;
use serde_json::json;

use crate::support::assert_run;
use crate::support::s3::{self, rule};
use crate::support::{cors_sync, Run};

pub(crate) fn web_rule() -> CorsRule {
    CorsRule {
        id: Some("web".into()),
        allowed_origins: vec![
            "https://www.example.com".into(),
            "https://app.example.com".into(),
        ],
        allowed_methods: vec!["GET".into(), "HEAD".into(), "PUT".into()],
        allowed_headers: vec!["Content-Type".into()],
        expose_headers: vec!["ETag".into()],
        max_age_seconds: Some(600),
    }
}

/// Five managed buckets covering create / update / delete / no-op / nothing-to-nothing, and one
/// bucket the manifest does not name.
pub(crate) const MIXED_MANIFEST: &str = r#"
version: 1
buckets:
  - name: mixed-create
    cors_rules:
      - allowed_origins: ["https://www.example.com"]
        allowed_methods: [GET]
  - name: mixed-update
    cors_rules:
      - id: web
        allowed_origins: ["https://www.example.com", "https://app.example.com"]
        allowed_methods: [GET, HEAD, PUT, POST]
        allowed_headers: [Content-Type]
        expose_headers: [ETag]
        max_age_seconds: 600
  - name: mixed-delete
    cors_rules: []
  - name: mixed-same
    cors_rules:
      - id: web
        allowed_origins: ["https://app.example.com", "https://www.example.com"]
        allowed_methods: [PUT, GET, HEAD]
        allowed_headers: [content-type]
        expose_headers: [etag]
        max_age_seconds: 600
  - name: mixed-nothing
    cors_rules: []
"#;

fn seed_mixed() {
    for bucket in [
        "mixed-create",
        "mixed-update",
        "mixed-delete",
        "mixed-same",
        "mixed-nothing",
        "mixed-unmanaged",
    ] {
        s3::create_bucket(bucket, "us-east-1");
    }
    s3::put_cors("mixed-update", &[web_rule()]);
    s3::put_cors("mixed-delete", &[rule(&["*"], &["GET"])]);
    s3::put_cors("mixed-same", &[web_rule()]);
    s3::put_cors(
        "mixed-unmanaged",
        &[rule(&["https://unmanaged.example.com"], &["DELETE"])],
    );
}

#[test]
fn plan_apply_plan_converges_and_touches_only_managed_buckets() {
    seed_mixed();
    let cli = cors_sync().manifest(MIXED_MANIFEST);

    let plan = cli.args(["plan", "-f", "manifest.yaml"]).run();
    assert_run!(plan, @r#"
    exit code: 0
    ----- stdout -----
    cors-sync will perform the following actions:

      + s3_bucket.mixed-create (us-east-1): CORS configuration will be created
          --- live (no CORS configuration)
          +++ manifest
          @@ -0,0 +1,2 @@
          +- allowed_origins: ["https://www.example.com"]
          +  allowed_methods: [GET]

      ~ s3_bucket.mixed-update (us-east-1): CORS configuration will be updated
          --- live
          +++ manifest
          @@ -1,6 +1,6 @@
           - id: web
             allowed_origins: ["https://app.example.com", "https://www.example.com"]
          -  allowed_methods: [GET, HEAD, PUT]
          +  allowed_methods: [GET, HEAD, POST, PUT]
             allowed_headers: [Content-Type]
             expose_headers: [ETag]
             max_age_seconds: 600

      - s3_bucket.mixed-delete (us-east-1): CORS configuration will be deleted
          --- live
          +++ manifest (no CORS configuration)
          @@ -1,2 +0,0 @@
          -- allowed_origins: ["*"]
          -  allowed_methods: [GET]

    Plan: 1 to create, 1 to update, 1 to delete.
    ----- stderr -----
    "#);

    let apply = cors_sync()
        .manifest(MIXED_MANIFEST)
        .args(["apply", "-f", "manifest.yaml", "--auto-approve"])
        .run();
    // apply shows the plan first, exactly as plan did, then what it wrote.
    let written = Run {
        stdout: apply
            .stdout
            .strip_prefix(&format!("{}\n", plan.stdout))
            .unwrap_or_else(|| panic!("apply shows the plan first:\n{}", apply.stdout))
            .to_string(),
        ..apply
    };
    assert_run!(written, @r#"
    exit code: 0
    ----- stdout -----
    s3_bucket.mixed-create (us-east-1): CORS configuration created.
    s3_bucket.mixed-update (us-east-1): CORS configuration updated.
    s3_bucket.mixed-delete (us-east-1): CORS configuration deleted.

    Apply complete: 1 created, 1 updated, 1 deleted.
    ----- stderr -----
    Backed up the previous state to .cors-sync/backups/[TIME]; `cors-sync rollback` restores it.
    "#);

    assert_eq!(
        s3::cors("mixed-create"),
        vec![rule(&["https://www.example.com"], &["GET"])]
    );
    let mut updated = web_rule();
    updated.allowed_methods.push("POST".into());
    assert_eq!(s3::cors("mixed-update"), vec![updated]);
    assert_eq!(s3::cors("mixed-delete"), vec![]);
    assert_eq!(
        s3::cors("mixed-same"),
        vec![web_rule()],
        "an equivalent bucket is not rewritten"
    );
    assert_eq!(s3::cors("mixed-nothing"), vec![]);
    assert_eq!(
        s3::cors("mixed-unmanaged"),
        vec![rule(&["https://unmanaged.example.com"], &["DELETE"])],
        "a bucket the manifest does not name is never touched"
    );

    let again = cors_sync()
        .manifest(MIXED_MANIFEST)
        .args(["plan", "-f", "manifest.yaml", "--detailed-exitcode"])
        .run();
    assert_run!(again, @"
    exit code: 0
    ----- stdout -----
    No changes. Live CORS configuration matches the manifest.
    ----- stderr -----
    ");
}

#[test]
fn json_plan_is_the_documented_contract() {
    let manifest = r#"
version: 1
buckets:
  - name: json-create
    cors_rules:
      - id: a
        allowed_origins: ["https://a.example"]
        allowed_methods: [GET]
        allowed_headers: ["*"]
        max_age_seconds: 5
  - name: json-delete
    cors_rules: []
"#;
    s3::create_bucket("json-create", "us-east-1");
    s3::create_bucket("json-delete", "us-east-1");
    s3::put_cors("json-delete", &[rule(&["*"], &["GET", "HEAD"])]);

    let run = cors_sync()
        .manifest(manifest)
        .args([
            "plan",
            "-f",
            "manifest.yaml",
            "--format",
            "json",
            "--detailed-exitcode",
        ])
        .run();
    run.code(2);
    assert_eq!(
        run.json(),
        json!({
            "format_version": 1,
            "changes": [
                {
                    "address": "s3_bucket.json-create",
                    "action": "create",
                    "before": null,
                    "after": [{"id": "a", "allowed_origins": ["https://a.example"], "allowed_methods": ["GET"], "allowed_headers": ["*"], "max_age_seconds": 5}],
                    "region": "us-east-1"
                },
                {
                    "address": "s3_bucket.json-delete",
                    "action": "delete",
                    "before": [{"allowed_origins": ["*"], "allowed_methods": ["GET", "HEAD"]}],
                    "after": null,
                    "region": "us-east-1"
                }
            ],
            "summary": {"create": 1, "update": 0, "delete": 1}
        })
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn reordering_inside_a_rule_is_no_change_but_reordering_rules_is() {
    s3::create_bucket("order-items", "us-east-1");
    s3::create_bucket("order-rules", "us-east-1");
    let first = rule(&["https://a.example", "https://b.example"], &["GET", "PUT"]);
    let second = rule(&["*"], &["GET"]);
    s3::put_cors("order-items", &[first.clone(), second.clone()]);
    s3::put_cors("order-rules", &[first, second]);
    let manifest = r#"
version: 1
buckets:
  - name: order-items
    cors_rules:
      - allowed_origins: ["https://b.example", "https://a.example", "https://a.example"]
        allowed_methods: [PUT, GET]
      - allowed_origins: ["*"]
        allowed_methods: [GET]
  - name: order-rules
    cors_rules:
      - allowed_origins: ["*"]
        allowed_methods: [GET]
      - allowed_origins: ["https://a.example", "https://b.example"]
        allowed_methods: [GET, PUT]
"#;
    let run = cors_sync()
        .manifest(manifest)
        .args(["plan", "-f", "manifest.yaml", "--format", "json"])
        .run();
    run.code(0);
    let plan = run.json();
    let addresses: Vec<&str> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    assert_eq!(addresses, ["s3_bucket.order-rules"]);
    assert_eq!(plan["changes"][0]["action"], "update");
}

#[test]
fn regions_are_discovered_or_taken_from_the_manifest() {
    s3::create_bucket("region-discovered", "eu-west-1");
    s3::create_bucket("region-stated", "ap-southeast-2");
    let manifest = r#"
version: 1
buckets:
  - name: region-discovered
    cors_rules:
      - allowed_origins: ["*"]
        allowed_methods: [GET]
  - name: region-stated
    region: ap-southeast-2
    cors_rules:
      - allowed_origins: ["*"]
        allowed_methods: [HEAD]
"#;
    let plan = cors_sync()
        .manifest(manifest)
        .args(["plan", "-f", "manifest.yaml", "--format", "json"])
        .run();
    plan.code(0);
    let document = plan.json();
    let regions: Vec<&str> = document["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["eu-west-1", "ap-southeast-2"]);
    cors_sync()
        .manifest(manifest)
        .args(["apply", "-f", "manifest.yaml", "--auto-approve"])
        .run()
        .code(0);
    assert_eq!(s3::cors("region-discovered"), vec![rule(&["*"], &["GET"])]);
    assert_eq!(s3::cors("region-stated"), vec![rule(&["*"], &["HEAD"])]);
}

#[test]
fn apply_without_a_terminal_needs_auto_approve_and_writes_nothing() {
    s3::create_bucket("approve-me", "us-east-1");
    let manifest = "version: 1\nbuckets:\n  - name: approve-me\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n";
    let run = cors_sync()
        .manifest(manifest)
        .stdin("yes\n")
        .args(["apply", "-f", "manifest.yaml"])
        .run();
    assert_run!(run, @r#"
    exit code: 1
    ----- stdout -----
    cors-sync will perform the following actions:

      + s3_bucket.approve-me (us-east-1): CORS configuration will be created
          --- live (no CORS configuration)
          +++ manifest
          @@ -0,0 +1,2 @@
          +- allowed_origins: ["*"]
          +  allowed_methods: [GET]

    Plan: 1 to create, 0 to update, 0 to delete.
    ----- stderr -----
    error: stdin is not a terminal, so apply cannot ask for approval; re-run with --auto-approve to apply this plan. Nothing was written.
    "#);
    assert_eq!(s3::cors("approve-me"), vec![]);
}

#[test]
fn a_missing_bucket_is_named_with_its_error_and_nothing_is_written() {
    s3::create_bucket("missing-neighbour", "us-east-1");
    let manifest = r#"
version: 1
buckets:
  - name: missing-neighbour
    cors_rules:
      - allowed_origins: ["*"]
        allowed_methods: [GET]
  - name: missing-bucket
    cors_rules: []
  - name: missing-with-region
    region: us-east-1
    cors_rules: []
"#;
    let plan = cors_sync()
        .manifest(manifest)
        .args(["plan", "-f", "manifest.yaml"])
        .run();
    assert_run!(plan, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: s3_bucket.missing-bucket: HeadBucket failed: NotFound: the bucket does not exist (request ID [ID])
    error: s3_bucket.missing-with-region: GetBucketCors failed: NoSuchBucket: The specified bucket does not exist (request ID [ID])
    error: could not read 2 of 3 resources; no plan was made
    ");
    cors_sync()
        .manifest(manifest)
        .args(["apply", "-f", "manifest.yaml", "--auto-approve"])
        .run()
        .code(1);
    assert_eq!(s3::cors("missing-neighbour"), vec![]);
}
