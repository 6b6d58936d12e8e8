//! `cors-sync apply`: plan, show, confirm, then write exactly the planned changes; or apply a
//! saved plan exactly, after checking that live state has not moved since it was made.

use std::collections::HashMap;
use std::path::Path;

use cors_sync_aws::live_state;
use cors_sync_core::live_targets::LiveTargets;
use cors_sync_core::manifest::Account;
use cors_sync_core::plan::{Address, Plan, PlannedChange};
use cors_sync_core::plan_file::{self, Place, SavedPlan};
use cors_sync_core::render::text_plan::{self, Colour};

use super::{load_manifest, report_lints, Error, Outcome, Refusal};
use crate::accounts::{self, InAccount};
use crate::apply_lock;
use crate::cli::{ApplyArgs, Cli};
use crate::interrupt::Interrupt;
use crate::output::{err, errln, out};
use crate::planning;
use crate::terminal;
use crate::writing::{approve, execute};

pub async fn run(args: &ApplyArgs, cli: &Cli, interrupt: &Interrupt) -> Result<Outcome, Error> {
    // Signs the backup journal, and checks a saved plan's signature.
    let key = planning::plan_key()?;
    // Held from before the first read to after the last write.
    let _lock = apply_lock::acquire(&args.writing.backup_dir)?;
    let colour = terminal::stdout_colour(cli.output.no_color);
    let parallelism = usize::from(cli.connection.parallelism);
    let (reached, plan) = match &args.planfile {
        Some(path) => {
            let saved = read_plan_file(path, key.as_deref())?;
            if saved.plan.is_empty() {
                out!("{}", text_plan::render(&saved.plan, colour));
                return Ok(Outcome::Success);
            }
            let in_play = saved_accounts_in_play(&saved, path, &cli.connection.accounts)?;
            // The same roles as when the plan was made, and the same guard.
            let reached = accounts::reach(&cli.connection, &in_play).await?;
            let plan = still_current(&reached, &saved, parallelism, colour).await?;
            // What is shown is the plan with the state just re-read as its `before`.
            out!("{}", text_plan::render(&plan, colour));
            // The plan was reviewed when it was saved: applying it is the approval.
            (reached, plan)
        }
        None => {
            let manifest = load_manifest(&args.manifest.manifest, cli.connection.provider)?;
            let (manifest, targets) = planning::targeted(manifest, &args.targets)?;
            let in_play = accounts::in_play(&manifest, &cli.connection)?;
            let reached = accounts::reach(&cli.connection, &in_play).await?;
            let planned =
                planning::compute(&reached, manifest, parallelism, cli.output.quiet).await?;
            report_lints(&planned.lints(), args.manifest.strict)?;
            let plan = Plan {
                targets,
                ..planned.plan()
            };
            drop(planned);
            out!("{}", text_plan::render(&plan, colour));
            if plan.is_empty() {
                return Ok(Outcome::Success);
            }
            approve(args.auto_approve).await?;
            (reached, plan)
        }
    };
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

/// The accounts of a saved plan's changes, as declared when it was made, limited by `--account`.
fn saved_accounts_in_play<'s>(
    saved: &'s SavedPlan,
    path: &Path,
    only: &[String],
) -> Result<Vec<Option<&'s Account>>, Error> {
    let in_plan = saved.accounts_in_play().map_err(|source| Error::PlanFile {
        path: path.to_path_buf(),
        source,
    })?;
    if let Some(unknown) = only
        .iter()
        .find(|name| !in_plan.iter().flatten().any(|a| &a.name == *name))
    {
        return Err(Refusal::NotInSavedPlan {
            account: unknown.clone(),
        }
        .into());
    }
    Ok(in_plan
        .into_iter()
        .filter(|a| only.is_empty() || a.is_some_and(|a| only.contains(&a.name)))
        .collect())
}

fn read_plan_file(path: &Path, key: Option<&[u8]>) -> Result<SavedPlan, Error> {
    let text = plan_file_text(path)?;
    plan_file::decode(&text, key).map_err(|source| Error::PlanFile {
        path: path.to_path_buf(),
        source,
    })
}

