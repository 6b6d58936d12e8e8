//! The CloudFront adapter against the SDK's own mocks, for what no emulator serves: policy APIs,
//! ETag conflicts, throttling, and exactly what an UpdateDistribution sends.

#![allow(deprecated)] // ForwardedValues and the legacy TTLs are what legacy behaviors use.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cloudfront::operation::create_origin_request_policy::CreateOriginRequestPolicyOutput;
use aws_sdk_cloudfront::operation::get_distribution::GetDistributionOutput;
use aws_sdk_cloudfront::operation::get_distribution_config::GetDistributionConfigOutput;
use aws_sdk_cloudfront::operation::get_response_headers_policy_config::GetResponseHeadersPolicyConfigOutput;
use aws_sdk_cloudfront::operation::list_distributions::ListDistributionsOutput;
use aws_sdk_cloudfront::operation::update_distribution::UpdateDistributionOutput;
use aws_sdk_cloudfront::operation::update_response_headers_policy::UpdateResponseHeadersPolicyOutput;
use aws_sdk_cloudfront::types::{
    AllowedMethods, CachedMethods, CookiePreference, DefaultCacheBehavior, Distribution,
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
use cors_sync_aws::apply::{
    apply_cloudfront_changes, Applied, CancellationToken, NoJournal, Safeguards,
};
use cors_sync_aws::cloudfront::distributions::{
    read_distributions, update_behaviors, wait_deployed,
};
use cors_sync_aws::connection::cloudfront_retry_config;
use cors_sync_aws::ErrorCode;
use cors_sync_core::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use cors_sync_core::cloudfront::policies::{CorsPolicy, OriginRequestHeaders, PolicyRef};
use cors_sync_core::plan::{Action, Address, BehaviorChange, Change, ChangeDetail, Migration};

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
    Change {
        address: Address::OriginRequestPolicy("cors-s3-forward".into()),
        action: Action::Create,
        detail: ChangeDetail::OriginRequestPolicy {
            id: None,
            before: None,
            after: OriginRequestHeaders::whitelist(vec!["Origin".into()]),
        },
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
    Change {
        address: Address::CloudFrontDistribution("EDIST".into()),
        action: Action::Update,
        detail: ChangeDetail::Distribution {
            behaviors: vec![BehaviorChange {
                path: BehaviorPath::Default,
                before: legacy(&["Origin"]),
                after,
                migration: Some(Migration::ToCachePolicy),
            }],
        },
    }
}

/// Resolves references that already have an ID (no policy is created in these tests).
fn no_policy(reference: &PolicyRef) -> Result<String, String> {
    reference
        .id
        .clone()
        .ok_or_else(|| "no policy is created in this test".into())
}

#[tokio::test]
async fn an_update_sends_the_whole_config_back_with_if_match_changing_only_the_whitelist() {
    let sent: Captured<(Option<String>, DistributionConfig)> = Arc::default();
    let captured = sent.clone();
    let get = get_config_rule(&["Origin"]);
    let update = mock!(Client::update_distribution).then_compute_output(move |input| {
        *captured.lock().unwrap() = Some((
            input.if_match().map(str::to_string),
            input.distribution_config().cloned().unwrap(),
        ));
        UpdateDistributionOutput::builder()
            .distribution(distribution("InProgress"))
            .build()
    });
    let status = update_behaviors(
        &client(&[&get, &update]),
        "EDIST",
        &[whitelist_change()],
        &no_policy,
    )
    .await
    .unwrap();
    assert_eq!(status, "InProgress");

    let (if_match, sent_config) = sent.lock().unwrap().clone().unwrap();
    assert_eq!(if_match.as_deref(), Some("ETAG-1"));
    let mut expected = config(&["Origin"]);
    let fv = expected
        .default_cache_behavior
        .as_mut()
        .unwrap()
        .forwarded_values
        .as_mut()
        .unwrap();
    fv.headers = Some(
        Headers::builder()
            .quantity(2)
            .items("Origin")
            .items("Access-Control-Request-Method")
            .build()
            .unwrap(),
    );
    assert_eq!(
        sent_config, expected,
        "only the whitelist may differ from what was read"
    );
}

#[tokio::test]
async fn moving_to_a_cache_policy_removes_forwarded_values_and_legacy_ttls_in_the_same_update() {
    let sent: Captured<DistributionConfig> = Arc::default();
    let captured = sent.clone();
    let get = get_config_rule(&["Origin"]);
    let update = mock!(Client::update_distribution).then_compute_output(move |input| {
        *captured.lock().unwrap() = input.distribution_config().cloned();
        UpdateDistributionOutput::builder()
            .distribution(distribution("InProgress"))
            .build()
    });
    let mut after = legacy(&[]);
    after.forward_headers = None;
    after.cache_policy = Some(PolicyRef::by_id("658327ea-f89d-4fab-a63d-7e88639e58f6"));
    after.origin_request_policy = Some(PolicyRef::by_id("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"));
    let change = BehaviorChange {
        path: BehaviorPath::Default,
        before: legacy(&["Origin"]),
        after,
        migration: Some(Migration::ToCachePolicy),
    };
    update_behaviors(&client(&[&get, &update]), "EDIST", &[change], &no_policy)
        .await
        .unwrap();
    let sent = sent.lock().unwrap().clone().unwrap();
    let default = sent.default_cache_behavior.unwrap();
    assert_eq!(default.forwarded_values, None);
    assert_eq!(
        (default.min_ttl, default.default_ttl, default.max_ttl),
        (None, None, None)
    );
    assert_eq!(
        default.cache_policy_id.as_deref(),
        Some("658327ea-f89d-4fab-a63d-7e88639e58f6")
    );
    assert_eq!(
        default.origin_request_policy_id.as_deref(),
        Some("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf")
    );
    assert_eq!(
        default.allowed_methods,
        Some(allowed(&["GET", "HEAD"])),
        "methods were not planned to change"
    );
}

#[tokio::test]
async fn a_concurrent_edit_is_precondition_failed_and_is_not_retried_over() {
    let get = get_config_rule(&["Origin"]);
    let update = mock!(Client::update_distribution).then_http_response(|| {
        error_response(
            412,
            "PreconditionFailed",
            "The request failed because it didn't meet the preconditions",
        )
    });
    let error = update_behaviors(
        &client(&[&get, &update]),
        "EDIST",
        &[whitelist_change()],
        &no_policy,
    )
    .await
    .unwrap_err();
    assert_eq!(error.code, Some(ErrorCode::PreconditionFailed));
    assert_eq!(error.operation, "UpdateDistribution");
    assert_eq!(error.resource, "cloudfront_distribution.EDIST");
    assert!(
        error.message.contains("changed since it was read"),
        "{error}"
    );
    assert_eq!(
        update.num_calls(),
        1,
        "nothing is retried blindly over someone else's edit"
    );
}

#[tokio::test]
async fn a_behavior_that_moved_since_the_plan_is_not_written() {
    let get = get_config_rule(&["Origin", "Authorization"]);
    let update = mock!(Client::update_distribution).then_output(|| {
        UpdateDistributionOutput::builder()
            .distribution(distribution("InProgress"))
            .build()
    });
    let error = update_behaviors(
        &client(&[&get, &update]),
        "EDIST",
        &[whitelist_change()],
        &no_policy,
    )
    .await
    .unwrap_err();
    assert!(
        error.message.contains("changed since the plan was made"),
        "{error}"
    );
    assert_eq!(update.num_calls(), 0);
}

#[tokio::test]
async fn throttling_is_retried_with_backoff_then_succeeds() {
    let get = get_config_rule(&["Origin"]);
    let update = mock!(Client::update_distribution)
        .sequence()
        .http_response(|| error_response(400, "Throttling", "Rate exceeded"))
        .output(|| {
            UpdateDistributionOutput::builder()
                .distribution(distribution("InProgress"))
                .build()
        })
        .build();
    update_behaviors(
        &client(&[&get, &update]),
        "EDIST",
        &[whitelist_change()],
        &no_policy,
    )
    .await
    .unwrap();
    assert_eq!(update.num_calls(), 2);
}

#[tokio::test]
async fn a_missing_distribution_names_the_aws_error() {
    let get = mock!(Client::get_distribution_config).then_http_response(|| {
        error_response(
            404,
            "NoSuchDistribution",
            "The specified distribution does not exist.",
        )
    });
    let error = update_behaviors(&client(&[&get]), "EDIST", &[whitelist_change()], &no_policy)
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "cloudfront_distribution.EDIST: GetDistributionConfig failed: NoSuchDistribution: The specified distribution does not exist.");
}

