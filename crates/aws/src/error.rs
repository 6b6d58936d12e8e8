//! The AWS crate's one error type, and the AWS call that failed inside most of it: which
//! resource, which API operation, AWS's error code, its message and its request ID.

use std::fmt;

use aws_config::meta::ProviderChainError;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_types::request_id::RequestId;
use cors_sync_core::plan::{Address, LiveState};
use cors_sync_core::render::plural;

use cors_sync_core::redact::without_userinfo;

use crate::cloudfront::whole_answer::IncompleteAnswer;

/// Everything this crate reports as failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// One AWS call failed, or could not be made.
    #[error(transparent)]
    Call(#[from] AwsError),
    /// A read that missed resources: a plan without them would look like "no changes" for them.
    #[error("could not read {} of {asked} resource{}", .errors.len(), plural(*.asked))]
    Read { errors: Vec<AwsError>, asked: usize },
    /// A write never sent: the run was interrupted first, or its backup could not be recorded.
    #[error("{resource}: not written: {reason}")]
    NotSent { resource: String, reason: NotSent },
    /// Re-read just before its write, the resource is no longer what the plan was made from;
    /// nothing was written to it. `now` holds what was read.
    #[error(
        "{resource}: moved since the plan was shown; nothing was written to it. Run plan again"
    )]
    Moved {
        resource: String,
        now: Box<LiveState>,
    },
    /// A write sent with no answer back (a dropped connection, a timeout, after the SDK's
    /// retries): S3 may have made it. The next plan says.
    #[error("{0}; it may or may not have been written. Run plan to see")]
    Unanswered(AwsError),
    /// The run was interrupted while the write was in flight: it may or may not have been made.
    #[error("{resource}: interrupted while its write was in flight; it may or may not have been made (run plan to see)")]
    InFlight { resource: String },
    /// A declared account's credentials act in another account (the account guard).
    #[error("account `{account}`: its `id:` is {expected}, but through {through} the run acts in account {actual}")]
    WrongAccount {
        account: String,
        expected: String,
        actual: String,
        through: String,
    },
    /// A declared account could not be acted in: its role could not be assumed, or its profile
    /// gave no credentials.
    #[error("account `{account}`: cannot act through {through}: {error}")]
    Unreachable {
        account: String,
        through: String,
        error: Box<AwsError>,
    },
}

impl Error {
    /// Each AWS call that failed inside this error.
    pub fn calls(&self) -> &[AwsError] {
        match self {
            Error::Call(error) | Error::Unanswered(error) => std::slice::from_ref(error),
            Error::Unreachable { error, .. } => std::slice::from_ref(error.as_ref()),
            Error::Read { errors, .. } => errors,
            Error::NotSent { .. }
            | Error::InFlight { .. }
            | Error::Moved { .. }
            | Error::WrongAccount { .. } => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// The plan address of the resource, e.g. `s3_bucket.example-assets`.
    pub resource: String,
    /// The API operation, e.g. `GetBucketCors`.
    pub operation: &'static str,
    /// AWS's error code (`NoSuchBucket`, `AccessDenied`, ...); absent when no response arrived.
    pub code: Option<ErrorCode>,
    pub message: String,
    /// AWS's ID for the request, when it answered with one: what AWS support asks for. A boxed
    /// `str` keeps this error, which every result of a call carries, small.
    pub request_id: Option<Box<str>>,
    /// Set when the call was never signed because the credential chain found nothing (boxed:
    /// every other error carries it as `None`).
    pub missing_credentials: Option<Box<MissingCredentials>>,
    /// Whether AWS answered with a server error (HTTP 5xx), which does not say a write was not
    /// made.
    pub server_error: bool,
}

/// The default credential chain came up empty: each source it tried, and why it gave nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingCredentials {
    /// (the SDK's name for the source, why it had no credentials), in the order tried.
    pub tried: Vec<(String, String)>,
}

impl MissingCredentials {
    /// What was tried and what to set, one line each: printed once after the failed calls.
    pub fn explanation(&self) -> Vec<String> {
        let mut lines = vec!["No AWS credentials were found. Tried, in order:".to_string()];
        for (source, why) in &self.tried {
            lines.push(format!("  {source}: {why}"));
        }
        lines.extend(
            [
                "Give cors-sync credentials in one of these ways:",
                "  AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones)",
                "  --profile NAME or AWS_PROFILE=NAME: a profile in ~/.aws/config or ~/.aws/credentials",
                "    (`aws configure --profile NAME` writes one; for SSO run `aws sso login --profile NAME` first)",
                "  a role the machine runs as: EC2 instance profile, ECS task role, EKS web identity",
            ]
            .map(str::to_string),
        );
        lines
    }
}

/// AWS error codes. The ones cors-sync branches on are variants, so such a branch is checked by
/// the compiler instead of by a string compare; every other code is kept as AWS spelled it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    /// The bucket does not exist (GetBucketCors, PutBucketCors, ...).
    NoSuchBucket,
    /// HeadBucket's bodiless 404: the bucket does not exist.
    NotFound,
    /// GetBucketCors on a bucket without CORS: not an error for cors-sync, the empty state.
    NoSuchCorsConfiguration,
    /// A stale `If-Match` on UpdateDistribution: someone else changed the distribution.
    PreconditionFailed,
    /// The account has no distribution with that ID.
    NoSuchDistribution,
    Other(String),
}

