//! One manifest across accounts, on moto (which serves every account at once): each account
//! reached through its role, its profile or the base credentials; the account guard before any
//! read; every write signed by its own account's credentials; `--account` limiting what is read
//! and which roles are assumed. Requests are counted, and their signing keys traced back to an
//! account, at a fault proxy.

use crate::support::accounts::{self, accounts_signing, through, BASE_ACCOUNT, MEDIA, PROD};
use crate::support::cloudfront as cf;
use crate::support::emulator::emulator;
use crate::support::fault_proxy::{Fault, FaultProxy};
use crate::support::s3::{self, rule};
use crate::support::{assert_run, cors_sync};

/// The estate: prod through a role, media through a profile that assumes a role, tools (the
/// base credentials' own account) through nothing at all.
fn estate(tools_id: &str, distribution: &str) -> String {
    format!(
        r#"version: 1
accounts:
  - name: prod
    id: "{PROD}"
    role_arn: arn:aws:iam::{PROD}:role/cors-sync
    external_id: cors-sync-ci
  - name: media
    id: "{MEDIA}"
    profile: media-admin
  - name: tools
    id: "{tools_id}"
account: prod
buckets:
  - name: acct-prod-assets
    cors_rules:
      - allowed_origins: ["https://www.example.com"]
        allowed_methods: [GET]
  - name: acct-media-uploads
    account: media
    region: us-east-1
    cors_rules:
      - allowed_origins: ["https://upload.example.com"]
        allowed_methods: [PUT]
  - name: acct-tools-site
    account: tools
    cors_rules: []
distributions:
  - id: {distribution}
    account: media
    behaviors:
      default:
        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]
"#
    )
}

/// Seeds the three accounts once; returns the media account's distribution.
fn seed() -> String {
    static SEEDED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SEEDED
        .get_or_init(|| {
            s3::create_bucket_with(&accounts::s3_in(PROD), "acct-prod-assets", "us-east-1");
            s3::create_bucket_with(&accounts::s3_in(MEDIA), "acct-media-uploads", "us-east-1");
            s3::create_bucket("acct-tools-site", "us-east-1");
            s3::put_cors("acct-tools-site", &[rule(&["*"], &["GET"])]);
            cf::create_distribution_with(
                &accounts::cloudfront_in(MEDIA),
                "acct-media",
                "acct-media-uploads",
            )
        })
        .clone()
}

