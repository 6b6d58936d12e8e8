//! `cors-sync check`: the browser's question answered from the manifest or from live state.

use crate::support::assert_run;
use crate::support::cloudfront as cf;
use crate::support::s3::{self, rule};
use crate::support::{cors_sync, CorsSync, Run};

const MANIFEST: &str = r#"version: 1
buckets:
  - name: check-assets
    cors_rules:
      - id: reads
        allowed_origins: ["https://*.example.com"]
        allowed_methods: [GET, HEAD]
      - id: uploads
        allowed_origins: ["https://app.example.com"]
        allowed_methods: [PUT]
        allowed_headers: [Content-Type, "x-amz-*"]
        max_age_seconds: 600
"#;

/// `check TARGET --origin ORIGIN --method METHOD MORE...`, offline, judged by MANIFEST (kept as
/// manifests/app.yaml, where `check` looks by default).
fn check(target: &str, origin: &str, method: &str, more: &[&str]) -> Run {
    let offline = cors_sync()
        .endpoint(None)
        .file("manifests/app.yaml", MANIFEST);
    check_in(&offline, target, origin, method, more)
}

/// `check TARGET --origin ORIGIN --method METHOD MORE...` in `cli`.
fn check_in(cli: &CorsSync, target: &str, origin: &str, method: &str, more: &[&str]) -> Run {
    let mut args = vec!["check", target, "--origin", origin, "--method", method];
    args.extend(more);
    cli.run_with(&args)
}

