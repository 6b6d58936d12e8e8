//! The account's custom CloudFront policies: listing them (to resolve names and compare), and
//! creating or updating the ones a manifest declares. Only the managed part of a policy changes:
//! an origin request policy's header whitelist, a response headers policy's CORS configuration.

use aws_sdk_cloudfront::types::{
    CachePolicyType, Headers, OriginRequestPolicyConfig, OriginRequestPolicyCookieBehavior,
    OriginRequestPolicyCookiesConfig, OriginRequestPolicyHeaderBehavior,
    OriginRequestPolicyHeadersConfig, OriginRequestPolicyQueryStringBehavior,
    OriginRequestPolicyQueryStringsConfig, OriginRequestPolicyType,
    ResponseHeadersPolicyAccessControlAllowHeaders, ResponseHeadersPolicyAccessControlAllowMethods,
    ResponseHeadersPolicyAccessControlAllowMethodsValues,
    ResponseHeadersPolicyAccessControlAllowOrigins,
    ResponseHeadersPolicyAccessControlExposeHeaders, ResponseHeadersPolicyConfig,
    ResponseHeadersPolicyCorsConfig, ResponseHeadersPolicyType,
};
use cors_sync_core::cloudfront::policies::{
    CorsPolicy, LiveCachePolicy, LiveOriginRequestPolicy, LiveResponseHeadersPolicy,
    OriginRequestHeaders,
};
use cors_sync_core::plan::{Address, LiveState, PolicyListings};

use crate::error::AwsError;

/// Said in the comment of every policy cors-sync creates, so people know where it comes from.
const CREATED_BY: &str = "Managed by cors-sync";

fn quantity(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn orp_resource(name: &str) -> String {
    Address::OriginRequestPolicy(name.to_string()).to_string()
}

fn rhp_resource(name: &str) -> String {
    Address::ResponseHeadersPolicy(name.to_string()).to_string()
}

pub async fn list_origin_request_policies(
    client: &aws_sdk_cloudfront::Client,
) -> Result<Vec<LiveOriginRequestPolicy>, AwsError> {
    let mut policies = Vec::new();
    let mut marker = None;
    loop {
        let output = client
            .list_origin_request_policies()
            .r#type(OriginRequestPolicyType::Custom)
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("origin_request_policies", "ListOriginRequestPolicies", &e)
            })?;
        let Some(list) = output.origin_request_policy_list else {
            break;
        };
        for summary in list.items.unwrap_or_default() {
            let Some(policy) = summary.origin_request_policy else {
                continue;
            };
            let Some(config) = policy.origin_request_policy_config else {
                continue;
            };
            policies.push(LiveOriginRequestPolicy {
                id: policy.id,
                name: config.name,
                headers: headers_of(config.headers_config.as_ref()),
            });
        }
        marker = list.next_marker.filter(|m| !m.is_empty());
        if marker.is_none() {
            break;
        }
    }
    Ok(policies)
}

fn headers_of(config: Option<&OriginRequestPolicyHeadersConfig>) -> OriginRequestHeaders {
    OriginRequestHeaders {
        header_behavior: config
            .map_or("none", |c| c.header_behavior.as_str())
            .to_string(),
        headers: config
            .and_then(|c| c.headers.as_ref())
            .and_then(|h| h.items.clone())
            .unwrap_or_default(),
    }
}

fn headers_config(
    headers: &OriginRequestHeaders,
) -> Result<OriginRequestPolicyHeadersConfig, String> {
    OriginRequestPolicyHeadersConfig::builder()
        .header_behavior(OriginRequestPolicyHeaderBehavior::from(
            headers.header_behavior.as_str(),
        ))
        .set_headers(
            (!headers.headers.is_empty())
                .then(|| {
                    Headers::builder()
                        .quantity(quantity(headers.headers.len()))
                        .set_items(Some(headers.headers.clone()))
                        .build()
                })
                .transpose()
                .map_err(|e| e.to_string())?,
        )
        .build()
        .map_err(|e| e.to_string())
}

pub async fn create_origin_request_policy(
    client: &aws_sdk_cloudfront::Client,
    name: &str,
    headers: &OriginRequestHeaders,
) -> Result<String, AwsError> {
    let resource = orp_resource(name);
    let local = |e: String| AwsError::local(&resource, "CreateOriginRequestPolicy", e);
    let config = OriginRequestPolicyConfig::builder()
        .name(name)
        .comment(CREATED_BY)
        .headers_config(headers_config(headers).map_err(local)?)
        .cookies_config(
            OriginRequestPolicyCookiesConfig::builder()
                .cookie_behavior(OriginRequestPolicyCookieBehavior::None)
                .build()
                .map_err(|e| local(e.to_string()))?,
        )
        .query_strings_config(
            OriginRequestPolicyQueryStringsConfig::builder()
                .query_string_behavior(OriginRequestPolicyQueryStringBehavior::None)
                .build()
                .map_err(|e| local(e.to_string()))?,
        )
        .build()
        .map_err(|e| local(e.to_string()))?;
    let output = client
        .create_origin_request_policy()
        .origin_request_policy_config(config)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&resource, "CreateOriginRequestPolicy", &e))?;
    output
        .origin_request_policy
        .map(|p| p.id)
        .ok_or_else(|| local("CloudFront returned no policy ID".into()))
}

