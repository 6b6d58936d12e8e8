//! The pull-request flow: Markdown comments, unmanaged-bucket reports, the schema, and the
//! example workflow's own commands.

use crate::saved_plans::two_buckets;
use crate::support::assert_run;
use crate::support::cors_sync;
use crate::support::emulator::repo_root;
use crate::support::s3::{self, rule};

#[test]
fn markdown_comments_for_changes_and_for_none() {
    s3::create_bucket("md-create", "us-east-1");
    s3::create_bucket("md-delete", "us-east-1");
    s3::put_cors("md-delete", &[rule(&["*"], &["GET"])]);
    let text = "version: 1\nbuckets:\n  - name: md-create\n    cors_rules:\n      - allowed_origins: [\"https://www.example.com\"]\n        allowed_methods: [GET, HEAD]\n  - name: md-delete\n    cors_rules: []\n";
    let cli = cors_sync().manifest(text);
    let plan = cli.run_with(&["plan", "-f", "manifest.yaml", "--format", "markdown"]);
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

    #### Access changes: changes access (widens, narrows)

    - s3_bucket.md-create: now allows GET, HEAD from https://www.example.com (rule 1, new); e.g. GET from https://www.example.com
    - s3_bucket.md-delete: no longer allows GET from * without credentials; e.g. GET from https://evil.example
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

    #### Access changes: no change to access
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
