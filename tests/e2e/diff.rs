//! `cors-sync diff` offline: no credentials, an endpoint that answers nothing, and still the
//! change's effect on access, from two manifests or from a git revision against the working tree.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::cloudfront as cf;
use crate::support::emulator;
use crate::support::fault_proxy::{Fault, FaultKind, FaultProxy};
use crate::support::s3;
use crate::support::{assert_run, cors_sync, CorsSync};

const BASE: &str = "version: 1\nbuckets:\n  - name: uploads\n    cors_rules:\n      - id: reads\n        allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [GET, HEAD]\n";
const HEAD: &str = "version: 1\nbuckets:\n  - name: uploads\n    cors_rules:\n      - id: reads\n        allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [GET, HEAD]\n      - id: partners\n        allowed_origins: [\"https://*.partner.example\"]\n        allowed_methods: [PUT, DELETE]\n";

/// No credentials and nowhere to send anything: whatever diff does, it does offline. (The
/// `check` runs that confirm a CloudFront example read the distribution from the emulator; diff
/// itself never does.)
fn offline() -> CorsSync {
    cors_sync()
        .endpoint(Some("http://127.0.0.1:1"))
        .without_env("AWS_ACCESS_KEY_ID")
        .without_env("AWS_SECRET_ACCESS_KEY")
        .without_env("AWS_SESSION_TOKEN")
}

/// Runs git in `repo` as a fixed author, with no global configuration; fails the test if git
/// does.
fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=cors-sync",
            "-c",
            "user.email=test@example.com",
        ])
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}

/// An offline run in a git repository whose one commit holds BASE as `manifests/cors.yaml`; and
/// that repository.
fn committed_base() -> (CorsSync, PathBuf) {
    let cli = offline().file("manifests/cors.yaml", BASE);
    let repo = cli.path("");
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    (cli, repo)
}