/// Each named code and how AWS spells it: the one table both directions read.
const NAMED_CODES: [(ErrorCode, &str); 5] = [
    (ErrorCode::NoSuchBucket, "NoSuchBucket"),
    (ErrorCode::NotFound, "NotFound"),
    (
        ErrorCode::NoSuchCorsConfiguration,
        "NoSuchCORSConfiguration",
    ),
    (ErrorCode::PreconditionFailed, "PreconditionFailed"),
    (ErrorCode::NoSuchDistribution, "NoSuchDistribution"),
];

impl ErrorCode {
    pub fn from_aws(code: &str) -> Self {
        NAMED_CODES
            .iter()
            .find(|(_, spelled)| *spelled == code)
            .map_or_else(
                || ErrorCode::Other(code.to_string()),
                |(named, _)| named.clone(),
            )
    }

    /// The code as AWS spells it.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::Other(code) => code,
            named => NAMED_CODES
                .iter()
                .find(|(code, _)| code == named)
                .map_or("", |(_, spelled)| spelled),
        }
    }

    /// The code of an SDK error, when AWS answered with one.
    pub fn of<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> Option<Self> {
        match error {
            SdkError::ServiceError(service) => service.err().code().map(Self::from_aws),
            _ => None,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AwsError {
    /// Whether the call was refused outright, so a write made nothing: refused before it was
    /// sent, or answered with a client error. A server error (5xx) does not say the write was
    /// not made.
    pub fn wrote_nothing(&self) -> bool {
        !self.server_error
    }

    /// Whether AWS said the bucket does not exist (with a body, or HeadBucket's bare 404).
    pub fn is_missing_bucket(&self) -> bool {
        matches!(
            self.code,
            Some(ErrorCode::NoSuchBucket | ErrorCode::NotFound)
        )
    }

    pub fn from_sdk<E>(
        resource: &str,
        operation: &'static str,
        error: &SdkError<E, HttpResponse>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        Self::from_sdk_reaching(resource, operation, None, error)
    }

    /// As `from_sdk`, naming `endpoint` (a custom endpoint URL) when no answer came back.
    pub(crate) fn from_sdk_reaching<E>(
        resource: &str,
        operation: &'static str,
        endpoint: Option<&str>,
        error: &SdkError<E, HttpResponse>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let (code, message) = match error {
            SdkError::ServiceError(service) => {
                let err = service.err();
                let code = err.code().map(ErrorCode::from_aws);
                let message = match (err.message(), &code) {
                    (Some(message), _) => message.to_string(),
                    // An answer AWS's error format does not describe (an emulator without the
                    // API, a proxy): its HTTP status is what the user can act on.
                    (None, None) => format!(
                        "HTTP {} with no AWS error code",
                        service.raw().status().as_u16()
                    ),
                    (None, Some(_)) => DisplayErrorContext(err).to_string(),
                };
                (code, message)
            }
            // An answer that was not whole: what was wrong with it is the message.
            other if find_cause::<IncompleteAnswer>(other).is_some() => (
                None,
                find_cause::<IncompleteAnswer>(other)
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ),
            // No AWS answer: say which of the SDK's steps failed in words, with the causes'
            // messages (never their Debug form; the SDK's own Display says "dispatch failure").
            other => (None, without_answer(other, endpoint)),
        };
        AwsError {
            resource: resource.to_string(),
            operation,
            code,
            message,
            request_id: error.request_id().map(Box::from),
            missing_credentials: missing_credentials(error),
            server_error: matches!(error, SdkError::ServiceError(service) if service.raw().status().is_server_error()),
        }
    }

    /// A failure that happened on our side before or after the call (an unbuildable request, ...).
    pub fn local(resource: &str, operation: &'static str, why: LocalFailure) -> Self {
        AwsError {
            resource: resource.to_string(),
            operation,
            code: None,
            message: why.to_string(),
            request_id: None,
            missing_credentials: None,
            server_error: false,
        }
    }

    /// A 2xx answer that left out the configuration the call exists to return.
    pub(crate) fn no_configuration(resource: &str, operation: &'static str) -> Self {
        Self::local(resource, operation, LocalFailure::NoConfiguration)
    }
}

/// Why a write was never sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotSent {
    #[error("the run was interrupted before it was sent")]
    Interrupted,
    /// The journal's I/O error, as it reads.
    #[error("its previous state could not be backed up ({error})")]
    NotBackedUp { error: String },
}

/// Why a call failed on cors-sync's side rather than with AWS's error: an answer that is not what
/// the call exists for, state that moved since the plan, a request that cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum LocalFailure {
    #[error("STS named no account")]
    NoAccountNamed,
    #[error("the store names another region, {region}")]
    StoreNamesAnotherRegion { region: String },
    #[error("S3 kept redirecting to {region}")]
    KeptRedirecting { region: String },
    #[error("the bucket is in {actual}, not {planned} where the plan writes; nothing was written. Run plan again")]
    BucketElsewhere { actual: String, planned: String },
    #[error(transparent)]
    NotS3sAnswer(#[from] crate::cors_answer::NotS3sAnswer),
    #[error(transparent)]
    NotACorsConfiguration(#[from] crate::cors_answer::NotACorsConfiguration),
    #[error("no S3 endpoint: {why}")]
    NoEndpoint { why: String },
    #[error("CloudFront returned no configuration")]
    NoConfiguration,
    #[error("CloudFront returned no ETag")]
    NoETag,
    #[error("CloudFront returned no policy ID")]
    NoPolicyId,
    #[error("behavior {path} no longer exists; run plan again")]
    BehaviorGone { path: String },
    #[error(
        "behavior {path} changed since the plan was made; nothing was written. Run plan again"
    )]
    BehaviorMoved { path: String },
    #[error(transparent)]
    BehaviorUnwritable(crate::cloudfront::Unwritable),
    #[error(
        "the update would change {what}, which cors-sync does not manage; nothing was written"
    )]
    UnmanagedFields {
        what: crate::cloudfront::distributions::Unplanned,
    },
    #[error("still {status} after {seconds} s; the update was made, only the wait gave up")]
    StillDeploying { status: String, seconds: u64 },
    #[error("the policy changed since the plan was made; nothing was written. Run plan again")]
    PolicyMoved,
    #[error("not a policy change")]
    NotAPolicyChange,
    /// The SDK refused to build the request from what the plan holds.
    #[error("{0}")]
    Unbuildable(#[from] aws_smithy_types::error::operation::BuildError),
    #[error("{url}: {why}")]
    Probe { url: String, why: String },
    #[error("{url}: no answer within {seconds} s")]
    ProbeUnanswered { url: String, seconds: f64 },
}

