//! Findings in CI's own formats from the binary: SARIF validated against the OASIS SARIF 2.1.0
//! schema (vendored in `tests/fixtures/sarif/`, with Python's jsonschema from the emulator's venv),
//! validate's JSON contract, and exit codes.

use std::process::Command;

use crate::support::emulator::repo_root;
use crate::support::s3;
use crate::support::{cors_sync, CorsSync};

const PROBLEMS: &str = "version: 1\nbuckets:\n  - name: findings-bad\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET, get]\n";
const LINTS: &str = "version: 1\nbuckets:\n  - name: findings-lints\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [PUT]\n";

/// Fails the test unless `file` (in the scratch directory) is valid SARIF 2.1.0.
fn assert_valid_sarif(cli: &CorsSync, file: &str) {
    let schema = repo_root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    assert!(
        schema.is_file(),
        "the SARIF schema is missing at {} (it is part of the repository)",
        schema.display()
    );
    let script = "import json, sys, jsonschema\njsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))";
    let checked = Command::new(repo_root().join(".venv/bin/python"))
        .args(["-c", script])
        .arg(cli.path(file))
        .arg(&schema)
        .output()
        .expect("run python (make test installs it into .venv)");
    assert!(
        checked.status.success(),
        "{file} is not valid SARIF 2.1.0: {}",
        String::from_utf8_lossy(&checked.stderr)
    );
}

#[test]
fn validate_and_plan_write_sarif_that_the_schema_accepts() {
    let bad = cors_sync().endpoint(None).manifest(PROBLEMS);
    let run = bad.run_with(&["validate", "-f", "manifest.yaml", "--format", "sarif"]);
    run.code(1);
    let sarif: serde_json::Value = run.json();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "CS000");
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        6
    );
    let bad = bad.file("bad.sarif", &run.stdout);
    assert_valid_sarif(&bad, "bad.sarif");

    s3::create_bucket("findings-lints", "us-east-1");
    let linted = cors_sync().manifest(LINTS);
    let plan = linted.run_with(&["plan", "-f", "manifest.yaml", "--format", "sarif"]);
    plan.code(0);
    let sarif: serde_json::Value = plan.json();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "CS001");
    assert_eq!(sarif["runs"][0]["results"][0]["level"], "warning");
    let linted = linted.file("plan.sarif", &plan.stdout);
    assert_valid_sarif(&linted, "plan.sarif");
}

#[test]
fn validate_json_and_github_formats_exit_as_validate_does() {
    let clean = cors_sync().endpoint(None).manifest(LINTS);
    let json = clean.run_with(&["validate", "-f", "manifest.yaml", "--format", "json"]);
    json.code(0);
    assert_eq!(json.json()["valid"], true);
    assert_eq!(json.json()["warning_count"], 1);
    let strict = clean.run_with(&[
        "validate",
        "-f",
        "manifest.yaml",
        "--format",
        "json",
        "--strict",
    ]);
    strict.code(1);
    assert_eq!(strict.json()["valid"], false);
    let github = cors_sync().endpoint(None).manifest(PROBLEMS).run_with(&[
        "validate",
        "-f",
        "manifest.yaml",
        "--format",
        "github",
    ]);
    github.code(1);
    assert!(
        github.stdout.starts_with(
            "::error file=manifest.yaml,line=6,col=32,title=cors-sync CS000 invalid-manifest::"
        ),
        "{}",
        github.stdout
    );
}
