//! `cors-sync show PLANFILE`: a saved plan exactly as `plan` printed it (through
//! `plan_view`), with where and when it was made: before the plan in text, after it in markdown,
//! and as a `saved_plan` object in JSON.

use std::fmt::Write;

use serde_json::json;

use super::plan_view::{self, Format, PlanView};
use super::text_plan::Colour;
use crate::plan_file::{SavedPlan, Signature};

/// A plan file as `show` found it.
pub struct Shown<'a> {
    pub saved: &'a SavedPlan,
    /// The path as the user gave it.
    pub file: &'a str,
    pub signature: Signature,
}

pub fn render(shown: &Shown, format: Format, colour: Colour) -> String {
    let saved = shown.saved;
    let review = saved.review.clone().unwrap_or_default();
    let warnings = review.warnings();
    let view = PlanView {
        plan: &saved.plan,
        warnings: &warnings,
        unmanaged: review.unmanaged.as_deref(),
        access: &review.access,
    };
    match format {
        Format::Text => format!(
            "{}\n{}",
            provenance(shown),
            plan_view::render(&view, format, colour)
        ),
        Format::Markdown => format!(
            "{}\n> {}\n",
            plan_view::render(&view, format, colour),
            provenance(shown).trim_end().replace('\n', "  \n> ")
        ),
        Format::Json => plan_view::render_saved(&view, format, colour, Some(document(shown))),
    }
}

fn signature_words(signature: Signature) -> &'static str {
    match signature {
        Signature::Unsigned => "not signed",
        Signature::Checked => "signed, and the signature matches CORS_SYNC_PLAN_KEY",
        Signature::NotChecked => "signed, not checked (CORS_SYNC_PLAN_KEY is not set)",
    }
}

/// Where and when, one fact a line.
fn provenance(shown: &Shown) -> String {
    let saved = shown.saved;
    let mut out = String::new();
    let _ = writeln!(out, "Saved plan {}", shown.file);
    let _ = writeln!(
        out,
        "  made:      {} by {}",
        saved.made_at.as_deref().unwrap_or("(not recorded)"),
        saved.created_by
    );
    let _ = writeln!(
        out,
        "  manifest:  {} ({})",
        saved.manifest_path.as_deref().unwrap_or("(not recorded)"),
        saved.manifest_sha256
    );
    let _ = writeln!(out, "  against:   {}", saved.made_in);
    if !saved.accounts.is_empty() {
        let accounts: Vec<String> = saved
            .accounts
            .iter()
            .map(|a| match &a.id {
                Some(id) => format!("{} ({id})", a.name),
                None => format!("{} ({})", a.name, a.provider.name()),
            })
            .collect();
        let _ = writeln!(out, "  accounts:  {}", accounts.join(", "));
    }
    let _ = writeln!(out, "  signature: {}", signature_words(shown.signature));
    if saved.review.is_none() {
        let _ = writeln!(
            out,
            "  note:      made by a cors-sync that did not record the warnings and access summary `plan` printed beside the changes"
        );
    }
    out
}

/// The JSON plan's `saved_plan` object.
fn document(shown: &Shown) -> serde_json::Value {
    let saved = shown.saved;
    json!({
        "file": shown.file,
        "made_at": saved.made_at,
        "created_by": saved.created_by,
        "manifest_path": saved.manifest_path,
        "manifest_sha256": saved.manifest_sha256,
        "made_in": saved.made_in,
        "accounts": saved.accounts.iter().map(|a| json!({"name": a.name, "id": a.id})).collect::<Vec<_>>(),
        "signature": match shown.signature {
            Signature::Unsigned => "unsigned",
            Signature::Checked => "checked",
            Signature::NotChecked => "not_checked",
        },
    })
}