/// The plan address errors about a bucket name, e.g. `s3_bucket.assets`.
pub(crate) fn bucket_resource(bucket: &str) -> String {
    Address::S3Bucket(bucket.to_string()).to_string()
}

fn without_answer<E, R>(error: &SdkError<E, R>, endpoint: Option<&str>) -> String
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let from = endpoint
        .map(|url| format!(" from {}", without_userinfo(url)))
        .unwrap_or_default();
    let from = format!("{from}{}", through_proxy(endpoint));
    if missing_credentials(error).is_some() {
        // The chain's own message is many lines; they are printed once, readable, by whoever
        // reports the error (`MissingCredentials::explanation`).
        return "could not load credentials: no credentials found in chain (what was tried and what to set follow)".to_string();
    }
    if let Some(credentials) = find_cause::<CredentialsError>(error) {
        return format!("could not load credentials: {}", cause_chain(credentials));
    }
    let causes = match std::error::Error::source(error) {
        Some(source) => cause_chain(source),
        None => error.to_string(),
    };
    let timed_out = match error {
        SdkError::TimeoutError(_) => true,
        SdkError::DispatchFailure(failure) => failure.is_timeout(),
        _ => false,
    };
    if timed_out {
        return format!("timed out: no answer{from} within the --timeout of one attempt: {causes}");
    }
    match error {
        SdkError::DispatchFailure(_) => format!("no answer{from}: {causes}"),
        SdkError::ResponseError(_) => format!("the answer could not be read: {causes}"),
        _ => causes,
    }
}