/// Replaces the header whitelist, keeping the policy's cookie and query string settings.
pub async fn update_origin_request_policy(
    client: &aws_sdk_cloudfront::Client,
    name: &str,
    id: &str,
    headers: &OriginRequestHeaders,
) -> Result<(), AwsError> {
    let resource = orp_resource(name);
    let read = client
        .get_origin_request_policy_config()
        .id(id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&resource, "GetOriginRequestPolicyConfig", &e))?;
    let local = |e: String| AwsError::local(&resource, "UpdateOriginRequestPolicy", e);
    let mut config = read
        .origin_request_policy_config
        .ok_or_else(|| local("CloudFront returned no configuration".into()))?;
    config.headers_config = Some(headers_config(headers).map_err(local)?);
    client
        .update_origin_request_policy()
        .id(id)
        .set_if_match(read.e_tag)
        .origin_request_policy_config(config)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&resource, "UpdateOriginRequestPolicy", &e))?;
    Ok(())
}

pub async fn list_response_headers_policies(
    client: &aws_sdk_cloudfront::Client,
) -> Result<Vec<LiveResponseHeadersPolicy>, AwsError> {
    let mut policies = Vec::new();
    let mut marker = None;
    loop {
        let output = client
            .list_response_headers_policies()
            .r#type(ResponseHeadersPolicyType::Custom)
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    "response_headers_policies",
                    "ListResponseHeadersPolicies",
                    &e,
                )
            })?;
        let Some(list) = output.response_headers_policy_list else {
            break;
        };
        for summary in list.items.unwrap_or_default() {
            let Some(policy) = summary.response_headers_policy else {
                continue;
            };
            let Some(config) = policy.response_headers_policy_config else {
                continue;
            };
            policies.push(LiveResponseHeadersPolicy {
                id: policy.id,
                name: config.name,
                cors: config.cors_config.as_ref().map(cors_of),
            });
        }
        marker = list.next_marker.filter(|m| !m.is_empty());
        if marker.is_none() {
            break;
        }
    }
    Ok(policies)
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

fn cors_config(cors: &CorsPolicy) -> Result<ResponseHeadersPolicyCorsConfig, String> {
    let error = |e: aws_sdk_cloudfront::error::BuildError| e.to_string();
    ResponseHeadersPolicyCorsConfig::builder()
        .access_control_allow_origins(
            ResponseHeadersPolicyAccessControlAllowOrigins::builder()
                .quantity(quantity(cors.allow_origins.len()))
                .set_items(Some(cors.allow_origins.clone()))
                .build()
                .map_err(error)?,
        )
        .access_control_allow_methods(
            ResponseHeadersPolicyAccessControlAllowMethods::builder()
                .quantity(quantity(cors.allow_methods.len()))
                .set_items(Some(
                    cors.allow_methods
                        .iter()
                        .map(|m| {
                            ResponseHeadersPolicyAccessControlAllowMethodsValues::from(m.as_str())
                        })
                        .collect(),
                ))
                .build()
                .map_err(error)?,
        )
        .access_control_allow_headers(
            ResponseHeadersPolicyAccessControlAllowHeaders::builder()
                .quantity(quantity(cors.allow_headers.len()))
                .set_items(Some(cors.allow_headers.clone()))
                .build()
                .map_err(error)?,
        )
        .set_access_control_expose_headers(
            (!cors.expose_headers.is_empty())
                .then(|| {
                    ResponseHeadersPolicyAccessControlExposeHeaders::builder()
                        .quantity(quantity(cors.expose_headers.len()))
                        .set_items(Some(cors.expose_headers.clone()))
                        .build()
                })
                .transpose()
                .map_err(error)?,
        )
        .access_control_allow_credentials(cors.allow_credentials)
        .set_access_control_max_age_sec(cors.max_age_seconds)
        .origin_override(cors.origin_override)
        .build()
        .map_err(error)
}

pub async fn create_response_headers_policy(
    client: &aws_sdk_cloudfront::Client,
    name: &str,
    cors: &CorsPolicy,
) -> Result<String, AwsError> {
    let resource = rhp_resource(name);
    let local = |e: String| AwsError::local(&resource, "CreateResponseHeadersPolicy", e);
    let config = ResponseHeadersPolicyConfig::builder()
        .name(name)
        .comment(CREATED_BY)
        .cors_config(cors_config(cors).map_err(local)?)
        .build()
        .map_err(|e| local(e.to_string()))?;
    let output = client
        .create_response_headers_policy()
        .response_headers_policy_config(config)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&resource, "CreateResponseHeadersPolicy", &e))?;
    output
        .response_headers_policy
        .map(|p| p.id)
        .ok_or_else(|| local("CloudFront returned no policy ID".into()))
}

