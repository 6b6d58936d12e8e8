//! `show PLANFILE`: a saved plan printed offline exactly as `plan` printed it, with where and
//! when it was made; a file that is not a whole plan is an error.

use crate::support::s3::{self, rule};
use crate::support::{cors_sync, snapshot_settings, CorsSync, Run};

/// A manifest whose plan has a change and a lint warning (CS001), so that every part of every
/// format is exercised.
fn manifest(bucket: &str) -> String {
    format!(
        r#"version: 1
buckets:
  - name: {bucket}
    cors_rules:
      - allowed_origins: ["*"]
        allowed_methods: [GET, PUT]
"#
    )
}

/// `show FILE ...` offline: no endpoint, no credentials.
fn show(cli: &CorsSync, args: &[&str]) -> Run {
    cli.run_with(&[&["show"], args].concat())
}

/// What varies between runs of a saved plan's account of itself.
fn settings() -> insta::Settings {
    let mut settings = snapshot_settings(&[]);
    settings.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[MADE_AT]");
    settings.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[DIGEST]");
    settings.add_filter(r"cors-sync \d+\.\d+\.\d+", "cors-sync [VERSION]");
    settings
}

#[test]
fn show_prints_a_saved_plan_exactly_as_plan_did_in_each_format() {
    s3::create_bucket("show-assets", "us-east-1");
    s3::put_cors(
        "show-assets",
        &[rule(&["https://old.example.com"], &["GET"])],
    );
    let cli = cors_sync().manifest(&manifest("show-assets"));
    let planned = |format: &str| {
        let file = format!("{format}.plan");
        let run = cli.run_with(&[
            "plan",
            "-f",
            "manifest.yaml",
            "--format",
            format,
            "--out",
            &file,
        ]);
        run.code(0);
        run
    };
    let offline = cors_sync()
        .endpoint(None)
        .without_env("AWS_ACCESS_KEY_ID")
        .without_env("AWS_SECRET_ACCESS_KEY")
        .without_env("AWS_SESSION_TOKEN");

    // Text: where and when, a blank line, then the plan exactly.
    let plan = planned("text");
    std::fs::copy(cli.path("text.plan"), offline.path("text.plan")).unwrap();
    let shown = show(&offline, &["text.plan"]);
    shown.code(0);
    let (provenance, rest) = shown.stdout.split_once("\n\n").unwrap();
    assert_eq!(rest, plan.stdout);
    assert!(
        provenance.starts_with("Saved plan text.plan\n"),
        "{provenance}"
    );
    settings().bind(|| insta::assert_snapshot!(shown.stdout, @r#"
    Saved plan text.plan
      made:      [MADE_AT] by cors-sync [VERSION]
      manifest:  manifest.yaml (sha256:[DIGEST])
      against:   account 123456789012, cloudfront endpoint http://EMULATOR, s3 endpoint http://EMULATOR
      signature: not signed

    cors-sync will perform the following actions:

      ~ s3_bucket.show-assets (us-east-1): CORS configuration will be updated
          --- live
          +++ manifest
          @@ -1,2 +1,2 @@
          -- allowed_origins: ["https://old.example.com"]
          -  allowed_methods: [GET]
          +- allowed_origins: ["*"]
          +  allowed_methods: [GET, PUT]

    Plan: 0 to create, 1 to update, 0 to delete.
    "#));

    // JSON: the plan's own document, with `saved_plan` added.
    let plan = planned("json");
    std::fs::copy(cli.path("json.plan"), offline.path("json.plan")).unwrap();
    let shown = show(&offline, &["json.plan", "--format", "json"]);
    shown.code(0);
    let mut document: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    let saved_plan = document
        .as_object_mut()
        .unwrap()
        .remove("saved_plan")
        .expect("saved_plan");
    let planned_document: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
    assert_eq!(document, planned_document);
    settings().bind(|| {
        insta::assert_snapshot!(serde_json::to_string_pretty(&saved_plan).unwrap(), @r#"
        {
          "file": "json.plan",
          "made_at": "[MADE_AT]",
          "created_by": "cors-sync [VERSION]",
          "manifest_path": "manifest.yaml",
          "manifest_sha256": "sha256:[DIGEST]",
          "made_in": {
            "account_id": "123456789012",
            "endpoints": {
              "cloudfront": "http://EMULATOR",
              "s3": "http://EMULATOR"
            }
          },
          "accounts": [],
          "signature": "unsigned"
        }
        "#)
    });

    // Markdown: the plan's comment exactly, then where and when.
    let plan = planned("markdown");
    std::fs::copy(cli.path("markdown.plan"), offline.path("markdown.plan")).unwrap();
    let shown = show(&offline, &["markdown.plan", "--format", "markdown"]);
    shown.code(0);
    assert!(
        shown.stdout.starts_with(&plan.stdout),
        "{}\n---\n{}",
        shown.stdout,
        plan.stdout
    );
    settings().bind(|| insta::assert_snapshot!(shown.stdout, @r#"
    ### cors-sync plan: 0 to create, 1 to update, 0 to delete

    | Resource | Action |
    | --- | --- |
    | `s3_bucket.show-assets` | update |

    <details><summary><code>s3_bucket.show-assets</code>: update</summary>

    ```diff
    --- live
    +++ manifest
    @@ -1,2 +1,2 @@
    -- allowed_origins: ["https://old.example.com"]
    -  allowed_methods: [GET]
    +- allowed_origins: ["*"]
    +  allowed_methods: [GET, PUT]
    ```

    </details>

    **Warnings**

    - `manifest.yaml:5:9`: CS001 wildcard-origin-with-writes: allowed_origins ["*"] with PUT: any website can write to this bucket from its visitors' browsers (list the origins that may write, or keep `*` for GET/HEAD only)

    #### Access changes: changes access (widens, narrows, changes)

    - s3_bucket.show-assets: now allows GET, PUT from * without credentials (rule 1, new); e.g. GET from https://evil.example
    - s3_bucket.show-assets: GET from https://old.example.com without credentials gets another answer: Access-Control-Allow-Origin `https://old.example.com` → `*`; Access-Control-Allow-Credentials `true` → absent; e.g. GET from https://old.example.com
    - s3_bucket.show-assets: no longer allows GET from https://old.example.com with credentials; e.g. GET from https://old.example.com, with credentials

    > Saved plan markdown.plan  
    >   made:      [MADE_AT] by cors-sync [VERSION]  
    >   manifest:  manifest.yaml (sha256:[DIGEST])  
    >   against:   account 123456789012, cloudfront endpoint http://EMULATOR, s3 endpoint http://EMULATOR  
    >   signature: not signed
    "#));
    // Nothing was applied by any of it.
    assert_eq!(
        s3::cors("show-assets"),
        vec![rule(&["https://old.example.com"], &["GET"])]
    );
}

#[test]
fn a_corrupt_or_foreign_file_is_a_clear_error() {
    let cli = cors_sync()
        .endpoint(None)
        .file("notes.txt", "remember the milk\n")
        .file(
            "cut.plan",
            "{\"format\": \"cors-sync-plan\", \"version\": 2, \"chec",
        )
        .file("other.json", "{\"hello\": \"world\"}\n");
    for (file, error) in [
        ("notes.txt", "notes.txt: this is not a cors-sync plan file"),
        (
            "cut.plan",
            "cut.plan: the plan file is corrupt or truncated (EOF while parsing a string at line 1 column 48)",
        ),
        ("other.json", "other.json: this is not a cors-sync plan file"),
        (
            "missing.plan",
            "cannot read the plan file missing.plan: No such file or directory (os error 2)",
        ),
    ] {
        let run = show(&cli, &[file]);
        run.code(1);
        assert_eq!(run.stdout, "", "{file}");
        assert_eq!(run.stderr, format!("error: {error}\n"), "{file}");
    }
}