fn summary(id: &str) -> DistributionSummary {
    DistributionSummary::builder()
        .id(id)
        .arn("arn")
        .status("Deployed")
        .last_modified_time(DateTime::from_secs(0))
        .domain_name(format!("{id}.cloudfront.net"))
        .comment("")
        .price_class(PriceClass::PriceClassAll)
        .enabled(true)
        .web_acl_id("")
        .http_version(HttpVersion::Http2)
        .is_ipv6_enabled(true)
        .staging(false)
        .default_cache_behavior(config(&["Origin"]).default_cache_behavior.unwrap())
        .build()
        .unwrap()
}

fn page(ids: &[&str], next: Option<&str>) -> ListDistributionsOutput {
    let items: Vec<DistributionSummary> = ids.iter().map(|id| summary(id)).collect();
    ListDistributionsOutput::builder()
        .distribution_list(
            DistributionList::builder()
                .marker("")
                .set_next_marker(next.map(str::to_string))
                .max_items(100)
                .is_truncated(next.is_some())
                .quantity(items.len() as i32)
                .set_items(Some(items))
                .build()
                .unwrap(),
        )
        .build()
}

#[tokio::test]
async fn distributions_are_read_from_list_pages_stopping_once_all_are_found() {
    let first = mock!(Client::list_distributions)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| page(&["EONE", "ETWO"], Some("m2")));
    let second = mock!(Client::list_distributions)
        .match_requests(|r| r.marker() == Some("m2"))
        .then_output(|| page(&["ETHREE"], Some("m3")));
    let third = mock!(Client::list_distributions)
        .match_requests(|r| r.marker() == Some("m3"))
        .then_output(|| page(&["EFOUR"], None));
    let cf = client(&[&first, &second, &third]);
    let found = read_distributions(&cf, &["ETHREE".to_string(), "EONE".to_string()]).await;
    let ids: Vec<String> = found.into_iter().map(|d| d.unwrap().id).collect();
    assert_eq!(ids, ["ETHREE", "EONE"]);
    assert_eq!(
        (first.num_calls(), second.num_calls(), third.num_calls()),
        (1, 1, 0),
        "one call per 100 distributions, no more than needed"
    );

    let missing = read_distributions(&cf, &["ENOPE".to_string()]).await;
    let error = missing.into_iter().next().unwrap().unwrap_err();
    assert_eq!(error.code, Some(ErrorCode::NoSuchDistribution));
}

