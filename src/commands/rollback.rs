//! `cors-sync rollback [BACKUP]`: restore the previous state an apply recorded, as a plan shown
//! and approved like any other.

use cors_sync_core::render::text_plan;
use cors_sync_core::rollback::restoring_manifest;

use super::{Error, Outcome, Refusal};
use crate::accounts;
use crate::apply_lock;
use crate::backup;
use crate::cli::{Cli, RollbackArgs};
use crate::interrupt::Interrupt;
use crate::output::{errln, out};
use crate::planning;
use crate::terminal;
use crate::writing::{approve, execute};

pub async fn run(args: &RollbackArgs, cli: &Cli, interrupt: &Interrupt) -> Result<Outcome, Error> {
    let root = &args.writing.backup_dir;
    // Checks the journal's signatures, and signs the journal this rollback writes.
    let key = planning::plan_key()?;
    let (dir, recorded) = match &args.backup {
        Some(given) => {
            let dir = if given.is_dir() {
                given.clone()
            } else {
                root.join(given)
            };
            let recorded = backup::read(&dir, key.as_deref())?;
            errln!("Restoring the state recorded in {}.", dir.display());
            (dir, recorded)
        }
        None => {
            let (dir, recorded, passed_over) = backup::latest_with_a_write(root, key.as_deref())?
                .ok_or_else(|| Refusal::NoBackups {
                root: root.to_path_buf(),
            })?;
            errln!(
                "Restoring the state recorded in {}, the latest backup that recorded a write.",
                dir.display()
            );
            for newer in passed_over {
                errln!(
                    "note: {} is newer, but every write it recorded was refused (nothing was written), so there is nothing of it to restore",
                    newer.display()
                );
            }
            (dir, recorded)
        }
    };
    let _lock = apply_lock::acquire(root)?;
    let journal = dir.join(backup::JOURNAL_FILE);
    let (manifest, notes) = restoring_manifest(&recorded.changes, &journal);
    if let Some(line) = recorded.torn_line {
        errln!(
            "note: {}:{line} is cut short (the run stopped or the disk filled while it was written); its resource was not written then, so it is skipped",
            journal.display()
        );
    }
    if recorded.not_written > 0 {
        errln!(
            "note: {} recorded write{} refused, so nothing was written then; {} not restored",
            recorded.not_written,
            if recorded.not_written == 1 {
                " was"
            } else {
                "s were"
            },
            if recorded.not_written == 1 {
                "it is"
            } else {
                "they are"
            },
        );
    }
    if !recorded.signed {
        errln!(
            "note: {} is not signed (CORS_SYNC_PLAN_KEY is not set), so nothing shows that an apply wrote it: check the plan below, every resource it writes and what it writes, before approving",
            journal.display()
        );
    }
    if recorded.unchained {
        errln!(
            "note: {} was written by an older cors-sync, without the numbered lines that show its entries are an apply's",
            journal.display()
        );
    }
    for note in &notes {
        errln!("note: {note}");
    }
    let in_play = accounts::in_play(&manifest, &cli.connection)?;
    let reached = accounts::reach(&cli.connection, &in_play).await?;
    let parallelism = usize::from(cli.connection.parallelism);
    let plan = planning::compute(&reached, manifest, parallelism, cli.output.quiet)
        .await?
        .plan();
    out!(
        "{}",
        text_plan::render(&plan, terminal::stdout_colour(cli.output.no_color))
    );
    if plan.is_empty() {
        return Ok(Outcome::Success);
    }
    approve(args.auto_approve).await?;
    Ok(execute(
        &reached,
        &plan,
        &args.writing,
        cli,
        interrupt,
        key.as_deref(),
    )
    .await)
}
