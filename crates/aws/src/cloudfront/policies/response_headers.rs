//! Custom response headers policies: the CORS headers CloudFront adds. cors-sync manages only the
//! CORS configuration; security, custom and other headers stay as they were.

use aws_sdk_cloudfront::error::BuildError;
use aws_sdk_cloudfront::types::{
    ResponseHeadersPolicyAccessControlAllowHeaders, ResponseHeadersPolicyAccessControlAllowMethods,
    ResponseHeadersPolicyAccessControlAllowMethodsValues,
    ResponseHeadersPolicyAccessControlAllowOrigins,
    ResponseHeadersPolicyAccessControlExposeHeaders, ResponseHeadersPolicyConfig,
    ResponseHeadersPolicyCorsConfig, ResponseHeadersPolicyType,
};
use cors_sync_core::cloudfront::policies::{CorsPolicy, LiveResponseHeadersPolicy};
use cors_sync_core::plan::Address;

use super::{CREATED_BY, MOVED};
use crate::cloudfront::{all_pages, create_error, quantity, write_error, Attempts};
use crate::error::{AwsError, Error};

fn resource(name: &str) -> String {
    Address::ResponseHeadersPolicy(name.to_string()).to_string()
}

/// One page-followed list of this kind's policies: the account's custom ones or AWS's managed.
pub(super) async fn list_of(
    client: &aws_sdk_cloudfront::Client,
    policy_type: ResponseHeadersPolicyType,
) -> Result<Vec<LiveResponseHeadersPolicy>, AwsError> {
    all_pages(|marker| {
        let policy_type = policy_type.clone();
        async move {
            let output = client
                .list_response_headers_policies()
                .r#type(policy_type.clone())
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| {
                    let resource = "response_headers_policies";
                    AwsError::from_sdk(resource, "ListResponseHeadersPolicies", &e)
                })?;
            let Some(list) = output.response_headers_policy_list else {
                return Ok(Default::default());
            };
            let policies = list
                .items
                .unwrap_or_default()
                .into_iter()
                .filter_map(|summary| {
                    let policy = summary.response_headers_policy?;
                    Some(live(policy.id, policy.response_headers_policy_config?))
                });
            Ok((policies.collect(), list.next_marker))
        }
    })
    .await
}

fn live(id: String, config: ResponseHeadersPolicyConfig) -> LiveResponseHeadersPolicy {
    LiveResponseHeadersPolicy {
        id,
        cors: config.cors_config.as_ref().map(cors_of),
        name: config.name,
    }
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

/// A new policy adding `cors` and nothing else; returns its ID.
pub(crate) async fn create(
    client: &aws_sdk_cloudfront::Client,
    name: &str,
    cors: &CorsPolicy,
) -> Result<String, Error> {
    let resource = resource(name);
    let attempts = Attempts::default();
    let local = |e: String| AwsError::local(&resource, "CreateResponseHeadersPolicy", e);
    let config = cors_config(cors)
        .and_then(|cors| {
            ResponseHeadersPolicyConfig::builder()
                .name(name)
                .comment(CREATED_BY)
                .cors_config(cors)
                .build()
        })
        .map_err(|e| local(e.to_string()))?;
    let output = client
        .create_response_headers_policy()
        .response_headers_policy_config(config)
        .customize()
        .interceptor(attempts.clone())
        .send()
        .await
        .map_err(|e| {
            create_error(
                &resource,
                "CreateResponseHeadersPolicy",
                &e,
                attempts.count(),
            )
        })?;
    output
        .response_headers_policy
        .map(|p| p.id)
        .ok_or_else(|| local("CloudFront returned no policy ID".into()).into())
}

/// Replaces the CORS configuration, keeping the policy's security, custom and other headers.
/// Replaces the CORS configuration; refuses when the one read is no longer `before`, what the
/// plan was made from (`None`: the policy set no CORS headers).
pub(crate) async fn update(
    client: &aws_sdk_cloudfront::Client,
    name: &str,
    id: &str,
    before: Option<&CorsPolicy>,
    cors: &CorsPolicy,
) -> Result<(), Error> {
    let resource = resource(name);
    let read = client
        .get_response_headers_policy_config()
        .id(id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&resource, "GetResponseHeadersPolicyConfig", &e))?;
    let mut config = read
        .response_headers_policy_config
        .ok_or_else(|| AwsError::no_configuration(&resource, "UpdateResponseHeadersPolicy"))?;
    let now = config.cors_config.as_ref().map(cors_of);
    let unmoved = match (&now, before) {
        (None, None) => true,
        (Some(now), Some(before)) => now.equivalent(before),
        _ => false,
    };
    if !unmoved {
        return Err(AwsError::local(&resource, "UpdateResponseHeadersPolicy", MOVED).into());
    }
    config.cors_config =
        Some(cors_config(cors).map_err(|e| {
            AwsError::local(&resource, "UpdateResponseHeadersPolicy", e.to_string())
        })?);
    client
        .update_response_headers_policy()
        .id(id)
        .set_if_match(read.e_tag)
        .response_headers_policy_config(config)
        .send()
        .await
        .map_err(|e| write_error(&resource, "UpdateResponseHeadersPolicy", &e))?;
    Ok(())
}
