//! `cors-sync validate`: the manifest checked offline, every problem at once.

use cors_sync_core::diagnostic::{Diagnostic, Severity};
use cors_sync_core::lint;
use cors_sync_core::manifest;
use cors_sync_core::provider::Provider;
use cors_sync_core::render::{findings, plural};

use super::{load_manifest, report_lints, Error, Outcome};
use crate::cli::{ValidateArgs, ValidateFormat};
use crate::output::{out, outln};

pub fn run(args: &ValidateArgs, provider: Option<Provider>) -> Result<Outcome, Error> {
    if args.format != ValidateFormat::Text {
        return machine_readable(args, provider);
    }
    let args = &args.manifest;
    let manifest = load_manifest(&args.manifest, provider)?;
    let warnings = lint::manifest_lints(&manifest);
    report_lints(&warnings, args.strict)?;
    let buckets = manifest.buckets.len();
    let rules: usize = manifest.buckets.iter().map(|b| b.cors.rules.len()).sum();
    let lints = if warnings.is_empty() {
        String::new()
    } else {
        format!(" ({} warning{})", warnings.len(), plural(warnings.len()))
    };
    let accounts = match manifest.accounts.len() {
        0 => String::new(),
        n => format!(", in {n} account{}", plural(n)),
    };
    outln!(
        "The manifest is valid: {buckets} bucket{}, {rules} CORS rule{}{accounts}{lints}.",
        plural(buckets),
        plural(rules)
    );
    Ok(Outcome::Success)
}

/// Every finding, errors and lints, in a CI format on stdout; exit 1 on an error (or a lint with
/// `--strict`).
fn machine_readable(args: &ValidateArgs, provider: Option<Provider>) -> Result<Outcome, Error> {
    let mut found: Vec<Diagnostic> =
        match manifest::load_on(&args.manifest.manifest, provider.unwrap_or_default()) {
            Ok(manifest) => lint::manifest_lints(&manifest),
            Err(diagnostics) => diagnostics.0,
        };
    if args.manifest.strict {
        for finding in &mut found {
            finding.severity = Severity::Error;
        }
    }
    let format = match args.format {
        ValidateFormat::Json => findings::Format::Json,
        ValidateFormat::Sarif => findings::Format::Sarif,
        ValidateFormat::Github | ValidateFormat::Text => findings::Format::Github,
    };
    out!(
        "{}",
        findings::render(format, &found, env!("CARGO_PKG_VERSION"))
    );
    let failed = found.iter().any(|d| d.severity == Severity::Error);
    Ok(if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}
