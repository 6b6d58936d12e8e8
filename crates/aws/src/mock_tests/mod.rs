//! The CloudFront adapter against the SDK's own mocks, for what no emulator serves: policy APIs,
//! ETag conflicts, throttling, and exactly what an UpdateDistribution sends.

#![allow(deprecated)] // ForwardedValues and the legacy TTLs are what legacy behaviors use.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::apply::{apply_cloudfront_changes, Applied, CancellationToken, NoJournal, Safeguards};
use crate::cloudfront::distributions::{read_distributions, update_behaviors, wait_deployed};
use crate::cloudfront::PolicyNotCreated;
use crate::connection::cloudfront_retry_config;
use crate::ErrorCode;
use aws_sdk_cloudfront::operation::create_origin_request_policy::CreateOriginRequestPolicyOutput;
use aws_sdk_cloudfront::operation::get_distribution::GetDistributionOutput;
use aws_sdk_cloudfront::operation::get_distribution_config::GetDistributionConfigOutput;
use aws_sdk_cloudfront::operation::get_response_headers_policy_config::GetResponseHeadersPolicyConfigOutput;
use aws_sdk_cloudfront::operation::list_distributions::ListDistributionsOutput;
use aws_sdk_cloudfront::operation::update_distribution::UpdateDistributionOutput;
use aws_sdk_cloudfront::operation::update_response_headers_policy::UpdateResponseHeadersPolicyOutput;
use aws_sdk_cloudfront::types::{
    Aliases, AllowedMethods, CachedMethods, CookiePreference, DefaultCacheBehavior, Distribution,
    DistributionConfig, DistributionList, DistributionSummary, ForwardedValues, Headers,
    HttpVersion, ItemSelection, Method, OriginRequestPolicy, Origins, PriceClass,
    ResponseHeadersPolicyConfig, ViewerProtocolPolicy,
};
use aws_sdk_cloudfront::Client;
use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::DateTime;
use cors_sync_core::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use cors_sync_core::cloudfront::policies::{CorsPolicy, OriginRequestHeaders, PolicyRef};
use cors_sync_core::plan::{BehaviorChange, Change, LivePolicy, Migration};

/// A client whose every call is answered by `rules`; built by hand rather than with the SDK's
/// `test-util` feature, which would make plain builds recompile the SDK.
fn client(rules: &[&Rule]) -> Client {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    // Adaptive retry shares its rate limiter per partition across a process: each test client gets
    // its own, so one test's throttling does not slow the others.
    static CLIENTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let partition = format!(
        "mock-{}",
        CLIENTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let config = aws_sdk_cloudfront::Config::builder()
        .retry_partition(aws_sdk_cloudfront::config::retry::RetryPartition::new(
            partition,
        ))
        .behavior_version(aws_sdk_cloudfront::config::BehaviorVersion::latest())
        .region(aws_sdk_cloudfront::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_cloudfront::config::Credentials::new(
            "k", "s", None, None, "test",
        ))
        // The production retry policy, with its waits shrunk so a throttling test takes milliseconds.
        .retry_config(
            cloudfront_retry_config()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(10)),
        )
        .http_client(create_mock_http_client())
        .interceptor(interceptor)
        .build();
    Client::from_conf(config)
}

/// An error answer in CloudFront's wire format, so the SDK parses it as it would parse AWS's.
fn error_response(status: u16, code: &str, message: &str) -> HttpResponse {
    let body = format!(
        "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
    );
    HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body))
}

fn safeguards() -> Safeguards<'static> {
    Safeguards {
        journal: &NoJournal,
        cancel: CancellationToken::new(),
        progress: &|| {},
    }
}

/// What a mocked call was sent, kept for the test to inspect.
type Captured<T> = Arc<Mutex<Option<T>>>;

fn methods(items: &[&str]) -> Vec<Method> {
    items.iter().map(|m| Method::from(*m)).collect()
}

