//! Planning against live state, the step `plan`, `apply` and `rollback` share: read every
//! resource the manifest manages through the one read path, then plan (a pure function), once
//! per account in play.

use cors_sync_aws::live_state;
use cors_sync_core::diagnostic::{Diagnostic, Diagnostics, Severity};
use cors_sync_core::lint;
use cors_sync_core::live_targets::LiveTargets;
use cors_sync_core::manifest::Manifest;
use cors_sync_core::plan::{self, Address, LiveState, Plan};

use futures::future::join_all;

use crate::accounts::InAccount;
use crate::error::{Error, Refusal};
use crate::output::errln;
use crate::progress::Progress;

/// What planning found in one account: its part of the manifest, what was read, its plan.
pub struct AccountPlan<'r> {
    pub to: &'r InAccount,
    pub manifest: Manifest,
    pub live: LiveState,
    pub plan: Plan,
}

/// The plan across every account in play, account by account.
pub struct Planned<'r> {
    pub parts: Vec<AccountPlan<'r>>,
}

impl Planned<'_> {
    /// The whole plan: every account's changes, each carrying its account.
    pub fn plan(&self) -> Plan {
        Plan::joined(self.parts.iter().map(|p| p.plan.clone()))
    }

    /// Every lint: each account's manifest's own, and CloudFront's in front of its managed
    /// buckets (which needs live state to know which behavior serves which bucket).
    pub fn lints(&self) -> Vec<Diagnostic> {
        let mut warnings = Vec::new();
        for part in &self.parts {
            warnings.extend(lint::manifest_lints(&part.manifest));
            warnings.extend(lint::cloudfront_lints(&part.manifest, &part.live));
            warnings.extend(lint::policy_quota_lints(&part.manifest, &part.live));
        }
        warnings
    }
}

/// Reads everything the manifest manages in each account (all accounts at once, bucket reads
/// bounded together by `--parallelism`) and plans each. When anything could not be read no plan
/// is made: a plan missing a resource would look like "no changes" for it.
pub async fn compute<'r>(
    reached: &'r [InAccount],
    manifest: Manifest,
    parallelism: usize,
    quiet: bool,
) -> Result<Planned<'r>, Error> {
    // Moved into the accounts' parts, not copied: an estate's manifest is held once.
    let names: Vec<Option<&str>> = reached.iter().map(InAccount::name).collect();
    let parts = manifest.into_accounts(&names);
    let progress = Progress::new(
        parts
            .iter()
            .map(|m| m.buckets.len() + m.distributions.len())
            .sum(),
        "reading live state",
        quiet,
    );
    let reads = reached.iter().zip(&parts).map(|(to, part)| {
        let targets = LiveTargets::of_manifest(part);
        let progress = &progress;
        async move { live_state::read(&to.aws, &targets, parallelism, &|| progress.tick()).await }
    });
    let reads = join_all(reads).await;
    drop(progress);
    let mut errors = Vec::new();
    let mut asked = 0;
    let mut lives = Vec::new();
    for (mut read, part) in reads.into_iter().zip(&parts) {
        for wrong in std::mem::take(&mut read.wrong_regions) {
            report_wrong_region(part, &wrong);
        }
        asked += read.asked;
        errors.append(&mut read.errors);
        lives.push(read.live);
    }
    if !errors.is_empty() {
        let failure = cors_sync_aws::Error::Read { errors, asked };
        let then = format!("{failure}; no plan was made");
        return Err(Error::calls(failure, Some(then)));
    }
    let mut planned = Planned { parts: Vec::new() };
    let mut misfits = Diagnostics::default();
    for ((to, manifest), live) in reached.iter().zip(parts).zip(lives) {
        match plan::plan(&manifest, &live) {
            Ok(plan) => planned.parts.push(AccountPlan {
                to,
                manifest,
                live,
                plan,
            }),
            Err(found) => misfits.0.extend(found.0),
        }
    }
    if !misfits.0.is_empty() {
        misfits.sort();
        return Err(Error::DoesNotFitLive(misfits));
    }
    Ok(planned)
}

/// The part of the manifest `--target` names (all of it, moved and not copied, without
/// targets: an estate's manifest is large), and the targets.
pub fn targeted(manifest: Manifest, given: &[String]) -> Result<(Manifest, Vec<Address>), Error> {
    let targets = manifest.targets(given).map_err(Refusal::from)?;
    if targets.is_empty() {
        return Ok((manifest, targets));
    }
    Ok((manifest.targeted(&targets), targets))
}

/// The key saved plans and backup journals are signed and checked with (`CORS_SYNC_PLAN_KEY`),
/// when one is set. Set but empty is an error: a pipeline whose secret did not arrive must not
/// quietly sign nothing and check nothing.
pub fn plan_key() -> Result<Option<Vec<u8>>, Error> {
    match std::env::var_os("CORS_SYNC_PLAN_KEY") {
        None => Ok(None),
        Some(key) if key.is_empty() => Err(Refusal::EmptyPlanKey.into()),
        Some(key) => Ok(Some(key.into_encoded_bytes())),
    }
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
