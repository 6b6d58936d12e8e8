//! `cors-sync plan`: what apply would change, as text, the JSON plan contract, or a pull-request
//! comment; optionally saved for `apply PLANFILE`.

use std::collections::HashSet;
use std::path::Path;

use cors_sync_aws::live_state;
use cors_sync_core::access::{self, AccessReport};
use cors_sync_core::live_targets::LiveTargets;
use cors_sync_core::output_file;
use cors_sync_core::plan::{Address, Plan, PolicyListings};
use cors_sync_core::plan_file::{self, Place, Review, SavedPlan};
use cors_sync_core::render::plan_view::{self, PlanView};
use cors_sync_core::render::{findings, json_plan, UnmanagedBucket};

use super::{load_manifest, report_lints, report_retries, Error, Outcome, Refusal};
use crate::accounts::{self, InAccount};
use crate::cli::{Cli, PlanArgs, PlanFormat};
use crate::output::{errln, out};
use crate::planning::{self, compute, plan_key, Planned};
use crate::terminal;

pub async fn run(args: &PlanArgs, cli: &Cli) -> Result<Outcome, Error> {
    if args.out.is_some() {
        // An empty key is refused before anything is read, not once the plan is made.
        plan_key()?;
    }
    let manifest = load_manifest(&args.manifest.manifest, cli.connection.provider)?;
    // The manifest moves into planning; what `--report-unmanaged` needs of it is the names.
    let managed: HashSet<String> = if args.report_unmanaged {
        manifest.buckets.iter().map(|b| b.name.clone()).collect()
    } else {
        HashSet::new()
    };
    let (targeted, targets) = planning::targeted(manifest, &args.targets)?;
    let reached = accounts::reach(
        &cli.connection,
        &accounts::in_play(&targeted, &cli.connection)?,
    )
    .await?;
    let parallelism = usize::from(cli.connection.parallelism);
    let mut planned = compute(&reached, targeted, parallelism, cli.output.quiet).await?;
    let plan = Plan {
        targets,
        ..planned.plan()
    };
    let warnings = planned.lints();
    report_lints(&warnings, args.manifest.strict)?;
    let unmanaged = if args.report_unmanaged {
        let mut found = Vec::new();
        for to in &reached {
            found.extend(unmanaged_buckets(to, &managed, parallelism).await?);
        }
        Some(found)
    } else {
        None
    };
    // Evaluated only where it is shown: the markdown comment, and a saved plan's `show`.
    let access = if args.format == PlanFormat::Markdown || args.out.is_some() {
        // Each account's live state against its part of the manifest, off the thread that
        // watches for Ctrl-C: the comparison can be long.
        let parts: Vec<_> = planned
            .parts
            .iter()
            .map(|p| (p.live.clone(), p.manifest.clone()))
            .collect();
        super::off_the_runtime(move || {
            let mut report = AccessReport::default();
            for (live, desired) in &parts {
                report.merge(access::compare_live(live, desired));
            }
            report
        })
        .await?
    } else {
        AccessReport::default()
    };
    let plan = match &args.out {
        Some(path) => {
            // What is printed beside the changes, so that `show` prints the plan as it is
            // printed now.
            let review = Review::new(&warnings, unmanaged.as_deref(), access.clone());
            save(&mut planned, plan, review, &args.manifest.manifest, path).await?
        }
        None => plan,
    };
    let view = PlanView {
        plan: &plan,
        warnings: &warnings,
        unmanaged: unmanaged.as_deref(),
        access: &access,
    };
    let colour = terminal::stdout_colour(cli.output.no_color);
    let shown = |format| out!("{}", plan_view::render(&view, format, colour));
    match args.format {
        PlanFormat::Text => shown(plan_view::Format::Text),
        // Streamed: a plan of 100,000 changes is never one string (the same text plan_view gives).
        PlanFormat::Json => crate::output::stream_stdout(|out| {
            json_plan::write_with(&plan, unmanaged.as_deref(), out)
        }),
        PlanFormat::Markdown => shown(plan_view::Format::Markdown),
        PlanFormat::Sarif => out!(
            "{}",
            findings::render(
                findings::Format::Sarif,
                &warnings,
                env!("CARGO_PKG_VERSION")
            )
        ),
        PlanFormat::Github => out!(
            "{}",
            findings::render(
                findings::Format::Github,
                &warnings,
                env!("CARGO_PKG_VERSION")
            )
        ),
    }
    if let Some(first) = reached.first() {
        // The retry count is shared by every account's connection.
        report_retries(&first.aws);
    }
    if args.detailed_exitcode && !plan.is_empty() {
        Ok(Outcome::ChangesPresent)
    } else {
        Ok(Outcome::Success)
    }
}

