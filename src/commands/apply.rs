//! `cors-sync apply`: plan, show, confirm, then write exactly the planned changes; or apply a
//! saved plan exactly, after checking that live state has not moved since it was made.

use std::path::Path;
use std::time::Duration;

use cors_sync_aws::apply::{self, Applied, CancellationToken, Failure, Safeguards};
use cors_sync_aws::cloudfront::{distributions, policies};
use cors_sync_aws::live_state;
use cors_sync_aws::{Aws, AwsError};
use cors_sync_core::plan::{Address, ChangeDetail, LiveState, Plan, PolicyListings};
use cors_sync_core::plan_file::{self, SavedPlan};
use cors_sync_core::render::plural;
use cors_sync_core::render::text_plan::{self, Colour};

use super::{connect, load_manifest, plan, report_lints, report_retries, Outcome};
use crate::backup::FileJournal;
use crate::cli::{ApplyArgs, Cli, WriteArgs};
use crate::progress::Progress;
use crate::terminal;

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
                plan::compute(&aws, &manifest, parallelism, cli.output.quiet).await
            else {
                return Outcome::Failure;
            };
            if !report_lints(&plan::lints(&manifest, &live), args.manifest.strict) {
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

pub(super) fn approved(auto_approve: bool) -> bool {
    if auto_approve {
        return true;
    }
    if !terminal::stdin_is_terminal() {
        eprintln!("error: stdin is not a terminal, so apply cannot ask for approval; re-run with --auto-approve to apply this plan. Nothing was written.");
        return false;
    }
    if !terminal::confirm("\nDo you want to perform these actions?") {
        eprintln!("Apply cancelled. Nothing was written.");
        return false;
    }
    true
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
    let now = match read_plan_resources(aws, &saved.plan, parallelism).await {
        Ok(now) => now,
        Err(errors) => {
            for error in errors {
                eprintln!("error: {error}");
            }
            eprintln!("error: could not re-read the plan's resources; nothing was written");
            return false;
        }
    };
    let moved = plan_file::moved(saved, &plan_file::fingerprints(&saved.plan, &now));
    if moved.is_empty() {
        return true;
    }
    for address in &moved {
        if let Some(change) = saved.plan.changes.iter().find(|c| &&c.address == address) {
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

/// The live state of exactly the resources a plan changes, read the way `plan --out` read them.
async fn read_plan_resources(
    aws: &Aws,
    plan: &Plan,
    parallelism: usize,
) -> Result<LiveState, Vec<AwsError>> {
    let mut live = LiveState::default();
    let mut errors = Vec::new();
    let targets: Vec<live_state::BucketTarget> = plan
        .changes
        .iter()
        .filter_map(|c| match (&c.address, &c.detail) {
            (Address::S3Bucket(name), ChangeDetail::BucketCors { region, .. }) => {
                Some(live_state::BucketTarget {
                    name: name.clone(),
                    region: Some(region.clone()),
                })
            }
            _ => None,
        })
        .collect();
    for result in live_state::read_buckets(aws, &targets, parallelism, &|| {}).await {
        match result {
            Ok(bucket) => live.buckets.push(bucket),
            Err(error) => errors.push(error),
        }
    }
    let client = aws.cloudfront();
    let mut needed = PolicyListings::default();
    for change in &plan.changes {
        match &change.address {
            Address::CloudFrontDistribution(id) => {
                match distributions::read_distribution_config(&client, id).await {
                    Ok(distribution) => live.distributions.push(distribution),
                    Err(error) => errors.push(error),
                }
            }
            Address::OriginRequestPolicy(_) => needed.origin_request = true,
            Address::ResponseHeadersPolicy(_) => needed.response_headers = true,
            Address::S3Bucket(_) => {}
        }
    }
    let (_, mut failed) = policies::read_listings(&client, needed, &mut live).await;
    errors.append(&mut failed);
    if errors.is_empty() {
        Ok(live)
    } else {
        Err(errors)
    }
}

/// Writes a plan that was shown (and approved): backups first, interruptible, then a summary
/// that says exactly what was written.
pub(super) async fn execute(
    aws: &Aws,
    plan: &Plan,
    writing: &WriteArgs,
    parallelism: usize,
    quiet: bool,
) -> Outcome {
    println!();
    let journal = FileJournal::new(&writing.backup_dir);
    let cancel = CancellationToken::new();
    let watcher = tokio::spawn(cancel_on_signal(cancel.clone()));
    let progress = Progress::new(plan.changes.len(), "applying", quiet);
    let tick = || progress.tick();
    let safeguards = Safeguards {
        journal: &journal,
        cancel: cancel.clone(),
        progress: &tick,
    };
    let results = apply::apply_plan(aws, plan, parallelism, &safeguards).await;
    watcher.abort();
    drop(progress);
    let mut failed = 0;
    let mut deploying: Vec<(String, String)> = Vec::new();
    for result in &results {
        let (_, verb) = text_plan::action_words(result.change.action);
        let subject = text_plan::subject(result.change);
        match &result.outcome {
            Ok(Applied::Written) => println!("{subject} {verb}."),
            Ok(Applied::Distribution { status }) => {
                println!("{subject} {verb}; the distribution is {status}.");
                if let Address::CloudFrontDistribution(id) = &result.change.address {
                    deploying.push((id.clone(), status.clone()));
                }
            }
            Err(error) => {
                failed += 1;
                eprintln!("error: {error}");
            }
        }
    }
    if let Some(dir) = journal.directory() {
        eprintln!(
            "Backed up the previous state to {}; `cors-sync rollback` restores it.",
            dir.display()
        );
    }
    let interrupted = cancel.is_cancelled();
    let ids: Vec<String> = deploying.iter().map(|(id, _)| id.clone()).collect();
    if writing.wait
        && !interrupted
        && !ids.is_empty()
        && !wait_for_deployments(aws, &ids, writing).await
    {
        failed += 1;
    }
    report_retries(aws);
    let written = results.iter().filter(|r| r.outcome.is_ok()).count();
    if interrupted {
        let in_flight = results
            .iter()
            .filter(|r| matches!(r.outcome, Err(Failure::InFlight { .. })))
            .count();
        println!(
            "\nApply interrupted: {written} of {} changes written, {in_flight} in flight (may or may not have been made), {} not sent. Run plan again to see what remains.",
            results.len(),
            results.len() - written - in_flight
        );
        return Outcome::Failure;
    }
    if failed == 0 {
        let s = plan.summary();
        println!(
            "\nApply complete: {} created, {} updated, {} deleted.",
            s.create, s.update, s.delete
        );
        if !writing.wait && deploying.iter().any(|(_, status)| status != "Deployed") {
            println!("CloudFront is deploying the updated distributions; `--wait` waits for that.");
        }
        Outcome::Success
    } else {
        println!(
            "\nApply incomplete: {written} of {} changes written, {failed} failed. Run plan again to see what remains.",
            results.len()
        );
        Outcome::Failure
    }
}

/// Cancels the run on Ctrl-C or SIGTERM: nothing more is sent, in-flight writes are abandoned.
async fn cancel_on_signal(cancel: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut terminate) = signal(SignalKind::terminate()) else {
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("Interrupted: sending nothing more; abandoning writes in flight.");
    cancel.cancel();
}

/// Waits, one distribution at a time, until each is deployed; progress goes to stderr.
async fn wait_for_deployments(aws: &Aws, ids: &[String], writing: &WriteArgs) -> bool {
    let client = aws.cloudfront();
    let mut all_deployed = true;
    for id in ids {
        let progress = |status: &str| eprintln!("cloudfront_distribution.{id}: {status}");
        let waited = distributions::wait_deployed(
            &client,
            id,
            Duration::from_secs(writing.wait_interval),
            Duration::from_secs(writing.wait_timeout),
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
