//! Answers that lie: a 200 from S3's address whose body is not a CORS configuration (an HTML
//! captive portal, a misbehaving emulator), or a whole-looking answer cut off mid-document by
//! something in between. Either is a read error for that bucket, never a shorter rule list: a
//! plan would propose re-adding the lost rules, import would print a partial manifest, and a
//! backup taken from the read would lose them for good.

use std::time::{Duration, Instant};

use cors_sync_core::bucket_cors::CorsRule;

use crate::support::emulator::emulator;
use crate::support::fault_proxy::{Fault, FaultKind, FaultProxy};
use crate::support::s3::{self, rule};
use crate::support::{bucket_manifest, cors_sync};

/// `three_rules` with the last origin changed: a plan that updates the bucket.
fn changed_rules() -> Vec<CorsRule> {
    let mut rules = three_rules();
    rules[2].allowed_origins = vec!["https://changed.example".into()];
    rules
}

fn three_rules() -> Vec<CorsRule> {
    vec![
        rule(&["https://one.example"], &["GET"]),
        rule(&["https://two.example"], &["PUT"]),
        rule(&["https://three.example"], &["DELETE"]),
    ]
}

/// A proxy whose every GetBucketCors answer for `bucket` ends after its first rule.
fn cutting_after_the_first_rule(bucket: &str, times: Option<usize>) -> FaultProxy {
    let proxy = FaultProxy::start(&emulator().endpoint);
    let fault = Fault::kind(
        "GET",
        &format!("/{bucket}/?cors"),
        FaultKind::TruncateAfter("</CORSRule>"),
    );
    proxy.fail(match times {
        Some(n) => fault.times(n),
        None => fault,
    });
    proxy
}

const TRUNCATED: &str =
    "GetBucketCors failed: S3's answer is not a CORS configuration: the document ends inside <CORSConfiguration> (truncated)";

#[test]
fn plan_refuses_a_truncated_answer_instead_of_planning_to_re_add_rules() {
    s3::create_bucket("cut-plan", "us-east-1");
    s3::put_cors("cut-plan", &three_rules());
    let proxy = cutting_after_the_first_rule("cut-plan", None);
    let run = cors_sync()
        .manifest(&bucket_manifest("cut-plan", &three_rules()))
        .endpoint(Some(&proxy.endpoint))
        .run_with(&["plan", "-f", "manifest.yaml", "--format", "json"]);
    run.code(1);
    assert_eq!(run.stdout, "", "no plan is printed from a partial read");
    assert_eq!(
        run.stderr.lines().next(),
        Some(format!("error: s3_bucket.cut-plan: {TRUNCATED}").as_str()),
        "{}",
        run.stderr
    );
    // The SDK retries a response it could not read, as it does a dropped connection.
    assert_eq!(proxy.requests_matching("GET /cut-plan/?cors"), 3);
}

#[test]
fn a_truncation_that_passes_is_retried_and_the_plan_is_whole() {
    s3::create_bucket("cut-once", "us-east-1");
    s3::put_cors("cut-once", &three_rules());
    let proxy = cutting_after_the_first_rule("cut-once", Some(1));
    let run = cors_sync()
        .manifest(&bucket_manifest("cut-once", &three_rules()))
        .endpoint(Some(&proxy.endpoint))
        .run_with(&["plan", "-f", "manifest.yaml", "--detailed-exitcode"]);
    run.code(0);
    assert_eq!(proxy.requests_matching("GET /cut-once/?cors"), 2);
}

#[test]
fn import_prints_no_partial_manifest_from_a_truncated_answer() {
    s3::create_bucket("cut-import", "us-east-1");
    s3::put_cors("cut-import", &three_rules());
    let proxy = cutting_after_the_first_rule("cut-import", None);
    let run =
        cors_sync()
            .endpoint(Some(&proxy.endpoint))
            .run_with(&["import", "--bucket", "cut-import"]);
    run.code(1);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains(TRUNCATED), "{}", run.stderr);
}

#[test]
fn apply_writes_nothing_and_backs_up_nothing_from_a_truncated_answer() {
    s3::create_bucket("cut-apply", "us-east-1");
    s3::put_cors("cut-apply", &three_rules());
    let proxy = cutting_after_the_first_rule("cut-apply", None);
    let cli = cors_sync()
        .manifest(&bucket_manifest("cut-apply", &changed_rules()))
        .endpoint(Some(&proxy.endpoint));
    let run = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    run.code(1);
    assert!(run.stderr.contains(TRUNCATED), "{}", run.stderr);
    assert_eq!(proxy.requests_matching("PUT /cut-apply/"), 0);
    assert!(
        !cli.path(".cors-sync/backups").exists(),
        "a backup was recorded from a partial read"
    );
    assert_eq!(
        s3::cors("cut-apply"),
        three_rules(),
        "the live rules are untouched"
    );
}

