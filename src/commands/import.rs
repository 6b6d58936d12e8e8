//! `cors-sync import`: live CORS configuration as a version-1 manifest on stdout.

use cors_sync_aws::live_state::{self, BucketTarget};
use cors_sync_core::render::manifest_yaml::{self, ImportedBucket};

use super::{connect, Outcome};
use crate::cli::{Cli, ImportArgs};

pub async fn run(args: &ImportArgs, cli: &Cli) -> Outcome {
    let aws = connect(&cli.connection).await;
    let targets: Vec<BucketTarget> = args
        .buckets
        .iter()
        .map(|name| BucketTarget {
            name: name.clone(),
            region: None,
        })
        .collect();
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
