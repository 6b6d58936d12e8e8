//! The plan as a pull-request comment: a summary line, a table of changed resources, each
//! resource's diff once in a collapsible block, and the manifest's warnings. Deterministic, so a
//! bot can update its comment in place.

use std::fmt::Write;

use super::plural;
use super::text_plan::{self, Colour};
use super::UnmanagedBucket;
use crate::diagnostic::Diagnostic;
use crate::plan::{Action, Change, Plan};
use crate::visible::visible;

/// GitHub refuses comments over 65,536 characters; diffs stop well before that, and the rest of
/// the plan is summarised in a note instead of being cut silently.
pub const MAX_COMMENT_CHARS: usize = 60_000;

pub fn render(
    plan: &Plan,
    warnings: &[Diagnostic],
    unmanaged: Option<&[UnmanagedBucket]>,
) -> String {
    render_within(plan, warnings, unmanaged, MAX_COMMENT_CHARS)
}

pub fn render_within(
    plan: &Plan,
    warnings: &[Diagnostic],
    unmanaged: Option<&[UnmanagedBucket]>,
    budget: usize,
) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        out.push_str(
            "### cors-sync plan: no changes\n\nLive CORS configuration matches the manifest.\n\n",
        );
    } else {
        let s = plan.summary();
        let _ = writeln!(
            out,
            "### cors-sync plan: {} to create, {} to update, {} to delete\n",
            s.create, s.update, s.delete
        );
        if !plan.has_accounts() {
            out.push_str("| Resource | Action |\n| --- | --- |\n");
        } else {
            out.push_str("| Account | Resource | Action |\n| --- | --- | --- |\n");
        }
        for (account, change) in plan.entries() {
            let account = account
                .map(|a| format!("{} | ", visible(a)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {account}`{}` | {} |",
                visible(&change.address().to_string()),
                action(change)
            );
        }
        out.push('\n');
    }
    if let Some(line) = text_plan::partial_line(plan) {
        let _ = writeln!(out, "> **Partial plan.** {line}\n");
    }
    let tail = tail(warnings, unmanaged);
    let mut omitted = 0;
    let mut current = None;
    for (account, change) in plan.entries() {
        let mut block = diff_block(change);
        if account.is_some() && account != current {
            current = account;
            block.insert_str(
                0,
                &format!("#### Account {}\n\n", visible(account.unwrap_or_default())),
            );
        }
        if out.len() + block.len() + tail.len() + 200 > budget {
            omitted += 1;
            continue;
        }
        out.push_str(&block);
    }
    if omitted > 0 {
        let _ = writeln!(
            out,
            "> **Note:** the diffs of {omitted} more resource{} are not shown, to keep this comment within GitHub's size limit. The table above lists every change; run `cors-sync plan` for the full diffs.\n",
            plural(omitted)
        );
    }
    out.push_str(&tail);
    out
}

fn action(change: &Change) -> &'static str {
    match change.action() {
        Action::Create => "create",
        Action::Update => "update",
        Action::Delete => "delete",
    }
}

fn diff_block(change: &Change) -> String {
    let text = text_plan::change_block(change, Colour::Never);
    // The block's first line is its announcement; the summary line carries it instead.
    let body: String = text
        .lines()
        .skip(1)
        .map(|line| format!("{}\n", line.trim_start_matches("      ")))
        .collect();
    format!(
        "<details><summary><code>{}</code>: {}</summary>\n\n```diff\n{body}```\n\n</details>\n\n",
        visible(&change.address().to_string()),
        action(change)
    )
}

fn tail(warnings: &[Diagnostic], unmanaged: Option<&[UnmanagedBucket]>) -> String {
    let mut out = String::new();
    if !warnings.is_empty() {
        out.push_str("**Warnings**\n\n");
        for warning in warnings {
            // A warning quotes the manifest's values (an origin holding U+200B): shown escaped, as
            // the text plan's warnings are.
            let help = warning
                .help
                .as_deref()
                .map(|h| format!(" ({})", visible(h)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- `{}`: {}{help}",
                visible(&warning.location.to_string()),
                visible(&warning.message)
            );
        }
        out.push('\n');
    }
    if let Some(unmanaged) = unmanaged {
        out.push_str("**Buckets with CORS that the manifest does not name** (information only; cors-sync never changes them)\n\n");
        if unmanaged.is_empty() {
            out.push_str("None.\n\n");
        }
        for bucket in unmanaged {
            let _ = writeln!(
                out,
                "- `{}` ({}): {} rule{}",
                bucket.address,
                bucket.whereabouts(),
                bucket.rules,
                plural(bucket.rules)
            );
        }
        if !unmanaged.is_empty() {
            out.push('\n');
        }
    }
    out
}
