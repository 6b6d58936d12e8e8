//! `cors-sync plan`: what apply would change, as text, the JSON plan contract, or a pull-request
//! comment; optionally saved for `apply PLANFILE`.

use std::path::Path;

use cors_sync_aws::cloudfront::{distributions, policies};
use cors_sync_aws::live_state::{self, BucketTarget};
use cors_sync_aws::Aws;
use cors_sync_aws::AwsError;
use cors_sync_core::diagnostic::Diagnostic;
use cors_sync_core::lint;
use cors_sync_core::manifest::Manifest;
use cors_sync_core::plan::{self, Address, LiveState, Plan};
use cors_sync_core::plan_file::{self, SavedPlan};
use cors_sync_core::render::{json_plan, markdown_plan, plural, text_plan, UnmanagedBucket};

use super::{connect, load_manifest, report_lints, report_retries, Outcome};
use crate::cli::{Cli, PlanArgs, PlanFormat};
use crate::progress::Progress;
use crate::terminal;

pub async fn run(args: &PlanArgs, cli: &Cli) -> Outcome {
    let Some(manifest) = load_manifest(&args.manifest.manifest) else {
        return Outcome::Failure;
    };
    let aws = connect(&cli.connection).await;
    let parallelism = usize::from(cli.connection.parallelism);
    let Some((plan, mut live)) = compute(&aws, &manifest, parallelism, cli.output.quiet).await
    else {
        return Outcome::Failure;
    };
    let warnings = lints(&manifest, &live);
    if !report_lints(&warnings, args.manifest.strict) {
        return Outcome::Failure;
    }
    let unmanaged = if args.report_unmanaged {
        match unmanaged_buckets(&aws, &manifest, parallelism).await {
            Some(found) => Some(found),
            None => return Outcome::Failure,
        }
    } else {
        None
    };
    if let Some(path) = &args.out {
        if !save(&aws, &manifest, &plan, &mut live, path).await {
            return Outcome::Failure;
        }
    }
    let colour = terminal::stdout_colour(cli.output.no_color);
    match args.format {
        PlanFormat::Text => {
            print!("{}", text_plan::render(&plan, colour));
            if let Some(unmanaged) = &unmanaged {
                print!("{}", text_plan::unmanaged_section(unmanaged));
            }
        }
        PlanFormat::Json => println!("{}", json_plan::render_with(&plan, unmanaged.as_deref())),
        PlanFormat::Markdown => print!(
            "{}",
            markdown_plan::render(&plan, &warnings, unmanaged.as_deref())
        ),
    }
    report_retries(&aws);
    if args.detailed_exitcode && !plan.is_empty() {
        Outcome::ChangesPresent
    } else {
        Outcome::Success
    }
}

/// Every lint: the manifest's own, and CloudFront's in front of managed buckets (which needs live
/// state to know which behavior serves which bucket).
pub fn lints(manifest: &Manifest, live: &LiveState) -> Vec<Diagnostic> {
    let mut warnings = lint::manifest_lints(manifest);
    warnings.extend(lint::cloudfront_lints(manifest, live));
    warnings
}

/// Writes the plan file. Distributions in the plan are re-read with GetDistributionConfig first,
/// so their fingerprints include the ETag an update would use.
async fn save(
    aws: &Aws,
    manifest: &Manifest,
    plan: &Plan,
    live: &mut LiveState,
    path: &Path,
) -> bool {
    for change in &plan.changes {
        if let Address::CloudFrontDistribution(id) = &change.address {
            match distributions::read_distribution_config(&aws.cloudfront(), id).await {
                Ok(read) => {
                    live.distributions.retain(|d| &d.id != id);
                    live.distributions.push(read);
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    eprintln!("error: the plan was not saved");
                    return false;
                }
            }
        }
    }
    let saved = SavedPlan {
        created_by: format!("cors-sync {}", env!("CARGO_PKG_VERSION")),
        manifest_sha256: manifest.digest.clone(),
        fingerprints: plan_file::fingerprints(plan, live),
        plan: plan.clone(),
    };
    // Written beside the target and renamed, so an interrupted write never leaves half a plan.
    let partial = path.with_extension("partial");
    let written = std::fs::write(&partial, plan_file::encode(&saved))
        .and_then(|()| std::fs::rename(&partial, path));
    match written {
        Ok(()) => {
            eprintln!(
                "Saved this plan to {}. `cors-sync apply {}` applies exactly it, if live state has not moved.",
                path.display(),
                path.display()
            );
            true
        }
        Err(error) => {
            eprintln!(
                "error: cannot write the plan file {}: {error}",
                path.display()
            );
            false
        }
    }
}

