//! CloudFront in front of S3: whether a request reaches S3 with what its CORS answer depends on,
//! and what a response headers policy adds.

use cors_sync_core::bucket_cors::{BucketCors, CorsRule};
use cors_sync_core::cloudfront::behavior::BehaviorSettings;
use cors_sync_core::cloudfront::policies::CorsPolicy;
use cors_sync_core::evaluate::browser::judge;
use cors_sync_core::evaluate::cloudfront::{evaluate, Edge, Forwarded};
use cors_sync_core::evaluate::s3::Stored;
use cors_sync_core::evaluate::Request;

fn behavior(methods: &[&str]) -> BehaviorSettings {
    BehaviorSettings {
        forward_headers: Some(vec![]),
        allowed_methods: methods.iter().map(|m| m.to_string()).collect(),
        cached_methods: vec!["GET".into(), "HEAD".into()],
        cache_policy: None,
        origin_request_policy: None,
        response_headers_policy: None,
    }
}

fn bucket() -> BucketCors {
    BucketCors::new(vec![CorsRule {
        allowed_origins: vec!["https://app.example".into()],
        allowed_methods: vec!["GET".into(), "PUT".into()],
        allowed_headers: vec!["*".into()],
        ..CorsRule::default()
    }])
}

fn all_forwarded() -> Forwarded {
    Forwarded::from_headers([
        "Origin",
        "Access-Control-Request-Method",
        "Access-Control-Request-Headers",
    ])
}

#[test]
fn a_preflight_on_a_behavior_without_options_never_reaches_s3() {
    let b = behavior(&["GET", "HEAD"]);
    let edge = Edge {
        behavior: &b,
        forwarded: all_forwarded(),
        response_headers: None,
    };
    let cors = bucket();
    let answer = evaluate(
        &edge,
        Stored::Cors(&cors),
        &Request::preflight("https://app.example", "PUT", &[]),
    );
    assert_eq!(answer.response.status, 403);
    assert!(
        answer.reason.contains("does not allow OPTIONS"),
        "{}",
        answer.reason
    );
}

#[test]
fn without_origin_forwarded_s3_answers_without_cors_headers() {
    let b = behavior(&["GET", "HEAD", "OPTIONS"]);
    let edge = Edge {
        behavior: &b,
        forwarded: Forwarded::from_headers([]),
        response_headers: None,
    };
    let cors = bucket();
    let request = Request::actual("https://app.example", "GET");
    let answer = evaluate(&edge, Stored::Cors(&cors), &request);
    assert_eq!(answer.response.status, 200);
    assert!(answer.response.headers.is_empty());
    assert!(
        answer
            .reason
            .starts_with("CloudFront does not forward Origin"),
        "{}",
        answer.reason
    );
    assert!(!judge(&request, &answer.response).passes);
}

#[test]
fn without_the_request_method_forwarded_the_preflight_cannot_be_evaluated() {
    let b = behavior(&["GET", "HEAD", "OPTIONS"]);
    let edge = Edge {
        behavior: &b,
        forwarded: Forwarded::from_headers(["Origin"]),
        response_headers: None,
    };
    let cors = bucket();
    let answer = evaluate(
        &edge,
        Stored::Cors(&cors),
        &Request::preflight("https://app.example", "PUT", &[]),
    );
    assert_eq!(answer.response.status, 400);
}

#[test]
fn without_request_headers_forwarded_the_browser_misses_allow_headers() {
    let b = behavior(&["GET", "HEAD", "OPTIONS"]);
    let edge = Edge {
        behavior: &b,
        forwarded: Forwarded::from_headers(["origin", "access-control-request-method"]),
        response_headers: None,
    };
    let cors = bucket();
    let request = Request::preflight("https://app.example", "PUT", &["X-Custom"]);
    let answer = evaluate(&edge, Stored::Cors(&cors), &request);
    assert_eq!(answer.response.status, 200);
    let verdict = judge(&request, &answer.response);
    assert!(!verdict.passes);
    assert_eq!(
        verdict.reason,
        "request header `X-Custom` is not in Access-Control-Allow-Headers"
    );
}

#[test]
fn a_response_headers_policy_overrides_or_only_fills_in() {
    let b = behavior(&["GET", "HEAD", "OPTIONS"]);
    let policy = CorsPolicy {
        allow_origins: vec!["https://*.example".into()],
        allow_methods: vec!["GET".into()],
        allow_headers: vec![],
        expose_headers: vec!["ETag".into()],
        allow_credentials: false,
        max_age_seconds: Some(600),
        origin_override: true,
    };
    let edge = Edge {
        behavior: &b,
        forwarded: all_forwarded(),
        response_headers: Some(&policy),
    };
    let none = BucketCors::none();
    let actual = evaluate(
        &edge,
        Stored::Cors(&none),
        &Request::actual("https://app.example", "GET"),
    );
    assert_eq!(
        actual.response.header("Access-Control-Allow-Origin"),
        Some("https://app.example")
    );
    assert_eq!(
        actual.response.header("Access-Control-Expose-Headers"),
        Some("ETag")
    );
    assert_eq!(
        actual.response.header("Access-Control-Max-Age"),
        None,
        "max-age is for preflights only"
    );
    let outsider = evaluate(
        &edge,
        Stored::Cors(&none),
        &Request::actual("https://evil.net", "GET"),
    );
    assert_eq!(
        outsider.response.header("Access-Control-Allow-Origin"),
        None
    );

    let keep = CorsPolicy {
        origin_override: false,
        ..policy
    };
    let edge = Edge {
        behavior: &b,
        forwarded: all_forwarded(),
        response_headers: Some(&keep),
    };
    let cors = bucket();
    let answer = evaluate(
        &edge,
        Stored::Cors(&cors),
        &Request::actual("https://app.example", "GET"),
    );
    assert_eq!(
        answer.response.header("Access-Control-Allow-Methods"),
        Some("GET, PUT"),
        "S3's answer stands without override"
    );
}
