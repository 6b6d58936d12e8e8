//! `--target ADDRESS` on plan and apply, as terraform's `-target`: only the targeted resources
//! are read, planned and written; the plan says it is partial, and a saved plan records it.

use crate::support::fault_proxy::FaultProxy;
use crate::support::s3::{self, rule};
use crate::support::{assert_run, cors_sync, emulator};

fn two_drifted(a: &str, b: &str) -> String {
    s3::create_bucket(a, "us-east-1");
    s3::create_bucket(b, "us-east-1");
    s3::put_cors(a, &[rule(&["https://old.example.com"], &["GET"])]);
    s3::put_cors(b, &[rule(&["https://old.example.com"], &["GET"])]);
    format!(
        r#"version: 1
buckets:
  - name: {a}
    region: us-east-1
    cors_rules:
      - allowed_origins: ["https://www.example.com"]
        allowed_methods: [GET]
  - name: {b}
    region: us-east-1
    cors_rules:
      - allowed_origins: ["https://www.example.com"]
        allowed_methods: [PUT]
"#
    )
}

#[test]
fn a_targeted_plan_reads_plans_and_applies_only_its_targets() {
    let manifest = two_drifted("target-a", "target-b");
    let proxy = FaultProxy::start(&emulator().endpoint);
    let cli = cors_sync()
        .manifest(&manifest)
        .endpoint(Some(&proxy.endpoint));
    let plan = cli.run_with(&[
        "plan",
        "-f",
        "manifest.yaml",
        "--target",
        "s3_bucket.target-a",
        "--out",
        "a.plan",
    ]);
    assert_run!(plan, @r#"
    exit code: 0
    ----- stdout -----
    cors-sync will perform the following actions:

      ~ s3_bucket.target-a (us-east-1): CORS configuration will be updated
          --- live
          +++ manifest
          @@ -1,2 +1,2 @@
          -- allowed_origins: ["https://old.example.com"]
          +- allowed_origins: ["https://www.example.com"]
             allowed_methods: [GET]

    Plan: 0 to create, 1 to update, 0 to delete.
    This plan is partial (--target): only s3_bucket.target-a was read and planned; the manifest's other resources were not compared with live state.
    ----- stderr -----
    Saved this plan to a.plan. `cors-sync apply a.plan` applies exactly it, if live state has not moved.
    "#);
    // b was never read: no GetBucketCors (nor anything else) for it went out.
    assert_eq!(proxy.heads_matching("/target-b"), Vec::<String>::new());
    assert!(proxy.requests_matching("GET /target-a/?cors") >= 1);

    let json = cli.run_with(&[
        "plan",
        "-f",
        "manifest.yaml",
        "--format",
        "json",
        "--target",
        "s3_bucket.target-a",
    ]);
    json.code(0);
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        document["targets"],
        serde_json::json!(["s3_bucket.target-a"])
    );
    assert_eq!(document["changes"].as_array().unwrap().len(), 1);
    // (Not through the proxy, which must see nothing of b.)
    let whole = cors_sync().manifest(&manifest).run_with(&[
        "plan",
        "-f",
        "manifest.yaml",
        "--format",
        "json",
    ]);
    let document: serde_json::Value = serde_json::from_str(&whole.stdout).unwrap();
    assert!(document.get("targets").is_none(), "{}", whole.stdout);

    // The saved plan records its targets, and says it is partial when shown and applied.
    let saved: serde_json::Value = serde_json::from_str(&cli.read("a.plan")).unwrap();
    assert_eq!(
        saved["body"]["plan"]["targets"],
        serde_json::json!(["s3_bucket.target-a"])
    );
    let shown = cli.run_with(&["show", "a.plan"]);
    shown.code(0);
    assert!(shown.stdout.ends_with(&plan.stdout), "{}", shown.stdout);
    let applied = cli.run_with(&["apply", "a.plan"]);
    applied.code(0);
    assert!(
        applied.stdout.starts_with(&plan.stdout),
        "{}",
        applied.stdout
    );
    assert_eq!(
        s3::cors("target-a"),
        vec![rule(&["https://www.example.com"], &["GET"])]
    );
    assert_eq!(
        s3::cors("target-b"),
        vec![rule(&["https://old.example.com"], &["GET"])]
    );

    // apply --target, planning afresh: a has drifted back; b still is not touched.
    s3::put_cors("target-a", &[rule(&["https://old.example.com"], &["GET"])]);

    let apply = cli.run_with(&[
        "apply",
        "-f",
        "manifest.yaml",
        "--target",
        "s3_bucket.target-a",
        "--auto-approve",
    ]);
    apply.code(0);
    assert!(
        apply.stdout.contains(
            "This plan is partial (--target): only s3_bucket.target-a was read and planned"
        ),
        "{}",
        apply.stdout
    );
    assert_eq!(
        s3::cors("target-a"),
        vec![rule(&["https://www.example.com"], &["GET"])]
    );
    assert_eq!(
        s3::cors("target-b"),
        vec![rule(&["https://old.example.com"], &["GET"])],
        "b is not a target: its live CORS is unchanged"
    );
    assert_eq!(
        proxy.heads_matching("/target-b"),
        Vec::<String>::new(),
        "nothing about b went out"
    );
}

