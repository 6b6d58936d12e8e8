//! S3's CORS algorithm, as recorded against real AWS (`docs/aws-and-browsers.md`): the first rule
//! whose origin, method and (on a preflight) requested headers all match answers. Another store's
//! preflight (`evaluate_on`) is the same algorithm with that store's departures from the provider
//! table (`crate::provider`): which rule decides, how origins and headers match, and what the
//! answer carries.

use super::{wildcard_matches, Evaluation, Request, RequestKind, Response, RuleOutcome};
use crate::bucket_cors::{BucketCors, CorsRule};
use crate::provider::{Behaviour, Facts, Provider};

/// Unverified against AWS: whether origins match case-sensitively. Assumed, as recorded tools do.
pub const ORIGINS_MATCH_CASE_SENSITIVELY: bool = true;
/// Unverified: when a rule lists `*` and a specific origin that both match, which one answers.
/// Assumed: the rule's origins are tried in order and the first match decides `*` or an echo.
pub const FIRST_MATCHING_ORIGIN_DECIDES: bool = true;
/// Sent with every answer that carries CORS headers.
pub const VARY: &str = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

/// What S3 holds for the bucket a request names: no bucket at all, or the bucket and its CORS.
#[derive(Debug, Clone, Copy)]
pub enum Stored<'a> {
    Missing,
    Cors(&'a BucketCors),
}

pub fn evaluate(bucket: Stored<'_>, request: &Request) -> Evaluation {
    evaluate_on(Provider::Aws, bucket, request)
}

/// What `request` gets from a bucket on `provider`.
pub fn evaluate_on(provider: Provider, bucket: Stored<'_>, request: &Request) -> Evaluation {
    let facts = provider.facts();
    let mut evaluation = evaluate_with(facts, bucket, request);
    if facts.has(Behaviour::VaryOriginOnly) && evaluation.response.header("Vary").is_none() {
        evaluation.response.set("Vary", "Origin".into());
    }
    evaluation
}

