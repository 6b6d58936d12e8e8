//! Faults survived, nothing lost: transient and permanent AWS failures through a fault-injecting
//! proxy, stalled endpoints, interruption mid-apply, resources vanishing, backups and rollback,
//! and credentials kept out of every output.

use std::time::{Duration, Instant};

use crate::support::cloudfront as cf;
use crate::support::fault_proxy::{Fault, FaultKind, FaultProxy};
use crate::support::s3::{self, rule};
use crate::support::{cors_sync, emulator, finish, SESSION_TOKEN};

fn two_rules_manifest(a: &str, b: &str) -> String {
    format!(
        "version: 1\nbuckets:\n  - name: {a}\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n  - name: {b}\n    cors_rules:\n      - allowed_origins: [\"https://b.example\"]\n        allowed_methods: [PUT]\n"
    )
}

#[test]
fn transient_faults_on_reads_and_writes_are_retried_and_the_result_is_the_same() {
    s3::create_bucket("transient-a", "us-east-1");
    s3::create_bucket("transient-b", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(
        Fault::error(
            "GET",
            "/transient-a/?cors",
            503,
            "SlowDown",
            "Please reduce your request rate.",
        )
        .times(2),
    );
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
    proxy.fail(
        Fault::error(
            "GET",
            "/one-attempt/?cors",
            503,
            "SlowDown",
            "Please reduce your request rate.",
        )
        .times(1),
    );
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
fn no_credentials_is_a_clear_error_and_nothing_is_sent() {
    s3::create_bucket("no-credentials", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    let text = "version: 1\nbuckets:\n  - name: no-credentials\n    region: us-east-1\n    cors_rules: []\n";
    let run = cors_sync()
        .manifest(text)
        .endpoint(Some(&proxy.endpoint))
        .without_env("AWS_ACCESS_KEY_ID")
        .without_env("AWS_SECRET_ACCESS_KEY")
        .without_env("AWS_SESSION_TOKEN")
        .run_with(&["plan", "-f", "manifest.yaml"]);
    run.code(1);
    assert!(
        run.stderr.starts_with(
            "error: s3_bucket.no-credentials: GetBucketCors failed: could not load credentials: "
        ) && run.stderr.contains("no credentials found in chain"),
        "{}",
        run.stderr
    );
    assert_eq!(
        proxy.requests_matching("/no-credentials/"),
        0,
        "an unsigned request was sent"
    );
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
fn sigterm_during_apply_stops_cleanly_and_says_what_was_written() {
    s3::create_bucket("signal-a", "us-east-1");
    s3::create_bucket("signal-b", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::kind(
        "PUT",
        "/signal-b/?cors",
        FaultKind::Stall(Duration::from_secs(60)),
    ));
    let cli = cors_sync()
        .manifest(&two_rules_manifest("signal-a", "signal-b"))
        .endpoint(Some(&proxy.endpoint));
    let child = cli.spawn_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    let pid = child.id().to_string();
    let deadline = Instant::now() + Duration::from_secs(60);
    while proxy.requests_matching("PUT /signal-b/?cors") == 0 || s3::cors("signal-a").is_empty() {
        assert!(Instant::now() < deadline, "apply never reached its writes");
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let run = finish(child, "");
    run.code(1);
    assert!(
        run.stderr
            .contains("Interrupted: sending nothing more; abandoning writes in flight."),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("error: s3_bucket.signal-b: interrupted while its write was in flight; it may or may not have been made"), "{}", run.stderr);
    assert!(run.stdout.ends_with("Apply interrupted: 1 of 2 changes written, 1 in flight (may or may not have been made), 0 not sent. Run plan again to see what remains.\n"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("s3_bucket.signal-a (us-east-1): CORS configuration created."),
        "{}",
        run.stdout
    );
    assert_eq!(
        s3::cors("signal-b"),
        vec![],
        "the stalled write never reached S3"
    );
}

#[test]
fn a_bucket_deleted_between_plan_and_apply_is_a_clear_error() {
    s3::create_bucket("vanish-a", "us-east-1");
    s3::create_bucket("vanish-b", "us-east-1");
    let cli = cors_sync().manifest(&two_rules_manifest("vanish-a", "vanish-b"));
    cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "reviewed.plan"])
        .code(0);
    s3::delete_bucket("vanish-b");
    let run = cli.run_with(&["apply", "reviewed.plan"]);
    run.code(1);
    insta::assert_snapshot!(run.stderr, @"
    error: s3_bucket.vanish-b: GetBucketCors failed: NoSuchBucket: The specified bucket does not exist
    error: could not re-read the plan's resources; nothing was written
    ");
    assert_eq!(s3::cors("vanish-a"), vec![]);
}

#[test]
fn apply_backs_up_and_rollback_restores_buckets_and_distributions() {
    s3::create_bucket("rollback-a", "us-east-1");
    s3::create_bucket("rollback-b", "us-east-1");
    s3::put_cors(
        "rollback-a",
        &[rule(&["https://old.example"], &["GET", "HEAD"])],
    );
    let id = cf::create_distribution("rollback-cdn", "rollback-a");
    let distribution_before = cf::config(&id);
    let text = format!(
        "{}distributions:\n  - id: {id}\n    behaviors:\n      default:\n        forward_headers: [Origin, Access-Control-Request-Method]\n        allowed_methods: [GET, HEAD, OPTIONS]\n        cached_methods: [GET, HEAD, OPTIONS]\n      \"/fonts/*\":\n        response_headers_policy: Managed-SimpleCORS\n",
        two_rules_manifest("rollback-a", "rollback-b")
    );
    let cli = cors_sync().manifest(&text);
    let apply = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    apply.code(0);
    assert!(
        apply
            .stderr
            .contains("Backed up the previous state to .cors-sync/backups/"),
        "{}",
        apply.stderr
    );
    assert_eq!(s3::cors("rollback-a"), vec![rule(&["*"], &["GET"])]);

    let backups: Vec<_> = std::fs::read_dir(cli.path(".cors-sync/backups"))
        .unwrap()
        .collect();
    assert_eq!(backups.len(), 1);
    let journal = cli.read(&format!(
        ".cors-sync/backups/{}/journal.jsonl",
        backups[0].as_ref().unwrap().file_name().to_string_lossy()
    ));
    assert_eq!(journal.lines().count(), 3, "one entry per written resource");
    assert!(!journal.contains("test-secret-key-never-printed") && !journal.contains(SESSION_TOKEN));

    let rollback = cli.run_with(&["rollback", "--auto-approve"]);
    rollback.code(0);
    assert!(
        rollback
            .stdout
            .contains("Plan: 0 to create, 2 to update, 1 to delete."),
        "{}",
        rollback.stdout
    );
    assert_eq!(
        s3::cors("rollback-a"),
        vec![rule(&["https://old.example"], &["GET", "HEAD"])]
    );
    assert_eq!(s3::cors("rollback-b"), vec![]);
    assert_eq!(
        cf::config(&id),
        distribution_before,
        "the distribution is exactly as it was"
    );
    // Rolling back wrote a journal of its own, so the rollback can itself be undone.
    assert_eq!(
        std::fs::read_dir(cli.path(".cors-sync/backups"))
            .unwrap()
            .count(),
        2
    );
}

#[test]
fn debug_output_shows_sdk_activity_but_no_credentials_or_signatures() {
    s3::create_bucket("debug-bucket", "us-east-1");
    let text = "version: 1\nbuckets:\n  - name: debug-bucket\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n";
    let run = cors_sync().manifest(text).run_with(&[
        "apply",
        "-f",
        "manifest.yaml",
        "--auto-approve",
        "--debug",
    ]);
    run.code(0);
    assert!(
        run.stderr.contains("DEBUG"),
        "--debug logs: {}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
    // The harness already fails any run whose output holds the secret key or session token.
    for signed in ["Signature=", "authorization:", "x-amz-security-token"] {
        assert!(
            !run.stderr.to_lowercase().contains(&signed.to_lowercase()),
            "{signed} in debug output"
        );
    }
}

#[test]
fn rollback_without_a_backup_or_with_a_broken_journal_is_a_clear_error() {
    let cli = cors_sync().endpoint(None);
    let none = cli.run_with(&["rollback", "--auto-approve"]);
    none.code(1);
    assert_eq!(
        none.stderr,
        "error: there are no backups in .cors-sync/backups\n"
    );
    let cli = cli.file(
        ".cors-sync/backups/20260101T000000Z/journal.jsonl",
        "{\"not\": \"an entry\"}\n",
    );
    let broken = cli.run_with(&["rollback", "--auto-approve"]);
    broken.code(1);
    assert!(
        broken.stderr.starts_with(
            "error: .cors-sync/backups/20260101T000000Z/journal.jsonl:1: not a journal entry"
        ),
        "{}",
        broken.stderr
    );
}
