//! Region discovery from ListBuckets, against the SDK's S3 mocks (moto neither pages ListBuckets
//! nor names regions): pages followed by their continuation token, `BucketRegion` taken, and a
//! named bucket missing from the listing left to HeadBucket.

use std::sync::{Arc, Mutex};

use aws_sdk_s3::operation::list_buckets::ListBucketsOutput;
use aws_sdk_s3::types::Bucket;
use aws_sdk_s3::Client;
use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, RuleMode};

use crate::live_state::{list_pages, regions_from_listing};

fn bucket(name: &str, region: Option<&str>) -> Bucket {
    Bucket::builder()
        .name(name)
        .set_bucket_region(region.map(str::to_string))
        .build()
}

fn client(interceptor: MockResponseInterceptor) -> Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "k", "s", None, None, "test",
        ))
        .http_client(create_mock_http_client())
        .interceptor(interceptor)
        .build();
    Client::from_conf(config)
}

#[tokio::test]
async fn pages_are_followed_and_each_buckets_region_taken() {
    // Each request's max-buckets and continuation token.
    type Asked = Vec<(Option<i32>, Option<String>)>;
    let asked: Arc<Mutex<Asked>> = Arc::default();
    let seen = asked.clone();
    let pages = mock!(Client::list_buckets)
        .match_requests(move |input| {
            seen.lock().unwrap().push((
                input.max_buckets(),
                input.continuation_token().map(str::to_string),
            ));
            true
        })
        .sequence()
        .output(|| {
            ListBucketsOutput::builder()
                .buckets(bucket("assets", Some("eu-west-1")))
                .buckets(bucket("uploads", Some("us-east-1")))
                .continuation_token("page-2")
                .build()
        })
        .output(|| {
            ListBucketsOutput::builder()
                .buckets(bucket("legacy", None))
                .build()
        })
        .build();
    let interceptor = MockResponseInterceptor::new()
        .rule_mode(RuleMode::Sequential)
        .with_rule(&pages);
    let listed = list_pages(&client(interceptor), &tokio::sync::Semaphore::new(1))
        .await
        .unwrap();
    assert_eq!(
        *asked.lock().unwrap(),
        [
            (Some(10_000), None),
            (Some(10_000), Some("page-2".to_string()))
        ]
    );
    let target = |name: &str, region: Option<&str>| cors_sync_core::bucket::Bucket {
        name: name.into(),
        region: region.map(str::to_string),
        cors: (),
    };
    assert_eq!(
        listed,
        [
            target("assets", Some("eu-west-1")),
            target("uploads", Some("us-east-1")),
            target("legacy", None)
        ]
    );
    // A stated region wins; a listed one fills in; one the listing lacks is left to HeadBucket.
    let wanted = [
        target("assets", Some("ap-south-1")),
        target("uploads", None),
        target("legacy", None),
        target("someone-elses", None),
    ];
    assert_eq!(
        regions_from_listing(&wanted, &listed),
        [
            target("assets", Some("ap-south-1")),
            target("uploads", Some("us-east-1")),
            target("legacy", None),
            target("someone-elses", None)
        ]
    );
}

/// The listing of a server answering with these continuation tokens in turn (each page names
/// one bucket), and how many pages were asked for.
async fn listing_with_tokens(
    tokens: &'static [&'static str],
) -> (
    Result<Vec<cors_sync_core::bucket::Bucket<Option<String>, ()>>, String>,
    usize,
) {
    let requests = Arc::new(Mutex::new(0usize));
    let counted = requests.clone();
    let pages = mock!(Client::list_buckets)
        .match_requests(move |_| {
            // A bounded number of answers, so a listing that keeps paging fails, not hangs.
            let mut count = counted.lock().unwrap();
            *count += 1;
            *count <= tokens.len()
        })
        .sequence();
    let pages = tokens
        .iter()
        .enumerate()
        .fold(pages, |pages, (i, token)| {
            pages.output(move || {
                ListBucketsOutput::builder()
                    .buckets(bucket(&format!("bucket-{i}"), Some("eu-west-1")))
                    .continuation_token(*token)
                    .build()
            })
        })
        .build();
    let interceptor = MockResponseInterceptor::new()
        .rule_mode(RuleMode::MatchAny)
        .with_rule(&pages);
    let listed = list_pages(&client(interceptor), &tokio::sync::Semaphore::new(1))
        .await
        .map_err(|e| crate::error::AwsError::from_sdk("s3 buckets", "ListBuckets", &e).to_string());
    let asked = *requests.lock().unwrap();
    (listed, asked)
}

#[tokio::test]
async fn a_token_handed_back_unchanged_ends_the_listing_with_an_error() {
    let (listed, asked) = listing_with_tokens(&["again", "again", "again"]).await;
    assert_eq!(asked, 2);
    assert_eq!(
        listed,
        Err("s3 buckets: ListBuckets failed: S3 handed back the continuation token `again` a second time; the listing would never end, and stopping there could miss buckets".to_string())
    );
}

#[tokio::test]
async fn a_token_seen_pages_before_ends_the_listing_with_an_error() {
    let (listed, asked) = listing_with_tokens(&["T1", "T2", "T1", "T2", "T1", "T2"]).await;
    assert_eq!(asked, 3, "T1, T2, then T1 again stops the listing");
    assert_eq!(
        listed,
        Err("s3 buckets: ListBuckets failed: S3 handed back the continuation token `T1` a second time; the listing would never end, and stopping there could miss buckets".to_string())
    );
}