/// Replaces the CORS configuration, keeping the policy's security, custom and other headers.
pub async fn update_response_headers_policy(
    client: &aws_sdk_cloudfront::Client,
    name: &str,
    id: &str,
    cors: &CorsPolicy,
) -> Result<(), AwsError> {
    let resource = rhp_resource(name);
    let read = client
        .get_response_headers_policy_config()
        .id(id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&resource, "GetResponseHeadersPolicyConfig", &e))?;
    let local = |e: String| AwsError::local(&resource, "UpdateResponseHeadersPolicy", e);
    let mut config = read
        .response_headers_policy_config
        .ok_or_else(|| local("CloudFront returned no configuration".into()))?;
    config.cors_config = Some(cors_config(cors).map_err(local)?);
    client
        .update_response_headers_policy()
        .id(id)
        .set_if_match(read.e_tag)
        .response_headers_policy_config(config)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&resource, "UpdateResponseHeadersPolicy", &e))?;
    Ok(())
}

pub async fn list_cache_policies(
    client: &aws_sdk_cloudfront::Client,
) -> Result<Vec<LiveCachePolicy>, AwsError> {
    let mut policies = Vec::new();
    let mut marker = None;
    loop {
        let output = client
            .list_cache_policies()
            .r#type(CachePolicyType::Custom)
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("cache_policies", "ListCachePolicies", &e))?;
        let Some(list) = output.cache_policy_list else {
            break;
        };
        for summary in list.items.unwrap_or_default() {
            let Some(policy) = summary.cache_policy else {
                continue;
            };
            let Some(config) = policy.cache_policy_config else {
                continue;
            };
            policies.push(LiveCachePolicy {
                id: policy.id,
                name: config.name,
            });
        }
        marker = list.next_marker.filter(|m| !m.is_empty());
        if marker.is_none() {
            break;
        }
    }
    Ok(policies)
}

/// One custom origin request policy by ID (for import).
pub async fn get_origin_request_policy(
    client: &aws_sdk_cloudfront::Client,
    id: &str,
) -> Result<LiveOriginRequestPolicy, AwsError> {
    let output = client
        .get_origin_request_policy()
        .id(id)
        .send()
        .await
        .map_err(|e| {
            AwsError::from_sdk(
                &format!("origin_request_policy {id}"),
                "GetOriginRequestPolicy",
                &e,
            )
        })?;
    let config = output
        .origin_request_policy
        .and_then(|p| p.origin_request_policy_config)
        .ok_or_else(|| {
            AwsError::local(
                id,
                "GetOriginRequestPolicy",
                "CloudFront returned no configuration",
            )
        })?;
    Ok(LiveOriginRequestPolicy {
        id: id.to_string(),
        headers: headers_of(config.headers_config.as_ref()),
        name: config.name,
    })
}

/// One custom response headers policy by ID (for import).
pub async fn get_response_headers_policy(
    client: &aws_sdk_cloudfront::Client,
    id: &str,
) -> Result<LiveResponseHeadersPolicy, AwsError> {
    let output = client
        .get_response_headers_policy()
        .id(id)
        .send()
        .await
        .map_err(|e| {
            AwsError::from_sdk(
                &format!("response_headers_policy {id}"),
                "GetResponseHeadersPolicy",
                &e,
            )
        })?;
    let config = output
        .response_headers_policy
        .and_then(|p| p.response_headers_policy_config)
        .ok_or_else(|| {
            AwsError::local(
                id,
                "GetResponseHeadersPolicy",
                "CloudFront returned no configuration",
            )
        })?;
    Ok(LiveResponseHeadersPolicy {
        id: id.to_string(),
        cors: config.cors_config.as_ref().map(cors_of),
        name: config.name,
    })
}

/// One custom cache policy's name by ID (for import).
pub async fn get_cache_policy(
    client: &aws_sdk_cloudfront::Client,
    id: &str,
) -> Result<LiveCachePolicy, AwsError> {
    let output = client
        .get_cache_policy()
        .id(id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("cache_policy {id}"), "GetCachePolicy", &e))?;
    let name = output
        .cache_policy
        .and_then(|p| p.cache_policy_config)
        .map(|c| c.name)
        .ok_or_else(|| {
            AwsError::local(id, "GetCachePolicy", "CloudFront returned no configuration")
        })?;
    Ok(LiveCachePolicy {
        id: id.to_string(),
        name,
    })
}

/// Reads into `live` the account's policy lists that `needed` names; returns the errors of those
/// that could not be read.
pub async fn read_listings(
    client: &aws_sdk_cloudfront::Client,
    needed: PolicyListings,
    live: &mut LiveState,
) -> Vec<AwsError> {
    let mut errors = Vec::new();
    if needed.origin_request {
        match list_origin_request_policies(client).await {
            Ok(found) => live.origin_request_policies = found,
            Err(error) => errors.push(error),
        }
    }
    if needed.response_headers {
        match list_response_headers_policies(client).await {
            Ok(found) => live.response_headers_policies = found,
            Err(error) => errors.push(error),
        }
    }
    if needed.cache {
        match list_cache_policies(client).await {
            Ok(found) => live.cache_policies = found,
            Err(error) => errors.push(error),
        }
    }
    errors
}
