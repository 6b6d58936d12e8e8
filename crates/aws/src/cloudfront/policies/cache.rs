//! Custom cache policies: cors-sync only reads their names, to resolve references.

use aws_sdk_cloudfront::operation::list_cache_policies::ListCachePoliciesError;
use aws_sdk_cloudfront::types::CachePolicyType;
use aws_sdk_cloudfront::Client;
use cors_sync_core::cloudfront::policies::LiveCachePolicy;

use super::{Listed, Sent};
use crate::cloudfront::Page;

pub(crate) struct Cache;

impl Listed for Cache {
    type ListType = CachePolicyType;
    type Live = LiveCachePolicy;
    type ListError = ListCachePoliciesError;
    const LISTING: &'static str = "cache_policies";
    const LIST: &'static str = "ListCachePolicies";

    async fn list_page(
        client: &Client,
        policy_type: CachePolicyType,
        marker: Option<String>,
    ) -> Sent<Page<LiveCachePolicy>, ListCachePoliciesError> {
        let output = client
            .list_cache_policies()
            .r#type(policy_type)
            .set_marker(marker)
            .send()
            .await?;
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
}
