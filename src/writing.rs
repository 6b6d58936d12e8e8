//! Writing an approved plan, the step `apply` and `rollback` share: approval on a terminal,
//! backups first, interruptible by Ctrl-C or SIGTERM, then a summary of exactly what was written.

use std::time::Duration;

use cors_sync_aws::apply::{self, Applied, Safeguards};
use cors_sync_aws::cloudfront::distributions;
use cors_sync_aws::propagation;
use cors_sync_core::plan::{Change, Plan, PlannedChange};
use cors_sync_core::render::apply_summary;
use cors_sync_core::render::text_plan;
use futures::future::join_all;

use crate::accounts::InAccount;
use crate::backup::{FileJournal, InAccountJournal};
use crate::cli::{Cli, WriteArgs};
use crate::error::{report, Error};
use crate::interrupt::{CancellationToken, Interrupt};
use crate::outcome::Outcome;
use crate::output::{errln, outln};
use crate::progress::Progress;
use crate::report::report_retries;
use crate::terminal;

/// Whether the user approved the plan shown: `--auto-approve`, or `yes` typed on a terminal.
pub async fn approve(auto_approve: bool) -> Result<(), Error> {
    if auto_approve {
        return Ok(());
    }
    if !terminal::stdin_is_terminal() {
        return Err(Error::NoTerminalToApprove);
    }
    // Read on a thread of its own, so Ctrl-C at the prompt still stops the run.
    let answer = tokio::task::spawn_blocking(|| {
        terminal::confirm("\nDo you want to perform these actions?")
    })
    .await;
    if !answer.unwrap_or(false) {
        return Err(Error::Cancelled);
    }
    Ok(())
}

/// Writes a plan that was shown (and approved): backups first, interruptible, then a summary
/// that says exactly what was written.
/// Each account's part is written concurrently with the others' (S3 writes bounded together by
/// `--parallelism`; CloudFront's serialised and paced within each account, whose throttling is
/// its own).
pub async fn execute(
    reached: &[InAccount],
    plan: &Plan,
    writing: &WriteArgs,
    cli: &Cli,
    interrupt: &Interrupt,
    key: Option<&[u8]>,
) -> Outcome {
    let parallelism = usize::from(cli.connection.parallelism);
    let colour = terminal::stdout_colour(cli.output.no_color);
    let quiet = cli.output.quiet;
    outln!();
    let journal = FileJournal::new(&writing.backup_dir, key);
    interrupt.begin_writes();
    let cancel = interrupt.token();
    let progress = Progress::new(plan.changes.len(), "applying", quiet);
    let tick = || progress.tick();
    // Each account's changes go through that account's connection and journal.
    let parts: Vec<(&InAccount, Vec<&PlannedChange>, InAccountJournal)> = plan
        .by_account()
        .into_iter()
        .filter_map(|(account, changes)| {
            let to = reached.iter().find(|to| to.name() == account)?;
            let journal = InAccountJournal {
                journal: &journal,
                account: to.account.as_ref(),
            };
            Some((to, changes, journal))
        })
        .collect();
    let writes = parts.iter().map(|(to, part, journal)| {
        let safeguards = Safeguards {
            journal,
            cancel: cancel.clone(),
            progress: &tick,
        };
        async move {
            let results = apply::apply_plan(&to.aws, part, parallelism, &safeguards).await;
            results
                .into_iter()
                .map(move |r| (*to, r))
                .collect::<Vec<_>>()
        }
    });
    let results: Vec<_> = join_all(writes).await.into_iter().flatten().collect();
    journal.settle();
    drop(progress);
    let mut failed = 0;
    let mut deploying: Vec<(&InAccount, String, String)> = Vec::new();
    let mut current = None;
    for (to, result) in &results {
        // Results come account by account, as the plan showed them.
        if to.name().is_some() && to.name() != current {
            current = to.name();
            outln!("In account {}:", current.unwrap_or_default());
        }
        match &result.outcome {
            Ok(Applied::Written) => outln!("{}", apply_summary::written(result.change, None)),
            Ok(Applied::Distribution { status }) => {
                outln!("{}", apply_summary::written(result.change, Some(status)));
                if let Change::Distribution { id, .. } = result.change {
                    deploying.push((to, id.clone(), status.clone()));
                }
            }
            Err(error) => {
                failed += 1;
                if let cors_sync_aws::Error::Moved { now, .. } = error {
                    errln!(
                        "{}",
                        text_plan::moved_block(result.change, now, None, colour).trim_end()
                    );
                }
                report(&Error::from(error.clone()));
            }
        }
    }
    if let Some(dir) = journal.directory() {
        errln!(
            "Backed up the previous state to {}; `cors-sync rollback` restores it.",
            dir.display()
        );
    }
    let ids: Vec<(&InAccount, String)> = deploying
        .iter()
        .map(|(to, id, _)| (*to, id.clone()))
        .collect();
    if writing.wait
        && !cancel.is_cancelled()
        && !ids.is_empty()
        && !wait_for_deployments(&ids, writing, &cancel).await
    {
        failed += 1;
    }
    if writing.wait && !cancel.is_cancelled() {
        let slow: Vec<_> = results
            .iter()
            .filter(|(to, r)| r.outcome.is_ok() && !propagation::window(&to.aws).is_zero())
            .collect();
        for (to, result) in slow {
            if !wait_until_seen(to, result.change).await {
                failed += 1;
            }
        }
    }
    let interrupted = cancel.is_cancelled();
    if let Some(first) = reached.first() {
        // The retry count is shared by every account's connection.
        report_retries(&first.aws);
    }
    let written = results.iter().filter(|(_, r)| r.outcome.is_ok()).count();
    let uncertain = results
        .iter()
        .filter(|(_, r)| matches!(r.outcome, Err(cors_sync_aws::Error::Unanswered(_))))
        .count();
    if interrupted {
        let in_flight = results
            .iter()
            .filter(|(_, r)| matches!(r.outcome, Err(cors_sync_aws::Error::InFlight { .. })))
            .count();
        outln!(
            "{}",
            apply_summary::interrupted(results.len(), written, in_flight)
        );
        return Outcome::Failure;
    }
    if failed == 0 {
        let still_deploying =
            !writing.wait && deploying.iter().any(|(_, _, status)| status != "Deployed");
        outln!(
            "{}",
            apply_summary::complete(&plan.summary(), still_deploying)
        );
        Outcome::Success
    } else {
        outln!(
            "{}",
            apply_summary::incomplete_uncertain(results.len(), written, uncertain, failed)
        );
        Outcome::Failure
    }
}