#[test]
fn diff_of_two_manifests_says_what_widens_with_exit_codes_for_ci() {
    let cli = offline().file("base.yaml", BASE).file("head.yaml", HEAD);
    let run = cli.run_with(&["diff", "base.yaml", "head.yaml"]);
    assert_run!(run, @r#"
    exit code: 0
    ----- stdout -----
    Access: widens access.
      s3_bucket.uploads: now allows PUT, DELETE from https://*.partner.example (rule 2 "partners", new); e.g. PUT from https://evil.partner.example
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

    - s3_bucket.uploads: now allows PUT, DELETE from https://*.partner.example (rule 2 "partners", new); e.g. PUT from https://evil.partner.example
    ----- stderr -----
    "#);
}

#[test]
fn diff_base_ref_reads_the_manifest_at_a_revision_with_git() {
    let (cli, repo) = committed_base();
    let cli = cli.file("manifests/cors.yaml", HEAD);
    git(&repo, &["commit", "-q", "-am", "head"]);
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
      s3_bucket.uploads: now allows PUT, DELETE from https://*.partner.example (rule 2 "partners", new); e.g. PUT from https://evil.partner.example
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

/// `diff BASE HEAD --fail-on-widen --format json` must exit 3, and the example of its first
/// widening must be what `check` finds DENIED against `confirm_base` (BASE, or BASE with the
/// bucket written as having no CORS when HEAD adds it) and ALLOWED against HEAD. Returns the
/// JSON report.
fn widening_confirmed(base: &str, head: &str, confirm_base: &str) -> serde_json::Value {
    let cli = offline()
        .file("base.yaml", base)
        .file("head.yaml", head)
        .file("confirm-base.yaml", confirm_base);
    confirmed_widening(&cli, |_| true)
}

/// `diff base.yaml head.yaml --fail-on-widen --format json` in `cli` must exit 3, and the example
/// of its first widening of a resource `at` accepts must be what `check` finds DENIED against
/// confirm-base.yaml and ALLOWED against head.yaml. Returns the JSON report.
fn confirmed_widening(cli: &CorsSync, at: impl Fn(&str) -> bool) -> serde_json::Value {
    let run = cli.run_with(&[
        "diff",
        "base.yaml",
        "head.yaml",
        "--fail-on-widen",
        "--format",
        "json",
    ]);
    run.code(3);
    let report = run.json();
    let widening = report["changes"]
        .as_array()
        .and_then(|changes| {
            changes
                .iter()
                .find(|c| c["effect"] == "widens" && c["resource"].as_str().is_some_and(&at))
        })
        .unwrap_or_else(|| panic!("no widening reported: {report:#}"))
        .clone();
    let example = &widening["example"];
    let mut args = vec![
        "check".to_string(),
        check_target(widening["resource"].as_str().expect("resource")),
        "--origin".into(),
        example["origin"].as_str().expect("origin").into(),
        "--method".into(),
        example["method"].as_str().expect("method").into(),
    ];
    for header in example["headers"].as_array().expect("headers") {
        args.extend(["--header".into(), header.as_str().expect("header").into()]);
    }
    if example["credentials"].as_bool().expect("credentials") {
        args.push("--credentials".into());
    }
    // DENIED at the base, ALLOWED at the head.
    for (manifest, code) in [("confirm-base.yaml", 2), ("head.yaml", 0)] {
        let mut with = args.clone();
        with.extend(["-f".into(), manifest.into()]);
        let checked = cli.run_with(&with);
        assert_eq!(
            checked.code, code,
            "{manifest}: {example}\n{}{}\n{report:#}",
            checked.stdout, checked.stderr
        );
    }
    report
}

/// `check`'s target for a resource diff names: `s3_bucket.B` or
/// `cloudfront_distribution.ID behavior PATH` (a path its pattern matches).
fn check_target(resource: &str) -> String {
    if let Some(bucket) = resource.strip_prefix("s3_bucket.") {
        return format!("s3://{bucket}");
    }
    let rest = resource
        .strip_prefix("cloudfront_distribution.")
        .unwrap_or_else(|| panic!("a resource diff names: {resource}"));
    let (id, path) = rest.split_once(" behavior ").expect("a behavior");
    let path = if path == "default" {
        "/index.html".to_string()
    } else {
        path.replace('*', "x")
    };
    format!("cloudfront://{id}{path}")
}

fn bucket(rules: &str) -> String {
    format!("version: 1\nbuckets:\n  - name: uploads\n    cors_rules:\n{rules}")
}

#[test]
fn a_new_bucket_open_to_every_origin_widens_access() {
    let other = "version: 1\nbuckets:\n  - name: other\n    cors_rules: []\n";
    let head = format!("{other}  - name: uploads\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [PUT, POST, DELETE]\n");
    let confirm_base = format!("{other}  - name: uploads\n    cors_rules: []\n");
    let report = widening_confirmed(other, &head, &confirm_base);
    assert_eq!(report["headline"], "widens access", "{report:#}");
    assert_eq!(report["added"], serde_json::json!(["s3_bucket.uploads"]));
}

#[test]
fn two_header_rules_merged_into_one_widen_access_for_both_headers_at_once() {
    let one = |header: &str| {
        format!("      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [PUT]\n        allowed_headers: [{header}]\n")
    };
    let base = bucket(&format!("{}{}", one("x-first"), one("x-second")));
    let head = bucket(&one("x-first, x-second"));
    let report = widening_confirmed(&base, &head, &base);
    let widening = &report["changes"][0];
    let mut headers: Vec<String> = widening["example"]["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .map(|h| h.as_str().unwrap_or_default().to_ascii_lowercase())
        .collect();
    headers.sort();
    assert_eq!(headers, ["x-first", "x-second"], "{report:#}");
}

#[test]
fn a_wildcard_widened_past_its_representative_widens_access_even_beside_a_narrowing() {
    let base = bucket("      - allowed_origins: [\"https://c*.example.com\"]\n        allowed_methods: [GET, PUT, DELETE]\n");
    let head = bucket("      - allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [GET, PUT]\n");
    let report = widening_confirmed(&base, &head, &base);
    let effects: Vec<&str> = report["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["effect"].as_str())
        .collect();
    assert!(
        effects.contains(&"widens") && effects.contains(&"narrows"),
        "{report:#}"
    );
    assert_ne!(report["headline"], "narrows access", "{report:#}");
}

#[test]
fn a_rule_reorder_that_lets_a_credentialed_request_through_widens_access() {
    let star = "      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n";
    let app =
        "      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [GET]\n";
    let base = bucket(&format!("{star}{app}"));
    let head = bucket(&format!("{app}{star}"));
    let report = widening_confirmed(&base, &head, &base);
    let widening = report["changes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["effect"] == "widens"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(widening["example"]["credentials"], true, "{report:#}");
}

/// A distribution in the emulator in front of `bucket`, and the manifest text naming the bucket
/// with one rule that lets only https://app.example.com GET.
fn distribution_and_bucket(reference: &str, bucket: &str) -> (String, String) {
    s3::create_bucket(bucket, "us-east-1");
    let id = cf::create_distribution(reference, bucket);
    let text = format!("version: 1\nbuckets:\n  - name: {bucket}\n    cors_rules:\n      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [GET]\n");
    (id, text)
}

/// `widening_confirmed`, with `check` able to read the distribution from the emulator (through a
/// proxy answering ListResponseHeadersPolicies, which the emulator lacks, with the empty list a
/// fresh account has).
fn widening_confirmed_at_the_edge(base: &str, head: &str) -> serde_json::Value {
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::kind(
        "GET",
        "/2020-05-31/response-headers-policy",
        FaultKind::Xml("<ResponseHeadersPolicyList><MaxItems>100</MaxItems><Quantity>0</Quantity></ResponseHeadersPolicyList>"),
    ));
    let cli = cors_sync()
        .endpoint(Some(&proxy.endpoint))
        .file("base.yaml", base)
        .file("head.yaml", head)
        .file("confirm-base.yaml", base);
    confirmed_widening(&cli, |resource| {
        resource.starts_with("cloudfront_distribution.")
    })
}

#[test]
fn a_response_headers_policy_opened_to_every_origin_and_forwarding_stopped_widen_access() {
    let (id, bucket) = distribution_and_bucket("diff-edge-policy", "diff-edge-policy-assets");
    // The origin request policies are AWS-managed ones: CORS-S3Origin forwards Origin and both
    // Access-Control-Request-* headers, UserAgentRefererHeaders none of them.
    let policies = |origins: &str, methods: &str, headers: &str| {
        format!("response_headers_policies:\n  - name: diff-cors\n    cors:\n      allow_origins: [{origins}]\n      allow_methods: [{methods}]\n      allow_headers: [{headers}]\n      allow_credentials: false\n      origin_override: false\n")
    };
    let behavior = |forward: &str| {
        format!("distributions:\n  - id: {id}\n    behaviors:\n      default:\n        cache_policy: Managed-CachingDisabled\n        origin_request_policy: {forward}\n        allowed_methods: [GET, HEAD, OPTIONS]\n        cached_methods: [GET, HEAD]\n        response_headers_policy: diff-cors\n")
    };
    let base = format!(
        "{bucket}{}{}",
        policies("\"https://app.example.com\"", "GET", ""),
        behavior("Managed-CORS-S3Origin")
    );
    let head = format!(
        "{bucket}{}{}",
        policies("\"*\"", "ALL", "\"*\""),
        behavior("Managed-UserAgentRefererHeaders")
    );
    let report = widening_confirmed_at_the_edge(&base, &head);
    assert_eq!(report["headline"], "changes access", "{report:#}");
}

#[test]
fn a_behavior_moved_to_a_cache_policy_and_a_new_behavior_with_a_managed_policy_widen_access() {
    let (id, bucket) = distribution_and_bucket("diff-edge-managed", "diff-edge-managed-assets");
    let base = format!("{bucket}distributions:\n  - id: {id}\n    behaviors:\n      default:\n        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]\n        allowed_methods: [GET, HEAD, OPTIONS]\n        cached_methods: [GET, HEAD, OPTIONS]\n");
    let head = format!("{bucket}distributions:\n  - id: {id}\n    behaviors:\n      default:\n        cache_policy: Managed-CachingOptimized\n        allowed_methods: [GET, HEAD, OPTIONS]\n        cached_methods: [GET, HEAD, OPTIONS]\n      /fonts/*:\n        response_headers_policy: Managed-CORS-With-Preflight\n");
    let report = widening_confirmed_at_the_edge(&base, &head);
    let said = report.to_string();
    assert!(said.contains("behavior default"), "{report:#}");
}

#[test]
fn plan_markdown_says_what_a_behavior_change_does_through_the_edge() {
    let bucket = "diff-plan-edge-assets";
    s3::create_bucket(bucket, "us-east-1");
    let rules = [cors_sync_core::bucket_cors::CorsRule::allowing(
        &["https://app.example.com"],
        &["GET"],
    )];
    s3::put_cors(bucket, &rules);
    let id = cf::create_distribution("diff-plan-edge", bucket);
    let manifest = format!(
        "{}distributions:\n  - id: {id}\n    behaviors:\n      default:\n        response_headers_policy: Managed-CORS-With-Preflight\n",
        crate::support::bucket_manifest(bucket, &rules)
    );
    let run = cors_sync().manifest(&manifest).run_with(&[
        "plan",
        "-f",
        "manifest.yaml",
        "--format",
        "markdown",
    ]);
    run.code(0);
    let access = run
        .stdout
        .split("#### Access changes")
        .nth(1)
        .unwrap_or_else(|| panic!("no Access changes: {}", run.stdout));
    assert!(access.starts_with(": widens access"), "{}", run.stdout);
    assert!(
        access.contains(&format!("- cloudfront_distribution.{id} behavior default: now allows GET, HEAD from https://evil.example without credentials (through its origin s3_bucket.{bucket}); e.g. GET from https://evil.example")),
        "{}",
        run.stdout
    );
}

#[test]
fn a_base_ref_that_looks_like_an_option_reaches_git_as_a_ref() {
    let (cli, repo) = committed_base();
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
