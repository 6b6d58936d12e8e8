//! Faults survived, nothing lost: transient and permanent AWS failures through a fault-injecting
//! proxy, stalled endpoints, interruption mid-apply, resources vanishing, backups and rollback,
//! and credentials kept out of every output.

use std::time::{Duration, Instant};

use crate::support::fault_proxy::{Fault, FaultKind, FaultProxy};
use crate::support::s3::{self, rule};
use crate::support::{cors_sync, emulator};

pub(crate) fn two_rules_manifest(a: &str, b: &str) -> String {
    format!(
        "version: 1\nbuckets:\n  - name: {a}\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n  - name: {b}\n    cors_rules:\n      - allowed_origins: [\"https://b.example\"]\n        allowed_methods: [PUT]\n"
    )
}

#[test]
fn transient_faults_on_reads_and_writes_are_retried_and_the_result_is_the_same() {
    s3::create_bucket("transient-a", "us-east-1");
    s3::create_bucket("transient-b", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::slow_down("GET", "/transient-a/?cors").times(2));
    proxy.fail(
        Fault::error(
            "PUT",
            "/transient-b/?cors",
            500,
            "InternalError",
            "We encountered an internal error.",
        )
        .times(1),
    );
    proxy.fail(Fault::kind("HEAD", "/transient-b/", FaultKind::Reset).times(1));
    proxy.fail(
        Fault::error(
            "GET",
            "/transient-b/?cors",
            400,
            "Throttling",
            "Rate exceeded",
        )
        .times(1),
    );
    let cli = cors_sync()
        .manifest(&two_rules_manifest("transient-a", "transient-b"))
        .endpoint(Some(&proxy.endpoint));
    let apply = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    apply.code(0);
    assert!(apply.stderr.contains("AWS calls were retried after throttling, a server error, a timeout or a dropped connection"), "{}", apply.stderr);
    assert_eq!(
        proxy.failed_requests().len(),
        5,
        "{:?}",
        proxy.failed_requests()
    );
    assert_eq!(s3::cors("transient-a"), vec![rule(&["*"], &["GET"])]);
    assert_eq!(
        s3::cors("transient-b"),
        vec![rule(&["https://b.example"], &["PUT"])]
    );
    cli.assert_converged();
}

