//! `cors-sync show PLANFILE`: a plan saved by `plan --out`, printed as `plan` printed it, with
//! where and when it was made. Offline: the file alone, no manifest, no AWS.

use cors_sync_core::plan_file;
use cors_sync_core::render::plan_view::Format;
use cors_sync_core::render::saved_plan::{self, Shown};

use super::apply::plan_file_text;
use super::{Error, Outcome, Refusal};
use crate::cli::{Cli, ShowArgs, ShowFormat};
use crate::output::out;
use crate::planning::plan_key;
use crate::terminal;

pub fn run(args: &ShowArgs, cli: &Cli) -> Result<Outcome, Error> {
    let path = &args.planfile;
    let text = plan_file_text(path)?;
    // Shown, not applied: the error says what is wrong with the file, and nothing about writes.
    let (saved, signature) =
        plan_file::inspect(&text, plan_key()?.as_deref()).map_err(|source| Refusal::SavedPlan {
            path: path.clone(),
            source,
        })?;
    let format = match args.format {
        ShowFormat::Text => Format::Text,
        ShowFormat::Json => Format::Json,
        ShowFormat::Markdown => Format::Markdown,
    };
    let shown = Shown {
        saved: &saved,
        file: &path.display().to_string(),
        signature,
    };
    let colour = terminal::stdout_colour(cli.output.no_color);
    out!("{}", saved_plan::render(&shown, format, colour));
    Ok(Outcome::Success)
}
