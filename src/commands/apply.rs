//! `cors-sync apply`: plan, show, confirm, then write exactly the planned changes; or apply a
//! saved plan exactly, after checking that live state has not moved since it was made.

use std::path::Path;

use cors_sync_aws::live_state;
use cors_sync_aws::Aws;
use cors_sync_core::input;
use cors_sync_core::live_targets::LiveTargets;
use cors_sync_core::plan_file::{self, SavedPlan};
use cors_sync_core::render::text_plan::{self, Colour};

use super::{connect, load_manifest, report_lints, Error, Outcome};
use crate::cli::{ApplyArgs, Cli};
use crate::output::{err, out};
use crate::planning;
use crate::terminal;
use crate::writing::{approve, execute};

pub async fn run(args: &ApplyArgs, cli: &Cli) -> Result<Outcome, Error> {
    let colour = terminal::stdout_colour(cli.output.no_color);
    let parallelism = usize::from(cli.connection.parallelism);
    let (aws, plan) = match &args.planfile {
        Some(path) => {
            let saved = read_plan_file(path)?;
            out!("{}", text_plan::render(&saved.plan, colour));
            if saved.plan.is_empty() {
                return Ok(Outcome::Success);
            }
            let aws = connect(&cli.connection).await;
            still_current(&aws, &saved, parallelism, colour).await?;
            // The plan was reviewed when it was saved: applying it is the approval.
            (aws, saved.plan)
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
            approve(args.auto_approve)?;
            (aws, plan)
        }
    };
    Ok(execute(&aws, &plan, &args.writing, parallelism, cli.output.quiet).await)
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
    plan_file::decode(&text).map_err(|source| Error::PlanFile {
        path: path.to_path_buf(),
        source,
    })
}

/// Re-reads every resource in the saved plan; an error (after naming each resource that moved
/// and how) when any no longer has the fingerprint the plan recorded.
async fn still_current(
    aws: &Aws,
    saved: &SavedPlan,
    parallelism: usize,
    colour: Colour,
) -> Result<(), Error> {
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
        return Ok(());
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
