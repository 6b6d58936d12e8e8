//! `cors-sync apply`: plan, show, confirm, then write exactly the planned changes.

use std::time::Duration;

use cors_sync_aws::apply::{self, Applied};
use cors_sync_aws::cloudfront::distributions;
use cors_sync_core::plan::Address;
use cors_sync_core::render::text_plan;

use super::{connect, load_manifest, plan, Outcome};
use crate::cli::{ApplyArgs, Cli};
use crate::terminal;

pub async fn run(args: &ApplyArgs, cli: &Cli) -> Outcome {
    let Some(manifest) = load_manifest(&args.manifest.manifest) else {
        return Outcome::Failure;
    };
    let aws = connect(&cli.connection).await;
    let parallelism = usize::from(cli.connection.parallelism);
    let Some(plan) = plan::compute(&aws, &manifest, parallelism).await else {
        return Outcome::Failure;
    };
    let colour = terminal::stdout_colour(cli.output.no_color);
    print!("{}", text_plan::render(&plan, colour));
    if plan.is_empty() {
        return Outcome::Success;
    }
    if !args.auto_approve {
        if !terminal::stdin_is_terminal() {
            eprintln!("error: stdin is not a terminal, so apply cannot ask for approval; re-run with --auto-approve to apply this plan. Nothing was written.");
            return Outcome::Failure;
        }
        if !terminal::confirm("\nDo you want to perform these actions?") {
            eprintln!("Apply cancelled. Nothing was written.");
            return Outcome::Failure;
        }
    }
    println!();
    let results = apply::apply_plan(&aws, &plan, parallelism).await;
    let mut failed = 0;
    let mut to_wait_for = Vec::new();
    for result in &results {
        let (_, verb) = text_plan::action_words(result.change.action);
        let subject = text_plan::subject(result.change);
        match &result.outcome {
            Ok(Applied::Written) => println!("{subject} {verb}."),
            Ok(Applied::Distribution { status }) => {
                println!("{subject} {verb}; the distribution is {status}.");
                if let Address::CloudFrontDistribution(id) = &result.change.address {
                    to_wait_for.push((id.clone(), status.clone()));
                }
            }
            Err(error) => {
                failed += 1;
                eprintln!("error: {error}");
            }
        }
    }
    let ids: Vec<String> = to_wait_for.iter().map(|(id, _)| id.clone()).collect();
    if args.wait && !ids.is_empty() && !wait_for_deployments(&aws, &ids, args).await {
        failed += 1;
    }
    if failed == 0 {
        let s = plan.summary();
        println!(
            "\nApply complete: {} created, {} updated, {} deleted.",
            s.create, s.update, s.delete
        );
        if !args.wait && to_wait_for.iter().any(|(_, status)| status != "Deployed") {
            println!("CloudFront is deploying the updated distributions; `--wait` waits for that.");
        }
        Outcome::Success
    } else {
        println!(
            "\nApply incomplete: {} of {} changes written, {failed} failed. Run plan again to see what remains.",
            results.iter().filter(|r| r.outcome.is_ok()).count(),
            results.len()
        );
        Outcome::Failure
    }
}

/// Waits, one distribution at a time, until each is deployed; progress goes to stderr.
async fn wait_for_deployments(aws: &cors_sync_aws::Aws, ids: &[String], args: &ApplyArgs) -> bool {
    let client = aws.cloudfront();
    let mut all_deployed = true;
    for id in ids {
        let progress = |status: &str| eprintln!("cloudfront_distribution.{id}: {status}");
        let waited = distributions::wait_deployed(
            &client,
            id,
            Duration::from_secs(args.wait_interval),
            Duration::from_secs(args.wait_timeout),
            &progress,
        )
        .await;
        if let Err(error) = waited {
            eprintln!("error: {error}");
            all_deployed = false;
        }
    }
    all_deployed
}