#[test]
fn throttling_is_counted_apart_from_other_retries() {
    s3::create_bucket("throttled-a", "us-east-1");
    s3::create_bucket("throttled-b", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::slow_down("GET", "/throttled-a/?cors").times(2));
    proxy.fail(
        Fault::error(
            "GET",
            "/throttled-b/?cors",
            500,
            "InternalError",
            "We encountered an internal error.",
        )
        .times(1),
    );
    let cli = cors_sync()
        .manifest(&two_rules_manifest("throttled-a", "throttled-b"))
        .endpoint(Some(&proxy.endpoint));
    let plan = cli.run_with(&["plan", "-f", "manifest.yaml"]);
    plan.code(0);
    assert_eq!(
        proxy.failed_requests().len(),
        3,
        "{:?}",
        proxy.failed_requests()
    );
    assert!(
        plan.stderr.contains("note: 3 AWS calls were retried after throttling, a server error, a timeout or a dropped connection\n"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr.contains("note: 2 answers were throttling (S3 SlowDown, CloudFront or STS Throttling): the account limits its request rate; a lower --parallelism or more --max-attempts gives each call more room\n"),
        "{}",
        plan.stderr
    );
}

#[test]
fn a_permanent_fault_fails_one_bucket_and_a_rerun_writes_only_that_one() {
    s3::create_bucket("permanent-a", "us-east-1");
    s3::create_bucket("permanent-b", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::error(
        "PUT",
        "/permanent-b/?cors",
        503,
        "ServiceUnavailable",
        "Service is unable to handle request.",
    ));
    let cli = cors_sync()
        .manifest(&two_rules_manifest("permanent-a", "permanent-b"))
        .endpoint(Some(&proxy.endpoint));
    let first = cli.run_with(&[
        "apply",
        "-f",
        "manifest.yaml",
        "--auto-approve",
        "--max-attempts",
        "2",
    ]);
    first.code(1);
    assert!(first.stderr.contains("error: s3_bucket.permanent-b: PutBucketCors failed: ServiceUnavailable: Service is unable to handle request."), "{}", first.stderr);
    assert_eq!(
        proxy.requests_matching("PUT /permanent-b/?cors"),
        2,
        "bounded attempts"
    );
    assert_eq!(s3::cors("permanent-a"), vec![rule(&["*"], &["GET"])]);
    proxy.clear();
    let rerun = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    rerun.code(0);
    assert_eq!(
        proxy.requests_matching("PUT /permanent-a/?cors"),
        1,
        "the applied bucket is not written again"
    );
    assert_eq!(
        s3::cors("permanent-b"),
        vec![rule(&["https://b.example"], &["PUT"])]
    );
}

#[test]
fn aws_max_attempts_from_the_environment_bounds_bucket_reads() {
    s3::create_bucket("one-attempt", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::slow_down("GET", "/one-attempt/?cors").times(1));
    let text =
        "version: 1\nbuckets:\n  - name: one-attempt\n    region: us-east-1\n    cors_rules: []\n";
    let run = cors_sync()
        .manifest(text)
        .endpoint(Some(&proxy.endpoint))
        .env("AWS_MAX_ATTEMPTS", "1")
        .run_with(&["plan", "-f", "manifest.yaml"]);
    run.code(1);
    assert!(
        run.stderr
            .starts_with("error: s3_bucket.one-attempt: GetBucketCors failed: SlowDown: "),
        "{}",
        run.stderr
    );
    assert_eq!(proxy.requests_matching("GET /one-attempt/?cors"), 1);
}

#[test]
fn a_read_refused_for_a_skewed_clock_is_signed_again_at_s3s_time() {
    use aws_sdk_s3::primitives::{DateTime, DateTimeFormat};
    s3::create_bucket("skewed", "us-east-1");
    let an_hour_ahead = DateTime::from(std::time::SystemTime::now() + Duration::from_secs(3600))
        .fmt(DateTimeFormat::HttpDate)
        .unwrap();
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(
        Fault::error(
            "GET",
            "/skewed/?cors",
            403,
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
        )
        .with_header("Date", &an_hour_ahead)
        .times(1),
    );
    let text =
        "version: 1\nbuckets:\n  - name: skewed\n    region: us-east-1\n    cors_rules: []\n";
    let run = cors_sync()
        .manifest(text)
        .endpoint(Some(&proxy.endpoint))
        .run_with(&["plan", "-f", "manifest.yaml", "--detailed-exitcode"]);
    run.code(0);
    let heads = proxy.heads_matching("GET /skewed/?cors");
    assert_eq!(heads.len(), 2, "refused once, then sent again: {heads:?}");
    let signed_at: Vec<i64> = heads.iter().map(|head| amz_date_seconds(head)).collect();
    let moved = signed_at[1] - signed_at[0];
    // An hour ahead, less the backoff (at most 1 s) and rounding to whole seconds.
    assert!(
        (3597..=3601).contains(&moved),
        "the retry was signed {moved} s later"
    );
}

/// The `x-amz-date` a request was signed with ("20261128T113000Z"), in seconds since the epoch.
fn amz_date_seconds(head: &str) -> i64 {
    use aws_sdk_s3::primitives::{DateTime, DateTimeFormat};
    let value = head
        .lines()
        .find_map(|line| {
            line.to_ascii_lowercase()
                .strip_prefix("x-amz-date:")
                .map(|v| v.trim().to_uppercase())
        })
        .expect("a signed request has x-amz-date");
    let (date, time) = value.split_once('T').expect("basic ISO 8601");
    let iso = format!(
        "{}-{}-{}T{}:{}:{}",
        &date[..4],
        &date[4..6],
        &date[6..8],
        &time[..2],
        &time[2..4],
        &time[4..]
    );
    DateTime::from_str(&iso, DateTimeFormat::DateTime)
        .unwrap_or_else(|e| panic!("{iso}: {e}"))
        .secs()
}

#[test]
fn a_stalled_endpoint_is_bounded_by_the_timeout() {
    s3::create_bucket("stalled", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::kind(
        "GET",
        "/stalled/?cors",
        FaultKind::Stall(Duration::from_secs(20)),
    ));
    let text =
        "version: 1\nbuckets:\n  - name: stalled\n    region: us-east-1\n    cors_rules: []\n";
    let started = Instant::now();
    let run = cors_sync()
        .manifest(text)
        .endpoint(Some(&proxy.endpoint))
        .run_with(&[
            "plan",
            "-f",
            "manifest.yaml",
            "--timeout",
            "1",
            "--max-attempts",
            "2",
        ]);
    run.code(1);
    let expected = format!(
        "error: s3_bucket.stalled: GetBucketCors failed: timed out: no answer from {} within the --timeout of one attempt: ",
        proxy.endpoint
    );
    assert!(run.stderr.starts_with(&expected), "{}", run.stderr);
    // Not a timing assertion: a run that ignored --timeout would wait out both 20 s stalls.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the run was not bounded by --timeout"
    );
}

