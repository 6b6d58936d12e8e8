//! A plan as `plan` prints it in text, JSON or markdown. `show` prints a saved plan through the
//! same function, so the two cannot drift apart.

use serde_json::Value;

use super::text_plan::{self, Colour};
use super::{access_report, json_plan, markdown_plan, UnmanagedBucket};
use crate::access::AccessReport;
use crate::diagnostic::Diagnostic;
use crate::plan::Plan;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

/// Everything a plan's rendering shows: the changes, and what is printed beside them.
pub struct PlanView<'a> {
    pub plan: &'a Plan,
    /// The manifest's lints (the markdown comment lists them; text prints them on stderr).
    pub warnings: &'a [Diagnostic],
    /// Only with `--report-unmanaged`.
    pub unmanaged: Option<&'a [UnmanagedBucket]>,
    /// What the plan does to browsers' access (the markdown comment's last section).
    pub access: &'a AccessReport,
}

/// The whole of stdout for `format`.
pub fn render(view: &PlanView, format: Format, colour: Colour) -> String {
    render_saved(view, format, colour, None)
}

/// As `render`, with `show`'s `saved_plan` object added to the JSON document.
pub fn render_saved(
    view: &PlanView,
    format: Format,
    colour: Colour,
    saved_plan: Option<Value>,
) -> String {
    match format {
        Format::Text => {
            let mut out = text_plan::render(view.plan, colour);
            if let Some(unmanaged) = view.unmanaged {
                out.push_str(&text_plan::unmanaged_section(unmanaged));
            }
            out
        }
        Format::Json => format!(
            "{}\n",
            json_plan::render_saved(view.plan, view.unmanaged, saved_plan)
        ),
        Format::Markdown => format!(
            "{}\n\n{}",
            markdown_plan::render(view.plan, view.warnings, view.unmanaged).trim_end(),
            access_report::markdown_section(view.access)
        ),
    }
}
