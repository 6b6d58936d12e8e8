//! The account's custom CloudFront policies: listing them (to resolve names and compare), and
//! creating or updating the ones a manifest declares. Each kind is its own module; only the
//! managed part of a policy changes.

pub(crate) mod cache;
pub(crate) mod origin_request;
pub(crate) mod response_headers;

use cors_sync_core::plan::{LiveState, PolicyListings};

use crate::error::AwsError;

/// Said in the comment of every policy cors-sync creates, so people know where it comes from.
const CREATED_BY: &str = "Managed by cors-sync";

/// Why an update is refused when the policy it re-read is not what the plan was made from.
const MOVED: &str =
    "the policy changed since the plan was made; nothing was written. Run plan again";

/// Reads into `live` the account's policy lists that `needed` names; returns the errors of those
/// that could not be read.
pub(crate) async fn read_listings(
    client: &aws_sdk_cloudfront::Client,
    needed: PolicyListings,
    live: &mut LiveState,
) -> Vec<AwsError> {
    let mut errors = Vec::new();
    if needed.origin_request {
        match origin_request::list(client).await {
            Ok(found) => live.origin_request_policies = found,
            Err(error) => errors.push(error),
        }
    }
    if needed.response_headers {
        match response_headers::list(client).await {
            Ok(found) => live.response_headers_policies = found,
            Err(error) => errors.push(error),
        }
    }
    if needed.cache {
        match cache::list(client).await {
            Ok(found) => live.cache_policies = found,
            Err(error) => errors.push(error),
        }
    }
    errors
}
