//! The account's custom CloudFront policies: listing them (to resolve names and compare), and
//! creating or updating the ones a manifest declares. Each kind is its own module; only the
//! managed part of a policy changes.

pub(crate) mod cache;
pub(crate) mod origin_request;
pub(crate) mod response_headers;

use std::future::Future;

use aws_sdk_cloudfront::types::{
    CachePolicyType, OriginRequestPolicyType, ResponseHeadersPolicyType,
};
use cors_sync_core::plan::{LiveState, PolicyListings};

use crate::error::AwsError;

/// Said in the comment of every policy cors-sync creates, so people know where it comes from.
const CREATED_BY: &str = "Managed by cors-sync";

/// Why an update is refused when the policy it re-read is not what the plan was made from.
const MOVED: &str =
    "the policy changed since the plan was made; nothing was written. Run plan again";

/// Reads into `live` the account's policy lists that `needed` names, all at once; returns the
/// errors of those that could not be read.
pub(crate) async fn read_listings(
    client: &aws_sdk_cloudfront::Client,
    needed: PolicyListings,
    live: &mut LiveState,
) -> Vec<AwsError> {
    let (origin_request, response_headers, cache) = futures::join!(
        when(
            needed.origin_request,
            custom_and_managed(
                origin_request::list_of(client, OriginRequestPolicyType::Custom),
                origin_request::list_of(client, OriginRequestPolicyType::Managed),
            )
        ),
        when(
            needed.response_headers,
            custom_and_managed(
                response_headers::list_of(client, ResponseHeadersPolicyType::Custom),
                response_headers::list_of(client, ResponseHeadersPolicyType::Managed),
            )
        ),
        when(
            needed.cache,
            custom_and_managed(
                cache::list_of(client, CachePolicyType::Custom),
                cache::list_of(client, CachePolicyType::Managed),
            )
        ),
    );
    let mut errors = Vec::new();
    take(
        origin_request,
        &mut live.origin_request_policies,
        &mut errors,
    );
    take(
        response_headers,
        &mut live.response_headers_policies,
        &mut errors,
    );
    take(cache, &mut live.cache_policies, &mut errors);
    errors
}

/// The account's custom policies of a kind and AWS's managed ones (listed as `Managed-...`, so
/// a managed name outside cors-sync's table still resolves), both lists read at once.
async fn custom_and_managed<T>(
    custom: impl Future<Output = Result<Vec<T>, AwsError>>,
    managed: impl Future<Output = Result<Vec<T>, AwsError>>,
) -> Result<Vec<T>, AwsError> {
    let (mut policies, managed) = futures::try_join!(custom, managed)?;
    policies.extend(managed);
    Ok(policies)
}

async fn when<T>(wanted: bool, list: impl Future<Output = T>) -> Option<T> {
    match wanted {
        true => Some(list.await),
        false => None,
    }
}

fn take<T>(read: Option<Result<T, AwsError>>, into: &mut T, errors: &mut Vec<AwsError>) {
    match read {
        Some(Ok(found)) => *into = found,
        Some(Err(error)) => errors.push(error),
        None => {}
    }
}