#[tokio::test]
async fn a_failed_list_page_fails_only_the_distributions_not_yet_found() {
    let first = mock!(Client::list_distributions)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| page(&["EONE"], Some("m2")));
    let second = mock!(Client::list_distributions)
        .match_requests(|r| r.marker() == Some("m2"))
        .then_http_response(|| error_response(403, "AccessDenied", "User is not authorized"));
    let cf = client(&[&first, &second]);
    let read = read_distributions(&cf, &["ETWO".to_string(), "EONE".to_string()]).await;
    let outcomes: Vec<String> = read
        .into_iter()
        .map(|r| match r {
            Ok(d) => format!("read {}", d.id),
            Err(e) => e.to_string(),
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            "cloudfront_distribution.ETWO: ListDistributions failed: AccessDenied: User is not authorized",
            "read EONE",
        ]
    );
}

#[tokio::test]
async fn waiting_polls_until_deployed_and_reports_each_status() {
    let get = mock!(Client::get_distribution)
        .sequence()
        .output(|| {
            GetDistributionOutput::builder()
                .distribution(distribution("InProgress"))
                .build()
        })
        .times(2)
        .output(|| {
            GetDistributionOutput::builder()
                .distribution(distribution("Deployed"))
                .build()
        })
        .build();
    let seen: Mutex<Vec<String>> = Mutex::default();
    let progress = |status: &str| seen.lock().unwrap().push(status.to_string());
    wait_deployed(
        &client(&[&get]),
        "EDIST",
        Duration::from_millis(1),
        Duration::from_secs(60),
        &progress,
    )
    .await
    .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        ["InProgress", "InProgress", "Deployed"]
    );
}