/// A plan file's text: a regular file, in UTF-8.
pub(super) fn plan_file_text(path: &Path) -> Result<String, Error> {
    crate::error::file_text(path, format!("the plan file {}", path.display()))
}

/// Checks that the saved plan may be applied here and now: every change has a fingerprint, this
/// run reaches the account and endpoints the plan was made against, and every resource still
/// has the fingerprint the plan recorded (each one that moved is shown, and how). Returns the
/// changes in the accounts `reached` (those `--account` leaves in play), with the state just
/// re-read as their `before`.
async fn still_current(
    reached: &[InAccount],
    saved: &SavedPlan,
    parallelism: usize,
    colour: Colour,
) -> Result<Plan, Error> {
    let unchecked = plan_file::unfingerprinted(saved);
    if !unchecked.is_empty() {
        return Err(Refusal::Unfingerprinted {
            addresses: unchecked,
        }
        .into());
    }
    let mut plan = Plan {
        targets: saved.plan.targets.clone(),
        ..Plan::default()
    };
    // Every account is checked, so that what moved in each is shown, not only in the first.
    let mut moved = 0;
    for (account, changes) in saved.plan.by_account() {
        let Some(to) = reached.iter().find(|to| to.name() == account) else {
            continue;
        };
        match still_current_in(to, saved, &changes, parallelism, colour).await {
            Ok(current) => plan.changes.extend(current),
            Err(Error::Stale { moved: here }) => moved += here,
            Err(error) => return Err(error),
        }
    }
    if moved > 0 {
        return Err(Error::Stale { moved });
    }
    Ok(plan)
}

/// `still_current` for the changes in one account, read through its connection.
async fn still_current_in(
    to: &InAccount,
    saved: &SavedPlan,
    changes: &[&PlannedChange],
    parallelism: usize,
    colour: Colour,
) -> Result<Vec<PlannedChange>, Error> {
    let aws = &to.aws;
    // Across declared accounts, the guard has just checked each account's ID.
    let here = match &to.account {
        Some(_) => Place {
            account_id: String::new(),
            endpoints: aws.endpoints(),
        },
        None => aws.place().await.map_err(|e| {
            Error::calls(
                e.into(),
                Some("could not tell where this run writes; nothing was written".into()),
            )
        })?,
    };
    if here != saved.made_in {
        return Err(Refusal::MadeElsewhere {
            made_in: saved.made_in.clone(),
            here,
        }
        .into());
    }
    let targets = LiveTargets::of_changes(changes.iter().map(|planned| &planned.change));
    let now = live_state::read(aws, &targets, parallelism, &|| {})
        .await
        .complete()
        .map_err(|failure| {
            let then = "could not re-read the plan's resources; nothing was written";
            Error::calls(failure, Some(then.into()))
        })?;
    let account = to.name();
    let moved = plan_file::moved(
        saved,
        account,
        &plan_file::fingerprints(changes.iter().copied(), &now),
    );
    if moved.is_empty() {
        return Ok(plan_file::with_live_before(changes.iter().copied(), &now));
    }
    // Indexed once: every resource of a 100,000-bucket plan may have moved.
    let mut planned_at: HashMap<Address, &PlannedChange> = HashMap::with_capacity(changes.len());
    for planned in changes {
        planned_at
            .entry(planned.change.address())
            .or_insert(planned);
    }
    let recorded = saved.fingerprints_by_key();
    let shown = moved.iter().filter_map(|address| {
        let planned = planned_at.get(*address)?;
        let recorded_etag = recorded
            .get(&(account, *address))
            .and_then(|f| f.etag.as_deref());
        Some((&planned.change, recorded_etag))
    });
    if let Some(name) = account {
        errln!("In account {name}:");
    }
    for block in text_plan::moved_blocks(shown, &now, colour) {
        err!("{block}");
    }
    Err(Error::Stale { moved: moved.len() })
}
