//! `cors-sync rollback [BACKUP]`: restore the previous state an apply recorded, as a plan shown
//! and approved like any other.

use std::path::PathBuf;

use cors_sync_core::render::text_plan;
use cors_sync_core::rollback::restoring_manifest;

use super::{Error, Outcome};
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
    let dir: PathBuf = match &args.backup {
        Some(given) if given.is_dir() => given.clone(),
        Some(name) => root.join(name),
        None => backup::latest(root)
            .ok_or_else(|| Error::Refused(format!("there are no backups in {}", root.display())))?,
    };
    let recorded = backup::read(&dir)?;
    let _lock = apply_lock::acquire(root)?;
    let journal = dir.join(backup::JOURNAL_FILE);
    let (manifest, notes) = restoring_manifest(&recorded.changes, &journal);
    errln!("Restoring the state recorded in {}.", dir.display());
    if let Some(line) = recorded.torn_line {
        errln!(
            "note: {}:{line} is cut short (the run stopped or the disk filled while it was written); its resource was not written then, so it is skipped",
            journal.display()
        );
    }
    for note in &notes {
        errln!("note: {note}");
    }
    let in_play = accounts::in_play(&manifest, &cli.connection)?;
    let reached = accounts::reach(&cli.connection, &in_play).await?;
    let parallelism = usize::from(cli.connection.parallelism);
    let plan = planning::compute(&reached, &manifest, parallelism, cli.output.quiet)
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
    Ok(execute(&reached, &plan, &args.writing, cli, interrupt).await)
}
