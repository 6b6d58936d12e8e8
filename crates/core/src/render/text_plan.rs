//! The human plan: terraform-like blocks, one per changed resource, each with a unified diff of
//! its rules, then a summary line.

use std::fmt::Write;

use similar::TextDiff;

use super::manifest_yaml;
use crate::bucket_cors::CorsRule;
use crate::normalize;
use crate::plan::{Action, Change, Plan};

/// ANSI colour, only when the caller has decided the output is a terminal that wants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Never,
    Always,
}

impl Colour {
    fn paint(self, code: &str, text: &str) -> String {
        match self {
            Colour::Never => text.to_string(),
            Colour::Always => format!("\x1b[{code}m{text}\x1b[0m"),
        }
    }
}

const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";
const CYAN: &str = "36";
const BOLD: &str = "1";

pub fn render(plan: &Plan, colour: Colour) -> String {
    if plan.is_empty() {
        return "No changes. Live CORS configuration matches the manifest.\n".to_string();
    }
    let mut out = String::from("cors-sync will perform the following actions:\n");
    for change in &plan.changes {
        out.push('\n');
        out.push_str(&change_block(change, colour));
    }
    out.push('\n');
    out.push_str(&summary_line(plan, colour));
    out
}

pub fn summary_line(plan: &Plan, colour: Colour) -> String {
    let s = plan.summary();
    let line = format!(
        "Plan: {} to create, {} to update, {} to delete.",
        s.create, s.update, s.delete
    );
    format!("{}\n", colour.paint(BOLD, &line))
}

/// The symbol and verb a change is announced with.
pub fn action_words(action: Action) -> (&'static str, &'static str) {
    match action {
        Action::Create => ("+", "created"),
        Action::Update => ("~", "updated"),
        Action::Delete => ("-", "deleted"),
    }
}

fn change_block(change: &Change, colour: Colour) -> String {
    let (symbol, verb) = action_words(change.action);
    let symbol_colour = match change.action {
        Action::Create => GREEN,
        Action::Update => YELLOW,
        Action::Delete => RED,
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  {} {} ({}): CORS configuration will be {verb}",
        colour.paint(symbol_colour, symbol),
        colour.paint(BOLD, &change.address.to_string()),
        change.region,
    );
    let before = listing(change.before.as_deref());
    let after = listing(change.after.as_deref());
    let before_label = if change.before.is_some() {
        "live"
    } else {
        "live (no CORS configuration)"
    };
    let after_label = if change.after.is_some() {
        "manifest"
    } else {
        "manifest (no CORS configuration)"
    };
    let diff = TextDiff::from_lines(&before, &after);
    let unified = diff
        .unified_diff()
        // The whole rule list as context: a rule's fields are only meaningful next to its position.
        .context_radius(before.lines().count().max(after.lines().count()))
        .header(before_label, after_label)
        .to_string();
    for line in unified.lines() {
        let painted = match line.chars().next() {
            Some('+') if !line.starts_with("+++") => colour.paint(GREEN, line),
            Some('-') if !line.starts_with("---") => colour.paint(RED, line),
            Some('@') => colour.paint(CYAN, line),
            _ => line.to_string(),
        };
        let _ = writeln!(out, "      {painted}");
    }
    out
}

fn listing(rules: Option<&[CorsRule]>) -> String {
    let shown: Vec<CorsRule> = rules
        .unwrap_or_default()
        .iter()
        .map(normalize::for_display)
        .collect();
    manifest_yaml::rules(&shown)
}
