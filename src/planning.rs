//! Planning against live state, the step `plan`, `apply` and `rollback` share: read every
//! resource the manifest manages through the one read path, then plan (a pure function).

use cors_sync_aws::live_state;
use cors_sync_aws::Aws;
use cors_sync_core::diagnostic::{Diagnostic, Severity};
use cors_sync_core::lint;
use cors_sync_core::live_targets::LiveTargets;
use cors_sync_core::manifest::Manifest;
use cors_sync_core::plan::{self, LiveState, Plan};

use crate::error::Error;
use crate::output::errln;
use crate::progress::Progress;

/// Every lint: the manifest's own, and CloudFront's in front of managed buckets (which needs live
/// state to know which behavior serves which bucket).
pub fn lints(manifest: &Manifest, live: &LiveState) -> Vec<Diagnostic> {
    let mut warnings = lint::manifest_lints(manifest);
    warnings.extend(lint::cloudfront_lints(manifest, live));
    warnings.extend(lint::policy_quota_lints(manifest, live));
    warnings
}

/// Reads everything the manifest manages and plans. When anything could not be read no plan is
/// made: a plan missing a resource would look like "no changes" for it.
pub async fn compute(
    aws: &Aws,
    manifest: &Manifest,
    parallelism: usize,
    quiet: bool,
) -> Result<(Plan, LiveState), Error> {
    let progress = Progress::new(
        manifest.buckets.len() + manifest.distributions.len(),
        "reading live state",
        quiet,
    );
    let targets = LiveTargets::of_manifest(manifest);
    let mut read = live_state::read(aws, &targets, parallelism, &|| progress.tick()).await;
    drop(progress);
    for wrong in std::mem::take(&mut read.wrong_regions) {
        report_wrong_region(manifest, &wrong);
    }
    let live = read.complete().map_err(|failure| {
        let then = format!("{failure}; no plan was made");
        Error::calls(failure, Some(then))
    })?;
    let plan = plan::plan(manifest, &live).map_err(Error::DoesNotFitLive)?;
    Ok((plan, live))
}

/// The key saved plans are signed and checked with (`CORS_SYNC_PLAN_KEY`), when one is set.
pub fn plan_key() -> Option<Vec<u8>> {
    std::env::var_os("CORS_SYNC_PLAN_KEY")
        .filter(|key| !key.is_empty())
        .map(|key| key.into_encoded_bytes())
}

/// A bucket whose `region:` is wrong was read where S3 said it is: a warning at its position.
fn report_wrong_region(manifest: &Manifest, wrong: &live_state::WrongRegion) {
    let Some(bucket) = manifest.bucket(&wrong.bucket) else {
        return;
    };
    let warning = Diagnostic {
        location: bucket.location.clone(),
        severity: Severity::Warning,
        code: None,
        message: format!(
            "bucket `{}` is in {}, not {} as its `region:` says; it was read there",
            wrong.bucket, wrong.actual, wrong.stated
        ),
        help: Some(format!("write `region: {}`", wrong.actual)),
    };
    errln!("{warning}");
}
