//! One manifest across accounts, on moto (which serves every account at once): each account
//! reached through its role, its profile or the base credentials; the account guard before any
//! read; every write signed by its own account's credentials; `--account` limiting what is read
//! and which roles are assumed (`only`). Requests are counted, and their signing keys traced back
//! to an account, at a fault proxy.

use crate::support::accounts::{self, accounts_signing, through, BASE_ACCOUNT, MEDIA, PROD};
use crate::support::assert_run;
use crate::support::cloudfront as cf;
use crate::support::emulator::emulator;
use crate::support::fault_proxy::{Fault, FaultProxy};
use crate::support::s3::{self, rule};

mod only;

/// The accounts: prod through a role, media through a profile that assumes a role, tools (the
/// base credentials' own account) through nothing at all.
pub(super) fn declared(tools_id: &str) -> String {
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
"#
    )
}

/// The estate: a bucket and a distribution in each account, prod's by the file's default.
pub(super) fn estate(tools_id: &str, [prod, media, tools]: &[String; 3]) -> String {
    let forward = "    behaviors:\n      default:\n        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]\n";
    format!(
        r#"{}account: prod
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
  - id: {prod}
{forward}  - id: {media}
    account: media
{forward}  - id: {tools}
    account: tools
{forward}"#,
        declared(tools_id)
    )
}

/// Seeds the three accounts once: a bucket and a distribution in each (prod, media, tools).
pub(super) fn seed() -> [String; 3] {
    static SEEDED: std::sync::OnceLock<[String; 3]> = std::sync::OnceLock::new();
    SEEDED
        .get_or_init(|| {
            s3::create_bucket_with(&accounts::s3_in(PROD), "acct-prod-assets", "us-east-1");
            s3::create_bucket_with(&accounts::s3_in(MEDIA), "acct-media-uploads", "us-east-1");
            s3::create_bucket("acct-tools-site", "us-east-1");
            s3::put_cors("acct-tools-site", &[rule(&["*"], &["GET"])]);
            [
                cf::create_distribution_with(
                    &accounts::cloudfront_in(PROD),
                    "acct-prod",
                    "acct-prod-assets",
                ),
                cf::create_distribution_with(
                    &accounts::cloudfront_in(MEDIA),
                    "acct-media",
                    "acct-media-uploads",
                ),
                cf::create_distribution("acct-tools", "acct-tools-site"),
            ]
        })
        .clone()
}

#[test]
fn three_accounts_converge_and_every_write_is_made_in_its_own_account() {
    let distributions = seed();
    let [prod, media, tools] = &distributions;
    // Each account lists its own buckets only, and its own distributions.
    assert!(accounts::buckets_of(PROD).contains(&"acct-prod-assets".to_string()));
    assert!(!accounts::buckets_of(MEDIA).contains(&"acct-prod-assets".to_string()));
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &estate(BASE_ACCOUNT, &distributions));
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
            pair("prod", &format!("cloudfront_distribution.{prod}")),
            pair("media", "s3_bucket.acct-media-uploads"),
            pair("media", &format!("cloudfront_distribution.{media}")),
            pair("tools", "s3_bucket.acct-tools-site"),
            pair("tools", &format!("cloudfront_distribution.{tools}")),
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

    let applied = run.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    applied.code(0);
    // What was written is reported account by account too, after the plan's own headings.
    let reported = applied.stdout.matches("In account ").count();
    assert_eq!(reported, 6, "{}", applied.stdout);
    let signed_in = |pattern: &str| accounts_signing(&proxy.heads_matching(pattern));
    assert_eq!(signed_in("PUT /acct-prod-assets/?cors"), [PROD]);
    assert_eq!(signed_in("PUT /acct-media-uploads/?cors"), [MEDIA]);
    assert_eq!(signed_in("DELETE /acct-tools-site/?cors"), [BASE_ACCOUNT]);
    for (id, account) in [(prod, PROD), (media, MEDIA), (tools, BASE_ACCOUNT)] {
        let update = format!("PUT /2020-05-31/distribution/{id}/config");
        assert_eq!(signed_in(&update), [account], "{id}");
    }
    assert_eq!(
        s3::cors("acct-prod-assets"),
        [rule(&["https://www.example.com"], &["GET"])]
    );
    assert!(s3::cors("acct-tools-site").is_empty());
    let again = run.run_with(&["plan", "-f", "manifest.yaml"]);
    assert_eq!(
        (again.code, again.stdout.as_str()),
        (
            0,
            "No changes. Live CORS configuration matches the manifest.\n"
        )
    );
    // Each account's distribution is linted against that account's live state (its bucket).
    for bucket in ["acct-prod-assets", "acct-media-uploads", "acct-tools-site"] {
        assert!(
            again
                .stderr
                .contains(&format!("(in front of bucket {bucket})")),
            "{}",
            again.stderr
        );
    }
}

