//! Ctrl-C and SIGTERM: before any write the run stops at once and says nothing was written;
//! during writes it stops sending and says what was written; a wait for CloudFront stops at once.

use std::process::Child;
use std::time::Duration;

use crate::cloudfront::manifest as distribution_manifest;
use crate::reliability::two_rules_manifest;
use crate::support::cloudfront as cf;
use crate::support::fault_proxy::{Fault, FaultKind, FaultProxy};
use crate::support::s3;
use crate::support::{cors_sync, emulator, finish, until, Run};

/// Sends SIGTERM to `child` and returns its run, which exits 1.
fn terminated(child: Child) -> Run {
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let run = finish(child, "");
    run.code(1);
    run
}

/// A fault proxy in front of the emulator that does `fault`.
fn holding(fault: Fault) -> FaultProxy {
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(fault);
    proxy
}

/// No answer for `seconds`, then a closed connection.
fn stall(seconds: u64) -> FaultKind {
    FaultKind::Stall(Duration::from_secs(seconds))
}

#[test]
fn sigterm_during_apply_stops_cleanly_and_says_what_was_written() {
    s3::create_bucket("signal-a", "us-east-1");
    s3::create_bucket("signal-b", "us-east-1");
    let proxy = holding(Fault::kind("PUT", "/signal-b/?cors", stall(60)));
    let cli = cors_sync()
        .manifest(&two_rules_manifest("signal-a", "signal-b"))
        .endpoint(Some(&proxy.endpoint));
    let child = cli.spawn_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    until("apply's writes", || {
        proxy.requests_matching("PUT /signal-b/?cors") > 0 && !s3::cors("signal-a").is_empty()
    });
    let run = terminated(child);
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
fn a_signal_during_the_reads_stops_at_once_and_nothing_is_written() {
    s3::create_bucket("signal-read", "us-east-1");
    // The read hangs far longer than the test's watchdog: only the signal can end the run.
    let proxy = holding(Fault::kind("GET", "/signal-read/?cors", stall(600)));
    let cli = cors_sync()
        .manifest("version: 1\nbuckets:\n  - name: signal-read\n    region: us-east-1\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n")
        .endpoint(Some(&proxy.endpoint));
    let child = cli.spawn_with(&[
        "apply",
        "-f",
        "manifest.yaml",
        "--auto-approve",
        "--timeout",
        "900",
    ]);
    until("the read of signal-read", || {
        proxy.requests_matching("GET /signal-read/?cors") > 0
    });
    let run = terminated(child);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: interrupted before anything was written; nothing was written\n"
    );
    assert_eq!(s3::cors("signal-read"), vec![]);
}

#[test]
fn a_signal_stops_apply_wait_at_once_and_the_summary_says_what_was_written() {
    let id = cf::create_distribution("signal-wait", "signal-wait-assets");
    // GetDistribution, the status poll, hangs: the wait could only end by the signal.
    let distribution = format!("/2020-05-31/distribution/{id}");
    let proxy = holding(Fault::kind("GET", &distribution, stall(600)).exact());
    let cli = cors_sync()
        .manifest(&distribution_manifest(
            &id,
            "      default:\n        forward_headers: [Origin, Access-Control-Request-Method]\n",
        ))
        .endpoint(Some(&proxy.endpoint));
    let child = cli.spawn_with(&[
        "apply",
        "-f",
        "manifest.yaml",
        "--auto-approve",
        "--wait",
        "--timeout",
        "900",
    ]);
    // The poll is the request the proxy holds (GetDistributionConfig, before the update, is not).
    until("the deployment poll", || {
        !proxy.failed_requests().is_empty()
    });
    let run = terminated(child);
    assert!(
        run.stderr.contains(
            "Interrupted: no longer waiting for CloudFront deployments (the updates were made)."
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.ends_with("Apply interrupted: 1 of 1 changes written, 0 in flight (may or may not have been made), 0 not sent. Run plan again to see what remains.\n"),
        "{}",
        run.stdout
    );
    let forwarded = cf::config(&id);
    assert!(format!("{forwarded:?}").contains("Access-Control-Request-Method"));
}

/// A hundred rules whose header patterns overlap pairwise (`x7-*` and `*-7`): comparing the
/// bucket's access in one rule order against the other asks about every pair of rules, seconds of
/// work for `plan --format markdown`'s "Access changes".
fn overlapping_header_rules(reversed: bool) -> Vec<cors_sync_core::bucket_cors::CorsRule> {
    let mut order: Vec<usize> = (0..100).collect();
    if reversed {
        order.reverse();
    }
    order
        .into_iter()
        .map(|i| cors_sync_core::bucket_cors::CorsRule {
            allowed_headers: vec![format!("x{i}-*"), format!("*-{i}")],
            ..cors_sync_core::bucket_cors::CorsRule::allowing(&["*"], &["PUT", "DELETE"])
        })
        .collect()
}

#[test]
fn a_signal_during_plans_comparison_of_access_stops_it_at_once() {
    s3::create_bucket("signal-access", "us-east-1");
    s3::put_cors("signal-access", &overlapping_header_rules(false));
    let proxy = FaultProxy::start(&emulator().endpoint);
    let cli = cors_sync()
        .manifest(&crate::support::bucket_manifest(
            "signal-access",
            &overlapping_header_rules(true),
        ))
        .endpoint(Some(&proxy.endpoint));
    let child = cli.spawn_with(&["plan", "-f", "manifest.yaml", "--format", "markdown"]);
    // With the read's answer in hand, plan's only work left is the comparison of access.
    until("the answer to the read of signal-access", || {
        proxy.answers_matching("GET /signal-access/?cors") > 0
    });
    let run = terminated(child);
    assert_eq!(run.stdout, "");
    // The manifest's lint warnings come first.
    assert!(
        run.stderr
            .ends_with("error: interrupted before anything was written; nothing was written\n"),
        "{}",
        run.stderr
    );
}
