//! `cors-sync apply`: plan, show, confirm, then write exactly the planned changes; or apply a
//! saved plan exactly, after checking that live state has not moved since it was made.

use std::path::Path;

use cors_sync_aws::live_state;
use cors_sync_aws::Aws;
use cors_sync_core::input;
use cors_sync_core::live_targets::LiveTargets;
use cors_sync_core::plan::Plan;
use cors_sync_core::plan_file::{self, SavedPlan};
use cors_sync_core::render::text_plan::{self, Colour};

use super::{connect, load_manifest, report_lints, Error, Outcome};
use crate::apply_lock;
use crate::cli::{ApplyArgs, Cli};
use crate::interrupt::Interrupt;
use crate::output::{err, out};
use crate::planning;
use crate::terminal;
use crate::writing::{approve, execute};

pub async fn run(args: &ApplyArgs, cli: &Cli, interrupt: &Interrupt) -> Result<Outcome, Error> {
    // Held from before the first read to after the last write.
    let _lock = apply_lock::acquire(&args.writing.backup_dir)?;
    let colour = terminal::stdout_colour(cli.output.no_color);
    let parallelism = usize::from(cli.connection.parallelism);
    let (aws, plan) = match &args.planfile {
        Some(path) => {
            let saved = read_plan_file(path)?;
            if saved.plan.is_empty() {
                out!("{}", text_plan::render(&saved.plan, colour));
                return Ok(Outcome::Success);
            }
            let aws = connect(&cli.connection).await;
            let plan = still_current(&aws, &saved, parallelism, colour).await?;
            // What is shown is the plan with the state just re-read as its `before`.
            out!("{}", text_plan::render(&plan, colour));
            // The plan was reviewed when it was saved: applying it is the approval.
            (aws, plan)
        }
        None => {
            let manifest = load_manifest(&args.manifest.manifest)?;
            let aws = connect(&cli.connection).await;
            let (plan, live) =
                planning::compute(&aws, &manifest, parallelism, cli.output.quiet).await?;
            report_lints(&planning::lints(&manifest, &live), args.manifest.strict)?;
            out!("{}", text_plan::render(&plan, colour));
            if plan.is_empty() {
                return Ok(Outcome::Success);
            }
            approve(args.auto_approve).await?;
            (aws, plan)
        }
    };
    Ok(execute(
        &aws,
        &plan,
        &args.writing,
        parallelism,
        cli.output.quiet,
        terminal::stdout_colour(cli.output.no_color),
        interrupt,
    )
    .await)
}

fn read_plan_file(path: &Path) -> Result<SavedPlan, Error> {
    let unreadable = |reason: String| {
        Error::Refused(format!(
            "cannot read the plan file {}: {reason}",
            path.display()
        ))
    };
    let bytes = input::read_regular(path).map_err(|e| unreadable(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| unreadable(e.to_string()))?;
    plan_file::decode(&text, planning::plan_key().as_deref()).map_err(|source| Error::PlanFile {
        path: path.to_path_buf(),
        source,
    })
}

/// Checks that the saved plan may be applied here and now: every change has a fingerprint, this
/// run reaches the account and endpoints the plan was made against, and every resource still
/// has the fingerprint the plan recorded (each one that moved is shown, and how). Returns the
/// plan with the state just re-read as its `before`.
async fn still_current(
    aws: &Aws,
    saved: &SavedPlan,
    parallelism: usize,
    colour: Colour,
) -> Result<Plan, Error> {
    let unchecked = plan_file::unfingerprinted(saved);
    if !unchecked.is_empty() {
        let names: Vec<String> = unchecked.iter().map(ToString::to_string).collect();
        return Err(Error::Refused(format!(
            "the plan file has no fingerprint for {}: nothing says what it was planned from (the file was edited); nothing was written",
            names.join(", ")
        )));
    }
    let here = aws.place().await.map_err(|e| {
        Error::calls(
            e.into(),
            Some("could not tell where this run writes; nothing was written".into()),
        )
    })?;
    if here != saved.made_in {
        return Err(Error::Refused(format!(
            "the plan was made for {}, but this run reaches {}; nothing was written",
            saved.made_in, here
        )));
    }
    let targets = LiveTargets::of_plan(&saved.plan);
    let now = live_state::read(aws, &targets, parallelism, &|| {})
        .await
        .complete()
        .map_err(|failure| {
            let then = "could not re-read the plan's resources; nothing was written";
            Error::calls(failure, Some(then.into()))
        })?;
    let moved = plan_file::moved(saved, &plan_file::fingerprints(&saved.plan, &now));
    if moved.is_empty() {
        return Ok(plan_file::with_live_before(&saved.plan, &now));
    }
    for address in &moved {
        if let Some(change) = saved.plan.changes.iter().find(|c| &c.address() == *address) {
            let recorded_etag = saved.fingerprint(address).and_then(|f| f.etag.as_deref());
            err!(
                "{}",
                text_plan::moved_block(change, &now, recorded_etag, colour)
            );
        }
    }
    Err(Error::Stale { moved: moved.len() })
}
