//! Reading live state: the one path every command takes to learn what AWS holds for a set of
//! targets (buckets in their regions, distributions, the account's policy lists).

use std::collections::HashMap;

use cors_sync_core::bucket::Bucket;
use cors_sync_core::bucket_cors::BucketCors;
use cors_sync_core::cloudfront::distribution::LiveDistribution;
use cors_sync_core::live_targets::LiveTargets;
use cors_sync_core::plan::{LiveState, PolicyListings};
use futures::stream::{self, StreamExt};

use crate::cloudfront::{distributions, policies};
use crate::cors_answer::NotACorsConfiguration;
use crate::error::{bucket_resource, find_cause, AwsError, Error, ErrorCode, LocalFailure};
use crate::s3_rules;
use crate::Aws;

/// What one read found: the live state of every target that could be read, and an error for
/// each one that could not.
#[derive(Debug, Default)]
pub struct LiveRead {
    pub live: LiveState,
    pub errors: Vec<AwsError>,
    /// How many resources and lists were asked for.
    pub asked: usize,
    /// Buckets whose stated region was wrong: S3 named the right one, and they were read there.
    pub wrong_regions: Vec<WrongRegion>,
}

/// A bucket read in the region S3 named, not the one the manifest (or plan) stated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongRegion {
    pub bucket: String,
    pub stated: String,
    pub actual: String,
}

impl LiveRead {
    /// All of it, or every error.
    pub fn complete(self) -> Result<LiveState, Error> {
        if self.errors.is_empty() {
            Ok(self.live)
        } else {
            Err(Error::Read {
                errors: self.errors,
                asked: self.asked,
            })
        }
    }
}

/// Reads every target: buckets (at most `parallelism` at a time) and CloudFront at the same time,
/// so neither waits for the other's round trips. `tick` is called once per resource read. Bucket
/// errors come first, in target order.
pub async fn read(
    aws: &Aws,
    targets: &LiveTargets,
    parallelism: usize,
    tick: &(dyn Fn() + Sync),
) -> LiveRead {
    let (buckets, (mut live, cloudfront_errors)) = tokio::join!(
        async {
            let buckets = with_listed_regions(aws, &targets.buckets).await;
            read_buckets(aws, &buckets, parallelism, tick).await
        },
        read_cloudfront(aws, targets, tick)
    );
    let mut errors = Vec::new();
    let mut wrong_regions = Vec::new();
    for result in buckets {
        match result {
            Ok((bucket, wrong)) => {
                wrong_regions.extend(wrong);
                live.buckets.push(bucket);
            }
            Err(error) => errors.push(error),
        }
    }
    errors.extend(cloudfront_errors);
    live.account = aws.account.clone();
    LiveRead {
        live,
        errors,
        asked: targets.count(),
        wrong_regions,
    }
}

async fn read_cloudfront(
    aws: &Aws,
    targets: &LiveTargets,
    tick: &(dyn Fn() + Sync),
) -> (LiveState, Vec<AwsError>) {
    let mut live = LiveState::default();
    let mut errors = Vec::new();
    if targets.distributions.is_empty() && targets.policy_listings == PolicyListings::default() {
        return (live, errors);
    }
    let client = aws.cloudfront();
    let found = if targets.whole_distributions {
        let mut found = Vec::new();
        for id in &targets.distributions {
            found.push(distributions::read_distribution_config(&client, id).await);
        }
        found
    } else {
        distributions::read_distributions(&client, &targets.distributions).await
    };
    for result in found {
        match result {
            Ok(distribution) => {
                tick();
                live.distributions.push(distribution);
            }
            Err(error) => errors.push(error),
        }
    }
    errors.extend(policies::read_listings(&client, targets.policy_listings, &mut live).await);
    (live, errors)
}

/// Reads into `live` the policy lists that `needed` names, for policies found only once the
/// distributions were read (a behavior's custom policy); returns the errors of lists not read.
pub async fn read_listings(
    aws: &Aws,
    needed: PolicyListings,
    live: &mut LiveState,
) -> Vec<AwsError> {
    if needed == PolicyListings::default() {
        return Vec::new();
    }
    policies::read_listings(&aws.cloudfront(), needed, live).await
}

/// The most buckets ListBuckets returns a page, and what cors-sync asks for.
const LIST_PAGE: i32 = 10_000;

/// S3 names a bucket's region in this header on HeadBucket answers, redirects and denials included.
const BUCKET_REGION_HEADER: &str = "x-amz-bucket-region";

