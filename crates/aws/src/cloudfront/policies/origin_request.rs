//! Custom origin request policies: what they forward to the origin. cors-sync manages only the
//! header whitelist; cookie and query string settings stay as they were.

use aws_sdk_cloudfront::error::BuildError;
use aws_sdk_cloudfront::operation::create_origin_request_policy::CreateOriginRequestPolicyError;
use aws_sdk_cloudfront::operation::get_origin_request_policy_config::GetOriginRequestPolicyConfigError;
use aws_sdk_cloudfront::operation::list_origin_request_policies::ListOriginRequestPoliciesError;
use aws_sdk_cloudfront::operation::update_origin_request_policy::UpdateOriginRequestPolicyError;
use aws_sdk_cloudfront::types::{
    Headers, OriginRequestPolicyConfig, OriginRequestPolicyCookieBehavior,
    OriginRequestPolicyCookiesConfig, OriginRequestPolicyHeaderBehavior,
    OriginRequestPolicyHeadersConfig, OriginRequestPolicyQueryStringBehavior,
    OriginRequestPolicyQueryStringsConfig, OriginRequestPolicyType,
};
use aws_sdk_cloudfront::Client;
use cors_sync_core::cloudfront::policies::{LiveOriginRequestPolicy, OriginRequestHeaders};
use cors_sync_core::plan::Address;

use super::{ConfigRead, Listed, Sent, Written, CREATED_BY};
use crate::cloudfront::{quantity, Attempts, Page};

pub(crate) struct OriginRequest;

impl Listed for OriginRequest {
    type ListType = OriginRequestPolicyType;
    type Live = LiveOriginRequestPolicy;
    type ListError = ListOriginRequestPoliciesError;
    const LISTING: &'static str = "origin_request_policies";
    const LIST: &'static str = "ListOriginRequestPolicies";

    async fn list_page(
        client: &Client,
        policy_type: OriginRequestPolicyType,
        marker: Option<String>,
    ) -> Sent<Page<LiveOriginRequestPolicy>, ListOriginRequestPoliciesError> {
        let output = client
            .list_origin_request_policies()
            .r#type(policy_type)
            .set_marker(marker)
            .send()
            .await?;
        let Some(list) = output.origin_request_policy_list else {
            return Ok(Default::default());
        };
        let policies = list
            .items
            .unwrap_or_default()
            .into_iter()
            .filter_map(|summary| {
                let policy = summary.origin_request_policy?;
                let config = policy.origin_request_policy_config?;
                Some(LiveOriginRequestPolicy {
                    id: policy.id,
                    headers: headers_of(&config),
                    name: config.name,
                })
            });
        Ok((policies.collect(), list.next_marker))
    }
}

/// A new policy forwards the whitelist and no cookies or query strings; an update replaces the
/// whitelist, keeping the policy's cookie and query string settings.
impl Written for OriginRequest {
    type Config = OriginRequestPolicyConfig;
    type Desired = OriginRequestHeaders;
    type Read = OriginRequestHeaders;
    type CreateError = CreateOriginRequestPolicyError;
    type GetError = GetOriginRequestPolicyConfigError;
    type UpdateError = UpdateOriginRequestPolicyError;
    const CREATE: &'static str = "CreateOriginRequestPolicy";
    const GET_CONFIG: &'static str = "GetOriginRequestPolicyConfig";
    const UPDATE: &'static str = "UpdateOriginRequestPolicy";

    fn address(name: &str) -> Address {
        Address::OriginRequestPolicy(name.to_string())
    }

    fn new_config(
        name: &str,
        headers: &OriginRequestHeaders,
    ) -> Result<OriginRequestPolicyConfig, BuildError> {
        let cookies = OriginRequestPolicyCookiesConfig::builder()
            .cookie_behavior(OriginRequestPolicyCookieBehavior::None)
            .build()?;
        let query_strings = OriginRequestPolicyQueryStringsConfig::builder()
            .query_string_behavior(OriginRequestPolicyQueryStringBehavior::None)
            .build()?;
        OriginRequestPolicyConfig::builder()
            .name(name)
            .comment(CREATED_BY)
            .headers_config(headers_config(headers)?)
            .cookies_config(cookies)
            .query_strings_config(query_strings)
            .build()
    }

    fn unmoved(config: &OriginRequestPolicyConfig, before: &OriginRequestHeaders) -> bool {
        headers_of(config).equivalent(before)
    }

    fn replace(
        config: &mut OriginRequestPolicyConfig,
        headers: &OriginRequestHeaders,
    ) -> Result<(), BuildError> {
        config.headers_config = Some(headers_config(headers)?);
        Ok(())
    }

    async fn send_create(
        client: &Client,
        config: OriginRequestPolicyConfig,
        attempts: Attempts,
    ) -> Sent<Option<String>, CreateOriginRequestPolicyError> {
        let output = client
            .create_origin_request_policy()
            .origin_request_policy_config(config)
            .customize()
            .interceptor(attempts)
            .send()
            .await?;
        Ok(output.origin_request_policy.map(|p| p.id))
    }

    async fn get_config(
        client: &Client,
        id: &str,
    ) -> Sent<ConfigRead<OriginRequestPolicyConfig>, GetOriginRequestPolicyConfigError> {
        let read = client
            .get_origin_request_policy_config()
            .id(id)
            .send()
            .await?;
        Ok((read.origin_request_policy_config, read.e_tag))
    }

    async fn send_update(
        client: &Client,
        id: &str,
        e_tag: Option<String>,
        config: OriginRequestPolicyConfig,
    ) -> Sent<(), UpdateOriginRequestPolicyError> {
        client
            .update_origin_request_policy()
            .id(id)
            .set_if_match(e_tag)
            .origin_request_policy_config(config)
            .send()
            .await?;
        Ok(())
    }
}

fn headers_of(config: &OriginRequestPolicyConfig) -> OriginRequestHeaders {
    let headers = config.headers_config.as_ref();
    OriginRequestHeaders {
        header_behavior: headers
            .map_or("none", |c| c.header_behavior.as_str())
            .to_string(),
        headers: headers
            .and_then(|c| c.headers.as_ref())
            .and_then(|h| h.items.clone())
            .unwrap_or_default(),
    }
}

fn headers_config(
    headers: &OriginRequestHeaders,
) -> Result<OriginRequestPolicyHeadersConfig, BuildError> {
    let whitelist = (!headers.headers.is_empty())
        .then(|| {
            Headers::builder()
                .quantity(quantity(headers.headers.len()))
                .set_items(Some(headers.headers.clone()))
                .build()
        })
        .transpose()?;
    OriginRequestPolicyHeadersConfig::builder()
        .header_behavior(OriginRequestPolicyHeaderBehavior::from(
            headers.header_behavior.as_str(),
        ))
        .set_headers(whitelist)
        .build()
}
