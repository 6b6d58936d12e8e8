//! Planning against live state, the step `plan`, `apply` and `rollback` share: read every
//! resource the manifest manages through the one read path, then plan (a pure function).

use cors_sync_aws::live_state;
use cors_sync_aws::Aws;
use cors_sync_core::diagnostic::Diagnostic;
use cors_sync_core::lint;
use cors_sync_core::live_targets::LiveTargets;
use cors_sync_core::manifest::Manifest;
use cors_sync_core::plan::{self, LiveState, Plan};

use crate::progress::Progress;
use crate::report::report_read_failure;

/// Every lint: the manifest's own, and CloudFront's in front of managed buckets (which needs live
/// state to know which behavior serves which bucket).
pub fn lints(manifest: &Manifest, live: &LiveState) -> Vec<Diagnostic> {
    let mut warnings = lint::manifest_lints(manifest);
    warnings.extend(lint::cloudfront_lints(manifest, live));
    warnings
}

/// Reads everything the manifest manages and plans. Read failures are printed, and then no plan
/// is made: a plan missing a resource would look like "no changes" for it.
pub async fn compute(
    aws: &Aws,
    manifest: &Manifest,
    parallelism: usize,
    quiet: bool,
) -> Option<(Plan, LiveState)> {
    let progress = Progress::new(
        manifest.buckets.len() + manifest.distributions.len(),
        "reading live state",
        quiet,
    );
    let targets = LiveTargets::of_manifest(manifest);
    let read = live_state::read(aws, &targets, parallelism, &|| progress.tick()).await;
    let live = match read.complete() {
        Ok(live) => live,
        Err(failure) => {
            let consequence = format!("{failure}; no plan was made");
            report_read_failure(&failure, Some(&consequence));
            return None;
        }
    };
    match plan::plan(manifest, &live) {
        Ok(plan) => Some((plan, live)),
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            eprintln!("error: the manifest does not fit live state; no plan was made");
            None
        }
    }
}
