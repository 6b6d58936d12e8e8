//! Custom cache policies: cors-sync only reads their names, to resolve references.

use aws_sdk_cloudfront::types::CachePolicyType;
use cors_sync_core::cloudfront::policies::LiveCachePolicy;

use crate::cloudfront::all_pages;
use crate::error::AwsError;

/// One page-followed list of this kind's policies: the account's custom ones or AWS's managed.
pub(super) async fn list_of(
    client: &aws_sdk_cloudfront::Client,
    policy_type: CachePolicyType,
) -> Result<Vec<LiveCachePolicy>, AwsError> {
    all_pages(|marker| {
        let policy_type = policy_type.clone();
        async move {
            let output = client
                .list_cache_policies()
                .r#type(policy_type.clone())
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("cache_policies", "ListCachePolicies", &e))?;
            let Some(list) = output.cache_policy_list else {
                return Ok(Default::default());
            };
            let policies = list
                .items
                .unwrap_or_default()
                .into_iter()
                .filter_map(|summary| {
                    let policy = summary.cache_policy?;
                    Some(LiveCachePolicy {
                        name: policy.cache_policy_config?.name,
                        id: policy.id,
                    })
                });
            Ok((policies.collect(), list.next_marker))
        }
    })
    .await
}