#[test]
fn allowed_and_denied_requests_against_the_manifest() {
    let allowed = check(
        "s3://check-assets/photo.jpg",
        "https://app.example.com",
        "PUT",
        &["--header", "Content-Type", "--header", "X-Amz-Date"],
    );
    assert_run!(allowed, @"
    exit code: 0
    ----- stdout -----
    s3://check-assets/photo.jpg, by the manifest: PUT from https://app.example.com with headers Content-Type, X-Amz-Date
    note: `Content-Type` is given without a value, so it is judged as not CORS-safelisted (give `--header 'Content-Type: VALUE'`)

    preflight (OPTIONS): passes
      rule 2 matched (id uploads)
      HTTP 200
      Access-Control-Allow-Origin: https://app.example.com
      Access-Control-Allow-Credentials: true
      Access-Control-Allow-Methods: PUT
      Access-Control-Allow-Headers: content-type, x-amz-date
      Access-Control-Max-Age: 600
      Vary: Origin, Access-Control-Request-Headers, Access-Control-Request-Method
      asked: Access-Control-Request-Headers: content-type,x-amz-date

    PUT request: passes
      rule 2 matched (id uploads)
      HTTP 200
      Access-Control-Allow-Origin: https://app.example.com
      Access-Control-Allow-Credentials: true
      Access-Control-Allow-Methods: PUT
      Access-Control-Max-Age: 600
      Vary: Origin, Access-Control-Request-Headers, Access-Control-Request-Method

    ALLOWED: the browser's request works.
    ----- stderr -----
    ");
    let denied = check(
        "s3://check-assets",
        "https://evil.example.net",
        "DELETE",
        &[],
    );
    assert_run!(denied, @"
    exit code: 2
    ----- stdout -----
    s3://check-assets, by the manifest: DELETE from https://evil.example.net

    preflight (OPTIONS): fails
      This CORS request is not allowed. No rule matched.
      HTTP 403
      the browser: the preflight answer is 403, not a success status
      rule 1 (id reads): the origin is not in allowed_origins
      rule 2 (id uploads): the origin is not in allowed_origins

    DELETE request: never sent: the browser stops at the failed preflight

    DENIED: the browser blocks this request.
    ----- stderr -----
    ");
    let simple = check(
        "s3://check-assets",
        "https://www.example.com",
        "GET",
        &["--format", "json"],
    );
    simple.code(0);
    let document = simple.json();
    assert_eq!(
        document["preflight"],
        serde_json::Value::Null,
        "a simple GET needs no preflight"
    );
    assert_eq!(document["actual"]["evaluation"]["matched_rule"], 0);
    assert_eq!(document["allowed"], true);
}

#[test]
fn live_state_is_checked_with_live() {
    s3::create_bucket("check-live", "us-east-1");
    s3::put_cors("check-live", &[rule(&["https://a.example"], &["GET"])]);
    let cli = cors_sync();
    check_in(
        &cli,
        "s3://check-live",
        "https://a.example",
        "GET",
        &["--live"],
    )
    .code(0);
    check_in(
        &cli,
        "s3://check-live",
        "https://b.example",
        "GET",
        &["--live"],
    )
    .code(2);
    let missing = check_in(
        &cli,
        "s3://check-nowhere",
        "https://a.example",
        "PUT",
        &["--live"],
    );
    missing.code(2);
    assert!(
        missing.stdout.contains("HTTP 403") && missing.stdout.contains("Bucket not found"),
        "{}",
        missing.stdout
    );
}

#[test]
fn cloudfront_in_front_of_the_bucket_is_modelled() {
    s3::create_bucket("check-cdn-assets", "us-east-1");
    let id = cf::create_distribution("check-cdn", "check-cdn-assets");
    let bucket = "buckets:\n  - name: check-cdn-assets\n    cors_rules:\n      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [GET, PUT]\n        allowed_headers: [\"*\"]\n";
    let broken = format!("version: 1\n{bucket}");
    let cli = cors_sync().file("manifests/app.yaml", &broken);
    let target = format!("cloudfront://{id}/uploads/x.bin");
    let denied = check_in(
        &cli,
        &target,
        "https://app.example.com",
        "GET",
        &["--header", "X-Custom"],
    );
    assert_run!(denied, redact id => "DIST", @"
    exit code: 2
    ----- stdout -----
    cloudfront://DIST/uploads/x.bin (behavior default, bucket check-cdn-assets), by the manifest: GET from https://app.example.com with headers X-Custom

    preflight (OPTIONS): fails
      the behavior does not allow OPTIONS: CloudFront refuses it before it reaches S3
      HTTP 403
      the browser: the preflight answer is 403, not a success status
      asked: Access-Control-Request-Headers: x-custom

    GET request: never sent: the browser stops at the failed preflight

    DENIED: the browser blocks this request.
    ----- stderr -----
    ");

    let fixed = format!(
        "version: 1\n{bucket}distributions:\n  - id: {id}\n    behaviors:\n      default:\n        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]\n        allowed_methods: [GET, HEAD, OPTIONS]\n        cached_methods: [GET, HEAD, OPTIONS]\n"
    );
    let allowed = check_in(
        &cors_sync().file("manifests/app.yaml", &fixed),
        &target,
        "https://app.example.com",
        "GET",
        &["--header", "X-Custom"],
    );
    allowed.code(0);
    assert!(allowed.stdout.contains("ALLOWED"), "{}", allowed.stdout);
    // The fonts behavior uses managed policies: CORS-S3Origin forwards everything S3 needs.
    let fonts = check_in(
        &cors_sync().file("manifests/app.yaml", &fixed),
        &format!("cloudfront://{id}/fonts/a.woff2"),
        "https://app.example.com",
        "GET",
        &[],
    );
    fonts.code(0);
}

#[test]
fn a_bad_target_or_unknown_bucket_is_an_error() {
    let run = check("https://x", "https://a", "GET", &[]);
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: `https://x` is not a target: use s3://BUCKET[/KEY] or cloudfront://DISTRIBUTION_ID[/PATH]
    ");
    let run = check("s3://not-in-manifest", "https://a", "GET", &[]);
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: bucket `not-in-manifest` is not in the manifest; use --live to check its live configuration
    ");
    let run = check("s3://check-assets", "app.example.com:443", "GET", &[]);
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: `app.example.com:443` is not an origin a page can have (its scheme app.example.com has no origin): write scheme://host[:port]
    ");
}

#[test]
fn a_header_written_as_name_equals_value_is_refused_with_its_spelling() {
    let with_header = |header: &str| {
        check(
            "s3://check-assets",
            "https://app.example.com",
            "PUT",
            &["--header", header],
        )
    };
    assert_run!(with_header("Content-Type=application/json"), @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: --header `Content-Type=application/json` is not a header name: did you mean `Content-Type: application/json`?
    ");
    assert_run!(with_header("Content Type"), @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: --header `Content Type`: `Content Type` is not a header name (only letters, digits and !#$%&'*+-.^_`|~); give `NAME: VALUE` or `NAME`
    ");
}

#[test]
fn lints_warn_in_validate_and_plan_fail_with_strict_and_can_be_silenced() {
    let risky = "version: 1\nbuckets:\n  - name: lint-e2e\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET, PUT]\n";
    let cli = cors_sync().endpoint(None).manifest(risky);
    let validate = cli.run_with(&["validate", "-f", "manifest.yaml"]);
    validate.code(0);
    assert_eq!(
        validate.stdout,
        "The manifest is valid: 1 bucket, 1 CORS rule (1 warning).\n"
    );
    assert_run!(validate, @r#"
    exit code: 0
    ----- stdout -----
    The manifest is valid: 1 bucket, 1 CORS rule (1 warning).
    ----- stderr -----
    manifest.yaml:5:9: warning: CS001 wildcard-origin-with-writes: allowed_origins ["*"] with PUT: any website can write to this bucket from its visitors' browsers
      help: list the origins that may write, or keep `*` for GET/HEAD only
    "#);
    let strict = cli.run_with(&["validate", "-f", "manifest.yaml", "--strict"]);
    strict.code(1);
    assert!(
        strict.stderr.contains("manifest.yaml:5:9: error: CS001"),
        "{}",
        strict.stderr
    );
    let silenced = risky.replace(
        "    cors_rules:",
        "    silence_lints:\n      CS001: an upload demo bucket, no data\n    cors_rules:",
    );
    let quiet = cors_sync().endpoint(None).manifest(&silenced).run_with(&[
        "validate",
        "-f",
        "manifest.yaml",
        "--strict",
    ]);
    quiet.code(0);
    assert_eq!(quiet.stderr, "");
}

#[test]
fn plan_warns_about_a_distribution_that_keeps_preflights_from_a_managed_bucket() {
    s3::create_bucket("lint-cdn-assets", "us-east-1");
    let id = cf::create_distribution("lint-cdn", "lint-cdn-assets");
    let text = format!("version: 1\nbuckets:\n  - name: lint-cdn-assets\n    cors_rules:\n      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [GET]\ndistributions:\n  - id: {id}\n    behaviors:\n      \"/fonts/*\":\n        response_headers_policy: null\n");
    let plan = cors_sync()
        .manifest(&text)
        .run_with(&["plan", "-f", "manifest.yaml"]);
    assert_run!(plan, redact id => "DIST", @r#"
    exit code: 0
    ----- stdout -----
    cors-sync will perform the following actions:

      + s3_bucket.lint-cdn-assets (us-east-1): CORS configuration will be created
          --- live (no CORS configuration)
          +++ manifest
          @@ -0,0 +1,2 @@
          +- allowed_origins: ["https://app.example.com"]
          +  allowed_methods: [GET]

    Plan: 1 to create, 0 to update, 0 to delete.
    ----- stderr -----
    manifest.yaml:8:5: warning: CS101 preflight-not-forwarded: distribution DIST behavior default (in front of bucket lint-cdn-assets): CloudFront does not forward what S3's CORS answer needs, so preflights cannot pass
      help: forward Origin, Access-Control-Request-Method and Access-Control-Request-Headers (Managed-CORS-S3Origin, or forward_headers)
    manifest.yaml:8:5: warning: CS102 options-not-allowed: distribution DIST behavior default (in front of bucket lint-cdn-assets) allows [GET, HEAD] and caches [GET, HEAD]: the behavior does not allow (or cache) OPTIONS, so preflights fail or hit S3 every time
      help: allowed_methods: [GET, HEAD, OPTIONS] and cached_methods: [GET, HEAD, OPTIONS]
    manifest.yaml:10:7: warning: CS103 origin-not-in-cache-key: distribution DIST behavior /fonts/* (in front of bucket lint-cdn-assets): Origin reaches S3 but is not in the cache key: one site's CORS answer can be served to another
      help: put Origin in the cache key (a cache policy that includes it, or the legacy whitelist), or attach a response headers policy with origin_override: true
    manifest.yaml:10:7: warning: CS102 options-not-allowed: distribution DIST behavior /fonts/* (in front of bucket lint-cdn-assets) allows [GET, HEAD] and caches [GET, HEAD]: the behavior does not allow (or cache) OPTIONS, so preflights fail or hit S3 every time
      help: allowed_methods: [GET, HEAD, OPTIONS] and cached_methods: [GET, HEAD, OPTIONS]
    manifest.yaml:8:5: warning: CS101 preflight-not-forwarded: distribution DIST behavior /legacy/* (in front of bucket lint-cdn-assets): CloudFront does not forward what S3's CORS answer needs, so preflights cannot pass
      help: forward Origin, Access-Control-Request-Method and Access-Control-Request-Headers (Managed-CORS-S3Origin, or forward_headers)
    manifest.yaml:8:5: warning: CS102 options-not-allowed: distribution DIST behavior /legacy/* (in front of bucket lint-cdn-assets) allows [GET, HEAD] and caches [GET, HEAD]: the behavior does not allow (or cache) OPTIONS, so preflights fail or hit S3 every time
      help: allowed_methods: [GET, HEAD, OPTIONS] and cached_methods: [GET, HEAD, OPTIONS]
    "#);
    let strict = cors_sync()
        .manifest(&text)
        .run_with(&["plan", "-f", "manifest.yaml", "--strict"]);
    strict.code(1);
    assert_eq!(strict.stdout, "", "no plan with --strict and lints");
}

#[test]
fn forbidden_headers_are_dropped_as_fetch_drops_them() {
    // fetch() drops Cookie, Content-Length and Sec-*: the GET stays simple, needs no preflight.
    let run = check(
        "s3://check-assets",
        "https://www.example.com",
        "GET",
        &[
            "--header",
            "Cookie: session=1",
            "--header",
            "Content-Length: 5",
            "--header",
            "Sec-Fetch-Mode",
            "--format",
            "json",
        ],
    );
    run.code(0);
    let document = run.json();
    assert_eq!(
        document["preflight"],
        serde_json::Value::Null,
        "{document:#}"
    );
    let notes = document["notes"].to_string();
    for header in ["Cookie", "Content-Length", "Sec-Fetch-Mode"] {
        assert!(
            notes.contains(&format!("`{header}` is a forbidden request header")),
            "{notes}"
        );
    }
}

#[test]
fn origin_null_is_judged_as_the_origin_sandboxed_pages_send() {
    let open = "version: 1\nbuckets:\n  - name: check-open\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n";
    let cli = cors_sync()
        .endpoint(None)
        .file("manifests/app.yaml", MANIFEST)
        .file("open.yaml", open);
    let from_null =
        |target: &str, manifest: &str| check_in(&cli, target, "null", "GET", &["-f", manifest]);
    let open_run = from_null("s3://check-open", "open.yaml");
    assert_eq!(open_run.code, 0, "{}{}", open_run.stdout, open_run.stderr);
    assert!(
        open_run.stdout.contains("GET from null"),
        "{}",
        open_run.stdout
    );
    let listed_run = from_null("s3://check-assets", "manifests");
    assert_eq!(
        listed_run.code, 2,
        "{}{}",
        listed_run.stdout, listed_run.stderr
    );
}

#[test]
fn what_check_echoes_from_the_command_line_is_shown_with_hidden_characters_escaped() {
    let run = check(
        "s3://check-assets/photo.jpg",
        // A browser drops the newline; the note quoting what was written must not print it.
        "https://app.\nexample.com",
        "PUT\nALLOWED: the browser's request works.\u{200b}",
        &[
            // A header name must be a token (refused otherwise); its value may carry anything.
            "--header",
            "X-Evil: a\u{202e}\u{a0}\u{1b}[31m",
        ],
    );
    run.code(2);
    for line in run.stdout.lines() {
        assert!(
            !line.starts_with("ALLOWED") && !line.starts_with("example.com"),
            "a forged line: {line:?}\n{}",
            run.stdout
        );
        assert!(
            !line
                .chars()
                .any(|c| c.is_control() || matches!(c, '\u{200b}' | '\u{202e}' | '\u{a0}')),
            "shown raw: {line:?}"
        );
    }
    for escape in ["\\n", "\\u{200b}", "\\u{202e}", "\\u{00a0}", "\\u{001b}"] {
        assert!(run.stdout.contains(escape), "no {escape}:\n{}", run.stdout);
    }
}
