//! `cors-sync apply`: plan, show, confirm, then write exactly the planned changes.

use cors_sync_aws::apply;
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
    let results = apply::apply_changes(&aws, &plan.changes, parallelism).await;
    let mut written = 0;
    let mut failed = 0;
    for (change, result) in &results {
        let (_, verb) = text_plan::action_words(change.action);
        match result {
            Ok(()) => {
                written += 1;
                println!("{}: CORS configuration {verb}.", change.address);
            }
            Err(error) => {
                failed += 1;
                eprintln!("error: {error}");
            }
        }
    }
    if failed == 0 {
        let s = plan.summary();
        println!(
            "\nApply complete: {} created, {} updated, {} deleted.",
            s.create, s.update, s.delete
        );
        Outcome::Success
    } else {
        println!("\nApply incomplete: {written} of {} changes written, {failed} failed. Run plan again to see what remains.", results.len());
        Outcome::Failure
    }
}
