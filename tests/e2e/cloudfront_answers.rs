//! CloudFront answers that lie: a GetDistributionConfig body cut short or corrupted on its way is
//! refused as a whole, never believed and written back (an update made from it would drop the
//! behaviors, the comment, logging and error pages, and disable the distribution).

use crate::cloudfront::manifest;
use crate::support::cloudfront as cf;
use crate::support::cors_sync;
use crate::support::emulator::emulator;
use crate::support::fault_proxy::{Fault, FaultKind, FaultProxy};

/// Applies a whitelist change to the default behavior of a new distribution through a proxy that
/// does `fault` to every GetDistributionConfig answer; returns the run's stderr after checking
/// that nothing was written or backed up.
fn apply_through(name: &str, fault: FaultKind) -> String {
    let id = cf::create_distribution(name, &format!("{name}-assets"));
    let before = cf::config(&id);
    let proxy = FaultProxy::start(&emulator().endpoint);
    let config_path = format!("/2020-05-31/distribution/{id}/config");
    proxy.fail(Fault::kind("GET", &config_path, fault));
    let cli = cors_sync()
        .manifest(&manifest(
            &id,
            "      default:\n        forward_headers: [Origin, Access-Control-Request-Method]\n",
        ))
        .endpoint(Some(&proxy.endpoint));
    let run = cli.run_with(&[
        "apply",
        "-f",
        "manifest.yaml",
        "--auto-approve",
        "--max-attempts",
        "2",
    ]);
    run.code(1);
    assert_eq!(
        proxy.requests_matching(&format!("PUT {config_path}")),
        0,
        "an update was sent from a broken read"
    );
    assert_eq!(
        proxy.requests_matching(&format!("GET {config_path}")),
        2,
        "a broken answer is retried as a dropped connection is"
    );
    assert_eq!(cf::config(&id), before, "the distribution is untouched");
    assert!(
        !cli.path(".cors-sync/backups").exists(),
        "nothing was backed up for a write never sent"
    );
    run.stderr.replace(&id, "DIST")
}

#[test]
fn a_distribution_config_cut_at_its_behaviors_is_refused_and_nothing_is_written() {
    let stderr = apply_through(
        "cf-cut-config",
        FaultKind::TruncateAfter("<CacheBehaviors>"),
    );
    assert!(
        stderr.contains("error: cloudfront_distribution.DIST: GetDistributionConfig failed: CloudFront's answer is not a whole document: the document ends inside <CacheBehaviors> (truncated)"),
        "{stderr}"
    );
}

#[test]
fn a_distribution_config_with_a_mismatched_closing_tag_is_refused_and_nothing_is_written() {
    let stderr = apply_through("cf-bad-tag", FaultKind::Replace("</Comment>", "</Commnt>"));
    assert!(
        stderr.contains("error: cloudfront_distribution.DIST: GetDistributionConfig failed: CloudFront's answer is not a whole document: </Commnt> closes <Comment>"),
        "{stderr}"
    );
}
