//! Custom cache policies: cors-sync only reads their names, to resolve references.

use aws_sdk_cloudfront::operation::list_cache_policies::ListCachePoliciesError;
use aws_sdk_cloudfront::types::{CachePolicyConfig, CachePolicyType};
use cors_sync_core::cloudfront::policies::LiveCachePolicy;

use super::Listed;

pub(crate) struct Cache;

impl Listed for Cache {
    type ListType = CachePolicyType;
    type Live = LiveCachePolicy;
    type Config = CachePolicyConfig;
    type ListError = ListCachePoliciesError;
    const LISTING: &'static str = "cache_policies";
    const LIST: &'static str = "ListCachePolicies";

    list_call!(
        list: list_cache_policies,
        list_field: cache_policy_list,
        policy: cache_policy,
        config: cache_policy_config
    );

    fn live(id: String, config: CachePolicyConfig) -> LiveCachePolicy {
        LiveCachePolicy {
            name: config.name,
            id,
        }
    }
}