/// The targets, each bucket without a region given the one ListBuckets names for it: one listing
/// (pages of up to 10,000) instead of a HeadBucket per bucket. A single bucket without a region
/// is left to one HeadBucket, which costs less than listing the account. Buckets the listing
/// lacks (another account's), or every bucket when the listing cannot be had (no
/// s3:ListAllMyBuckets, an emulator that names no regions), are left to HeadBucket.
async fn with_listed_regions(
    aws: &Aws,
    targets: &[Bucket<Option<String>, ()>],
) -> Vec<Bucket<Option<String>, ()>> {
    if targets.iter().filter(|t| t.region.is_none()).count() < 2 {
        return targets.to_vec();
    }
    let listed = list_buckets(aws).await.unwrap_or_default();
    regions_from_listing(targets, &listed)
}

/// Each target's region: its own, else the listing's.
pub(crate) fn regions_from_listing(
    targets: &[Bucket<Option<String>, ()>],
    listed: &[Bucket<Option<String>, ()>],
) -> Vec<Bucket<Option<String>, ()>> {
    // By name, once: a search of the listing per bucket is quadratic, minutes for an account of
    // 100,000 buckets. The first of a name wins, as a search would find it.
    let mut regions: HashMap<&str, Option<&String>> = HashMap::with_capacity(listed.len());
    for bucket in listed {
        regions
            .entry(bucket.name.as_str())
            .or_insert(bucket.region.as_ref());
    }
    let region_of = |name: &str| regions.get(name).copied().flatten().cloned();
    targets
        .iter()
        .map(|t| Bucket {
            name: t.name.clone(),
            region: t.region.clone().or_else(|| region_of(&t.name)),
            cors: (),
        })
        .collect()
}

/// Reads every bucket, at most `parallelism` at a time, returning results in target order.
async fn read_buckets(
    aws: &Aws,
    targets: &[Bucket<Option<String>, ()>],
    parallelism: usize,
    progress: &(dyn Fn() + Sync),
) -> Vec<Result<(Bucket, Option<WrongRegion>), AwsError>> {
    stream::iter(targets)
        .map(|target| async move {
            let permit = aws.request_permit().await;
            // Boxed once the permit is had: every account's stream holds `parallelism` reads
            // waiting for the one budget, and an unboxed read (the SDK's whole request inside)
            // would be allocated at full size while it waits: 6,400 of them for 100 accounts.
            let result = Box::pin(read_bucket(aws, &target.name, target.region.as_deref())).await;
            drop(permit);
            progress();
            result
        })
        .buffered(parallelism.max(1))
        .collect()
        .await
}

async fn read_bucket(
    aws: &Aws,
    name: &str,
    region: Option<&str>,
) -> Result<(Bucket, Option<WrongRegion>), AwsError> {
    let region = match region {
        Some(region) => region.to_string(),
        None => discover_region(aws, name).await?,
    };
    let (cors, wrong) = match read_cors(aws, &region, name).await {
        Ok(cors) => (cors, None),
        // Asked in the wrong region, S3 names the right one: read it there, once.
        Err(RegionalError::Elsewhere(actual)) if actual != region => {
            let cors = read_cors(aws, &actual, name)
                .await
                .map_err(RegionalError::into_aws)?;
            let wrong = WrongRegion {
                bucket: name.to_string(),
                stated: region,
                actual: actual.clone(),
            };
            return Ok((
                Bucket {
                    name: name.to_string(),
                    region: actual,
                    cors,
                },
                Some(wrong),
            ));
        }
        Err(error) => return Err(error.into_aws()),
    };
    Ok((
        Bucket {
            name: name.to_string(),
            region,
            cors,
        },
        wrong,
    ))
}

/// A failed GetBucketCors, or S3 saying the bucket lives in another region.
pub(crate) enum RegionalError {
    Failed(AwsError),
    Elsewhere(String),
}

impl RegionalError {
    fn into_aws(self) -> AwsError {
        match self {
            RegionalError::Failed(error) => error,
            RegionalError::Elsewhere(region) => AwsError::local(
                "s3",
                "GetBucketCors",
                LocalFailure::KeptRedirecting { region },
            ),
        }
    }
}

pub(crate) async fn read_cors(
    aws: &Aws,
    region: &str,
    bucket: &str,
) -> Result<BucketCors, RegionalError> {
    match aws.s3(region).get_bucket_cors().bucket(bucket).send().await {
        Ok(output) => Ok(s3_rules::from_sdk(output.cors_rules())),
        // S3 answers a bucket without CORS with an error code, not an empty list.
        Err(error) if ErrorCode::of(&error) == Some(ErrorCode::NoSuchCorsConfiguration) => {
            Ok(BucketCors::none())
        }
        Err(error) => {
            let elsewhere = error
                .raw_response()
                .filter(|r| matches!(r.status().as_u16(), 301 | 307 | 400))
                .and_then(|r| r.headers().get(BUCKET_REGION_HEADER))
                .filter(|actual| *actual != region)
                .map(str::to_string);
            if let Some(actual) = elsewhere {
                return Err(RegionalError::Elsewhere(actual));
            }
            Err(RegionalError::Failed(
                match find_cause::<NotACorsConfiguration>(&error) {
                    Some(why) => AwsError::local(
                        &bucket_resource(bucket),
                        "GetBucketCors",
                        why.clone().into(),
                    ),
                    None => aws.s3_error(&bucket_resource(bucket), "GetBucketCors", &error),
                },
            ))
        }
    }
}

