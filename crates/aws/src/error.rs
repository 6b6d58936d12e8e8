//! An AWS call that failed, with what the user needs to act on it: which resource, which API
//! operation, AWS's error code, and its message.

use std::fmt;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// The plan address of the resource, e.g. `s3_bucket.example-assets`.
    pub resource: String,
    /// The API operation, e.g. `GetBucketCors`.
    pub operation: &'static str,
    /// AWS's error code (`NoSuchBucket`, `AccessDenied`, ...); absent when no response arrived.
    pub code: Option<String>,
    pub message: String,
}

impl AwsError {
    pub fn from_sdk<E>(
        resource: &str,
        operation: &'static str,
        error: &SdkError<E, HttpResponse>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let (code, message) = match error {
            SdkError::ServiceError(service) => {
                let err = service.err();
                let code = err.code().map(str::to_string);
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
            // No AWS answer (connection refused, timeout, DNS...): the whole cause chain is the
            // only useful message; the SDK's own Display says just "dispatch failure".
            other => (None, DisplayErrorContext(other).to_string()),
        };
        AwsError {
            resource: resource.to_string(),
            operation,
            code,
            message,
        }
    }

    /// A failure that happened on our side before or after the call (an unbuildable request, ...).
    pub fn local(resource: &str, operation: &'static str, message: impl Into<String>) -> Self {
        AwsError {
            resource: resource.to_string(),
            operation,
            code: None,
            message: message.into(),
        }
    }
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
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for AwsError {}