fn allowed(items: &[&str]) -> AllowedMethods {
    AllowedMethods::builder()
        .quantity(items.len() as i32)
        .set_items(Some(methods(items)))
        .cached_methods(
            CachedMethods::builder()
                .quantity(2)
                .set_items(Some(methods(&["GET", "HEAD"])))
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

/// A legacy default behavior forwarding `headers`, with query strings and cookies forwarded and
/// custom TTLs that an update must keep.
fn config(headers: &[&str]) -> DistributionConfig {
    let forwarded = ForwardedValues::builder()
        .query_string(true)
        .cookies(
            CookiePreference::builder()
                .forward(ItemSelection::All)
                .build()
                .unwrap(),
        )
        .headers(
            Headers::builder()
                .quantity(headers.len() as i32)
                .set_items(Some(headers.iter().map(|h| h.to_string()).collect()))
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let default = DefaultCacheBehavior::builder()
        .target_origin_id("s3")
        .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
        .forwarded_values(forwarded)
        .min_ttl(7)
        .default_ttl(70)
        .max_ttl(700)
        .allowed_methods(allowed(&["GET", "HEAD"]))
        .build()
        .unwrap();
    DistributionConfig::builder()
        .caller_reference("ref-1")
        .comment("keep me")
        .enabled(true)
        .origins(
            Origins::builder()
                .quantity(0)
                .set_items(Some(vec![]))
                .build()
                .unwrap(),
        )
        .default_cache_behavior(default)
        .build()
        .unwrap()
}

fn legacy(headers: &[&str]) -> BehaviorSettings {
    BehaviorSettings {
        forward_headers: Some(headers.iter().map(|h| h.to_string()).collect()),
        allowed_methods: vec!["GET".into(), "HEAD".into()],
        cached_methods: vec!["GET".into(), "HEAD".into()],
        cache_policy: None,
        origin_request_policy: None,
        response_headers_policy: None,
    }
}

fn distribution(status: &str) -> Distribution {
    Distribution::builder()
        .id("EDIST")
        .arn("arn:aws:cloudfront::1:distribution/EDIST")
        .status(status)
        .last_modified_time(DateTime::from_secs(0))
        .in_progress_invalidation_batches(0)
        .domain_name("d1.cloudfront.net")
        .build()
        .unwrap()
}

fn whitelist_change() -> BehaviorChange {
    BehaviorChange {
        path: BehaviorPath::Default,
        before: legacy(&["Origin"]),
        after: legacy(&["Origin", "Access-Control-Request-Method"]),
        migration: None,
        removed_legacy: None,
        restore_legacy: None,
    }
}

fn get_config_rule(headers: &'static [&'static str]) -> Rule {
    mock!(Client::get_distribution_config)
        .match_requests(|r| r.id() == Some("EDIST"))
        .then_output(move || {
            GetDistributionConfigOutput::builder()
                .distribution_config(config(headers))
                .e_tag("ETAG-1")
                .build()
        })
}

/// Creates origin request policy `cors-s3-forward`, forwarding Origin.
fn create_cors_s3_forward() -> Change {
    Change::OriginRequestPolicy {
        name: "cors-s3-forward".into(),
        live: None,
        after: OriginRequestHeaders::whitelist(vec!["Origin".into()]),
    }
}

/// Moves EDIST's legacy default behavior onto CachingOptimized and the `cors-s3-forward` policy
/// that `create_cors_s3_forward` creates (so it has no ID yet).
fn default_behavior_onto_new_policy() -> Change {
    let mut after = legacy(&[]);
    after.forward_headers = None;
    after.cache_policy = Some(PolicyRef::by_id("658327ea-f89d-4fab-a63d-7e88639e58f6"));
    after.origin_request_policy = Some(PolicyRef {
        id: None,
        name: Some("cors-s3-forward".into()),
    });
    Change::Distribution {
        id: "EDIST".into(),
        behaviors: vec![BehaviorChange {
            path: BehaviorPath::Default,
            before: legacy(&["Origin"]),
            after,
            migration: Some(Migration::ToCachePolicy),
            removed_legacy: None,
            restore_legacy: None,
        }],
    }
}

/// Resolves references that already have an ID (no policy is created in these tests).
fn no_policy(reference: &PolicyRef) -> Result<String, PolicyNotCreated> {
    reference.id.clone().ok_or_else(|| PolicyNotCreated {
        name: reference.name.clone().unwrap_or_default(),
    })
}

mod listing;
mod policy_lists;
mod policy_writes;
mod reads;
mod updates;
