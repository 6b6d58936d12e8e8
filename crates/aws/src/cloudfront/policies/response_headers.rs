//! Custom response headers policies: the CORS headers CloudFront adds. cors-sync manages only the
//! CORS configuration; security, custom and other headers stay as they were.

use aws_sdk_cloudfront::error::BuildError;
use aws_sdk_cloudfront::operation::create_response_headers_policy::CreateResponseHeadersPolicyError;
use aws_sdk_cloudfront::operation::get_response_headers_policy_config::GetResponseHeadersPolicyConfigError;
use aws_sdk_cloudfront::operation::list_response_headers_policies::ListResponseHeadersPoliciesError;
use aws_sdk_cloudfront::operation::update_response_headers_policy::UpdateResponseHeadersPolicyError;
use aws_sdk_cloudfront::types::{
    ResponseHeadersPolicyAccessControlAllowHeaders, ResponseHeadersPolicyAccessControlAllowMethods,
    ResponseHeadersPolicyAccessControlAllowMethodsValues,
    ResponseHeadersPolicyAccessControlAllowOrigins,
    ResponseHeadersPolicyAccessControlExposeHeaders, ResponseHeadersPolicyConfig,
    ResponseHeadersPolicyCorsConfig, ResponseHeadersPolicyType,
};
use cors_sync_core::cloudfront::policies::{CorsPolicy, LiveResponseHeadersPolicy};
use cors_sync_core::plan::Address;

use super::{Listed, Written, CREATED_BY};
use crate::cloudfront::quantity;

pub(crate) struct ResponseHeaders;

impl Listed for ResponseHeaders {
    type ListType = ResponseHeadersPolicyType;
    type Live = LiveResponseHeadersPolicy;
    type Config = ResponseHeadersPolicyConfig;
    type ListError = ListResponseHeadersPoliciesError;
    const LISTING: &'static str = "response_headers_policies";
    const LIST: &'static str = "ListResponseHeadersPolicies";

    list_call!(
        list: list_response_headers_policies,
        list_field: response_headers_policy_list,
        policy: response_headers_policy,
        config: response_headers_policy_config
    );

    fn live(id: String, config: ResponseHeadersPolicyConfig) -> LiveResponseHeadersPolicy {
        LiveResponseHeadersPolicy {
            id,
            cors: config.cors_config.as_ref().map(cors_of),
            name: config.name,
        }
    }
}

/// A new policy adds the CORS headers and nothing else; an update replaces the CORS
/// configuration, keeping the policy's security, custom and other headers. Read, a policy's CORS
/// is `None` when it sets no CORS headers.
impl Written for ResponseHeaders {
    type Desired = CorsPolicy;
    type Read = Option<CorsPolicy>;
    type CreateError = CreateResponseHeadersPolicyError;
    type GetError = GetResponseHeadersPolicyConfigError;
    type UpdateError = UpdateResponseHeadersPolicyError;
    const CREATE: &'static str = "CreateResponseHeadersPolicy";
    const GET_CONFIG: &'static str = "GetResponseHeadersPolicyConfig";
    const UPDATE: &'static str = "UpdateResponseHeadersPolicy";

    fn address(name: &str) -> Address {
        Address::ResponseHeadersPolicy(name.to_string())
    }

    fn new_config(
        name: &str,
        cors: &CorsPolicy,
    ) -> Result<ResponseHeadersPolicyConfig, BuildError> {
        ResponseHeadersPolicyConfig::builder()
            .name(name)
            .comment(CREATED_BY)
            .cors_config(cors_config(cors)?)
            .build()
    }

    fn unmoved(config: &ResponseHeadersPolicyConfig, before: &Option<CorsPolicy>) -> bool {
        match (config.cors_config.as_ref().map(cors_of), before) {
            (None, None) => true,
            (Some(now), Some(before)) => now.equivalent(before),
            _ => false,
        }
    }

    fn replace(
        config: &mut ResponseHeadersPolicyConfig,
        cors: &CorsPolicy,
    ) -> Result<(), BuildError> {
        config.cors_config = Some(cors_config(cors)?);
        Ok(())
    }

    write_calls!(
        create: create_response_headers_policy,
        get: get_response_headers_policy_config,
        update: update_response_headers_policy,
        policy: response_headers_policy,
        config: response_headers_policy_config
    );
}

fn cors_of(config: &ResponseHeadersPolicyCorsConfig) -> CorsPolicy {
    CorsPolicy {
        allow_origins: config
            .access_control_allow_origins
            .as_ref()
            .map(|o| o.items.clone())
            .unwrap_or_default(),
        allow_methods: config
            .access_control_allow_methods
            .as_ref()
            .map(|m| m.items.iter().map(|v| v.as_str().to_string()).collect())
            .unwrap_or_default(),
        allow_headers: config
            .access_control_allow_headers
            .as_ref()
            .map(|h| h.items.clone())
            .unwrap_or_default(),
        expose_headers: config
            .access_control_expose_headers
            .as_ref()
            .and_then(|h| h.items.clone())
            .unwrap_or_default(),
        allow_credentials: config.access_control_allow_credentials,
        max_age_seconds: config.access_control_max_age_sec,
        origin_override: config.origin_override,
    }
}

fn cors_config(cors: &CorsPolicy) -> Result<ResponseHeadersPolicyCorsConfig, BuildError> {
    let methods = cors
        .allow_methods
        .iter()
        .map(|m| ResponseHeadersPolicyAccessControlAllowMethodsValues::from(m.as_str()));
    let expose = (!cors.expose_headers.is_empty())
        .then(|| {
            ResponseHeadersPolicyAccessControlExposeHeaders::builder()
                .quantity(quantity(cors.expose_headers.len()))
                .set_items(Some(cors.expose_headers.clone()))
                .build()
        })
        .transpose()?;
    ResponseHeadersPolicyCorsConfig::builder()
        .access_control_allow_origins(
            ResponseHeadersPolicyAccessControlAllowOrigins::builder()
                .quantity(quantity(cors.allow_origins.len()))
                .set_items(Some(cors.allow_origins.clone()))
                .build()?,
        )
        .access_control_allow_methods(
            ResponseHeadersPolicyAccessControlAllowMethods::builder()
                .quantity(quantity(cors.allow_methods.len()))
                .set_items(Some(methods.collect()))
                .build()?,
        )
        .access_control_allow_headers(
            ResponseHeadersPolicyAccessControlAllowHeaders::builder()
                .quantity(quantity(cors.allow_headers.len()))
                .set_items(Some(cors.allow_headers.clone()))
                .build()?,
        )
        .set_access_control_expose_headers(expose)
        .access_control_allow_credentials(cors.allow_credentials)
        .set_access_control_max_age_sec(cors.max_age_seconds)
        .origin_override(cors.origin_override)
        .build()
}
