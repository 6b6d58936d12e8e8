//! `cors-sync validate`: the manifest checked offline, every problem at once.

use super::{load_manifest, Outcome};
use crate::cli::ManifestArgs;

pub fn run(args: &ManifestArgs) -> Outcome {
    let Some(manifest) = load_manifest(&args.manifest) else {
        return Outcome::Failure;
    };
    let buckets = manifest.buckets.len();
    let rules: usize = manifest.buckets.iter().map(|b| b.cors.rules.len()).sum();
    println!(
        "The manifest is valid: {buckets} bucket{}, {rules} CORS rule{}.",
        plural(buckets),
        plural(rules)
    );
    Outcome::Success
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
