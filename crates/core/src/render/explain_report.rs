//! What `explain` prints: for each failed request, the step, the browser's words, the cause
//! (a code from docs/explain.md) and why, the nearest rule with its place in the manifest, and
//! the fix; or the JSON contract `{"format_version": 1, "explanations": [...]}`.

use std::fmt::Write;

use serde_json::json;

use crate::explain::diagnosis::Explanation;
use crate::explain::{Source, Step};
use crate::visible::visible;

/// `explain --format json`'s version; bumped on any change an older reader would misread.
pub const FORMAT_VERSION: u32 = 1;

pub fn json(explanations: &[Explanation]) -> String {
    let document = json!({"format_version": FORMAT_VERSION, "explanations": explanations});
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

fn request_line(e: &Explanation) -> String {
    let r = &e.request;
    let method = r.method.as_deref().unwrap_or("a request (method unknown)");
    let origin = r
        .origin
        .as_deref()
        .unwrap_or("an origin the input does not name");
    let headers = match &r.headers {
        Some(h) if !h.is_empty() => format!(" with headers {}", h.join(", ")),
        Some(_) => String::new(),
        None => " (headers unknown)".into(),
    };
    let credentials = match r.credentials {
        Some(true) => " with credentials",
        _ => "",
    };
    format!("{method} from {origin}{headers}{credentials}")
}

pub fn text(explanations: &[Explanation]) -> String {
    let mut out = String::new();
    if explanations.is_empty() {
        out.push_str("No failed cross-origin request in the input.\n");
    }
    for (n, e) in explanations.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}: {}", e.target, request_line(e));
        for url in &e.urls {
            let _ = writeln!(out, "  url: {}", visible(url));
        }
        // curl's request is not a browser's, and may not have failed: it asked S3 something.
        let curl = e.source == Source::Curl;
        if let Some(step) = e.step {
            let step = match step {
                Step::Preflight => "the preflight (OPTIONS)",
                Step::Request => "the request itself",
            };
            let label = if curl { "sent" } else { "failed" };
            let _ = writeln!(out, "  {label}: {step}");
        }
        if !e.browser_reason.is_empty() {
            let label = if curl { "answer" } else { "browser said" };
            let _ = writeln!(out, "  {label}: {}", visible(&e.browser_reason));
        }
        if e.candidates.len() > 1 {
            let codes: Vec<&str> = e.candidates.iter().map(|c| c.code()).collect();
            let _ = writeln!(
                out,
                "  cause: undecided, one of {} (most likely {})",
                codes.join(", "),
                e.cause.code()
            );
        } else {
            let _ = writeln!(out, "  cause: {}: {}", e.cause.code(), e.cause.meaning());
        }
        let _ = writeln!(out, "  why: {}", visible(&e.detail));
        if let Some(rule) = &e.rule {
            let at = match (&rule.file, rule.line, rule.column) {
                (Some(file), Some(line), Some(column)) => format!(" at {file}:{line}:{column}"),
                (Some(file), _, _) => format!(" at {file}"),
                (None, _, _) => " (live state)".to_string(),
            };
            let id = rule
                .id
                .as_ref()
                .map(|id| format!(" \"{id}\""))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  nearest rule: rule {}{id}{at}, lacks {}",
                rule.index,
                visible(&rule.lacks)
            );
        }
        for note in &e.notes {
            let _ = writeln!(out, "  note: {}", visible(note));
        }
        if let Some(fix) = &e.fix {
            let _ = writeln!(out, "  fix:");
            for line in fix.diff.lines() {
                let _ = writeln!(out, "    {}", visible(line));
            }
            if fix.also_allows.is_empty() {
                let _ = writeln!(out, "  the fix allows nothing else");
            } else {
                let _ = writeln!(out, "  the fix also allows:");
                for allowed in &fix.also_allows {
                    let _ = writeln!(out, "    {}", visible(allowed));
                }
            }
        }
    }
    out
}
