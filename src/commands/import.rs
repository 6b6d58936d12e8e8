//! `cors-sync import`: live CORS configuration as a version-1 manifest on stdout.

use cors_sync_aws::live_state::{self, BucketTarget};
use cors_sync_core::render::manifest_yaml::{self, ImportedBucket};
use cors_sync_core::s3_limits;

use super::{connect, Outcome};
use crate::cli::{Cli, ImportArgs};

pub async fn run(args: &ImportArgs, cli: &Cli) -> Outcome {
    let mut targets: Vec<BucketTarget> = Vec::new();
    for name in &args.buckets {
        if let Some(problem) = s3_limits::bucket_name_problem(name) {
            eprintln!("error: invalid bucket name `{name}`: {problem}");
            return Outcome::Failure;
        }
        // Naming a bucket twice would print a manifest that names it twice, which is invalid.
        if !targets.iter().any(|t| &t.name == name) {
            targets.push(BucketTarget {
                name: name.clone(),
                region: None,
            });
        }
    }
    let aws = connect(&cli.connection).await;
    let results =
        live_state::read_buckets(&aws, &targets, usize::from(cli.connection.parallelism)).await;
    let mut live = Vec::new();
    let mut failed = false;
    for result in results {
        match result {
            Ok(bucket) => live.push(bucket),
            Err(error) => {
                failed = true;
                eprintln!("error: {error}");
            }
        }
    }
    if failed {
        eprintln!("error: nothing was imported");
        return Outcome::Failure;
    }
    let buckets: Vec<ImportedBucket<'_>> = live
        .iter()
        .map(|b| ImportedBucket {
            name: &b.name,
            region: Some(&b.region),
            rules: &b.cors.rules,
        })
        .collect();
    print!("{}", manifest_yaml::manifest(&buckets));
    Outcome::Success
}
