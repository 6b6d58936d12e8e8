//! `cors-sync apply`: plan, show, confirm, then write exactly the planned changes; or apply a
//! saved plan exactly, after checking that live state has not moved since it was made.

use std::path::Path;

use cors_sync_aws::live_state;
use cors_sync_aws::Aws;
use cors_sync_core::live_targets::LiveTargets;
use cors_sync_core::plan_file::{self, SavedPlan};
use cors_sync_core::render::plural;
use cors_sync_core::render::text_plan::{self, Colour};

use super::{connect, load_manifest, report_lints, report_read_failure, Outcome};
use crate::cli::{ApplyArgs, Cli};
use crate::planning;
use crate::terminal;
use crate::writing::{approved, execute};

pub async fn run(args: &ApplyArgs, cli: &Cli) -> Outcome {
    let colour = terminal::stdout_colour(cli.output.no_color);
    let parallelism = usize::from(cli.connection.parallelism);
    let (aws, plan) = match &args.planfile {
        Some(path) => {
            let Some(saved) = read_plan_file(path) else {
                return Outcome::Failure;
            };
            print!("{}", text_plan::render(&saved.plan, colour));
            if saved.plan.is_empty() {
                return Outcome::Success;
            }
            let aws = connect(&cli.connection).await;
            if !still_current(&aws, &saved, parallelism, colour).await {
                return Outcome::Failure;
            }
            // The plan was reviewed when it was saved: applying it is the approval.
            (aws, saved.plan)
        }
        None => {
            let Some(manifest) = load_manifest(&args.manifest.manifest) else {
                return Outcome::Failure;
            };
            let aws = connect(&cli.connection).await;
            let Some((plan, live)) =
                planning::compute(&aws, &manifest, parallelism, cli.output.quiet).await
            else {
                return Outcome::Failure;
            };
            if !report_lints(&planning::lints(&manifest, &live), args.manifest.strict) {
                return Outcome::Failure;
            }
            print!("{}", text_plan::render(&plan, colour));
            if plan.is_empty() {
                return Outcome::Success;
            }
            if !approved(args.auto_approve) {
                return Outcome::Failure;
            }
            (aws, plan)
        }
    };
    execute(&aws, &plan, &args.writing, parallelism, cli.output.quiet).await
}

fn read_plan_file(path: &Path) -> Option<SavedPlan> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!(
                "error: cannot read the plan file {}: {error}",
                path.display()
            );
            return None;
        }
    };
    match plan_file::decode(&text) {
        Ok(saved) => Some(saved),
        Err(error) => {
            eprintln!("error: {}: {error}. Nothing was written.", path.display());
            None
        }
    }
}

/// Re-reads every resource in the saved plan; false (after naming each resource that moved and
/// how) when any no longer has the fingerprint the plan recorded.
async fn still_current(aws: &Aws, saved: &SavedPlan, parallelism: usize, colour: Colour) -> bool {
    let targets = LiveTargets::of_plan(&saved.plan);
    let now = match live_state::read(aws, &targets, parallelism, &|| {})
        .await
        .complete()
    {
        Ok(now) => now,
        Err(failure) => {
            report_read_failure(
                &failure,
                Some("could not re-read the plan's resources; nothing was written"),
            );
            return false;
        }
    };
    let moved = plan_file::moved(saved, &plan_file::fingerprints(&saved.plan, &now));
    if moved.is_empty() {
        return true;
    }
    for address in &moved {
        if let Some(change) = saved.plan.changes.iter().find(|c| &c.address() == *address) {
            let recorded_etag = saved.fingerprint(address).and_then(|f| f.etag.as_deref());
            eprint!(
                "{}",
                text_plan::moved_block(change, &now, recorded_etag, colour)
            );
        }
    }
    eprintln!(
        "error: the saved plan is stale: {} resource{} moved since it was made; nothing was written. Run plan again.",
        moved.len(),
        plural(moved.len())
    );
    false
}
