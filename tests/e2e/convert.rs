//! Moving in and out offline: `convert` the AWS guide's own example and `export aws-json`, each
//! round-tripped through boto3 against the emulator, after which `plan` shows no changes.

use std::process::Command;

use crate::support::emulator::repo_root;
use crate::support::s3::{self, rule};
use crate::support::{assert_run, cors_sync, emulator};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        repo_root()
            .join("crates/core/tests/fixtures/convert")
            .join(name),
    )
    .expect("fixture")
}

/// `put-bucket-cors` as the AWS guide does it, through boto3: the file's rules, as S3 takes them.
fn boto3_put_bucket_cors(bucket: &str, file: &std::path::Path) {
    let script = r#"
import json, sys, boto3
bucket, path, endpoint = sys.argv[1:4]
document = json.load(open(path))
rules = document["CORSRules"] if isinstance(document, dict) else document
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test")
s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
"#;
    let status = Command::new(repo_root().join(".venv/bin/python"))
        .args(["-c", script, bucket])
        .arg(file)
        .arg(&emulator().endpoint)
        .status()
        .expect("run boto3 (make test installs it with moto into .venv)");
    assert!(status.success(), "boto3 put_bucket_cors {bucket}");
}

#[test]
fn the_aws_guides_example_converts_to_a_manifest_that_plans_to_no_changes() {
    s3::create_bucket("convert-guide", "us-east-1");
    let cli = cors_sync()
        .endpoint(None)
        .file("s3-cors.json", &fixture("s3-cors.json"));
    boto3_put_bucket_cors("convert-guide", &cli.path("s3-cors.json"));
    let run = cli.run_with(&[
        "convert",
        "aws-json",
        "s3-cors.json",
        "--bucket",
        "convert-guide",
    ]);
    run.code(0);
    assert_eq!(run.stderr, "");
    cors_sync().manifest(&run.stdout).assert_converged();
    // The same from stdin.
    let piped = cli.stdin(&fixture("s3-cors.json")).run_with(&[
        "convert",
        "aws-json",
        "-",
        "--bucket",
        "convert-guide",
    ]);
    assert_eq!(
        piped.stdout,
        run.stdout.replace("from s3-cors.json", "from -")
    );
}

#[test]
fn export_writes_what_put_bucket_cors_takes_and_plans_to_no_changes() {
    s3::create_bucket("export-rules", "us-east-1");
    let manifest = "version: 1\nbuckets:\n  - name: export-rules\n    cors_rules:\n      - id: web\n        allowed_origins: [\"https://www.example.com\"]\n        allowed_methods: [GET, HEAD]\n        allowed_headers: [Authorization]\n        expose_headers: [ETag]\n        max_age_seconds: 3000\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n  - name: export-none\n    cors_rules: []\n";
    let cli = cors_sync().endpoint(None).manifest(manifest);
    let run = cli.run_with(&[
        "export",
        "aws-json",
        "-f",
        "manifest.yaml",
        "--bucket",
        "export-rules",
    ]);
    assert_run!(run, @r#"
    exit code: 0
    ----- stdout -----
    {
      "CORSRules": [
        {
          "ID": "web",
          "AllowedHeaders": [
            "Authorization"
          ],
          "AllowedMethods": [
            "GET",
            "HEAD"
          ],
          "AllowedOrigins": [
            "https://www.example.com"
          ],
          "ExposeHeaders": [
            "ETag"
          ],
          "MaxAgeSeconds": 3000
        },
        {
          "AllowedMethods": [
            "GET"
          ],
          "AllowedOrigins": [
            "*"
          ]
        }
      ]
    }
    ----- stderr -----
    "#);
    let cli = cli.file("export-rules.json", &run.stdout);
    boto3_put_bucket_cors("export-rules", &cli.path("export-rules.json"));
    assert_eq!(
        s3::cors("export-rules")[1],
        rule(&["*"], &["GET"]),
        "written as exported"
    );
    cors_sync()
        .manifest("version: 1\nbuckets:\n  - name: export-rules\n    cors_rules:\n      - id: web\n        allowed_origins: [\"https://www.example.com\"]\n        allowed_methods: [GET, HEAD]\n        allowed_headers: [Authorization]\n        expose_headers: [ETag]\n        max_age_seconds: 3000\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n")
        .assert_converged();
    let all = cli.run_with(&[
        "export",
        "aws-json",
        "-f",
        "manifest.yaml",
        "--out-dir",
        "exported",
    ]);
    assert_run!(all, @"
    exit code: 0
    ----- stdout -----

    ----- stderr -----
    Wrote exported/export-rules.json.
    note: s3_bucket.export-none: no CORS (`cors_rules: []`), so nothing is written: use `aws s3api delete-bucket-cors --bucket export-none`
    ");
    assert!(cli.path("exported/export-rules.json").is_file());
    assert!(!cli.path("exported/export-none.json").exists());
    let ambiguous = cli.run_with(&["export", "aws-json", "-f", "manifest.yaml"]);
    assert_run!(ambiguous, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: the manifest has 2 buckets: name one with --bucket NAME, or write them all with --out-dir DIR
    ");
}

#[test]
fn convert_reads_terraform_and_cloudformation_offline_with_warnings_on_stderr() {
    let cli = cors_sync()
        .endpoint(Some("http://127.0.0.1:1"))
        .file("state.json", &fixture("terraform-state.json"))
        .file("template.yaml", &fixture("template.yaml"));
    let state = cli.run_with(&["convert", "terraform", "state.json"]);
    state.code(0);
    assert!(
        state
            .stdout
            .contains("# from state.json: module.uploads.aws_s3_bucket_cors_configuration.this"),
        "{}",
        state.stdout
    );
    assert!(state.stderr.starts_with("warning: aws_s3_bucket_cors_configuration.assets in state.json: bucket `example-assets` has 2 rules"), "{}", state.stderr);
    let template = cli.run_with(&["convert", "cloudformation", "template.yaml"]);
    template.code(0);
    assert!(
        template.stdout.contains("- name: example-cfn-assets"),
        "{}",
        template.stdout
    );
    let wrong = cli.run_with(&["convert", "terraform", "template.yaml"]);
    assert_run!(wrong, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: template.yaml: not JSON: expected value at line 1 column 1
    ");
}