/// Writes the plan file, and gives the plan back to be shown: it moves into the file's body and
/// back rather than being copied into it. Distributions in the plan are re-read with
/// GetDistributionConfig first, so their fingerprints include the ETag an update would use.
async fn save(
    planned: &mut Planned<'_>,
    plan: Plan,
    review: Review,
    manifest_path: &Path,
    path: &Path,
) -> Result<Plan, Error> {
    let not_saved =
        |e: cors_sync_aws::Error| Error::calls(e, Some("the plan was not saved".into()));
    let mut fingerprints = Vec::new();
    for part in &mut planned.parts {
        // Only the distributions: their ETags are what an update sends back; the rest was just read.
        let changed = LiveTargets {
            buckets: Vec::new(),
            policy_listings: PolicyListings::default(),
            ..LiveTargets::of_plan(&part.plan)
        };
        let read = live_state::read(&part.to.aws, &changed, 1, &|| {})
            .await
            .complete()
            .map_err(not_saved)?;
        for distribution in read.distributions {
            part.live.distributions.retain(|d| d.id != distribution.id);
            part.live.distributions.push(distribution);
        }
        fingerprints.extend(plan_file::fingerprints(&part.plan.changes, &part.live));
    }
    // Across declared accounts the guard has checked each one's ID; the file records them all.
    let made_in = match planned.parts.first().map(|p| p.to) {
        Some(InAccount { account: None, aws }) => {
            aws.place().await.map_err(|e| not_saved(e.into()))?
        }
        Some(InAccount { aws, .. }) => Place {
            account_id: String::new(),
            endpoints: aws.endpoints(),
        },
        None => return Err(Refusal::NoAccountToSaveFor.into()),
    };
    let saved = SavedPlan {
        created_by: format!("cors-sync {}", env!("CARGO_PKG_VERSION")),
        manifest_sha256: planned
            .parts
            .first()
            .map(|p| p.manifest.digest.clone())
            .unwrap_or_default(),
        made_in,
        fingerprints,
        plan,
        accounts: planned
            .parts
            .iter()
            .filter_map(|p| p.to.account.clone())
            .collect(),
        made_at: Some(now_utc()),
        manifest_path: Some(manifest_path.display().to_string()),
        review: Some(review),
    };
    let key = plan_key()?;
    output_file::write_with(path, |out| plan_file::write(&saved, key.as_deref(), out)).map_err(
        |source| Refusal::PlanNotSaved {
            path: path.to_path_buf(),
            source,
        },
    )?;
    errln!(
        "Saved this plan to {}. `cors-sync apply {}` applies exactly it, if live state has not moved.",
        path.display(),
        path.display()
    );
    Ok(saved.plan)
}

/// Now, to the second, as RFC 3339 UTC (`2026-12-06T17:30:00Z`).
fn now_utc() -> String {
    let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now());
    aws_smithy_types::DateTime::from_secs(now.secs())
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}

/// Buckets in the account with CORS that the manifest does not name, from the same paged
/// listing region discovery uses. A bucket that cannot be read is a warning, not a failure: it is
/// only information.
async fn unmanaged_buckets(
    to: &InAccount,
    managed: &HashSet<String>,
    parallelism: usize,
) -> Result<Vec<UnmanagedBucket>, Error> {
    let all = live_state::list_buckets(&to.aws).await?;
    let others = LiveTargets {
        buckets: all
            .into_iter()
            .filter(|b| !managed.contains(&b.name))
            .collect(),
        ..LiveTargets::default()
    };
    let read = live_state::read(&to.aws, &others, parallelism, &|| {}).await;
    for error in &read.errors {
        errln!("warning: {error}");
    }
    let found = read
        .live
        .buckets
        .iter()
        .filter(|bucket| bucket.cors.is_configured())
        .map(|bucket| UnmanagedBucket {
            address: Address::S3Bucket(bucket.name.clone()).to_string(),
            region: bucket.region.clone(),
            rules: bucket.cors.rules.len(),
            account: to.name().map(str::to_string),
        })
        .collect();
    Ok(found)
}
