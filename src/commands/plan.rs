//! `cors-sync plan`: what apply would change, as text or as the JSON plan contract.

use cors_sync_aws::live_state::{self, BucketTarget};
use cors_sync_aws::Aws;
use cors_sync_core::manifest::Manifest;
use cors_sync_core::plan::{self, Plan};
use cors_sync_core::render::{json_plan, text_plan};

use super::{connect, load_manifest, Outcome};
use crate::cli::{Cli, PlanArgs, PlanFormat};
use crate::terminal;

pub async fn run(args: &PlanArgs, cli: &Cli) -> Outcome {
    let Some(manifest) = load_manifest(&args.manifest.manifest) else {
        return Outcome::Failure;
    };
    let aws = connect(&cli.connection).await;
    let Some(plan) = compute(&aws, &manifest, usize::from(cli.connection.parallelism)).await else {
        return Outcome::Failure;
    };
    match args.format {
        PlanFormat::Text => print!(
            "{}",
            text_plan::render(&plan, terminal::stdout_colour(cli.output.no_color))
        ),
        PlanFormat::Json => println!("{}", json_plan::render(&plan)),
    }
    if args.detailed_exitcode && !plan.is_empty() {
        Outcome::ChangesPresent
    } else {
        Outcome::Success
    }
}

/// Reads every managed bucket and plans. Read failures are printed, and then no plan is made:
/// a plan missing a bucket would look like "no changes" for it.
pub async fn compute(aws: &Aws, manifest: &Manifest, parallelism: usize) -> Option<Plan> {
    let targets: Vec<BucketTarget> = manifest
        .buckets
        .iter()
        .map(|b| BucketTarget {
            name: b.name.clone(),
            region: b.region.clone(),
        })
        .collect();
    let results = live_state::read_buckets(aws, &targets, parallelism).await;
    let mut live = Vec::with_capacity(results.len());
    let mut failures = 0;
    for result in results {
        match result {
            Ok(bucket) => live.push(bucket),
            Err(error) => {
                failures += 1;
                eprintln!("error: {error}");
            }
        }
    }
    if failures > 0 {
        eprintln!(
            "error: could not read {failures} of {} bucket{}; no plan was made",
            targets.len(),
            if targets.len() == 1 { "" } else { "s" }
        );
        return None;
    }
    Some(plan::plan(manifest, &live))
}