/// What the default credential chain tried, when that is why the call could not be signed.
fn missing_credentials<E, R>(error: &SdkError<E, R>) -> Option<Box<MissingCredentials>>
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let chain = find_cause::<ProviderChainError<CredentialsError>>(error)?;
    let tried = chain
        .attempts()
        .iter()
        .map(|attempt| (attempt.name().to_string(), cause_chain(attempt.error())))
        .collect();
    Some(Box::new(MissingCredentials { tried }))
}

/// " through the proxy URL (VARIABLE)" when the environment sends requests to `endpoint` (AWS's
/// own, https, when `None`) through a proxy, decided by the matcher the SDK's connector uses.
fn through_proxy(endpoint: Option<&str>) -> String {
    let endpoint = endpoint.unwrap_or("https://amazonaws.com");
    let Ok(uri) = endpoint.parse::<http::Uri>() else {
        return String::new();
    };
    let Some(intercept) = hyper_util::client::proxy::matcher::Matcher::from_env().intercept(&uri)
    else {
        return String::new();
    };
    let scheme = if uri.scheme_str() == Some("http") {
        ["HTTP_PROXY", "http_proxy"]
    } else {
        ["HTTPS_PROXY", "https_proxy"]
    };
    let variable = scheme
        .into_iter()
        .chain(["ALL_PROXY", "all_proxy"])
        .find(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
        .unwrap_or("the environment");
    let proxy = without_userinfo(&intercept.uri().to_string());
    format!(
        " through the proxy {} ({variable})",
        proxy.trim_end_matches('/')
    )
}

/// The first error of type `T` in `error`'s chain of causes, `error` itself included.
pub(crate) fn find_cause<'a, T: std::error::Error + 'static>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(found) = error.downcast_ref::<T>() {
            return Some(found);
        }
        cause = error.source();
    }
    None
}

/// An error and its causes, outermost first: "io error: client error (Connect): tcp connect
/// error: Connection refused (os error 111)". Each layer's Display only, never its Debug form.
pub(crate) fn cause_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        // Wrappers often repeat their cause's message; say it once.
        if !parts.last().is_some_and(|last| last.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} failed", self.resource, self.operation)?;
        if let Some(code) = &self.code {
            write!(f, ": {code}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request ID {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for AwsError {}

#[cfg(test)]
mod tests {
    use super::{ErrorCode, NAMED_CODES};

    #[test]
    fn codes_read_and_spell_the_way_aws_spells_them() {
        for (named, spelled) in NAMED_CODES {
            assert_eq!(ErrorCode::from_aws(spelled), named);
            assert_eq!(named.as_str(), spelled);
        }
        let other = ErrorCode::from_aws("AccessDenied");
        assert_eq!(other, ErrorCode::Other("AccessDenied".into()));
        assert_eq!(other.to_string(), "AccessDenied");
    }
}