#[test]
fn a_write_failure_on_one_bucket_does_not_stop_the_others_and_a_rerun_converges() {
    for bucket in ["partial-a", "partial-b", "partial-c"] {
        s3::create_bucket(bucket, "us-east-1");
    }
    s3::put_cors("partial-c", &[rule(&["*"], &["GET"])]);
    let manifest = r#"
version: 1
buckets:
  - name: partial-a
    cors_rules:
      - allowed_origins: ["*"]
        allowed_methods: [GET]
  - name: partial-b
    cors_rules:
      - allowed_origins: ["https://b.example"]
        allowed_methods: [PUT]
  - name: partial-c
    cors_rules: []
"#;
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::error(
        "PUT",
        "/partial-b/?cors",
        403,
        "AccessDenied",
        "Access Denied",
    ));
    let cli = cors_sync()
        .manifest(manifest)
        .endpoint(Some(&proxy.endpoint))
        .args(["apply", "-f", "manifest.yaml", "--auto-approve"]);
    let run = cli.run();
    run.code(1);
    assert_eq!(proxy.failed_requests(), ["PUT /partial-b/?cors"]);
    let first_line = run.stderr.lines().next().unwrap_or_default();
    assert_eq!(
        first_line,
        "error: s3_bucket.partial-b: PutBucketCors failed: AccessDenied: Access Denied"
    );
    assert!(
        run.stderr
            .contains("Backed up the previous state to .cors-sync/backups/"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.ends_with("Apply incomplete: 2 of 3 changes written, 1 failed. Run plan again to see what remains.\n"), "{}", run.stdout);
    assert_eq!(s3::cors("partial-a"), vec![rule(&["*"], &["GET"])]);
    assert_eq!(s3::cors("partial-b"), vec![]);
    assert_eq!(s3::cors("partial-c"), vec![]);

    proxy.clear();
    let writes_before = proxy.requests_matching("PUT /partial-a/?cors")
        + proxy.requests_matching("DELETE /partial-c/?cors");
    let rerun = cli.run();
    rerun.code(0);
    let writes_after = proxy.requests_matching("PUT /partial-a/?cors")
        + proxy.requests_matching("DELETE /partial-c/?cors");
    assert_eq!(
        writes_after, writes_before,
        "a re-run writes only what failed"
    );
    assert!(
        rerun
            .stdout
            .contains("Plan: 1 to create, 0 to update, 0 to delete."),
        "only the failed bucket is left: {}",
        rerun.stdout
    );
    assert_eq!(
        s3::cors("partial-b"),
        vec![rule(&["https://b.example"], &["PUT"])]
    );
    cors_sync().manifest(manifest).assert_converged();
}
