//! `explain`: from what a user holds when CORS fails (a console message, a HAR export, a curl
//! line) to why it failed against the manifest. Each input is first read into `Observation`s
//! (`message`, `har`, `curl`), the bucket is found from the URL (`target`), and `diagnosis`
//! translates each observation into requests and runs them through the same evaluators `check`
//! uses (`crate::evaluate`), naming the cause and the nearest rule. `fix` writes the smallest
//! manifest change for a decided cause. docs/explain.md documents the cause codes (a contract).

pub mod curl;
pub mod diagnosis;
pub mod fix;
pub mod har;
pub mod message;
pub mod target;

use serde::Serialize;

/// Why `explain` stops: an input it cannot read, a URL that names nothing it can judge, a fix it
/// cannot write. Each message says which input and what in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the curl command cannot be read: {0}")]
    Curl(#[from] curl::Unreadable),
    #[error("the HAR file cannot be read: {0}")]
    Har(#[from] har::Unreadable),
    #[error(transparent)]
    Target(#[from] target::NoTarget),
    #[error("no fix can be written: {0}")]
    Fix(#[from] fix::NoFix),
}

/// Why a cross-origin request failed. The kebab-case codes are a JSON contract: add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    NoCorsConfiguration,
    OriginUnsendable,
    OriginNotAllowed,
    MethodNotAllowed,
    HeaderNotAllowed,
    CredentialsWithWildcard,
    /// The answer names the origin but not `Access-Control-Allow-Credentials: true` (S3 always
    /// sends it with a named origin; a CloudFront response headers policy may not).
    CredentialsNotAllowed,
    PreflightRedirected,
    OriginNotForwarded,
    OptionsNotAllowed,
    CachedForAnotherOrigin,
    NotCors,
    PrivateNetwork,
    /// The manifest allows this request, so what answered is not what the manifest says: live
    /// state differs (run `cors-sync plan`).
    AllowedByManifest,
}

impl Cause {
    pub const ALL: [Cause; 14] = [
        Cause::NoCorsConfiguration,
        Cause::OriginUnsendable,
        Cause::OriginNotAllowed,
        Cause::MethodNotAllowed,
        Cause::HeaderNotAllowed,
        Cause::CredentialsWithWildcard,
        Cause::CredentialsNotAllowed,
        Cause::PreflightRedirected,
        Cause::OriginNotForwarded,
        Cause::OptionsNotAllowed,
        Cause::CachedForAnotherOrigin,
        Cause::NotCors,
        Cause::PrivateNetwork,
        Cause::AllowedByManifest,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Cause::NoCorsConfiguration => "no-cors-configuration",
            Cause::OriginUnsendable => "origin-unsendable",
            Cause::OriginNotAllowed => "origin-not-allowed",
            Cause::MethodNotAllowed => "method-not-allowed",
            Cause::HeaderNotAllowed => "header-not-allowed",
            Cause::CredentialsWithWildcard => "credentials-with-wildcard",
            Cause::CredentialsNotAllowed => "credentials-not-allowed",
            Cause::PreflightRedirected => "preflight-redirected",
            Cause::OriginNotForwarded => "origin-not-forwarded",
            Cause::OptionsNotAllowed => "options-not-allowed",
            Cause::CachedForAnotherOrigin => "cached-for-another-origin",
            Cause::NotCors => "not-cors",
            Cause::PrivateNetwork => "private-network",
            Cause::AllowedByManifest => "allowed-by-manifest",
        }
    }

    /// The cause in plain words.
    pub fn meaning(self) -> &'static str {
        match self {
            Cause::NoCorsConfiguration => "the bucket has no CORS configuration, so S3 answers every cross-origin request without CORS headers",
            Cause::OriginUnsendable => "a rule allows the origin spelled as no browser sends it (a trailing slash, a path, upper case, a default port), and S3 compares origins literally",
            Cause::OriginNotAllowed => "no rule allows the page's origin",
            Cause::MethodNotAllowed => "the rules that allow the origin do not allow the method",
            Cause::HeaderNotAllowed => "the rules that allow the origin and method do not allow a header the page sets",
            Cause::CredentialsWithWildcard => "the request carries credentials and the rule answers `Access-Control-Allow-Origin: *`, which a browser refuses then",
            Cause::CredentialsNotAllowed => "the request carries credentials and the answer lacks `Access-Control-Allow-Credentials: true`",
            Cause::PreflightRedirected => "the answer was a redirect (a bucket answering from another region, or http to https), which a preflight may not follow",
            Cause::OriginNotForwarded => "CloudFront does not forward `Origin`/`Access-Control-Request-*`, so S3 answers without CORS",
            Cause::OptionsNotAllowed => "the CloudFront behavior does not allow OPTIONS",
            Cause::CachedForAnotherOrigin => "the answer was cached for another origin (`Origin` is not in the cache key)",
            Cause::NotCors => "the request failed before CORS mattered (AccessDenied, SignatureDoesNotMatch on a presigned URL, a missing object)",
            Cause::PrivateNetwork => "Chrome's Private/Local Network Access refused it: a public page calling a private address, not S3's CORS",
            Cause::AllowedByManifest => "the manifest allows this request: what answered is not what the manifest says (run `cors-sync plan`)",
        }
    }
}

