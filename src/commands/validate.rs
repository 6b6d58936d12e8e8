//! `cors-sync validate`: the manifest checked offline, every problem at once.

use cors_sync_core::lint;
use cors_sync_core::render::plural;

use super::{load_manifest, report_lints, Error, Outcome};
use crate::cli::ManifestArgs;
use crate::output::outln;

pub fn run(args: &ManifestArgs) -> Result<Outcome, Error> {
    let manifest = load_manifest(&args.manifest)?;
    let warnings = lint::manifest_lints(&manifest);
    report_lints(&warnings, args.strict)?;
    let buckets = manifest.buckets.len();
    let rules: usize = manifest.buckets.iter().map(|b| b.cors.rules.len()).sum();
    let lints = if warnings.is_empty() {
        String::new()
    } else {
        format!(" ({} warning{})", warnings.len(), plural(warnings.len()))
    };
    outln!(
        "The manifest is valid: {buckets} bucket{}, {rules} CORS rule{}{lints}.",
        plural(buckets),
        plural(rules)
    );
    Ok(Outcome::Success)
}
