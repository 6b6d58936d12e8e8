//! The pull-request flow: saved plans applied exactly or refused when stale, Markdown comments,
//! unmanaged-bucket reports, the schema, and the example workflow's own commands.

#![allow(deprecated)] // ForwardedValues: the legacy whitelist a test edits behind cors-sync's back.

use crate::support::assert_run;
use crate::support::cloudfront as cf;
use crate::support::cors_sync;
use crate::support::emulator::repo_root;
use crate::support::s3::{self, rule};

fn two_buckets(a: &str, b: &str) -> String {
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
    apply.code(1);
    assert_run!(apply, @r#"
    exit code: 1
    ----- stdout -----
    cors-sync will perform the following actions:

      + s3_bucket.stale-a (us-east-1): CORS configuration will be created
          --- live (no CORS configuration)
          +++ manifest
          @@ -0,0 +1,2 @@
          +- allowed_origins: ["https://www.example.com"]
          +  allowed_methods: [GET]

      + s3_bucket.stale-b (us-east-1): CORS configuration will be created
          --- live (no CORS configuration)
          +++ manifest
          @@ -0,0 +1,2 @@
          +- allowed_origins: ["https://www.example.com"]
          +  allowed_methods: [PUT]

    Plan: 2 to create, 0 to update, 0 to delete.
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
    apply.code(1);
    assert_run!(apply, redact id => "DIST", @"
    exit code: 1
    ----- stdout -----
    cors-sync will perform the following actions:

      ~ cloudfront_distribution.DIST: 1 behavior will be updated
          behavior default:
          --- live
          +++ manifest
          @@ -1,6 +1,6 @@
          -forward_headers: [Origin]
          +forward_headers: [Access-Control-Request-Method, Origin]
           cache_policy: null
           origin_request_policy: null
           response_headers_policy: null
           allowed_methods: [GET, HEAD]
           cached_methods: [GET, HEAD]

    Plan: 0 to create, 1 to update, 0 to delete.
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
            &good.replace("\"version\": 1", "\"version\": 7"),
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
    error: truncated.plan: the plan file is corrupt or truncated (EOF while parsing an object at line 30 column 6). Nothing was written.
    error: edited.plan: the plan file's checksum does not match its contents: it was corrupted or edited. Nothing was written.
    error: future.plan: the plan file has format version 7; this cors-sync reads version 1. Make the plan again with this cors-sync. Nothing was written.
    error: manifest-not-plan.plan: this is not a cors-sync plan file. Nothing was written.
    error: cannot read the plan file missing.plan: No such file or directory (os error 2)
    ");
    assert_eq!(s3::cors("corrupt-a"), vec![]);
}

#[test]
fn markdown_comments_for_changes_and_for_none() {
    s3::create_bucket("md-create", "us-east-1");
    s3::create_bucket("md-delete", "us-east-1");
    s3::put_cors("md-delete", &[rule(&["*"], &["GET"])]);
    let text = "version: 1\nbuckets:\n  - name: md-create\n    cors_rules:\n      - allowed_origins: [\"https://www.example.com\"]\n        allowed_methods: [GET, HEAD]\n  - name: md-delete\n    cors_rules: []\n";
    let cli = cors_sync().manifest(text);
    let plan = cli.run_with(&["plan", "-f", "manifest.yaml", "--format", "markdown"]);
    plan.code(0);
    assert_run!(plan, @r#"
    exit code: 0
    ----- stdout -----
    ### cors-sync plan: 1 to create, 0 to update, 1 to delete

    | Resource | Action |
    | --- | --- |
    | `s3_bucket.md-create` | create |
    | `s3_bucket.md-delete` | delete |

    <details><summary><code>s3_bucket.md-create</code>: create</summary>

    ```diff
    --- live (no CORS configuration)
    +++ manifest
    @@ -0,0 +1,2 @@
    +- allowed_origins: ["https://www.example.com"]
    +  allowed_methods: [GET, HEAD]
    ```

    </details>

    <details><summary><code>s3_bucket.md-delete</code>: delete</summary>

    ```diff
    --- live
    +++ manifest (no CORS configuration)
    @@ -1,2 +0,0 @@
    -- allowed_origins: ["*"]
    -  allowed_methods: [GET]
    ```

    </details>
    ----- stderr -----
    "#);
    cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    let none = cli.run_with(&["plan", "-f", "manifest.yaml", "--format", "markdown"]);
    assert_run!(none, @"
    exit code: 0
    ----- stdout -----
    ### cors-sync plan: no changes

    Live CORS configuration matches the manifest.
    ----- stderr -----
    ");
}

#[test]
fn report_unmanaged_lists_buckets_with_cors_the_manifest_does_not_name() {
    s3::create_bucket("report-managed", "us-east-1");
    s3::create_bucket("report-stray", "eu-west-1");
    s3::put_cors(
        "report-stray",
        &[rule(&["*"], &["GET"]), rule(&["https://a"], &["PUT"])],
    );
    let text = "version: 1\nbuckets:\n  - name: report-managed\n    cors_rules: []\n";
    let cli = cors_sync().manifest(text);
    // Other tests' buckets share the emulator, so only this test's lines are compared.
    let run = cli.run_with(&["plan", "-f", "manifest.yaml", "--report-unmanaged"]);
    run.code(0);
    assert!(
        run.stdout.starts_with("No changes."),
        "an unmanaged bucket is never a change: {}",
        run.stdout
    );
    assert!(run.stdout.contains("\nBuckets with a CORS configuration that the manifest does not name (information only; never changed):\n"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("\n  s3_bucket.report-stray (eu-west-1): 2 rules\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("report-managed"), "{}", run.stdout);

    let json = cli
        .run_with(&[
            "plan",
            "-f",
            "manifest.yaml",
            "--report-unmanaged",
            "--format",
            "json",
        ])
        .json();
    let stray: Vec<&serde_json::Value> = json["unmanaged"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["address"] == "s3_bucket.report-stray")
        .collect();
    assert_eq!(
        stray,
        [
            &serde_json::json!({"address": "s3_bucket.report-stray", "region": "eu-west-1", "rules": 2})
        ]
    );
    assert_eq!(json["changes"], serde_json::json!([]));
    assert_eq!(s3::cors("report-stray").len(), 2);
}

#[test]
fn schema_is_a_json_schema_of_the_manifest() {
    let run = cors_sync().endpoint(None).args(["schema"]).run();
    run.code(0);
    let schema = run.json();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["required"], serde_json::json!(["version"]));
    let rule = &schema["properties"]["buckets"]["items"]["properties"]["cors_rules"]["items"];
    assert_eq!(
        rule["properties"]["allowed_methods"]["items"]["enum"],
        serde_json::json!(["GET", "PUT", "POST", "DELETE", "HEAD"])
    );
    assert_eq!(rule["additionalProperties"], false);
}

/// The commands under `# cors-sync: STEP` markers in the example workflow, in order.
fn workflow_commands() -> Vec<(String, String)> {
    let workflow =
        std::fs::read_to_string(repo_root().join("examples/github-actions/cors-sync.yml")).unwrap();
    let lines: Vec<&str> = workflow.lines().collect();
    lines
        .windows(2)
        .filter_map(|pair| {
            let step = pair[0].trim().strip_prefix("# cors-sync: ")?;
            let command = pair[1].trim().strip_prefix("- run: ")?;
            Some((step.to_string(), command.to_string()))
        })
        .collect()
}

#[test]
fn the_example_workflow_commands_work_against_the_emulator() {
    let commands = workflow_commands();
    let steps: Vec<&str> = commands.iter().map(|(step, _)| step.as_str()).collect();
    assert_eq!(steps, ["validate", "plan", "apply"]);
    s3::create_bucket("workflow-a", "us-east-1");
    s3::create_bucket("workflow-b", "us-east-1");
    let cli = cors_sync().file(
        "manifests/app.yaml",
        &two_buckets("workflow-a", "workflow-b"),
    );
    for (step, command) in &commands {
        // Each command is `cors-sync ARGS [> FILE]`, as a shell would run it.
        let (command, redirect) = match command.split_once(" > ") {
            Some((command, file)) => (command, Some(file.trim())),
            None => (command.as_str(), None),
        };
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let run = cli.run_with(&args);
        run.code(0);
        if let Some(file) = redirect {
            assert!(
                run.stdout
                    .contains("### cors-sync plan: 2 to create, 0 to update, 0 to delete"),
                "{step}: {}",
                run.stdout
            );
            assert_eq!(file, "plan.md");
        }
    }
    assert_eq!(
        s3::cors("workflow-a"),
        vec![rule(&["https://www.example.com"], &["GET"])]
    );
    cli.run_with(&["plan", "-f", "manifests/", "--detailed-exitcode"])
        .code(0);
}
