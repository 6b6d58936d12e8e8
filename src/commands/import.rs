//! `cors-sync import`: live CORS configuration as a version-1 manifest on stdout, which plans to
//! no changes.

use cors_sync_aws::cloudfront::import::{self, CloudFrontImport};
use cors_sync_aws::live_state;
use cors_sync_core::cloudfront::limits;
use cors_sync_core::cloudfront::policies::CorsPolicy;
use cors_sync_core::live_targets::{BucketTarget, LiveTargets};
use cors_sync_core::render::manifest_yaml::{self, Imported, ImportedBucket};
use cors_sync_core::s3_limits;

use super::{connect, report_retries, Outcome};
use crate::cli::{Cli, ImportArgs};

pub async fn run(args: &ImportArgs, cli: &Cli) -> Outcome {
    let Some((buckets, distribution_ids)) = targets(args) else {
        return Outcome::Failure;
    };
    let aws = connect(&cli.connection).await;
    let parallelism = usize::from(cli.connection.parallelism);
    let targets = LiveTargets {
        buckets,
        ..LiveTargets::default()
    };
    let read = live_state::read(&aws, &targets, parallelism, &|| {}).await;
    let (buckets, mut errors) = (read.live.buckets, read.errors);
    let mut cloudfront = CloudFrontImport::default();
    if !distribution_ids.is_empty() {
        match import::read(&aws.cloudfront(), &distribution_ids).await {
            Ok(read) => cloudfront = read,
            Err(mut more) => errors.append(&mut more),
        }
    }
    if !errors.is_empty() {
        for error in &errors {
            eprintln!("error: {error}");
        }
        eprintln!("error: nothing was imported");
        return Outcome::Failure;
    }
    let imported = Imported {
        buckets: buckets
            .iter()
            .map(|b| ImportedBucket {
                name: &b.name,
                region: Some(&b.region),
                rules: &b.cors.rules,
            })
            .collect(),
        distributions: cloudfront
            .distributions
            .iter()
            .map(|d| (d.id.as_str(), d.behaviors.as_slice()))
            .collect(),
        origin_request_policies: cloudfront
            .origin_request_policies
            .iter()
            .filter(|p| matches!(p.headers.header_behavior.as_str(), "whitelist" | "none"))
            .map(|p| (p.name.as_str(), p.headers.headers.as_slice()))
            .collect(),
        response_headers_policies: cloudfront
            .response_headers_policies
            .iter()
            .filter_map(|p| {
                p.cors
                    .as_ref()
                    .map(|cors: &CorsPolicy| (p.name.as_str(), cors))
            })
            .collect(),
    };
    print!("{}", manifest_yaml::manifest(&imported));
    report_retries(&aws);
    Outcome::Success
}

/// The checked, de-duplicated targets; `None` (after saying why) when a name cannot be valid.
fn targets(args: &ImportArgs) -> Option<(Vec<BucketTarget>, Vec<String>)> {
    let mut buckets: Vec<BucketTarget> = Vec::new();
    for name in &args.buckets {
        if let Some(problem) = s3_limits::bucket_name_problem(name) {
            eprintln!("error: invalid bucket name `{name}`: {problem}");
            return None;
        }
        // Naming a resource twice would print a manifest that names it twice, which is invalid.
        if !buckets.iter().any(|t| &t.name == name) {
            buckets.push(BucketTarget {
                name: name.clone(),
                region: None,
            });
        }
    }
    let mut distributions: Vec<String> = Vec::new();
    for id in &args.distributions {
        if let Some(problem) = limits::distribution_id_problem(id) {
            eprintln!("error: {problem}");
            return None;
        }
        if !distributions.contains(id) {
            distributions.push(id.clone());
        }
    }
    Some((buckets, distributions))
}
