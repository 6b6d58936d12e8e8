//! Custom cache policies: cors-sync only reads their names, to resolve references.

use aws_sdk_cloudfront::types::CachePolicyType;
use cors_sync_core::cloudfront::policies::LiveCachePolicy;

use crate::cloudfront::all_pages;
use crate::error::AwsError;

/// The account's custom policies of this kind and AWS's managed ones (listed as `Managed-...`),
/// so a managed name outside cors-sync's table still resolves.
pub(crate) async fn list(
    client: &aws_sdk_cloudfront::Client,
) -> Result<Vec<LiveCachePolicy>, AwsError> {
    let (mut policies, managed) = futures::try_join!(
        list_of(client, CachePolicyType::Custom),
        list_of(client, CachePolicyType::Managed)
    )?;
    policies.extend(managed);
    Ok(policies)
}

async fn list_of(
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