/// With --wait, a bucket written on a store that takes time to show a change (its provider
/// table row, e.g. Cloudflare R2) is read back until it holds what was written. False when the
/// store's window passed first or the read failed.
async fn wait_until_seen(to: &InAccount, change: &Change) -> bool {
    let Change::BucketCors {
        bucket,
        region,
        after,
        ..
    } = change
    else {
        return true;
    };
    let store = to.aws.provider();
    let window = propagation::window(&to.aws).as_secs();
    errln!("Waiting until bucket {bucket} reads back as written: {store} takes up to {window} s to apply a change.");
    match propagation::wait_until_seen(&to.aws, bucket, region, after).await {
        Ok(true) => {
            outln!("Bucket {bucket} reads back as written on {store}.");
            true
        }
        Ok(false) => {
            errln!("Bucket {bucket} still does not read back as written after {window} s on {store}; run plan to see what it holds.");
            false
        }
        Err(error) => {
            report(&Error::from(error));
            false
        }
    }
}

/// Waits, one distribution at a time, until each is deployed; progress goes to stderr.
/// A signal stops the wait at once (the updates are made; only the wait is abandoned).
async fn wait_for_deployments(
    ids: &[(&InAccount, String)],
    writing: &WriteArgs,
    cancel: &CancellationToken,
) -> bool {
    let mut all_deployed = true;
    for (to, id) in ids {
        let client = to.aws.cloudfront();
        let progress = |status: &str| errln!("cloudfront_distribution.{id}: {status}");
        let waiting = distributions::wait_deployed(
            &client,
            id,
            Duration::from_secs(writing.wait_interval),
            Duration::from_secs(writing.wait_timeout),
            &progress,
        );
        let waited = tokio::select! {
            waited = waiting => waited,
            () = cancel.cancelled() => {
                errln!("Interrupted: no longer waiting for CloudFront deployments (the updates were made).");
                return false;
            }
        };
        if let Err(error) = waited {
            report(&error.into());
            all_deployed = false;
        }
    }
    all_deployed
}
