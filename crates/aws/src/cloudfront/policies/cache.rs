//! Custom cache policies: cors-sync only reads their names, to resolve references.

use aws_sdk_cloudfront::types::CachePolicyType;
use cors_sync_core::cloudfront::policies::LiveCachePolicy;

use crate::cloudfront::all_pages;
use crate::error::AwsError;

pub(crate) async fn list(
    client: &aws_sdk_cloudfront::Client,
) -> Result<Vec<LiveCachePolicy>, AwsError> {
    all_pages(|marker| async move {
        let output = client
            .list_cache_policies()
            .r#type(CachePolicyType::Custom)
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
    })
    .await
}