#[test]
fn an_answer_that_is_not_a_cors_configuration_is_a_clear_error() {
    s3::create_bucket("garbled", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    // A 200 whose body is not a CORSConfiguration (a misbehaving proxy or emulator).
    proxy.fail(Fault::error(
        "GET",
        "/garbled/?cors",
        200,
        "Surprise",
        "not CORS",
    ));
    let text =
        "version: 1\nbuckets:\n  - name: garbled\n    region: us-east-1\n    cors_rules: []\n";
    let run = cors_sync()
        .manifest(text)
        .endpoint(Some(&proxy.endpoint))
        .run_with(&["plan", "-f", "manifest.yaml"]);
    run.code(1);
    assert!(
        run.stderr.starts_with(
            "error: s3_bucket.garbled: GetBucketCors failed: S3's answer is not a CORS configuration: "
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_write_answered_by_a_page_that_is_not_s3s_is_a_failure_not_created() {
    s3::create_bucket("portal-write", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::kind(
        "PUT",
        "/portal-write/?cors",
        FaultKind::Page(200),
    ));
    let cli = cors_sync()
        .manifest(&bucket_manifest("portal-write", &three_rules()))
        .endpoint(Some(&proxy.endpoint));
    let run = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    run.code(1);
    assert!(!run.stdout.contains("created."), "{}", run.stdout);
    assert!(
        run.stderr.contains("error: s3_bucket.portal-write: PutBucketCors failed: the answer is not S3's (HTTP 200 with a body where S3 sends none: `<!DOCTYPE html><html><body>Sign in to th`); S3 may never have received the write. Run plan to see"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("Apply incomplete: 0 of 1 changes written, 1 failed."),
        "{}",
        run.stdout
    );
    assert_eq!(s3::cors("portal-write"), vec![]);
}

#[test]
fn a_write_whose_answer_was_lost_may_or_may_not_have_been_made_and_plan_decides() {
    s3::create_bucket("lost-answer", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::kind(
        "PUT",
        "/lost-answer/?cors",
        FaultKind::ForwardThenDrop,
    ));
    let cli = cors_sync()
        .manifest(&bucket_manifest("lost-answer", &three_rules()))
        .endpoint(Some(&proxy.endpoint));
    let run = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    run.code(1);
    assert!(!run.stdout.contains("created."), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("error: s3_bucket.lost-answer: PutBucketCors failed: ")
            && run
                .stderr
                .contains("; it may or may not have been written. Run plan to see"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.ends_with("Apply incomplete: 0 of 1 changes written, 1 may have been written, 0 failed. Run plan again to see what remains.\n"),
        "{}",
        run.stdout
    );
    // It was made: the next plan, against S3 itself, says there is nothing left to do.
    cors_sync()
        .manifest(&bucket_manifest("lost-answer", &three_rules()))
        .assert_converged();
}

#[test]
fn a_redirected_probe_is_reported_not_followed() {
    // A browser never follows a redirect answering a preflight: the 307 is the answer it judges.
    s3::create_bucket("verify-redirect", "us-east-1");
    let rules = vec![rule(&["https://app.example.com"], &["GET"])];
    s3::put_cors("verify-redirect", &rules);
    let elsewhere = FaultProxy::start(&emulator().endpoint);
    let redirecting = FaultProxy::start(&emulator().endpoint);
    let location = format!("{}/verify-redirect/cors-sync-probe", elsewhere.endpoint);
    redirecting.fail(
        Fault::error(
            "OPTIONS",
            "/verify-redirect/",
            307,
            "TemporaryRedirect",
            "Please re-send this request to the specified temporary endpoint.",
        )
        .with_header("Location", &location),
    );
    let run = cors_sync()
        .manifest(&bucket_manifest("verify-redirect", &rules))
        .endpoint(Some(&redirecting.endpoint))
        .run_with(&["verify", "-f", "manifest.yaml"]);
    run.code(2);
    assert!(
        run.stdout.contains(
            "VERDICT rule 1: GET from https://app.example.com: predicted allowed (200), endpoint denied (307)"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(
        elsewhere.requests_matching("verify-redirect"),
        0,
        "the redirect was followed"
    );
}

#[test]
fn a_probe_that_gets_no_answer_is_bounded_by_the_timeout() {
    s3::create_bucket("verify-stalled", "us-east-1");
    let rules = vec![rule(&["https://app.example.com"], &["GET"])];
    s3::put_cors("verify-stalled", &rules);
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::kind(
        "OPTIONS",
        "/verify-stalled/",
        FaultKind::Stall(Duration::from_secs(60)),
    ));
    let started = Instant::now();
    let run = cors_sync()
        .manifest(&bucket_manifest("verify-stalled", &rules))
        .endpoint(Some(&proxy.endpoint))
        .run_with(&["verify", "-f", "manifest.yaml", "--timeout", "1"]);
    run.code(1);
    let expected = format!(
        "error: s3_bucket.verify-stalled: probe failed: {}/verify-stalled/cors-sync-probe: no answer within 1 s\n",
        proxy.endpoint
    );
    assert_eq!(run.stderr, expected);
    // Not a timing assertion: a probe that ignored --timeout would wait out the 60 s stall.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "verify was not bounded by --timeout"
    );
}

#[test]
fn a_well_formed_answer_s3_never_sends_is_refused_as_unreadable() {
    s3::create_bucket("impossible-rule", "us-east-1");
    s3::put_cors(
        "impossible-rule",
        &[rule(&["https://one.example"], &["GET"])],
    );
    let proxy = FaultProxy::start(&emulator().endpoint);
    // Whole and well formed, but a rule without a method: S3 stores none such.
    proxy.fail(Fault::kind(
        "GET",
        "/impossible-rule/?cors",
        FaultKind::Replace("<AllowedMethod>GET</AllowedMethod>", ""),
    ));
    let run = cors_sync()
        .manifest(&bucket_manifest(
            "impossible-rule",
            &[rule(&["https://one.example"], &["GET"])],
        ))
        .endpoint(Some(&proxy.endpoint))
        .run_with(&["plan", "-f", "manifest.yaml", "--max-attempts", "1"]);
    run.code(1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("error: s3_bucket.impossible-rule: GetBucketCors failed: S3's answer is not a CORS configuration: CORS rule 1 has no <AllowedOrigin> or no <AllowedMethod>"),
        "{}",
        run.stderr
    );
}
