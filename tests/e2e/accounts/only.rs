//! `--account`: what it limits (reads, writes, roles assumed, probes), and the commands that act
//! in one named account (a saved plan made for it, import, report-unmanaged), plus `validate`
//! on an estate, offline.

use super::{declared, estate, seed};
use crate::support::accounts::{self, accounts_signing, through, BASE_ACCOUNT, MEDIA, PROD};
use crate::support::cloudfront as cf;
use crate::support::emulator::emulator;
use crate::support::fault_proxy::FaultProxy;
use crate::support::s3::{self, rule};
use crate::support::{assert_run, cors_sync};

#[test]
fn account_limits_what_is_read_and_which_roles_are_assumed() {
    let distributions = seed();
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &estate(BASE_ACCOUNT, &distributions));
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
    // CloudFront is read in tools alone (ListDistributions is per account, so no ID shows).
    let cloudfront = accounts_signing(&proxy.heads_matching(" /2020-05-31/"));
    assert!(
        !cloudfront.is_empty() && cloudfront.iter().all(|a| a == BASE_ACCOUNT),
        "{cloudfront:?}"
    );

    // verify, too: only tools' bucket is probed, and only tools is checked by the guard.
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &estate(BASE_ACCOUNT, &distributions));
    let verified = run.run_with(&["verify", "-f", "manifest.yaml", "--account", "tools"]);
    assert!(
        verified.stdout.contains("s3_bucket.acct-tools-site"),
        "{}",
        verified.stdout
    );
    assert!(
        !verified.stdout.contains("acct-prod-assets"),
        "{}",
        verified.stdout
    );
    assert_eq!(proxy.sts_actions(), ["GetCallerIdentity"]);
    assert_eq!(proxy.requests_matching("/acct-media-uploads"), 0);

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
    s3::create_bucket_with(&accounts::s3_in(PROD), "acct-prod-saved", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    // Its own resources: the other tests' distributions must not change under them.
    let manifest = format!(
        "{}buckets:\n  - name: acct-prod-saved\n    account: prod\n    cors_rules:\n      - allowed_origins: [\"https://www.example.com\"]\n        allowed_methods: [GET]\n  - name: acct-media-uploads\n    account: media\n    cors_rules: []\n",
        declared(BASE_ACCOUNT)
    );
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
    let changes = saved["body"]["plan"]["changes"]
        .as_array()
        .expect("changes");
    assert_eq!(
        changes.len(),
        1,
        "media's bucket is not in a plan made for prod alone"
    );
    assert_eq!(changes[0]["account"], "prod");
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
    let run = through(&proxy, &declared(BASE_ACCOUNT));
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
    // Other tests' buckets in media are unmanaged too (moto serves them all at once).
    let report = report.code(0).json();
    let stray = report["unmanaged"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["address"] == "s3_bucket.acct-media-stray")
        .unwrap_or_else(|| panic!("acct-media-stray is not reported: {report:#}"));
    assert_eq!(stray["account"], "media");
    assert!(
        report["unmanaged"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|u| u["account"] == "media"),
        "--account media reports media's alone: {report:#}"
    );
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

#[test]
fn check_offline_needs_no_account_to_answer() {
    let manifest = format!(
        "{}buckets:\n  - name: acct-offline\n    account: media\n    cors_rules:\n      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [GET]\n",
        declared(BASE_ACCOUNT)
    );
    // No endpoint at all: a call would fail.
    let run = cors_sync().manifest(&manifest).endpoint(None).run_with(&[
        "check",
        "-f",
        "manifest.yaml",
        "s3://acct-offline",
        "--origin",
        "https://app.example.com",
        "--method",
        "GET",
    ]);
    run.code(0);
    assert!(run.stdout.contains("ALLOWED"), "{}", run.stdout);
}

/// `--parallelism` is one budget for every account: the proxy holds each GetBucketCors until two
/// are in flight together and counts the most in flight at once, across both accounts.
#[test]
fn parallelism_bounds_bucket_reads_across_accounts_together() {
    use crate::support::fault_proxy::{Fault, FaultKind, InFlight};

    let mut manifest = format!("{}buckets:\n", declared(BASE_ACCOUNT));
    for (account, name) in [(PROD, "prod"), (MEDIA, "media")] {
        let client = accounts::s3_in(account);
        for i in 0..3 {
            let bucket = format!("acct-par-{name}-{i}");
            s3::create_bucket_with(&client, &bucket, "us-east-1");
            manifest.push_str(&format!(
                "  - name: {bucket}\n    account: {name}\n    region: us-east-1\n    cors_rules: []\n"
            ));
        }
    }
    let proxy = FaultProxy::start(&emulator().endpoint);
    let in_flight = InFlight::gate(2, 6);
    proxy.fail(Fault::kind(
        "GET",
        "/acct-par-",
        FaultKind::Counted(in_flight.clone()),
    ));
    let run = through(&proxy, &manifest);
    run.run_with(&["plan", "-f", "manifest.yaml", "--parallelism", "2"])
        .code(0);
    assert_eq!(proxy.requests_matching("GET /acct-par-"), 6);
    assert!(
        !in_flight.never_reached(),
        "two reads were never in flight together"
    );
    assert_eq!(
        in_flight.most(),
        2,
        "at most --parallelism in flight, across both accounts"
    );
}

/// The account guard's STS calls and each account's ListBuckets pages take their turns in the
/// same `--parallelism` budget as the bucket reads: three accounts at `--parallelism 2` never
/// have three of either in flight (before, every account's guard, then every account's listing,
/// went at once, outside the budget: 163 connections for 100 accounts at 64).
#[test]
fn the_account_guard_and_the_listings_take_turns_in_the_parallelism_budget() {
    use crate::support::fault_proxy::{Fault, FaultKind, InFlight};

    let mut manifest = format!("{}buckets:\n", declared(BASE_ACCOUNT));
    for (account, name) in [(PROD, "prod"), (MEDIA, "media"), (BASE_ACCOUNT, "tools")] {
        let client = accounts::s3_in(account);
        // Two buckets without a region each: an account's regions are then had from its listing.
        for i in 0..2 {
            let bucket = format!("acct-turn-{name}-{i}");
            s3::create_bucket_with(&client, &bucket, "us-east-1");
            manifest.push_str(&format!(
                "  - name: {bucket}\n    account: {name}\n    cors_rules: []\n"
            ));
        }
    }
    let proxy = FaultProxy::start(&emulator().endpoint);
    // prod's role and media's profile each assume a role; each of the three is then identified.
    let guard = InFlight::gate(2, 5);
    let listings = InFlight::gate(2, 3);
    proxy.fail(Fault::kind("POST", "/", FaultKind::Counted(guard.clone())));
    proxy.fail(Fault::kind(
        "GET",
        "max-buckets",
        FaultKind::Counted(listings.clone()),
    ));
    through(&proxy, &manifest)
        .run_with(&["plan", "-f", "manifest.yaml", "--parallelism", "2"])
        .code(0);
    let mut sts = proxy.sts_actions();
    sts.sort();
    assert_eq!(
        sts,
        [
            "AssumeRole",
            "AssumeRole",
            "GetCallerIdentity",
            "GetCallerIdentity",
            "GetCallerIdentity"
        ]
    );
    assert_eq!(proxy.requests_matching("max-buckets"), 3);
    assert_eq!(guard.most(), 2, "the guard's STS calls, at most 2 at once");
    assert_eq!(listings.most(), 2, "the listings, at most 2 at once");
    assert!(!guard.never_reached() && !listings.never_reached());
}

/// A saved plan stale in two accounts names what moved in each, not only in the first.
#[test]
fn a_saved_plan_stale_in_two_accounts_shows_what_moved_in_each() {
    let mut manifest = format!("{}buckets:\n", declared(BASE_ACCOUNT));
    for (account, name) in [(PROD, "prod"), (MEDIA, "media")] {
        let bucket = format!("acct-stale-{name}");
        s3::create_bucket_with(&accounts::s3_in(account), &bucket, "us-east-1");
        manifest.push_str(&format!(
            "  - name: {bucket}\n    account: {name}\n    region: us-east-1\n    cors_rules:\n      - allowed_origins: [\"https://www.example.com\"]\n        allowed_methods: [GET]\n"
        ));
    }
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &manifest);
    run.run_with(&["plan", "-f", "manifest.yaml", "--out", "reviewed.plan"])
        .code(0);
    // Both buckets are edited by hand after the review, each in its own account.
    for (account, name) in [(PROD, "prod"), (MEDIA, "media")] {
        s3::put_cors_with(
            &accounts::s3_in(account),
            &format!("acct-stale-{name}"),
            &[rule(&["https://console.example"], &["DELETE"])],
        );
    }
    let apply = run.run_with(&["apply", "reviewed.plan"]);
    apply.code(1);
    let stderr = &apply.stderr;
    let at = |text: &str| {
        stderr
            .find(text)
            .unwrap_or_else(|| panic!("no `{text}` in:\n{stderr}"))
    };
    assert!(
        at("In account prod:") < at("s3_bucket.acct-stale-prod: moved since the plan was made")
    );
    assert!(
        at("In account media:") < at("s3_bucket.acct-stale-media: moved since the plan was made")
    );
    at("the saved plan is stale: 2 resources moved since it was made; nothing was written");
    for (account, name) in [(PROD, "prod"), (MEDIA, "media")] {
        assert_eq!(
            s3::cors_with(&accounts::s3_in(account), &format!("acct-stale-{name}")),
            vec![rule(&["https://console.example"], &["DELETE"])],
            "nothing was written in {name}"
        );
    }
}