#[test]
fn a_wrong_account_id_stops_the_run_before_anything_is_read() {
    let distributions = seed();
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &estate("999999999999", &distributions)).run_with(&[
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
fn rollback_restores_each_resource_in_the_account_it_was_written_in() {
    let before = [rule(&["https://old.example.com"], &["GET"])];
    for (account, bucket) in [(PROD, "acct-rb-prod"), (MEDIA, "acct-rb-media")] {
        let client = accounts::s3_in(account);
        s3::create_bucket_with(&client, bucket, "us-east-1");
        s3::put_cors_with(&client, bucket, &before);
    }
    let manifest = format!(
        "{}buckets:\n  - name: acct-rb-prod\n    account: prod\n    cors_rules: []\n  - name: acct-rb-media\n    account: media\n    cors_rules: []\n",
        declared(BASE_ACCOUNT)
    );
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &manifest);
    run.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    assert!(s3::cors("acct-rb-prod").is_empty() && s3::cors("acct-rb-media").is_empty());
    // Rollback needs no manifest: the journal holds each account as it was declared.
    run.run_with(&["rollback", "--auto-approve"]).code(0);
    assert_eq!(s3::cors("acct-rb-prod"), before);
    assert_eq!(s3::cors("acct-rb-media"), before);
    let signed_in = |pattern: &str| accounts_signing(&proxy.heads_matching(pattern));
    assert_eq!(signed_in("PUT /acct-rb-prod/?cors"), [PROD]);
    assert_eq!(signed_in("PUT /acct-rb-media/?cors"), [MEDIA]);
}

/// Each account's distribution update waits at the proxy until the other account's has arrived:
/// if CloudFront writes were serialised across accounts, the first would wait alone and the
/// meeting would never happen. (Within an account they stay one at a time: `apply`'s own tests.)
#[test]
fn cloudfront_writes_in_different_accounts_run_at_the_same_time() {
    use crate::support::fault_proxy::{FaultKind, InFlight};

    let prod = cf::create_distribution_with(
        &accounts::cloudfront_in(PROD),
        "acct-meet-prod",
        "acct-meet-prod",
    );
    let media = cf::create_distribution_with(
        &accounts::cloudfront_in(MEDIA),
        "acct-meet-media",
        "acct-meet-media",
    );
    let forward = "    behaviors:\n      default:\n        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]\n";
    let manifest = format!(
        "{}distributions:\n  - id: {prod}\n    account: prod\n{forward}  - id: {media}\n    account: media\n{forward}",
        declared(BASE_ACCOUNT)
    );
    let proxy = FaultProxy::start(&emulator().endpoint);
    let meeting = InFlight::gate(2, 2);
    for id in [&prod, &media] {
        let update = format!("/2020-05-31/distribution/{id}/config");
        let held = FaultKind::Counted(meeting.clone());
        proxy.fail(Fault::kind("PUT", &update, held).times(1));
    }
    let run = through(&proxy, &manifest);
    run.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    assert_eq!(proxy.requests_matching("PUT /2020-05-31/distribution/"), 2);
    assert!(
        !meeting.never_reached(),
        "one account's update waited alone: writes were serialised across accounts"
    );
    assert_eq!(meeting.most(), 2);
}

/// Within one account CloudFront writes stay one at a time: the proxy counts how many updates are
/// in flight at once, each from its arrival until just before its answer is passed back.
#[test]
fn cloudfront_writes_within_one_account_stay_one_at_a_time() {
    use crate::support::fault_proxy::{FaultKind, InFlight};

    let client = accounts::cloudfront_in(PROD);
    let ids = [
        cf::create_distribution_with(&client, "acct-one-a", "acct-one-a"),
        cf::create_distribution_with(&client, "acct-one-b", "acct-one-b"),
    ];
    let forward = "    behaviors:\n      default:\n        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]\n";
    let mut manifest = format!("{}account: prod\ndistributions:\n", declared(BASE_ACCOUNT));
    for id in &ids {
        manifest.push_str(&format!("  - id: {id}\n{forward}"));
    }
    let proxy = FaultProxy::start(&emulator().endpoint);
    let in_flight = InFlight::gate(1, ids.len());
    for id in &ids {
        let update = format!("/2020-05-31/distribution/{id}/config");
        proxy.fail(Fault::kind(
            "PUT",
            &update,
            FaultKind::Counted(in_flight.clone()),
        ));
    }
    through(&proxy, &manifest)
        .run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    assert_eq!(proxy.requests_matching("PUT /2020-05-31/distribution/"), 2);
    assert_eq!(in_flight.most(), 1);
}

#[test]
fn a_profile_that_does_not_exist_is_named_before_anything_is_read() {
    let proxy = FaultProxy::start(&emulator().endpoint);
    let manifest = format!(
        "version: 1\naccounts:\n  - name: media\n    id: \"{MEDIA}\"\n    profile: no-such-profile\nbuckets:\n  - name: acct-media-uploads\n    cors_rules: []\n"
    );
    let run = through(&proxy, &manifest).run_with(&["plan", "-f", "manifest.yaml"]);
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: account `media`: cannot act through profile no-such-profile: sts: GetCallerIdentity failed: could not load credentials: the credential provider was not enabled: profile `no-such-profile` was not defined: could not find source profile no-such-profile referenced from the root profile
    error: the account guard stopped the run; nothing was read or written
    ");
    assert!(proxy.heads_matching(" /").is_empty(), "nothing was sent");
}
