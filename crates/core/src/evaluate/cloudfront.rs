//! CloudFront in front of an S3 origin: whether a request reaches S3 with the headers S3's CORS
//! answer depends on, and what a response headers policy adds or overrides.

use std::collections::BTreeSet;

use super::s3::{self, Stored};
use super::{Evaluation, Request, RequestKind, Response};
use crate::cloudfront::behavior::BehaviorSettings;
use crate::cloudfront::policies::CorsPolicy;

/// Unverified: a response headers policy changes headers only; the status stays the origin's, so
/// a preflight S3 refuses (403) still fails even when the policy adds CORS headers.
pub const POLICY_KEEPS_ORIGIN_STATUS: bool = true;
/// Unverified: what S3 answers to a preflight that arrives without Access-Control-Request-Method
/// (CloudFront did not forward it). Assumed: 400, as for a missing Origin.
pub const PREFLIGHT_WITHOUT_REQUEST_METHOD_STATUS: u16 = 400;

/// Which of the request headers S3's CORS answer depends on reach the origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Forwarded {
    pub origin: bool,
    pub request_method: bool,
    pub request_headers: bool,
}

impl Forwarded {
    /// From a header whitelist (`*` forwards everything), compared case-insensitively.
    pub fn from_headers<'a>(headers: impl IntoIterator<Item = &'a str>) -> Self {
        let set: BTreeSet<String> = headers
            .into_iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        let has = |name: &str| set.contains("*") || set.contains(name);
        Forwarded {
            origin: has("origin"),
            request_method: has("access-control-request-method"),
            request_headers: has("access-control-request-headers"),
        }
    }

    pub fn all(self) -> bool {
        self.origin && self.request_method && self.request_headers
    }
}

/// The behavior as the request meets it: its settings, what it forwards (the caller resolves
/// policies into header lists), and its response headers policy's CORS configuration, if any.
pub struct Edge<'a> {
    pub behavior: &'a BehaviorSettings,
    pub forwarded: Forwarded,
    pub response_headers: Option<&'a CorsPolicy>,
}

pub fn evaluate(edge: &Edge<'_>, bucket: Stored<'_>, request: &Request) -> Evaluation {
    let method = match request.kind {
        RequestKind::Preflight => "OPTIONS",
        RequestKind::Actual => request.method.as_str(),
    };
    if !edge.behavior.allowed_methods.iter().any(|m| m == method) {
        return Evaluation {
            response: Response {
                status: 403,
                headers: Vec::new(),
            },
            reason: format!(
                "the behavior does not allow {method}: CloudFront refuses it before it reaches S3"
            ),
            matched_rule: None,
            rules: Vec::new(),
        };
    }
    let mut at_origin = request.clone();
    if !edge.forwarded.origin {
        at_origin.origin = None;
    }
    if !edge.forwarded.request_headers {
        at_origin.headers.clear();
    }
    let mut evaluation = if request.kind == RequestKind::Preflight
        && !edge.forwarded.request_method
        && at_origin.origin.is_some()
    {
        Evaluation {
            response: Response { status: PREFLIGHT_WITHOUT_REQUEST_METHOD_STATUS, headers: Vec::new() },
            reason: "CloudFront does not forward Access-Control-Request-Method, so S3 cannot evaluate the preflight".into(),
            matched_rule: None,
            rules: Vec::new(),
        }
    } else {
        let mut from_s3 = s3::evaluate(bucket, &at_origin);
        if !edge.forwarded.origin {
            from_s3.reason = format!(
                "CloudFront does not forward Origin, so S3 answers as to a non-CORS request: {}",
                from_s3.reason
            );
        }
        from_s3
    };
    if let (Some(policy), Some(origin)) = (edge.response_headers, request.origin.as_deref()) {
        apply_policy(policy, origin, request, &mut evaluation);
    }
    evaluation
}

fn apply_policy(policy: &CorsPolicy, origin: &str, request: &Request, evaluation: &mut Evaluation) {
    let origin_allowed = policy.allow_origins.iter().any(|allowed| {
        allowed == "*"
            || allowed == origin
            || allowed.split_once("*.").is_some_and(|(scheme, domain)| {
                origin.starts_with(scheme) && origin.ends_with(&format!(".{domain}"))
            })
    });
    if !origin_allowed {
        return;
    }
    let response = &mut evaluation.response;
    let has_cors = response.header("Access-Control-Allow-Origin").is_some();
    if has_cors && !policy.origin_override {
        return;
    }
    let wildcard = policy.allow_origins.iter().any(|o| o == "*") && !policy.allow_credentials;
    response.set(
        "Access-Control-Allow-Origin",
        if wildcard {
            "*".into()
        } else {
            origin.to_string()
        },
    );
    if policy.allow_credentials {
        response.set("Access-Control-Allow-Credentials", "true".into());
    }
    if !policy.expose_headers.is_empty() {
        response.set(
            "Access-Control-Expose-Headers",
            policy.expose_headers.join(", "),
        );
    }
    // Allow-Methods, Allow-Headers and Max-Age go only on preflight answers.
    if request.kind == RequestKind::Preflight {
        let methods: Vec<String> = policy
            .allow_methods
            .iter()
            .flat_map(|m| {
                if m == "ALL" {
                    vec!["GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
                } else {
                    vec![m.as_str()]
                }
            })
            .map(str::to_string)
            .collect();
        response.set("Access-Control-Allow-Methods", methods.join(", "));
        if !policy.allow_headers.is_empty() {
            response.set(
                "Access-Control-Allow-Headers",
                policy.allow_headers.join(", "),
            );
        }
        if let Some(seconds) = policy.max_age_seconds {
            response.set("Access-Control-Max-Age", seconds.to_string());
        }
        if !POLICY_KEEPS_ORIGIN_STATUS {
            response.status = 200;
        }
    }
    evaluation.reason = format!(
        "{}; the response headers policy set the CORS headers",
        evaluation.reason
    );
}
