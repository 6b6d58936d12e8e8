//! CloudFront: reading distributions and policies, and writing the CORS-relevant parts of them.
//!
//! Everything that is not a field cors-sync manages goes back to CloudFront exactly as it was read:
//! updates start from GetDistributionConfig's whole config and change only the planned fields.

mod behavior;
pub mod distributions;
pub mod policies;
pub(crate) mod whole_answer;

pub use behavior::{PolicyNotCreated, Unwritable};

use std::future::Future;

use cors_sync_core::plan::Address;

use aws_sdk_cloudfront::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;

use crate::error::{AwsError, Error};

fn distribution_resource(id: &str) -> String {
    Address::CloudFrontDistribution(id.to_string()).to_string()
}

/// A failed CloudFront write in the words its outcome needs: refused (CloudFront answered with an
/// error, or the request was never built), so nothing was written; or sent with no answer back
/// (a dropped connection, a timeout, an answer that could not be read), so it may have been.
pub(crate) fn write_error<E>(
    resource: &str,
    operation: &'static str,
    error: &SdkError<E, HttpResponse>,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let failure = AwsError::from_sdk(resource, operation, error);
    match error {
        SdkError::ServiceError(_) | SdkError::ConstructionFailure(_) => Error::Call(failure),
        _ => Error::Unanswered(failure),
    }
}

/// A failed create: as `write_error`, except that "already exists" after more than one attempt
/// is an earlier attempt whose answer was lost having made it, most likely: it may have been
/// written, not failed.
pub(crate) fn create_error<E>(
    resource: &str,
    operation: &'static str,
    error: &SdkError<E, HttpResponse>,
    attempts: u32,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let exists = error
        .code()
        .is_some_and(|code| code.ends_with("AlreadyExists"));
    match write_error(resource, operation, error) {
        Error::Call(mut failure) if exists && attempts > 1 => {
            failure.message = format!(
                "{} (on attempt {attempts}: an earlier attempt whose answer was lost may have created it)",
                failure.message
            );
            Error::Unanswered(failure)
        }
        other => other,
    }
}

/// Counts the attempts of one call (the first and each retry), for `create_error`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attempts(std::sync::Arc<std::sync::atomic::AtomicU32>);

impl Attempts {
    pub(crate) fn count(&self) -> u32 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl aws_smithy_runtime_api::client::interceptors::Intercept for Attempts {
    fn name(&self) -> &'static str {
        "Attempts"
    }

    fn read_before_attempt(
        &self,
        _context: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        _cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

/// A `Quantity` field: CloudFront wants it equal to its `Items` length.
fn quantity(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// One page of a CloudFront list call: its items and the marker of the next page, if any.
type Page<T> = (Vec<T>, Option<String>);

/// Walks a CloudFront list call's pages: `fetch` reads the page at a marker, `take` receives its
/// items and says whether more are wanted. Stops at the last page (no marker, an empty one, or
/// the marker it was just given).
async fn each_page<T, F, Fut>(
    mut fetch: F,
    mut take: impl FnMut(Vec<T>) -> bool,
) -> Result<(), AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, AwsError>>,
{
    let mut marker: Option<String> = None;
    loop {
        let (items, next) = fetch(marker.clone()).await?;
        let next = next.filter(|m| !m.is_empty());
        // A marker handed back unchanged would serve the same page forever.
        if !take(items) || next.is_none() || next == marker {
            return Ok(());
        }
        marker = next;
    }
}

/// Every item of a CloudFront list call, across its pages.
async fn all_pages<T, F, Fut>(fetch: F) -> Result<Vec<T>, AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, AwsError>>,
{
    let mut all = Vec::new();
    each_page(fetch, |items| {
        all.extend(items);
        true
    })
    .await?;
    Ok(all)
}