#[test]
fn three_accounts_converge_and_every_write_is_made_in_its_own_account() {
    let distribution = seed();
    // Each account lists its own buckets only.
    assert!(accounts::buckets_of(PROD).contains(&"acct-prod-assets".to_string()));
    assert!(!accounts::buckets_of(MEDIA).contains(&"acct-prod-assets".to_string()));
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &estate(BASE_ACCOUNT, &distribution));
    let plan = run.run_with(&["plan", "-f", "manifest.yaml", "--format", "json"]);
    let changes: Vec<(String, String)> = plan.code(0).json()["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["account"].as_str().unwrap().to_string(),
                c["address"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let pair = |account: &str, address: &str| (account.to_string(), address.to_string());
    assert_eq!(
        changes,
        [
            pair("prod", "s3_bucket.acct-prod-assets"),
            pair("media", "s3_bucket.acct-media-uploads"),
            pair("media", &format!("cloudfront_distribution.{distribution}")),
            pair("tools", "s3_bucket.acct-tools-site"),
        ]
    );
    let text = run.run_with(&["plan", "-f", "manifest.yaml"]);
    let headings: Vec<&str> = text
        .stdout
        .lines()
        .filter(|l| l.starts_with("In account"))
        .collect();
    assert_eq!(
        headings,
        ["In account prod:", "In account media:", "In account tools:"]
    );

    run.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    let signed_in = |pattern: &str| accounts_signing(&proxy.heads_matching(pattern));
    assert_eq!(signed_in("PUT /acct-prod-assets/?cors"), [PROD]);
    assert_eq!(signed_in("PUT /acct-media-uploads/?cors"), [MEDIA]);
    assert_eq!(signed_in("DELETE /acct-tools-site/?cors"), [BASE_ACCOUNT]);
    assert_eq!(
        signed_in(&format!(
            "PUT /2020-05-31/distribution/{distribution}/config"
        )),
        [MEDIA]
    );
    assert_eq!(
        s3::cors("acct-prod-assets"),
        [rule(&["https://www.example.com"], &["GET"])]
    );
    assert!(s3::cors("acct-tools-site").is_empty());
    // Media's distribution is linted against media's own live state (its bucket behind it).
    assert_run!(run.run_with(&["plan", "-f", "manifest.yaml"]), redact distribution => "DIST", @"
    exit code: 0
    ----- stdout -----
    No changes. Live CORS configuration matches the manifest.
    ----- stderr -----
    manifest.yaml:31:7: warning: CS102 options-not-allowed: distribution DIST behavior default (in front of bucket acct-media-uploads) allows [GET, HEAD] and caches [GET, HEAD]: the behavior does not allow (or cache) OPTIONS, so preflights fail or hit S3 every time
      help: allowed_methods: [GET, HEAD, OPTIONS] and cached_methods: [GET, HEAD, OPTIONS]
    manifest.yaml:28:5: warning: CS103 origin-not-in-cache-key: distribution DIST behavior /fonts/* (in front of bucket acct-media-uploads): Origin reaches S3 but is not in the cache key: one site's CORS answer can be served to another
      help: put Origin in the cache key (a cache policy that includes it, or the legacy whitelist), or attach a response headers policy with origin_override: true
    manifest.yaml:28:5: warning: CS102 options-not-allowed: distribution DIST behavior /fonts/* (in front of bucket acct-media-uploads) allows [GET, HEAD] and caches [GET, HEAD]: the behavior does not allow (or cache) OPTIONS, so preflights fail or hit S3 every time
      help: allowed_methods: [GET, HEAD, OPTIONS] and cached_methods: [GET, HEAD, OPTIONS]
    manifest.yaml:28:5: warning: CS101 preflight-not-forwarded: distribution DIST behavior /legacy/* (in front of bucket acct-media-uploads): CloudFront does not forward what S3's CORS answer needs, so preflights cannot pass
      help: forward Origin, Access-Control-Request-Method and Access-Control-Request-Headers (Managed-CORS-S3Origin, or forward_headers)
    manifest.yaml:28:5: warning: CS102 options-not-allowed: distribution DIST behavior /legacy/* (in front of bucket acct-media-uploads) allows [GET, HEAD] and caches [GET, HEAD]: the behavior does not allow (or cache) OPTIONS, so preflights fail or hit S3 every time
      help: allowed_methods: [GET, HEAD, OPTIONS] and cached_methods: [GET, HEAD, OPTIONS]
    ");
}

#[test]
fn a_wrong_account_id_stops_the_run_before_anything_is_read() {
    let distribution = seed();
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &estate("999999999999", &distribution)).run_with(&[
        "apply",
        "-f",
        "manifest.yaml",
        "--auto-approve",
    ]);
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: account `tools`: its `id:` is 999999999999, but through the base credentials the run acts in account 123456789012
    error: the account guard stopped the run; nothing was read or written
    ");
    // Only STS was asked: not one S3 or CloudFront request.
    let others = proxy.heads_matching(" /");
    let sts = proxy.sts_actions();
    assert_eq!(others.len(), sts.len(), "only STS requests: {sts:?}");
    assert!(
        sts.iter()
            .all(|a| a == "AssumeRole" || a == "GetCallerIdentity"),
        "{sts:?}"
    );
}

#[test]
fn a_role_that_cannot_be_assumed_is_named_with_awss_code() {
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(
        Fault::error(
            "POST",
            "/",
            403,
            "AccessDenied",
            "User is not authorized to perform: sts:AssumeRole",
        )
        .exact(),
    );
    let manifest = format!(
        "version: 1\naccounts:\n  - name: prod\n    id: \"{PROD}\"\n    role_arn: arn:aws:iam::{PROD}:role/cors-sync\nbuckets:\n  - name: acct-prod-assets\n    cors_rules: []\n"
    );
    let run = through(&proxy, &manifest).run_with(&["plan", "-f", "manifest.yaml"]);
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: account `prod`: cannot act through role arn:aws:iam::210000000001:role/cors-sync: sts: AssumeRole failed: AccessDenied: User is not authorized to perform: sts:AssumeRole
    error: the account guard stopped the run; nothing was read or written
    ");
    assert_eq!(proxy.sts_actions(), ["AssumeRole"]);
}

#[test]
fn account_limits_what_is_read_and_which_roles_are_assumed() {
    let distribution = seed();
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &estate(BASE_ACCOUNT, &distribution));
    run.run_with(&["plan", "-f", "manifest.yaml", "--account", "tools"])
        .code(0);
    assert_eq!(
        proxy.sts_actions(),
        ["GetCallerIdentity"],
        "no role assumed"
    );
    assert_eq!(proxy.requests_matching("/acct-tools-site/?cors"), 1);
    assert_eq!(proxy.requests_matching("/acct-prod-assets"), 0);
    assert_eq!(proxy.requests_matching("/acct-media-uploads"), 0);
    assert_eq!(
        proxy.requests_matching("/2020-05-31/"),
        0,
        "media's distribution is not read"
    );

    let refused = run.run_with(&["plan", "-f", "manifest.yaml", "--account", "staging"]);
    assert_run!(refused, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: --account staging: the manifest declares no such account (it declares prod, media, tools)
    ");
}

#[test]
fn a_saved_plan_is_applied_in_the_accounts_it_was_made_for() {
    let distribution = seed();
    s3::create_bucket_with(&accounts::s3_in(PROD), "acct-prod-saved", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    let manifest =
        estate(BASE_ACCOUNT, &distribution).replace("acct-prod-assets", "acct-prod-saved");
    let run = through(&proxy, &manifest);
    run.run_with(&[
        "plan",
        "-f",
        "manifest.yaml",
        "--account",
        "prod",
        "--out",
        "prod.plan",
    ])
    .code(0);
    let saved: serde_json::Value = serde_json::from_str(&run.read("prod.plan")).expect("plan file");
    assert_eq!(saved["version"], 3);
    assert_eq!(saved["body"]["accounts"][0]["name"], "prod");
    assert_eq!(saved["body"]["plan"]["changes"][0]["account"], "prod");
    // Applied with no manifest at hand: the file says how to reach prod.
    run.run_with(&["apply", "prod.plan"]).code(0);
    assert_eq!(
        accounts_signing(&proxy.heads_matching("PUT /acct-prod-saved/?cors")),
        [PROD]
    );
    assert_eq!(
        s3::cors("acct-prod-saved"),
        [rule(&["https://www.example.com"], &["GET"])]
    );
}

#[test]
fn import_and_report_unmanaged_name_the_account() {
    seed();
    let client = accounts::s3_in(MEDIA);
    s3::create_bucket_with(&client, "acct-media-stray", "us-east-1");
    s3::put_cors_with(&client, "acct-media-stray", &[rule(&["*"], &["GET"])]);
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &estate(BASE_ACCOUNT, "E2ABCDEFGHIJKL").replace(
        "distributions:\n  - id: E2ABCDEFGHIJKL\n    account: media\n    behaviors:\n      default:\n        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]\n",
        "",
    ));
    let imported = run.run_with(&[
        "import",
        "--account",
        "media",
        "-f",
        "manifest.yaml",
        "--bucket",
        "acct-media-stray",
    ]);
    assert_run!(imported, @r#"
    exit code: 0
    ----- stdout -----
    version: 1
    account: media
    buckets:
      - name: acct-media-stray
        region: us-east-1
        cors_rules:
          - allowed_origins: ["*"]
            allowed_methods: [GET]
    ----- stderr -----
    "#);
    let report = run.run_with(&[
        "plan",
        "-f",
        "manifest.yaml",
        "--account",
        "media",
        "--report-unmanaged",
        "--format",
        "json",
    ]);
    let unmanaged = &report.code(0).json()["unmanaged"];
    assert_eq!(unmanaged[0]["address"], "s3_bucket.acct-media-stray");
    assert_eq!(unmanaged[0]["account"], "media");
}

#[test]
fn apply_with_account_writes_nothing_in_the_other_accounts() {
    s3::create_bucket_with(&accounts::s3_in(PROD), "acct-only-prod", "us-east-1");
    s3::create_bucket_with(&accounts::s3_in(MEDIA), "acct-only-media", "us-east-1");
    let manifest = format!(
        r#"version: 1
accounts:
  - name: prod
    id: "{PROD}"
    role_arn: arn:aws:iam::{PROD}:role/cors-sync
  - name: media
    id: "{MEDIA}"
    role_arn: arn:aws:iam::{MEDIA}:role/cors-sync
buckets:
  - name: acct-only-prod
    account: prod
    cors_rules:
      - allowed_origins: ["https://www.example.com"]
        allowed_methods: [GET]
  - name: acct-only-media
    account: media
    cors_rules:
      - allowed_origins: ["https://www.example.com"]
        allowed_methods: [GET]
"#
    );
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &manifest);
    run.run_with(&[
        "apply",
        "-f",
        "manifest.yaml",
        "--account",
        "prod",
        "--auto-approve",
    ])
    .code(0);
    assert_eq!(
        accounts_signing(&proxy.heads_matching("PUT /acct-only-prod/?cors")),
        [PROD]
    );
    assert_eq!(proxy.requests_matching("/acct-only-media"), 0);
    assert!(s3::cors("acct-only-media").is_empty());
    // One role assumed (prod's), one guard: media's role was never asked for.
    assert_eq!(proxy.sts_actions(), ["AssumeRole", "GetCallerIdentity"]);
}

#[test]
fn validate_checks_an_estate_offline() {
    let estate = crate::support::emulator::repo_root().join("examples/estate");
    let run =
        cors_sync()
            .endpoint(None)
            .run_with(&["validate", "-f", &estate.display().to_string()]);
    assert_run!(run, @"
    exit code: 0
    ----- stdout -----
    The manifest is valid: 2 buckets, 2 CORS rules, in 3 accounts.
    ----- stderr -----
    ");
}