/// `explain` of a distribution the manifest puts in one of several accounts acts in that account,
/// as `check` does, without `--account`.
#[test]
fn explain_acts_in_the_account_the_manifest_gives_the_distribution() {
    let client = accounts::cloudfront_in(MEDIA);
    s3::create_bucket_with(&accounts::s3_in(MEDIA), "acct-explain-media", "us-east-1");
    let id = cf::create_distribution_with(&client, "acct-explain-media", "acct-explain-media");
    let manifest = format!(
        "{}buckets:\n  - name: acct-explain-media\n    account: media\n    cors_rules:\n      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [GET, PUT]\ndistributions:\n  - id: {id}\n    account: media\n    behaviors:\n      default:\n        allowed_methods: [GET, HEAD]\n        cached_methods: [GET, HEAD]\n",
        declared(BASE_ACCOUNT)
    );
    let message = format!(
        "Access to fetch at 'https://{id}.cloudfront.net/x.bin' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."
    );
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &manifest).run_with(&[
        "explain",
        "-f",
        "manifest.yaml",
        "--message",
        &message,
        "--method",
        "PUT",
        "--target",
        &format!("cloudfront://{id}/x.bin"),
        "--format",
        "json",
    ]);
    run.code(0);
    assert!(
        run.stdout.contains("options-not-allowed"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(
        proxy
            .sts_actions()
            .iter()
            .filter(|a| *a == "AssumeRole")
            .count(),
        1,
        "media's role only"
    );
}

#[test]
fn account_choices_that_cannot_be_made_are_refused_saying_what_to_do() {
    s3::create_bucket("acct-choice-tools", "us-east-1");
    let manifest = format!(
        "{}buckets:\n  - name: acct-choice-tools\n    account: tools\n    cors_rules:\n      - allowed_origins: [\"https://www.example.com\"]\n        allowed_methods: [GET]\n",
        declared(BASE_ACCOUNT)
    );
    let proxy = FaultProxy::start(&emulator().endpoint);
    let run = through(&proxy, &manifest);
    let check = |more: &[&str]| {
        let mut args = vec![
            "check",
            "-f",
            "manifest.yaml",
            "--origin",
            "https://www.example.com",
            "--method",
            "GET",
        ];
        args.extend(more);
        run.run_with(&args)
    };
    assert_run!(check(&["s3://acct-unnamed"]), @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: the manifest declares accounts prod, media, tools: name the one to act in with --account
    ");
    assert_run!(check(&["s3://acct-choice-tools", "--account", "prod", "--account", "media"]), @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: check acts in one account; name one --account
    ");
    run.run_with(&[
        "plan",
        "-f",
        "manifest.yaml",
        "--account",
        "tools",
        "--out",
        "tools.plan",
    ])
    .code(0);
    assert_run!(run.run_with(&["apply", "tools.plan", "--account", "prod"]), @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: --account prod: the saved plan changes nothing in such an account; nothing was written
    ");
    assert!(
        s3::cors("acct-choice-tools").is_empty(),
        "nothing was written"
    );
    let plain = cors_sync()
        .manifest("version: 1\nbuckets:\n  - name: acct-choice-tools\n    cors_rules: []\n")
        .run_with(&["plan", "-f", "manifest.yaml", "--account", "prod"]);
    assert_run!(plain, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: --account prod: the manifest declares no `accounts:`
    ");
}