#[tokio::test]
async fn policies_are_written_first_and_a_created_policy_id_reaches_the_behaviors() {
    let create = mock!(Client::create_origin_request_policy).then_compute_output(|input| {
        let config = input.origin_request_policy_config().unwrap();
        assert_eq!(config.name, "cors-s3-forward");
        let headers = config.headers_config.as_ref().unwrap();
        assert_eq!(headers.header_behavior.as_str(), "whitelist");
        assert_eq!(
            headers.headers.as_ref().unwrap().items.as_ref().unwrap(),
            &["Origin".to_string()]
        );
        CreateOriginRequestPolicyOutput::builder()
            .origin_request_policy(
                OriginRequestPolicy::builder()
                    .id("new-orp-id")
                    .last_modified_time(DateTime::from_secs(0))
                    .build()
                    .unwrap(),
            )
            .e_tag("E")
            .build()
    });
    let rhp_config = || {
        ResponseHeadersPolicyConfig::builder()
            .name("fonts-cors")
            .comment("has security headers too")
            .build()
            .unwrap()
    };
    let get_rhp = mock!(Client::get_response_headers_policy_config).then_output(move || {
        GetResponseHeadersPolicyConfigOutput::builder()
            .response_headers_policy_config(rhp_config())
            .e_tag("RHP-ETAG")
            .build()
    });
    let update_rhp = mock!(Client::update_response_headers_policy).then_compute_output(|input| {
        assert_eq!(input.if_match(), Some("RHP-ETAG"));
        assert_eq!(input.id(), Some("rhp-id"));
        let config = input.response_headers_policy_config().unwrap();
        assert_eq!(
            config.comment.as_deref(),
            Some("has security headers too"),
            "the rest of the policy is kept"
        );
        let cors = config.cors_config.as_ref().unwrap();
        assert_eq!(
            cors.access_control_allow_origins.as_ref().unwrap().items,
            ["https://www.example.com"]
        );
        assert!(cors.origin_override);
        UpdateResponseHeadersPolicyOutput::builder()
            .e_tag("E2")
            .build()
    });
    let sent: Captured<DistributionConfig> = Arc::default();
    let captured = sent.clone();
    let get_config = get_config_rule(&["Origin"]);
    let update = mock!(Client::update_distribution).then_compute_output(move |input| {
        *captured.lock().unwrap() = input.distribution_config().cloned();
        UpdateDistributionOutput::builder()
            .distribution(distribution("InProgress"))
            .build()
    });

    let changes = [
        create_cors_s3_forward(),
        Change {
            address: Address::ResponseHeadersPolicy("fonts-cors".into()),
            action: Action::Update,
            detail: ChangeDetail::ResponseHeadersPolicy {
                id: Some("rhp-id".into()),
                before: Some(None),
                after: CorsPolicy {
                    allow_origins: vec!["https://www.example.com".into()],
                    allow_methods: vec!["GET".into()],
                    allow_headers: vec![],
                    expose_headers: vec![],
                    allow_credentials: false,
                    max_age_seconds: None,
                    origin_override: true,
                },
            },
        },
        default_behavior_onto_new_policy(),
    ];
    let refs: Vec<&Change> = changes.iter().collect();
    let cf = client(&[&create, &get_rhp, &update_rhp, &get_config, &update]);
    let results = apply_cloudfront_changes(&cf, &refs, Duration::ZERO, &safeguards()).await;
    let outcomes: Vec<_> = results.into_iter().map(|r| r.outcome.unwrap()).collect();
    assert_eq!(
        outcomes,
        [
            Applied::Written,
            Applied::Written,
            Applied::Distribution {
                status: "InProgress".into()
            }
        ]
    );
    let sent = sent.lock().unwrap().clone().unwrap();
    assert_eq!(
        sent.default_cache_behavior
            .unwrap()
            .origin_request_policy_id
            .as_deref(),
        Some("new-orp-id")
    );
}

#[tokio::test]
async fn a_policy_that_failed_to_create_stops_only_the_behaviors_that_use_it() {
    let create = mock!(Client::create_origin_request_policy).then_http_response(|| {
        error_response(400, "TooManyOriginRequestPolicies", "quota reached")
    });
    let update = mock!(Client::update_distribution).then_output(|| {
        UpdateDistributionOutput::builder()
            .distribution(distribution("InProgress"))
            .build()
    });
    let get_config = get_config_rule(&["Origin"]);
    let changes = [create_cors_s3_forward(), default_behavior_onto_new_policy()];
    let refs: Vec<&Change> = changes.iter().collect();
    let results = apply_cloudfront_changes(
        &client(&[&create, &get_config, &update]),
        &refs,
        Duration::ZERO,
        &safeguards(),
    )
    .await;
    let errors: Vec<String> = results
        .iter()
        .map(|r| r.outcome.as_ref().unwrap_err().to_string())
        .collect();
    assert_eq!(
        errors,
        [
            "origin_request_policy.cors-s3-forward: CreateOriginRequestPolicy failed: TooManyOriginRequestPolicies: quota reached",
            "cloudfront_distribution.EDIST: UpdateDistribution failed: policy `cors-s3-forward` was not created, so the behaviors that use it were not changed",
        ]
    );
    assert_eq!(update.num_calls(), 0);
}
