//! S3's CORS algorithm, as recorded against real AWS (`docs/aws-and-browsers.md`): the first rule
//! whose origin, method and (on a preflight) requested headers all match answers.

use super::{wildcard_matches, Evaluation, Request, RequestKind, Response, RuleOutcome};
use crate::bucket_cors::{BucketCors, CorsRule};

/// Unverified against AWS: whether origins match case-sensitively. Assumed, as recorded tools do.
pub const ORIGINS_MATCH_CASE_SENSITIVELY: bool = true;
/// Unverified: when a rule lists `*` and a specific origin that both match, which one answers.
/// Assumed: the rule's origins are tried in order and the first match decides `*` or an echo.
pub const FIRST_MATCHING_ORIGIN_DECIDES: bool = true;
/// Sent with every answer that carries CORS headers.
pub const VARY: &str = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

/// What the bucket holds.
#[derive(Debug, Clone, Copy)]
pub enum Bucket<'a> {
    Missing,
    Cors(&'a BucketCors),
}

pub fn evaluate(bucket: Bucket<'_>, request: &Request) -> Evaluation {
    let preflight = request.kind == RequestKind::Preflight;
    let answer = |status: u16, reason: &str| Evaluation {
        response: Response {
            status,
            headers: Vec::new(),
        },
        reason: reason.to_string(),
        matched_rule: None,
        rules: Vec::new(),
    };
    let Some(origin) = request.origin.as_deref() else {
        return if preflight {
            answer(
                400,
                "Insufficient information. Origin request header needed.",
            )
        } else {
            answer(
                200,
                "no Origin header: not a CORS request, so no CORS headers and no Vary",
            )
        };
    };
    let cors = match bucket {
        Bucket::Missing if preflight => return answer(403, "Bucket not found"),
        Bucket::Missing => return answer(404, "NoSuchBucket: the bucket does not exist"),
        Bucket::Cors(cors) if !cors.is_configured() => {
            return if preflight {
                answer(403, "CORS is not enabled for this bucket.")
            } else {
                answer(200, "the bucket has no CORS configuration: the object is returned without CORS headers")
            };
        }
        Bucket::Cors(cors) => cors,
    };
    let mut outcomes = Vec::new();
    for (index, rule) in cors.rules.iter().enumerate() {
        let outcome = rule_outcome(rule, origin, request);
        let matched = outcome == RuleOutcome::Matched;
        outcomes.push(outcome);
        if matched {
            outcomes.extend(std::iter::repeat_n(
                RuleOutcome::NotReached,
                cors.rules.len() - index - 1,
            ));
            return Evaluation {
                response: Response {
                    status: 200,
                    headers: cors_headers(rule, origin, request),
                },
                reason: format!(
                    "rule {} matched{}",
                    index + 1,
                    rule.id
                        .as_ref()
                        .map(|id| format!(" (id {id})"))
                        .unwrap_or_default()
                ),
                matched_rule: Some(index),
                rules: outcomes,
            };
        }
    }
    let mut evaluation = if preflight {
        answer(403, "This CORS request is not allowed. No rule matched.")
    } else {
        answer(
            200,
            "no rule matched: the object is returned without CORS headers",
        )
    };
    evaluation.rules = outcomes;
    evaluation
}

fn rule_outcome(rule: &CorsRule, origin: &str, request: &Request) -> RuleOutcome {
    let origin_ok = rule
        .allowed_origins
        .iter()
        .any(|pattern| wildcard_matches(pattern, origin, !ORIGINS_MATCH_CASE_SENSITIVELY));
    if !origin_ok {
        return RuleOutcome::OriginNotAllowed;
    }
    if !rule.allowed_methods.iter().any(|m| m == &request.method) {
        return RuleOutcome::MethodNotAllowed;
    }
    // Requested headers are checked only on preflights; a rule without AllowedHeaders allows none.
    if request.kind == RequestKind::Preflight {
        for header in &request.headers {
            let allowed = rule
                .allowed_headers
                .iter()
                .any(|pattern| wildcard_matches(pattern, header, true));
            if !allowed {
                return RuleOutcome::HeaderNotAllowed(header.clone());
            }
        }
    }
    RuleOutcome::Matched
}

fn cors_headers(rule: &CorsRule, origin: &str, request: &Request) -> Vec<(String, String)> {
    let matching = rule
        .allowed_origins
        .iter()
        .find(|pattern| wildcard_matches(pattern, origin, !ORIGINS_MATCH_CASE_SENSITIVELY));
    let star = FIRST_MATCHING_ORIGIN_DECIDES && matching.is_some_and(|p| p == "*");
    let mut headers = Vec::new();
    if star {
        headers.push(("Access-Control-Allow-Origin".into(), "*".into()));
    } else {
        headers.push(("Access-Control-Allow-Origin".into(), origin.to_string()));
        headers.push(("Access-Control-Allow-Credentials".into(), "true".into()));
    }
    headers.push((
        "Access-Control-Allow-Methods".into(),
        rule.allowed_methods.join(", "),
    ));
    if request.kind == RequestKind::Preflight && !request.headers.is_empty() {
        let echoed: Vec<String> = request
            .headers
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        headers.push(("Access-Control-Allow-Headers".into(), echoed.join(", ")));
    }
    if let Some(seconds) = rule.max_age_seconds {
        headers.push(("Access-Control-Max-Age".into(), seconds.to_string()));
    }
    if !rule.expose_headers.is_empty() {
        headers.push((
            "Access-Control-Expose-Headers".into(),
            rule.expose_headers.join(", "),
        ));
    }
    headers.push(("Vary".into(), VARY.into()));
    headers
}
