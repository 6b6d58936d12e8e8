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
use cors_sync_core::cloudfront::policies::{LiveOriginRequestPolicy, OriginRequestHeaders};
use cors_sync_core::plan::Address;

use super::{Listed, Written, CREATED_BY};
use crate::cloudfront::quantity;

pub(crate) struct OriginRequest;

impl Listed for OriginRequest {
    type ListType = OriginRequestPolicyType;
    type Live = LiveOriginRequestPolicy;
    type Config = OriginRequestPolicyConfig;
    type ListError = ListOriginRequestPoliciesError;
    const LISTING: &'static str = "origin_request_policies";
    const LIST: &'static str = "ListOriginRequestPolicies";

    list_call!(
        list: list_origin_request_policies,
        list_field: origin_request_policy_list,
        policy: origin_request_policy,
        config: origin_request_policy_config
    );

    fn live(id: String, config: OriginRequestPolicyConfig) -> LiveOriginRequestPolicy {
        LiveOriginRequestPolicy {
            id,
            headers: headers_of(&config),
            name: config.name,
        }
    }
}

/// A new policy forwards the whitelist and no cookies or query strings; an update replaces the
/// whitelist, keeping the policy's cookie and query string settings.
impl Written for OriginRequest {
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

    write_calls!(
        create: create_origin_request_policy,
        get: get_origin_request_policy_config,
        update: update_origin_request_policy,
        policy: origin_request_policy,
        config: origin_request_policy_config
    );
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