/// Which of a cross-origin request's two steps failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    /// The OPTIONS preflight.
    Preflight,
    /// The request itself.
    Request,
}

/// Where an observation was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Chromium,
    Firefox,
    Har,
    Curl,
}

/// What the browser said was wrong with the answer, whatever its wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reported {
    /// No `Access-Control-Allow-Origin` in the answer.
    MissingAllowOrigin,
    /// `Access-Control-Allow-Origin` names another origin (or several).
    AllowOriginMismatch(String),
    /// `Access-Control-Allow-Origin: *` to a request with credentials.
    WildcardWithCredentials,
    /// `Access-Control-Allow-Credentials` is not `true` for a request with credentials.
    AllowCredentialsNotTrue,
    /// The preflight's answer is not a success status (it carried CORS headers).
    PreflightStatus,
    /// The method is not in `Access-Control-Allow-Methods` (Firefox does not name it).
    MethodNotAllowed,
    /// The header is not in `Access-Control-Allow-Headers`.
    HeaderNotAllowed(String),
    /// A redirect where CORS allows none.
    Redirect,
    /// Chrome's Private/Local Network Access.
    PrivateNetwork,
    /// Failed without a CORS reason: a network error, or the request after a failed preflight.
    RequestFailed,
    /// A reason no S3 or CloudFront answer produces (an unparsable header, a non-http scheme).
    Other,
}

/// One failed request as the input describes it; `None` is what the input does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub source: Source,
    pub url: String,
    pub origin: Option<String>,
    pub method: Option<String>,
    /// The header names a preflight asks about (`Access-Control-Request-Headers`).
    pub headers: Option<Vec<String>>,
    pub credentials: Option<bool>,
    pub step: Option<Step>,
    /// The status of the failed step's answer, when the input gives it.
    pub status: Option<u16>,
    pub reported: Reported,
    /// The browser's own words (or curl's/the HAR's).
    pub browser_reason: String,
    /// curl: the request is exactly as written (no origin serialisation, no preflight added).
    pub literal: bool,
}

impl Observation {
    pub fn new(source: Source, url: &str, reported: Reported, browser_reason: &str) -> Self {
        Observation {
            source,
            url: url.to_string(),
            origin: None,
            method: None,
            headers: None,
            credentials: None,
            step: None,
            status: None,
            reported,
            browser_reason: browser_reason.to_string(),
            literal: false,
        }
    }
}

/// What the user adds on the command line to what the input says (`--origin`, `--method`,
/// `--header`, `--credentials`): it fills gaps and, when both say something, wins.
#[derive(Debug, Clone, Default)]
pub struct FillIn {
    pub origin: Option<String>,
    pub method: Option<String>,
    /// The CORS-unsafe header names the page sets (as a preflight asks about them); an empty list
    /// (the user described the request, with no header) fills a gap but replaces nothing.
    pub headers: Option<Vec<String>>,
    pub credentials: Option<bool>,
}

impl FillIn {
    pub fn apply(&self, observation: &mut Observation) {
        if let Some(origin) = &self.origin {
            observation.origin = Some(origin.clone());
        }
        if let Some(method) = &self.method {
            observation.method = Some(method.clone());
        }
        if let Some(headers) = &self.headers {
            if !headers.is_empty() || observation.headers.is_none() {
                observation.headers = Some(headers.clone());
            }
        }
        if let Some(credentials) = self.credentials {
            observation.credentials = Some(credentials);
        }
    }
}

/// Explanations that differ only in their URL, as one (a HAR often holds many requests that
/// fail for the same reason).
pub fn group(explanations: Vec<diagnosis::Explanation>) -> Vec<diagnosis::Explanation> {
    let mut grouped: Vec<diagnosis::Explanation> = Vec::new();
    for explanation in explanations {
        let same = grouped.iter_mut().find(|g| {
            let mut other = explanation.clone();
            other.urls = g.urls.clone();
            **g == other
        });
        match same {
            Some(g) => {
                for url in explanation.urls {
                    if !g.urls.contains(&url) {
                        g.urls.push(url);
                    }
                }
            }
            None => grouped.push(explanation),
        }
    }
    grouped
}