#[test]
fn an_unknown_target_is_refused_with_the_address_it_was_likely_meant_as() {
    let manifest =
        "version: 1\nbuckets:\n  - name: target-typo\n    region: us-east-1\n    cors_rules: []\n";
    let cli = cors_sync().manifest(manifest);
    let target =
        |address: &str| cli.run_with(&["plan", "-f", "manifest.yaml", "--target", address]);
    assert_run!(target("s3_bucket.target-tpyo"), @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: --target s3_bucket.target-tpyo: the manifest manages no such resource; did you mean `s3_bucket.target-typo`?
    ");
    assert_run!(target("target-typo"), @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: --target `target-typo` is not a resource address (write s3_bucket.NAME, cloudfront_distribution.ID, origin_request_policy.NAME or response_headers_policy.NAME); did you mean `s3_bucket.target-typo`?
    ");
    assert_run!(target("cloudfront_distribution.E123"), @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: --target cloudfront_distribution.E123: the manifest manages no such resource
    ");
    // A saved plan applies the targets it was made with: --target beside it is refused.
    let run = cli.run_with(&["apply", "x.plan", "--target", "s3_bucket.target-typo"]);
    run.code(1);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
}

#[test]
fn a_targeted_distribution_is_planned_and_written_without_reading_the_buckets() {
    let id = crate::support::cloudfront::create_distribution("target-cdn", "target-cdn-assets");
    s3::create_bucket("target-cdn-assets", "us-east-1");
    s3::put_cors(
        "target-cdn-assets",
        &[rule(&["https://old.example.com"], &["GET"])],
    );
    let manifest = format!(
        r#"version: 1
buckets:
  - name: target-cdn-assets
    region: us-east-1
    cors_rules:
      - allowed_origins: ["https://www.example.com"]
        allowed_methods: [GET]
distributions:
  - id: {id}
    behaviors:
      default:
        allowed_methods: [GET, HEAD, OPTIONS]
        cached_methods: [GET, HEAD, OPTIONS]
"#
    );
    let proxy = FaultProxy::start(&emulator().endpoint);
    let cli = cors_sync()
        .manifest(&manifest)
        .endpoint(Some(&proxy.endpoint));
    let address = format!("cloudfront_distribution.{id}");
    let apply = cli.run_with(&[
        "apply",
        "-f",
        "manifest.yaml",
        "--target",
        &address,
        "--auto-approve",
    ]);
    apply.code(0);
    assert!(
        apply
            .stdout
            .contains(&format!("~ {address}: 1 behavior will be updated"))
            && apply.stdout.contains(&format!(
                "This plan is partial (--target): only {address} was read and planned"
            )),
        "{}",
        apply.stdout
    );
    assert_eq!(
        proxy.heads_matching("/target-cdn-assets"),
        Vec::<String>::new()
    );
    assert_eq!(
        s3::cors("target-cdn-assets"),
        vec![rule(&["https://old.example.com"], &["GET"])]
    );
    // The distribution now matches; the bucket, not targeted, still differs.
    cli.run_with(&[
        "plan",
        "-f",
        "manifest.yaml",
        "--target",
        &address,
        "--detailed-exitcode",
    ])
    .code(0);
    cli.run_with(&["plan", "-f", "manifest.yaml", "--detailed-exitcode"])
        .code(2);
}
