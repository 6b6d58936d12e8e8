//! What `diff` prints about a change's effect on access (and what `plan --format markdown` adds
//! as its "Access changes" section): text, the JSON contract, and Markdown for a pull request.

use std::fmt::Write;

use serde_json::json;

use crate::access::{AccessChange, AccessReport, Effect};
use crate::visible::visible;

/// `diff --format json`'s version; bumped on any change an older reader would misread.
pub const FORMAT_VERSION: u32 = 1;

/// The example request in words, as `check` takes it.
fn example(change: &AccessChange) -> String {
    let e = &change.example;
    let headers = if e.headers.is_empty() {
        String::new()
    } else {
        format!(" with header {}", e.headers.join(", "))
    };
    let credentials = if e.credentials {
        ", with credentials"
    } else {
        ""
    };
    format!("e.g. {} from {}{headers}{credentials}", e.method, e.origin)
}

pub(crate) fn sentence(change: &AccessChange) -> String {
    let methods = change.methods.join(", ");
    let header = change
        .header
        .as_ref()
        .map(|h| format!(" with header {h}"))
        .unwrap_or_default();
    let origin = &change.origin;
    let credentials = match change.credentials {
        Some(true) => " with credentials",
        Some(false) => " without credentials",
        None => "",
    };
    let detail = if change.detail.is_empty() {
        String::new()
    } else {
        format!(" ({})", change.detail)
    };
    let text = match change.effect {
        Effect::Widens => {
            format!("now allows {methods} from {origin}{header}{credentials}{detail}")
        }
        Effect::Narrows => {
            format!("no longer allows {methods} from {origin}{header}{credentials}{detail}")
        }
        Effect::Changes => {
            format!(
                "{methods} from {origin}{header}{credentials} gets another answer: {}",
                change.detail
            )
        }
    };
    visible(&format!("{}: {text}; {}", change.resource, example(change))).into_owned()
}

/// "widens access", or with more than one effect "changes access (widens, narrows)".
fn headline(report: &AccessReport) -> String {
    let effects = report.effects();
    if effects.len() > 1 {
        let words: Vec<&str> = effects.iter().map(|e| e.word()).collect();
        format!("{} ({})", report.headline(), words.join(", "))
    } else {
        report.headline().to_string()
    }
}

fn lines(report: &AccessReport) -> Vec<String> {
    let mut out: Vec<String> = report.changes.iter().map(sentence).collect();
    out.extend(report.cloudfront.iter().map(|c| visible(c).into_owned()));
    out
}

pub fn text(report: &AccessReport) -> String {
    let mut out = format!("Access: {}.\n", headline(report));
    for line in lines(report) {
        let _ = writeln!(out, "  {line}");
    }
    let mut list = |title: &str, items: &[String]| {
        if !items.is_empty() {
            let _ = writeln!(out, "{title}:");
            for item in items {
                let _ = writeln!(out, "  {}", visible(item));
            }
        }
    };
    list("Added to the manifest", &report.added);
    list(
        "Removed from the manifest (no longer managed; left as they are)",
        &report.removed,
    );
    list("Lint warnings introduced", &report.lints_introduced);
    list("Lint warnings fixed", &report.lints_fixed);
    out
}

/// The JSON contract of `diff --format json`.
pub fn json(report: &AccessReport) -> String {
    let document = json!({
        "format_version": FORMAT_VERSION,
        "headline": report.headline(),
        "effects": report.effects(),
        "changes": report.changes,
        "cloudfront": report.cloudfront,
        "added": report.added,
        "removed": report.removed,
        "lints_introduced": report.lints_introduced,
        "lints_fixed": report.lints_fixed,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// The "Access changes" part of a pull-request comment.
pub fn markdown_section(report: &AccessReport) -> String {
    let mut out = format!("#### Access changes: {}\n\n", headline(report));
    for line in lines(report) {
        let _ = writeln!(out, "- {}", line.replace('|', "\\|"));
    }
    let mut list = |title: &str, items: &[String]| {
        if !items.is_empty() {
            let _ = writeln!(out, "\n{title}:\n");
            for item in items {
                let _ = writeln!(out, "- {}", visible(item));
            }
        }
    };
    list("Added to the manifest", &report.added);
    list("Removed from the manifest", &report.removed);
    list("Lint warnings introduced", &report.lints_introduced);
    list("Lint warnings fixed", &report.lints_fixed);
    out
}

/// `diff --format markdown`: a comment headed by what the change does.
pub fn markdown(report: &AccessReport) -> String {
    format!(
        "### cors-sync diff: {}\n\n{}",
        headline(report),
        markdown_section(report)
    )
}
