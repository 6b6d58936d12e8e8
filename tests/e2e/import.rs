//! `import`: live buckets and distributions as a manifest that plans to no changes, and clear
//! errors, without calling AWS, for names that cannot be valid.

#![allow(deprecated)] // ForwardedValues: what a legacy behavior carries.

use cors_sync_core::bucket_cors::CorsRule;

use crate::s3_plan_apply::web_rule;
use crate::support::assert_run;
use crate::support::cloudfront as cf;
use crate::support::cors_sync;
use crate::support::s3;

#[test]
fn import_then_plan_shows_no_changes() {
    s3::create_bucket("import-rich", "eu-central-1");
    s3::create_bucket("import-empty", "us-east-1");
    let tricky = CorsRule {
        id: Some("true".into()),
        allowed_origins: vec!["*".into(), "http://localhost:3000".into()],
        allowed_methods: vec!["GET".into(), "POST".into()],
        allowed_headers: vec!["x-amz-*".into(), "Authorization".into()],
        expose_headers: vec!["x-amz-request-id".into(), "ETag".into()],
        max_age_seconds: Some(0),
    };
    s3::put_cors("import-rich", &[web_rule(), tricky]);
    let import = cors_sync()
        .args([
            "import",
            "--bucket",
            "import-rich",
            "--bucket",
            "import-empty",
            "--bucket",
            "import-rich",
        ])
        .run();
    assert_run!(import, @r#"
    exit code: 0
    ----- stdout -----
    version: 1
    buckets:
      - name: import-rich
        region: eu-central-1
        cors_rules:
          - id: web
            allowed_origins: ["https://www.example.com", "https://app.example.com"]
            allowed_methods: [GET, HEAD, PUT]
            allowed_headers: [Content-Type]
            expose_headers: [ETag]
            max_age_seconds: 600
          - id: "true"
            allowed_origins: ["*", "http://localhost:3000"]
            allowed_methods: [GET, POST]
            allowed_headers: ["x-amz-*", Authorization]
            expose_headers: [x-amz-request-id, ETag]
            max_age_seconds: 0
      - name: import-empty
        region: us-east-1
        cors_rules: []
    ----- stderr -----
    "#);
    cors_sync().manifest(&import.stdout).assert_converged();
}

#[test]
fn import_refuses_an_invalid_bucket_name_without_calling_aws() {
    let run = cors_sync()
        .endpoint(Some("http://127.0.0.1:9"))
        .args(["import", "--bucket", "Not_A_Bucket"])
        .run();
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: invalid bucket name `Not_A_Bucket`: may contain only lowercase letters, digits, '.' and '-' (found 'N')
    ");
}

#[test]
fn import_of_a_missing_bucket_fails_naming_it() {
    let run = cors_sync()
        .args(["import", "--bucket", "import-nowhere"])
        .run();
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: s3_bucket.import-nowhere: HeadBucket failed: NotFound: the bucket does not exist (request ID [ID])
    error: nothing was imported
    ");
}

#[test]
fn import_of_a_distribution_plans_to_no_changes() {
    let id = cf::create_distribution("cf-import", "cf-import-assets");
    let import = cors_sync().args(["import", "--distribution", &id]).run();
    assert_run!(import, redact id => "DIST", @r#"
    exit code: 0
    ----- stdout -----
    version: 1
    distributions:
      - id: DIST
        behaviors:
          default:
            forward_headers: [Origin]
            response_headers_policy: null
            allowed_methods: [GET, HEAD]
            cached_methods: [GET, HEAD]
          "/fonts/*":
            cache_policy: Managed-CachingOptimized
            origin_request_policy: Managed-CORS-S3Origin
            response_headers_policy: null
            allowed_methods: [GET, HEAD]
            cached_methods: [GET, HEAD]
          "/legacy/*":
            forward_headers: [Origin, Accept]
            response_headers_policy: null
            allowed_methods: [GET, HEAD]
            cached_methods: [GET, HEAD]
    ----- stderr -----
    "#);
    cors_sync().manifest(&import.stdout).assert_converged();
}

#[test]
fn a_custom_policy_that_cannot_be_listed_fails_import_and_check_naming_the_call() {
    // moto serves no policy API (404): a behavior on a custom policy needs the account's list to
    // name or judge it, and that failure must be said, never turned into a partial manifest or a
    // guessed verdict.
    let id = cf::create_distribution("custom-orp", "custom-orp-assets");
    let mut config = cf::config(&id);
    let default = config.default_cache_behavior.as_mut().unwrap();
    default.forwarded_values = None;
    default.min_ttl = None;
    default.default_ttl = None;
    default.max_ttl = None;
    default.cache_policy_id = Some(crate::support::cloudfront::CACHING_OPTIMIZED.into());
    default.origin_request_policy_id = Some("0a1b2c3d-custom-policy".into());
    cf::update(&id, config);

    let import = cors_sync().args(["import", "--distribution", &id]).run();
    import.code(1);
    assert_eq!(import.stdout, "", "no partial manifest");
    assert_run!(import, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: origin_request_policies: ListOriginRequestPolicies failed: HTTP 404 with no AWS error code
    error: nothing was imported
    ");

    let target = format!("cloudfront://{id}/a.png");
    let check = cors_sync()
        .args([
            "check",
            &target,
            "--origin",
            "https://app.example.com",
            "--method",
            "GET",
            "--live",
        ])
        .run();
    check.code(1);
    assert_eq!(check.stdout, "", "no verdict without the policy");
    assert_run!(check, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: origin_request_policies: ListOriginRequestPolicies failed: HTTP 404 with no AWS error code
    ");
}

#[test]
fn import_all_writes_every_bucket_with_cors_and_with_distributions_every_distribution() {
    use crate::support::accounts::{cloudfront_in, credentials_in, s3_in};
    // An account of this test's own: `--all` lists everything the account has.
    const ACCOUNT: &str = "230000000023";
    let s3 = s3_in(ACCOUNT);
    for (bucket, region) in [
        ("import-all-a", "us-east-1"),
        ("import-all-b", "eu-west-1"),
        ("import-all-empty", "us-east-1"),
    ] {
        s3::create_bucket_with(&s3, bucket, region);
    }
    s3::put_cors_with(&s3, "import-all-a", &[web_rule()]);
    s3::put_cors_with(
        &s3,
        "import-all-b",
        &[s3::rule(&["https://b.example.com"], &["PUT"])],
    );
    let id = cf::create_distribution_with(&cloudfront_in(ACCOUNT), "import-all", "import-all-a");
    let credentials = credentials_in(ACCOUNT);
    let in_account = || {
        cors_sync()
            .env("AWS_ACCESS_KEY_ID", credentials.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key())
            .env(
                "AWS_SESSION_TOKEN",
                credentials.session_token().unwrap_or_default(),
            )
    };

    let all = in_account().args(["import", "--all"]).run();
    assert_run!(all, @r#"
    exit code: 0
    ----- stdout -----
    version: 1
    buckets:
      - name: import-all-a
        region: us-east-1
        cors_rules:
          - id: web
            allowed_origins: ["https://www.example.com", "https://app.example.com"]
            allowed_methods: [GET, HEAD, PUT]
            allowed_headers: [Content-Type]
            expose_headers: [ETag]
            max_age_seconds: 600
      - name: import-all-b
        region: eu-west-1
        cors_rules:
          - allowed_origins: ["https://b.example.com"]
            allowed_methods: [PUT]
    ----- stderr -----
    note: 1 bucket without CORS left out (--include-empty writes them with `cors_rules: []`)
    "#);
    in_account().manifest(&all.stdout).assert_converged();

    // What each flag adds is written, and the manifest written converges with the account.
    for (flag, written) in [
        (
            "--include-empty",
            "  - name: import-all-empty\n    region: us-east-1\n    cors_rules: []\n".to_string(),
        ),
        ("--distributions", format!("  - id: {id}\n")),
    ] {
        let imported = in_account().args(["import", "--all", flag]).run();
        imported.code(0);
        assert!(
            imported.stdout.contains(&written),
            "{flag}: {}",
            imported.stdout
        );
        in_account().manifest(&imported.stdout).assert_converged();
    }

    // The flags that only mean something with --all are refused without it.
    let run = in_account()
        .args(["import", "--bucket", "import-all-a", "--include-empty"])
        .run();
    run.code(1);
}
