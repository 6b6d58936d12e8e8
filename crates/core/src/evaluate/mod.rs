//! What a browser's CORS request gets, computed offline: S3's algorithm (`s3`), CloudFront in
//! front of it (`cloudfront`), and the browser's own check of the answer (`browser`).
//!
//! Every behaviour here follows `docs/aws-and-browsers.md`; choices it marks "unverified" are
//! constants in `s3` and `cloudfront`, named and documented, so they change in one place.

pub mod browser;
pub mod cloudfront;
pub mod compare;
pub mod edge;
pub mod probes;
pub mod s3;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestKind {
    /// An OPTIONS preflight: `method` and `headers` are Access-Control-Request-Method/-Headers.
    Preflight,
    /// The request itself (GET, PUT, ...).
    Actual,
}

/// A browser's request, as far as CORS is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub origin: Option<String>,
    pub method: String,
    /// Access-Control-Request-Headers on a preflight.
    pub headers: Vec<String>,
    pub kind: RequestKind,
    /// The page sent it with credentials (`credentials: 'include'`): the browser then accepts
    /// no `*` in the answer. S3 answers the same either way.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub credentials: bool,
}

impl Request {
    pub fn preflight(origin: &str, method: &str, headers: &[&str]) -> Self {
        Request {
            origin: Some(origin.to_string()),
            method: method.to_string(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            kind: RequestKind::Preflight,
            credentials: false,
        }
    }

    pub fn actual(origin: &str, method: &str) -> Self {
        Request {
            origin: Some(origin.to_string()),
            method: method.to_string(),
            headers: Vec::new(),
            kind: RequestKind::Actual,
            credentials: false,
        }
    }

    pub fn with_credentials(mut self, credentials: bool) -> Self {
        self.credentials = credentials;
        self
    }
}

/// What came back: status and the CORS-relevant headers, in the order the server sends them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn set(&mut self, name: &str, value: String) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value));
    }
}

/// Why one rule did or did not answer the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "detail", rename_all = "snake_case")]
pub enum RuleOutcome {
    Matched,
    OriginNotAllowed,
    MethodNotAllowed,
    HeaderNotAllowed(String),
    /// A rule after the one that matched: S3 never looks at it.
    NotReached,
}

/// The full answer: the response, which rule produced it, and why each rule did or did not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub response: Response,
    /// Why the server answered as it did, in a sentence.
    pub reason: String,
    pub matched_rule: Option<usize>,
    pub rules: Vec<RuleOutcome>,
}

/// What `request` gets from the bucket, through the CloudFront behavior `edge` when one is in
/// front of it.
pub fn evaluate(
    edge: Option<&cloudfront::Edge<'_>>,
    bucket: s3::Stored<'_>,
    request: &Request,
) -> Evaluation {
    match edge {
        None => s3::evaluate(bucket, request),
        Some(edge) => cloudfront::evaluate(edge, bucket, request),
    }
}

/// A `*` wildcard match (one `*` standing for any run of characters, possibly empty). Compares
/// bytes in place: diff's partition and evaluations call it millions of times.
pub fn wildcard_matches(pattern: &str, value: &str, ignore_case: bool) -> bool {
    let same = |a: &[u8], b: &[u8]| {
        if ignore_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    let value = value.as_bytes();
    match pattern.split_once('*') {
        None => same(pattern.as_bytes(), value),
        Some((prefix, suffix)) => {
            let (prefix, suffix) = (prefix.as_bytes(), suffix.as_bytes());
            value.len() >= prefix.len() + suffix.len()
                && same(prefix, &value[..prefix.len()])
                && same(suffix, &value[value.len() - suffix.len()..])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_wildcard_matches_any_run() {
        assert!(wildcard_matches(
            "https://*.example.com",
            "https://a.b.example.com",
            false
        ));
        assert!(wildcard_matches("*", "localhost:4566", false));
        assert!(!wildcard_matches(
            "http://*.origin.com",
            "http://test.origin.com/",
            false
        ));
        assert!(!wildcard_matches(
            "https://*.example.com",
            "https://example.com",
            false
        ));
        assert!(wildcard_matches("x-amz-*", "X-Amz-Date", true));
        assert!(
            !wildcard_matches("a*a", "a", false),
            "prefix and suffix may not overlap"
        );
    }
}
