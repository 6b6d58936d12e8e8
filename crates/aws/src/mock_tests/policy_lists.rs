//! The account's policy lists: each kind asked for its custom and its AWS-managed policies (so a
//! `Managed-` name outside cors-sync's table resolves), only the kinds needed, and one kind's
//! failure kept to that kind.

use aws_sdk_cloudfront::operation::list_origin_request_policies::ListOriginRequestPoliciesOutput;
use aws_sdk_cloudfront::types::{
    OriginRequestPolicyConfig, OriginRequestPolicyCookieBehavior, OriginRequestPolicyCookiesConfig,
    OriginRequestPolicyHeaderBehavior, OriginRequestPolicyHeadersConfig, OriginRequestPolicyList,
    OriginRequestPolicyQueryStringBehavior, OriginRequestPolicyQueryStringsConfig,
    OriginRequestPolicySummary, OriginRequestPolicyType,
};
use cors_sync_core::plan::{LiveState, PolicyListings};

use super::*;
use crate::cloudfront::policies::read_listings;

fn origin_request_page(kind: &str, id: &str, name: &str) -> ListOriginRequestPoliciesOutput {
    let config = OriginRequestPolicyConfig::builder()
        .name(name)
        .headers_config(
            OriginRequestPolicyHeadersConfig::builder()
                .header_behavior(OriginRequestPolicyHeaderBehavior::Whitelist)
                .headers(
                    Headers::builder()
                        .quantity(1)
                        .items("Origin")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .cookies_config(
            OriginRequestPolicyCookiesConfig::builder()
                .cookie_behavior(OriginRequestPolicyCookieBehavior::None)
                .build()
                .unwrap(),
        )
        .query_strings_config(
            OriginRequestPolicyQueryStringsConfig::builder()
                .query_string_behavior(OriginRequestPolicyQueryStringBehavior::None)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let policy = OriginRequestPolicy::builder()
        .id(id)
        .last_modified_time(DateTime::from_secs(0))
        .origin_request_policy_config(config)
        .build()
        .unwrap();
    ListOriginRequestPoliciesOutput::builder()
        .origin_request_policy_list(
            OriginRequestPolicyList::builder()
                .max_items(100)
                .quantity(1)
                .items(
                    OriginRequestPolicySummary::builder()
                        .r#type(OriginRequestPolicyType::from(kind))
                        .origin_request_policy(policy)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .build()
}

#[tokio::test]
async fn each_needed_kind_lists_its_custom_and_managed_policies_and_fails_alone() {
    let custom = mock!(Client::list_origin_request_policies)
        .match_requests(|r| r.r#type() == Some(&OriginRequestPolicyType::Custom))
        .then_output(|| origin_request_page("custom", "orp-1", "cors-forward"));
    let managed = mock!(Client::list_origin_request_policies)
        .match_requests(|r| r.r#type() == Some(&OriginRequestPolicyType::Managed))
        .then_output(|| origin_request_page("managed", "orp-m", "Managed-FutureHeaders"));
    let cache = mock!(Client::list_cache_policies)
        .then_http_response(|| error_response(403, "AccessDenied", "not allowed to list"));
    let response_headers = mock!(Client::list_response_headers_policies)
        .then_http_response(|| error_response(500, "InternalError", "not to be asked"));
    let cf = client(&[&custom, &managed, &cache, &response_headers]);
    let needed = PolicyListings {
        cache: true,
        origin_request: true,
        response_headers: false,
    };
    let mut live = LiveState::default();
    let errors = read_listings(&cf, needed, &mut live).await;

    let listed: Vec<(&str, &str)> = live
        .origin_request_policies
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("orp-1", "cors-forward"),
            ("orp-m", "Managed-FutureHeaders")
        ]
    );
    assert_eq!(live.origin_request_policies[0].headers.headers, ["Origin"]);
    assert!(live.cache_policies.is_empty());
    let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "cache_policies: ListCachePolicies failed: AccessDenied: not allowed to list"
        ),
        "{errors:?}"
    );
    assert_eq!(response_headers.num_calls(), 0, "not needed, not asked");
}
