//! The S3 evaluator against every row of what real AWS answered (`docs/aws-and-browsers.md`, S3
//! bucket CORS).

use cors_sync_core::bucket_cors::{BucketCors, CorsRule};
use cors_sync_core::evaluate::browser::judge;
use cors_sync_core::evaluate::s3::{evaluate, Stored};
use cors_sync_core::evaluate::{Request, RequestKind, RuleOutcome};

fn rule(origins: &[&str], methods: &[&str]) -> CorsRule {
    CorsRule::allowing(origins, methods)
}

fn cors(rules: Vec<CorsRule>) -> BucketCors {
    BucketCors::new(rules)
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

const VARY: (&str, &str) = (
    "Vary",
    "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
);

#[test]
fn options_without_origin_is_400() {
    let config = cors(vec![rule(&["*"], &["GET"])]);
    let request = Request {
        origin: None,
        method: "GET".into(),
        headers: vec![],
        kind: RequestKind::Preflight,
        credentials: false,
    };
    let answer = evaluate(Stored::Cors(&config), &request);
    assert_eq!(answer.response.status, 400);
    assert_eq!(
        answer.reason,
        "Insufficient information. Origin request header needed."
    );
    assert!(answer.response.headers.is_empty());
}

#[test]
fn options_on_a_bucket_without_cors_is_403() {
    let answer = evaluate(
        Stored::Cors(&BucketCors::none()),
        &Request::preflight("https://a.example", "GET", &[]),
    );
    assert_eq!(
        (answer.response.status, answer.reason.as_str()),
        (403, "CORS is not enabled for this bucket.")
    );
}

#[test]
fn options_on_a_missing_bucket_is_403() {
    let answer = evaluate(
        Stored::Missing,
        &Request::preflight("https://a.example", "GET", &[]),
    );
    assert_eq!(
        (answer.response.status, answer.reason.as_str()),
        (403, "Bucket not found")
    );
}

#[test]
fn options_matching_no_rule_is_403_with_no_cors_headers_and_no_vary() {
    let config = cors(vec![rule(&["https://a.example"], &["GET"])]);
    let answer = evaluate(
        Stored::Cors(&config),
        &Request::preflight("https://b.example", "GET", &[]),
    );
    assert_eq!(answer.response.status, 403);
    assert!(answer.response.headers.is_empty());
    assert_eq!(answer.rules, [RuleOutcome::OriginNotAllowed]);
}

#[test]
fn a_specific_origin_is_echoed_with_credentials_and_every_rule_method() {
    let config = cors(vec![rule(&["https://a.example"], &["GET", "PUT", "HEAD"])]);
    let answer = evaluate(
        Stored::Cors(&config),
        &Request::preflight("https://a.example", "PUT", &[]),
    );
    assert_eq!(answer.response.status, 200);
    assert_eq!(
        answer.response.headers,
        headers(&[
            ("Access-Control-Allow-Origin", "https://a.example"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "GET, PUT, HEAD"),
            VARY,
        ])
    );
}

#[test]
fn a_star_origin_answers_star_without_credentials() {
    let config = cors(vec![rule(&["*"], &["GET"])]);
    let answer = evaluate(
        Stored::Cors(&config),
        &Request::preflight("https://a.example", "GET", &[]),
    );
    assert_eq!(
        answer.response.header("Access-Control-Allow-Origin"),
        Some("*")
    );
    assert_eq!(
        answer.response.header("Access-Control-Allow-Credentials"),
        None
    );
    assert_eq!(answer.response.header("Vary"), Some(VARY.1));
}

#[test]
fn max_age_and_expose_headers_only_when_set() {
    let mut with = rule(&["*"], &["GET"]);
    with.max_age_seconds = Some(3000);
    with.expose_headers = vec!["ETag".into(), "x-amz-request-id".into()];
    let answer = evaluate(
        Stored::Cors(&cors(vec![with])),
        &Request::preflight("https://a.example", "GET", &[]),
    );
    assert_eq!(
        answer.response.header("Access-Control-Max-Age"),
        Some("3000")
    );
    assert_eq!(
        answer.response.header("Access-Control-Expose-Headers"),
        Some("ETag, x-amz-request-id")
    );
    let without = evaluate(
        Stored::Cors(&cors(vec![rule(&["*"], &["GET"])])),
        &Request::preflight("https://a.example", "GET", &[]),
    );
    assert_eq!(without.response.header("Access-Control-Max-Age"), None);
    assert_eq!(
        without.response.header("Access-Control-Expose-Headers"),
        None
    );
}

#[test]
fn requested_headers_match_case_insensitively_and_echo_lower_cased_in_request_order() {
    let mut r = rule(&["*"], &["PUT"]);
    r.allowed_headers = vec!["content-type".into(), "X-AMZ-*".into()];
    let answer = evaluate(
        Stored::Cors(&cors(vec![r])),
        &Request::preflight("https://a.example", "PUT", &["X-Amz-Date", "Content-Type"]),
    );
    assert_eq!(answer.response.status, 200);
    assert_eq!(
        answer.response.header("Access-Control-Allow-Headers"),
        Some("x-amz-date, content-type")
    );
}

#[test]
fn a_preflight_asking_for_headers_fails_a_rule_without_allowed_headers() {
    let config = cors(vec![rule(&["*"], &["PUT"])]);
    let answer = evaluate(
        Stored::Cors(&config),
        &Request::preflight("https://a.example", "PUT", &["Content-Type"]),
    );
    assert_eq!(answer.response.status, 403);
    assert_eq!(
        answer.rules,
        [RuleOutcome::HeaderNotAllowed("Content-Type".into())]
    );
}

#[test]
fn an_actual_request_that_matches_gets_methods_and_max_age_too() {
    let mut r = rule(&["https://a.example"], &["GET", "HEAD"]);
    r.max_age_seconds = Some(60);
    let answer = evaluate(
        Stored::Cors(&cors(vec![r])),
        &Request::actual("https://a.example", "GET"),
    );
    assert_eq!(answer.response.status, 200);
    assert_eq!(
        answer.response.header("Access-Control-Allow-Methods"),
        Some("GET, HEAD")
    );
    assert_eq!(answer.response.header("Access-Control-Max-Age"), Some("60"));
}

#[test]
fn a_get_whose_origin_matches_no_rule_returns_the_object_without_cors_headers_or_vary() {
    let config = cors(vec![rule(&["https://a.example"], &["GET"])]);
    let answer = evaluate(
        Stored::Cors(&config),
        &Request::actual("https://evil.example", "GET"),
    );
    assert_eq!(answer.response.status, 200);
    assert!(answer.response.headers.is_empty());
}

#[test]
fn a_request_without_origin_gets_no_vary() {
    let config = cors(vec![rule(&["*"], &["GET"])]);
    let request = Request {
        origin: None,
        method: "GET".into(),
        headers: vec![],
        kind: RequestKind::Actual,
        credentials: false,
    };
    let answer = evaluate(Stored::Cors(&config), &request);
    assert_eq!(answer.response.status, 200);
    assert_eq!(answer.response.header("Vary"), None);
}

#[test]
fn cors_is_not_enforced_on_actual_requests_the_browser_blocks_them() {
    let config = cors(vec![rule(&["https://a.example"], &["GET"])]);
    let put = Request::actual("https://a.example", "PUT");
    let answer = evaluate(Stored::Cors(&config), &put);
    assert_eq!(answer.response.status, 200, "S3 still performs the PUT");
    assert!(answer.response.headers.is_empty());
    assert!(
        !judge(&put, &answer.response).passes,
        "the browser blocks the response"
    );
}

#[test]
fn scheme_trailing_slash_and_scheme_less_origins() {
    let config = cors(vec![rule(
        &["http://localhost:4200", "http://*.origin.com"],
        &["GET"],
    )]);
    let status = |origin: &str| {
        evaluate(
            Stored::Cors(&config),
            &Request::preflight(origin, "GET", &[]),
        )
        .response
        .status
    };
    assert_eq!(status("http://localhost:4200"), 200);
    assert_eq!(
        status("https://localhost:4200"),
        403,
        "the scheme is part of the origin"
    );
    assert_eq!(
        status("http://test.origin.com/"),
        403,
        "no normalisation: a trailing slash does not match"
    );
    let star = cors(vec![rule(&["*"], &["GET"])]);
    assert_eq!(
        evaluate(
            Stored::Cors(&star),
            &Request::preflight("localhost:4566", "GET", &[])
        )
        .response
        .status,
        200
    );
}

#[test]
fn the_first_matching_rule_answers_and_later_rules_are_not_reached() {
    let mut strict = rule(&["https://a.example"], &["GET"]);
    strict.id = Some("strict".into());
    let mut open = rule(&["*"], &["GET", "PUT"]);
    open.max_age_seconds = Some(5);
    let config = cors(vec![rule(&["https://b.example"], &["GET"]), strict, open]);
    let answer = evaluate(
        Stored::Cors(&config),
        &Request::preflight("https://a.example", "GET", &[]),
    );
    assert_eq!(answer.matched_rule, Some(1));
    assert_eq!(answer.reason, "rule 2 matched (id strict)");
    assert_eq!(
        answer.rules,
        [
            RuleOutcome::OriginNotAllowed,
            RuleOutcome::Matched,
            RuleOutcome::NotReached
        ]
    );
    assert_eq!(
        answer.response.header("Access-Control-Max-Age"),
        None,
        "the later rule's fields do not leak in"
    );
}

#[test]
fn the_browser_judges_the_answer() {
    let mut r = rule(&["https://a.example"], &["PUT"]);
    r.allowed_headers = vec!["*".into()];
    let config = cors(vec![r]);
    let put = Request::preflight("https://a.example", "PUT", &["Content-Type"]);
    assert!(judge(&put, &evaluate(Stored::Cors(&config), &put).response).passes);
    let delete = Request::preflight("https://a.example", "DELETE", &[]);
    let denied = judge(&delete, &evaluate(Stored::Cors(&config), &delete).response);
    assert!(!denied.passes);
    assert_eq!(
        denied.reason,
        "the preflight answer is 403, not a success status"
    );
}
