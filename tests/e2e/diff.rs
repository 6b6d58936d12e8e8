//! `cors-sync diff` offline: no credentials, an endpoint that answers nothing, and still the
//! change's effect on access, from two manifests or from a git revision against the working tree.

use std::process::Command;

use crate::support::{assert_run, cors_sync, CorsSync};

const BASE: &str = "version: 1\nbuckets:\n  - name: uploads\n    cors_rules:\n      - id: reads\n        allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [GET, HEAD]\n";
const HEAD: &str = "version: 1\nbuckets:\n  - name: uploads\n    cors_rules:\n      - id: reads\n        allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [GET, HEAD]\n      - id: partners\n        allowed_origins: [\"https://*.partner.example\"]\n        allowed_methods: [PUT, DELETE]\n";

/// No credentials and nowhere to send anything: whatever diff does, it does offline.
fn offline() -> CorsSync {
    cors_sync()
        .endpoint(Some("http://127.0.0.1:1"))
        .without_env("AWS_ACCESS_KEY_ID")
        .without_env("AWS_SECRET_ACCESS_KEY")
        .without_env("AWS_SESSION_TOKEN")
}

#[test]
fn diff_of_two_manifests_says_what_widens_with_exit_codes_for_ci() {
    let cli = offline().file("base.yaml", BASE).file("head.yaml", HEAD);
    let run = cli.run_with(&["diff", "base.yaml", "head.yaml"]);
    assert_run!(run, @r#"
    exit code: 0
    ----- stdout -----
    Access: widens access.
      s3_bucket.uploads: now allows PUT, DELETE from https://*.partner.example (rule 2 "partners", new)
    ----- stderr -----
    "#);
    let json = cli.run_with(&["diff", "base.yaml", "head.yaml", "--format", "json"]);
    json.code(0);
    assert_eq!(json.json()["headline"], "widens access");
    assert_eq!(
        json.json()["changes"][0]["methods"],
        serde_json::json!(["PUT", "DELETE"])
    );
    cli.run_with(&["diff", "base.yaml", "head.yaml", "--detailed-exitcode"])
        .code(2);
    cli.run_with(&["diff", "base.yaml", "head.yaml", "--fail-on-widen"])
        .code(3);
    cli.run_with(&["diff", "head.yaml", "base.yaml", "--fail-on-widen"])
        .code(0);
    cli.run_with(&["diff", "base.yaml", "base.yaml", "--detailed-exitcode"])
        .code(0);
    let markdown = cli.run_with(&["diff", "base.yaml", "head.yaml", "--format", "markdown"]);
    assert_run!(markdown, @r#"
    exit code: 0
    ----- stdout -----
    ### cors-sync diff: widens access

    #### Access changes: widens access

    - s3_bucket.uploads: now allows PUT, DELETE from https://*.partner.example (rule 2 "partners", new)
    ----- stderr -----
    "#);
}

#[test]
fn diff_base_ref_reads_the_manifest_at_a_revision_with_git() {
    let cli = offline().file("manifests/cors.yaml", BASE);
    let repo = cli.path("");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args([
                "-c",
                "user.name=cors-sync",
                "-c",
                "user.email=test@example.com",
            ])
            .args(args)
            .current_dir(&repo)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .expect("git");
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    let cli = cli.file("manifests/cors.yaml", HEAD);
    git(&["commit", "-q", "-am", "head"]);
    let run = cli.run_with(&[
        "diff",
        "--base-ref",
        "HEAD~1",
        "-f",
        "manifests",
        "--fail-on-widen",
    ]);
    assert_run!(run, @r#"
    exit code: 3
    ----- stdout -----
    Access: widens access.
      s3_bucket.uploads: now allows PUT, DELETE from https://*.partner.example (rule 2 "partners", new)
    ----- stderr -----
    "#);
    let unknown = cli.run_with(&["diff", "--base-ref", "no-such-ref", "-f", "manifests"]);
    unknown.code(1);
    assert!(
        unknown.stderr.starts_with("error: git ls-tree"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn a_base_ref_that_looks_like_an_option_reaches_git_as_a_ref() {
    let cli = offline().file("manifests/cors.yaml", BASE);
    let repo = cli.path("");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args([
                "-c",
                "user.name=cors-sync",
                "-c",
                "user.email=test@example.com",
            ])
            .args(args)
            .current_dir(&repo)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .expect("git");
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    for reference in ["--output=written-by-git", "-h", "--format=%(path)"] {
        let flag = format!("--base-ref={reference}");
        let run = cli.run_with(&["diff", flag.as_str(), "-f", "manifests"]);
        run.code(1);
        // git names it as a revision it cannot find, never as an option it took or refused.
        assert!(
            run.stderr
                .contains(&format!("fatal: Not a valid object name {reference}")),
            "{reference}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("usage:"), "{}", run.stderr);
    }
    let files: Vec<String> = std::fs::read_dir(&repo)
        .expect("list the repository")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !files.iter().any(|f| f.starts_with("written-by-git")),
        "{files:?}"
    );
}
