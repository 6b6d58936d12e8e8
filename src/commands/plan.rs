//! `cors-sync plan`: what apply would change, as text or as the JSON plan contract.

use cors_sync_aws::cloudfront::{distributions, policies};
use cors_sync_aws::live_state::{self, BucketTarget};
use cors_sync_aws::Aws;
use cors_sync_aws::AwsError;
use cors_sync_core::manifest::Manifest;
use cors_sync_core::plan::{self, LiveState, Plan};
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

/// Reads everything the manifest manages and plans. Read failures are printed, and then no plan
/// is made: a plan missing a resource would look like "no changes" for it.
pub async fn compute(aws: &Aws, manifest: &Manifest, parallelism: usize) -> Option<Plan> {
    let targets: Vec<BucketTarget> = manifest
        .buckets
        .iter()
        .map(|b| BucketTarget {
            name: b.name.clone(),
            region: b.region.clone(),
        })
        .collect();
    let mut live = LiveState::default();
    let mut errors: Vec<AwsError> = Vec::new();
    let mut resources = targets.len();
    for result in live_state::read_buckets(aws, &targets, parallelism).await {
        match result {
            Ok(bucket) => live.buckets.push(bucket),
            Err(error) => errors.push(error),
        }
    }
    if manifest.uses_cloudfront() {
        let client = aws.cloudfront();
        let ids: Vec<String> = manifest
            .distributions
            .iter()
            .map(|d| d.id.clone())
            .collect();
        resources += ids.len();
        for result in distributions::read_distributions(&client, &ids).await {
            match result {
                Ok(distribution) => live.distributions.push(distribution),
                Err(error) => errors.push(error),
            }
        }
        let needed = plan::policy_listings_needed(manifest);
        if needed.origin_request {
            resources += 1;
            match policies::list_origin_request_policies(&client).await {
                Ok(found) => live.origin_request_policies = found,
                Err(error) => errors.push(error),
            }
        }
        if needed.response_headers {
            resources += 1;
            match policies::list_response_headers_policies(&client).await {
                Ok(found) => live.response_headers_policies = found,
                Err(error) => errors.push(error),
            }
        }
        if needed.cache {
            resources += 1;
            match policies::list_cache_policies(&client).await {
                Ok(found) => live.cache_policies = found,
                Err(error) => errors.push(error),
            }
        }
    }
    if !errors.is_empty() {
        for error in &errors {
            eprintln!("error: {error}");
        }
        eprintln!(
            "error: could not read {} of {resources} resource{}; no plan was made",
            errors.len(),
            if resources == 1 { "" } else { "s" }
        );
        return None;
    }
    match plan::plan(manifest, &live) {
        Ok(plan) => Some(plan),
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            eprintln!("error: the manifest does not fit live state; no plan was made");
            None
        }
    }
}