/// The region a bucket lives in, from HeadBucket. Asked in the configured region; S3 answers with
/// the bucket's real region in a header even when it redirects or denies the request.
pub async fn discover_region(aws: &Aws, bucket: &str) -> Result<String, AwsError> {
    let asked_in = aws.default_region();
    match aws.s3(&asked_in).head_bucket().bucket(bucket).send().await {
        Ok(output) => Ok(output.bucket_region().map_or(asked_in, str::to_string)),
        Err(error) => {
            let from_header = error
                .raw_response()
                .and_then(|response| response.headers().get(BUCKET_REGION_HEADER))
                .map(str::to_string);
            if let Some(region) = from_header {
                return Ok(region);
            }
            Err(explain_missing_bucket(aws.s3_error(
                &bucket_resource(bucket),
                "HeadBucket",
                &error,
            )))
        }
    }
}

/// HeadBucket answers without a body, so a missing bucket comes back as a bare `NotFound`: say
/// what it means.
fn explain_missing_bucket(mut failure: AwsError) -> AwsError {
    if failure.code == Some(ErrorCode::NotFound) {
        failure.message = "the bucket does not exist".to_string();
    }
    failure
}

/// Every bucket in the account, with its region when ListBuckets names it; listed once a run
/// (a failed listing is not kept, so a later caller asks again).
pub async fn list_buckets(aws: &Aws) -> Result<Vec<Bucket<Option<String>, ()>>, AwsError> {
    aws.listing
        .get_or_try_init(|| async {
            list_pages(&aws.s3(&aws.default_region()), aws.request_budget())
                .await
                .map_err(|e| aws.s3_error("s3 buckets", "ListBuckets", &e))
        })
        .await
        .cloned()
}

/// Every distribution in the account, with its behaviors, from ListDistributions pages.
pub async fn every_distribution(aws: &Aws) -> Result<Vec<LiveDistribution>, AwsError> {
    distributions::read_every_distribution(&aws.cloudfront()).await
}

/// ListBuckets handed back a continuation token it had already given in this listing.
#[derive(Debug)]
struct RepeatedToken(String);

impl std::fmt::Display for RepeatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "S3 handed back the continuation token `{}` a second time; the listing would never end, and stopping there could miss buckets",
            self.0.escape_debug()
        )
    }
}

impl std::error::Error for RepeatedToken {}

/// Every page of ListBuckets, through the SDK's paginator, each page's request sent inside the
/// run's `--parallelism` budget (`budget`), as bucket reads are.
pub(crate) async fn list_pages(
    client: &aws_sdk_s3::Client,
    budget: &tokio::sync::Semaphore,
) -> Result<
    Vec<Bucket<Option<String>, ()>>,
    aws_smithy_runtime_api::client::result::SdkError<
        aws_sdk_s3::operation::list_buckets::ListBucketsError,
        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    >,
> {
    let mut buckets = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut tokens_seen = std::collections::HashSet::new();
    // With max-buckets, S3 pages the listing (an unpaginated one is refused for accounts allowed
    // more than 10,000 buckets) and names each bucket's region.
    let mut pages = client
        .list_buckets()
        .max_buckets(LIST_PAGE)
        .into_paginator()
        .send();
    loop {
        // The paginator sends a page's request only when asked for the page.
        let permit = budget.acquire().await.ok();
        let Some(page) = pages.next().await else {
            break;
        };
        drop(permit);
        let page = page?;
        for bucket in page.buckets() {
            if let Some(name) = bucket.name().filter(|name| seen.insert(name.to_string())) {
                buckets.push(Bucket {
                    name: name.to_string(),
                    region: bucket.bucket_region().map(str::to_string),
                    cors: (),
                });
            }
        }
        // A token seen before (handed back at once, or after others: T1, T2, T1) would page
        // round the same pages forever, and stopping there would leave a listing that looks whole
        // but may miss buckets: either is an error. The paginator stops, silently, only at a
        // token handed back at once; it asks for no next page until this one is taken, so
        // returning here asks no more.
        if let Some(token) = page.continuation_token().filter(|t| !t.is_empty()) {
            if !tokens_seen.insert(token.to_string()) {
                return Err(
                    aws_smithy_runtime_api::client::result::SdkError::construction_failure(
                        RepeatedToken(token.to_string()),
                    ),
                );
            }
        }
    }
    Ok(buckets)
}