/// Buckets in the account with CORS that the manifest does not name. A bucket that cannot be read
/// is a warning, not a failure: it is only information.
async fn unmanaged_buckets(
    aws: &Aws,
    manifest: &Manifest,
    parallelism: usize,
) -> Option<Vec<UnmanagedBucket>> {
    let all = match live_state::list_buckets(aws).await {
        Ok(all) => all,
        Err(error) => {
            eprintln!("error: {error}");
            return None;
        }
    };
    let others: Vec<BucketTarget> = all
        .into_iter()
        .filter(|b| manifest.bucket(&b.name).is_none())
        .collect();
    let mut found = Vec::new();
    for result in live_state::read_buckets(aws, &others, parallelism, &|| {}).await {
        match result {
            Ok(bucket) if bucket.cors.is_configured() => found.push(UnmanagedBucket {
                address: Address::S3Bucket(bucket.name.clone()).to_string(),
                region: bucket.region.clone(),
                rules: bucket.cors.rules.len(),
            }),
            Ok(_) => {}
            Err(error) => eprintln!("warning: {error}"),
        }
    }
    Some(found)
}

/// The CloudFront part of live state: the manifest's distributions (from list pages) and the
/// account's policy lists it needs. Returns it with how many resources were asked for, and errors.
pub async fn read_cloudfront(
    aws: &Aws,
    manifest: &Manifest,
    tick: &dyn Fn(),
) -> (LiveState, usize, Vec<AwsError>) {
    let client = aws.cloudfront();
    let mut live = LiveState::default();
    let mut errors = Vec::new();
    let ids: Vec<String> = manifest
        .distributions
        .iter()
        .map(|d| d.id.clone())
        .collect();
    for result in distributions::read_distributions(&client, &ids).await {
        match result {
            Ok(distribution) => {
                tick();
                live.distributions.push(distribution);
            }
            Err(error) => errors.push(error),
        }
    }
    let (lists, mut failed) =
        policies::read_listings(&client, plan::policy_listings_needed(manifest), &mut live).await;
    errors.append(&mut failed);
    (live, ids.len() + lists, errors)
}

/// Reads everything the manifest manages and plans. Read failures are printed, and then no plan
/// is made: a plan missing a resource would look like "no changes" for it.
pub async fn compute(
    aws: &Aws,
    manifest: &Manifest,
    parallelism: usize,
    quiet: bool,
) -> Option<(Plan, LiveState)> {
    let progress = Progress::new(
        manifest.buckets.len() + manifest.distributions.len(),
        "reading live state",
        quiet,
    );
    let targets: Vec<BucketTarget> = manifest
        .buckets
        .iter()
        .map(|b| BucketTarget {
            name: b.name.clone(),
            region: b.region.clone(),
        })
        .collect();
    // Buckets and CloudFront are read at the same time: neither waits for the other's round trips.
    let tick = || progress.tick();
    let (buckets, cloudfront) = tokio::join!(
        live_state::read_buckets(aws, &targets, parallelism, &tick),
        async {
            if manifest.uses_cloudfront() {
                read_cloudfront(aws, manifest, &tick).await
            } else {
                (LiveState::default(), 0, Vec::new())
            }
        }
    );
    let (mut live, cloudfront_resources, mut cloudfront_errors) = cloudfront;
    let resources = targets.len() + cloudfront_resources;
    let mut errors = Vec::new();
    for result in buckets {
        match result {
            Ok(bucket) => live.buckets.push(bucket),
            Err(error) => errors.push(error),
        }
    }
    errors.append(&mut cloudfront_errors);
    if !errors.is_empty() {
        for error in &errors {
            eprintln!("error: {error}");
        }
        eprintln!(
            "error: could not read {} of {resources} resource{}; no plan was made",
            errors.len(),
            plural(resources)
        );
        return None;
    }
    match plan::plan(manifest, &live) {
        Ok(plan) => Some((plan, live)),
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            eprintln!("error: the manifest does not fit live state; no plan was made");
            None
        }
    }
}