fn evaluate_with(facts: &Facts, bucket: Stored<'_>, request: &Request) -> Evaluation {
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
        Stored::Missing if preflight => return answer(403, "Bucket not found"),
        Stored::Missing => return answer(404, "NoSuchBucket: the bucket does not exist"),
        Stored::Cors(cors) if !cors.is_configured() => {
            return if preflight {
                answer(403, "CORS is not enabled for this bucket.")
            } else {
                answer(200, "the bucket has no CORS configuration: the object is returned without CORS headers")
            };
        }
        Stored::Cors(cors) => cors,
    };
    if !preflight && request.method == "POST" && facts.has(Behaviour::PostToObjectAllowsAnyOrigin) {
        let mut evaluation = answer(
            405,
            "a POST to an object is not an S3 operation here: the store answers 405 allowing any origin, whatever the rules say",
        );
        evaluation.response.headers = [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "*"),
            ("Access-Control-Allow-Headers", "*"),
            ("Access-Control-Expose-Headers", "*"),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        return evaluation;
    }
    let mut outcomes = Vec::new();
    let first_origin_decides = preflight && facts.has(Behaviour::FirstOriginMatchDecides);
    for (index, rule) in cors.rules.iter().enumerate() {
        let outcome = rule_outcome(facts, rule, origin, request);
        let matched = outcome == RuleOutcome::Matched;
        let decides = matched || (first_origin_decides && outcome != RuleOutcome::OriginNotAllowed);
        outcomes.push(outcome);
        if decides {
            outcomes.extend(std::iter::repeat_n(
                RuleOutcome::NotReached,
                cors.rules.len() - index - 1,
            ));
        }
        if decides && !matched {
            let refused = "the first rule matching the origin refused the method or a header, and this store looks no further";
            if !preflight {
                let mut evaluation = answer(200, "the object is returned without CORS headers");
                evaluation.reason =
                    format!("{refused}: the object is returned without CORS headers");
                evaluation.rules = outcomes;
                return evaluation;
            }
            let mut evaluation = if facts.has(Behaviour::RefusalAnswered200) {
                answer(
                    200,
                    &format!(
                        "{refused}; it answers 200 with only the origin, which browsers refuse"
                    ),
                )
            } else {
                answer(
                    403,
                    &format!("{refused}. This CORS request is not allowed."),
                )
            };
            if facts.has(Behaviour::RefusalAnswered200) {
                evaluation.response.headers = vec![
                    ("Access-Control-Allow-Origin".into(), origin.to_string()),
                    ("Vary".into(), vary(facts).into()),
                ];
            }
            evaluation.rules = outcomes;
            return evaluation;
        }
        if matched {
            return Evaluation {
                response: Response {
                    status: 200,
                    headers: cors_headers(facts, rule, origin, request),
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

/// Whether an allowed origin matches, by the store's rules.
fn origin_matches(facts: &Facts, pattern: &str, origin: &str) -> bool {
    if facts.has(Behaviour::ExactOrStarOrigins) {
        return pattern == "*" || pattern == origin;
    }
    wildcard_matches(pattern, origin, !ORIGINS_MATCH_CASE_SENSITIVELY)
}

fn vary(facts: &Facts) -> &'static str {
    if facts.has(Behaviour::VaryOriginOnly) {
        "Origin"
    } else {
        VARY
    }
}

fn rule_outcome(facts: &Facts, rule: &CorsRule, origin: &str, request: &Request) -> RuleOutcome {
    let origin_ok = rule
        .allowed_origins
        .iter()
        .any(|pattern| origin_matches(facts, pattern, origin));
    if !origin_ok {
        return RuleOutcome::OriginNotAllowed;
    }
    if !rule.allowed_methods.iter().any(|m| m == &request.method) {
        return RuleOutcome::MethodNotAllowed;
    }
    // Requested headers are checked only on preflights; a rule without AllowedHeaders allows none.
    let any_header =
        rule.allowed_headers.is_empty() && facts.has(Behaviour::RuleWithoutHeadersAllowsAny);
    let ignore_case = !facts.has(Behaviour::CaseSensitiveHeaders);
    if request.kind == RequestKind::Preflight && !any_header {
        for header in &request.headers {
            let allowed = rule
                .allowed_headers
                .iter()
                .any(|pattern| wildcard_matches(pattern, header, ignore_case));
            if !allowed {
                return RuleOutcome::HeaderNotAllowed(header.clone());
            }
        }
    }
    RuleOutcome::Matched
}

fn cors_headers(
    facts: &Facts,
    rule: &CorsRule,
    origin: &str,
    request: &Request,
) -> Vec<(String, String)> {
    let matching = rule
        .allowed_origins
        .iter()
        .find(|pattern| origin_matches(facts, pattern, origin));
    let star = FIRST_MATCHING_ORIGIN_DECIDES && matching.is_some_and(|p| p == "*");
    let mut headers = Vec::new();
    if facts.has(Behaviour::JoinsAllowedOrigins) {
        headers.push((
            "Access-Control-Allow-Origin".into(),
            rule.allowed_origins.join(", "),
        ));
    } else if facts.has(Behaviour::EchoesOriginWithoutCredentials) {
        headers.push(("Access-Control-Allow-Origin".into(), origin.to_string()));
    } else if star {
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
    let max_age = match rule.max_age_seconds {
        None if facts.has(Behaviour::MissingMaxAgeReadsAsZero) => Some(0),
        stated => stated,
    };
    if let (Some(seconds), false) = (max_age, facts.has(Behaviour::NoMaxAgeHeader)) {
        headers.push(("Access-Control-Max-Age".into(), seconds.to_string()));
    }
    if !rule.expose_headers.is_empty() {
        headers.push((
            "Access-Control-Expose-Headers".into(),
            rule.expose_headers.join(", "),
        ));
    }
    headers.push(("Vary".into(), vary(facts).into()));
    headers
}
