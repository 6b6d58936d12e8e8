//! `cors-sync import`: live CORS configuration as a version-1 manifest on stdout, which plans to
//! no changes.

use std::collections::HashMap;

use cors_sync_aws::{live_state, Aws};
use cors_sync_core::bucket::Bucket;
use cors_sync_core::cloudfront::distribution::LiveDistribution;
use cors_sync_core::cloudfront::limits;
use cors_sync_core::import;
use cors_sync_core::live_targets::LiveTargets;
use cors_sync_core::render::plural;
use cors_sync_core::s3_limits;

use cors_sync_core::manifest::Manifest;

use super::{report_retries, Error, Outcome, Refusal};
use crate::accounts;
use crate::cli::{Cli, ImportArgs};
use crate::output::{errln, out};

pub async fn run(args: &ImportArgs, cli: &Cli) -> Result<Outcome, Error> {
    let named = targets(args)?;
    // Without --account nothing is needed from a manifest: import reads where the credentials act.
    let declared = if cli.connection.accounts.is_empty() {
        Manifest::default()
    } else {
        super::load_manifest(&args.manifest, cli.connection.provider)?
    };
    let account = accounts::for_resource(&declared, None, &cli.connection, "import")?;
    let reached = accounts::reach_one(&cli.connection, account).await?;
    let aws = &reached.aws;
    let parallelism = usize::from(cli.connection.parallelism);
    let (targets, listed_distributions) = if args.all {
        everything(aws, args, named).await?
    } else {
        (named, Vec::new())
    };
    let mut read = live_state::read(aws, &targets, parallelism, &|| {}).await;
    // Read whole from the listing already: listing them again would only repeat its pages.
    read.live.distributions.extend(listed_distributions);
    // The custom policies the behaviors use are listed once read, to write them by name.
    if read.errors.is_empty() {
        let needed = import::listings_needed(&read.live.distributions);
        let errors = live_state::read_listings(aws, needed, &mut read.live).await;
        read.errors.extend(errors);
    }
    if args.all && !args.include_empty {
        let before = read.live.buckets.len();
        read.live.buckets.retain(|b| b.cors.is_configured());
        let left_out = before - read.live.buckets.len();
        if left_out > 0 && !cli.output.quiet {
            errln!(
                "note: {left_out} bucket{} without CORS left out (--include-empty writes them with `cors_rules: []`)",
                plural(left_out)
            );
        }
    }
    let mut errors: Vec<Error> = read.errors.into_iter().map(Error::from).collect();
    if errors.is_empty() {
        if let Err(unnamed) = import::name_policies(&mut read.live) {
            errors = unnamed.into_iter().map(Error::from).collect();
        }
    }
    if !errors.is_empty() {
        return Err(Error::Each {
            errors,
            then: Some("nothing was imported".into()),
        });
    }
    out!(
        "{}",
        import::manifest(&read.live, account.map(|a| a.name.as_str()))
    );
    report_retries(aws);
    Ok(Outcome::Success)
}

/// `--all`: every bucket the account lists (each with the region the listing names), and with
/// `--distributions` every distribution, as listed (the named ones among them are not read again).
async fn everything(
    aws: &Aws,
    args: &ImportArgs,
    mut targets: LiveTargets,
) -> Result<(LiveTargets, Vec<LiveDistribution>), Error> {
    // The named ones by name, once: a search of the targets for each bucket listed is quadratic,
    // five billion comparisons for an account of 100,000 buckets.
    let named: HashMap<String, usize> = (targets.buckets.iter().enumerate())
        .map(|(at, bucket)| (bucket.name.clone(), at))
        .collect();
    for listed in live_state::list_buckets(aws).await? {
        match named.get(&listed.name) {
            Some(&at) => targets.buckets[at].region = listed.region,
            None => targets.buckets.push(listed),
        }
    }
    let mut listed = Vec::new();
    if args.every_distribution {
        listed = live_state::every_distribution(aws).await?;
        targets
            .distributions
            .retain(|id| !listed.iter().any(|d| &d.id == id));
    }
    Ok((targets, listed))
}

/// The checked, de-duplicated targets; an error when a name cannot be valid.
fn targets(args: &ImportArgs) -> Result<LiveTargets, Error> {
    let mut buckets: Vec<Bucket<_, _>> = Vec::new();
    for name in &args.buckets {
        if let Some(problem) = s3_limits::bucket_name_problem(name) {
            return Err(Refusal::InvalidBucketName {
                name: name.clone(),
                problem,
            }
            .into());
        }
        // Naming a resource twice would print a manifest that names it twice, which is invalid.
        if !buckets.iter().any(|t| &t.name == name) {
            buckets.push(Bucket::named(name));
        }
    }
    let mut distributions: Vec<String> = Vec::new();
    for id in &args.distributions {
        if let Some(problem) = limits::distribution_id_problem(id) {
            return Err(Refusal::InvalidDistributionId { problem }.into());
        }
        if !distributions.contains(id) {
            distributions.push(id.clone());
        }
    }
    Ok(LiveTargets {
        buckets,
        distributions,
        ..LiveTargets::default()
    })
}
