//! Custom origin request policies: what they forward to the origin. cors-sync manages only the
//! header whitelist; cookie and query string settings stay as they were.

use aws_sdk_cloudfront::types::{
    Headers, OriginRequestPolicyConfig, OriginRequestPolicyCookieBehavior,
    OriginRequestPolicyCookiesConfig, OriginRequestPolicyHeaderBehavior,
    OriginRequestPolicyHeadersConfig, OriginRequestPolicyQueryStringBehavior,
    OriginRequestPolicyQueryStringsConfig, OriginRequestPolicyType,
};
use cors_sync_core::cloudfront::policies::{LiveOriginRequestPolicy, OriginRequestHeaders};
use cors_sync_core::plan::Address;

use super::{CREATED_BY, MOVED};
use crate::cloudfront::{all_pages, create_error, quantity, write_error, Attempts};
use crate::error::{AwsError, Error};

fn resource(name: &str) -> String {
    Address::OriginRequestPolicy(name.to_string()).to_string()
}

/// One page-followed list of this kind's policies: the account's custom ones or AWS's managed.
pub(super) async fn list_of(
    client: &aws_sdk_cloudfront::Client,
    policy_type: OriginRequestPolicyType,
) -> Result<Vec<LiveOriginRequestPolicy>, AwsError> {
    all_pages(|marker| {
        let policy_type = policy_type.clone();
        async move {
            let output = client
                .list_origin_request_policies()
                .r#type(policy_type.clone())
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| {
                    AwsError::from_sdk("origin_request_policies", "ListOriginRequestPolicies", &e)
                })?;
            let Some(list) = output.origin_request_policy_list else {
                return Ok(Default::default());
            };
            let policies = list
                .items
                .unwrap_or_default()
                .into_iter()
                .filter_map(|summary| {
                    let policy = summary.origin_request_policy?;
                    Some(live(policy.id, policy.origin_request_policy_config?))
                });
            Ok((policies.collect(), list.next_marker))
        }
    })
    .await
}

fn live(id: String, config: OriginRequestPolicyConfig) -> LiveOriginRequestPolicy {
    let headers = config.headers_config.as_ref();
    LiveOriginRequestPolicy {
        id,
        headers: OriginRequestHeaders {
            header_behavior: headers
                .map_or("none", |c| c.header_behavior.as_str())
                .to_string(),
            headers: headers
                .and_then(|c| c.headers.as_ref())
                .and_then(|h| h.items.clone())
                .unwrap_or_default(),
        },
        name: config.name,
    }
}

fn headers_config(
    headers: &OriginRequestHeaders,
) -> Result<OriginRequestPolicyHeadersConfig, String> {
    let whitelist = (!headers.headers.is_empty())
        .then(|| {
            Headers::builder()
                .quantity(quantity(headers.headers.len()))
                .set_items(Some(headers.headers.clone()))
                .build()
        })
        .transpose()
        .map_err(|e| e.to_string())?;
    OriginRequestPolicyHeadersConfig::builder()
        .header_behavior(OriginRequestPolicyHeaderBehavior::from(
            headers.header_behavior.as_str(),
        ))
        .set_headers(whitelist)
        .build()
        .map_err(|e| e.to_string())
}

/// A new policy forwarding `headers` and no cookies or query strings; returns its ID.
pub(crate) async fn create(
    client: &aws_sdk_cloudfront::Client,
    name: &str,
    headers: &OriginRequestHeaders,
) -> Result<String, Error> {
    let resource = resource(name);
    let attempts = Attempts::default();
    let local = |e: String| AwsError::local(&resource, "CreateOriginRequestPolicy", e);
    let cookies = OriginRequestPolicyCookiesConfig::builder()
        .cookie_behavior(OriginRequestPolicyCookieBehavior::None)
        .build()
        .map_err(|e| local(e.to_string()))?;
    let query_strings = OriginRequestPolicyQueryStringsConfig::builder()
        .query_string_behavior(OriginRequestPolicyQueryStringBehavior::None)
        .build()
        .map_err(|e| local(e.to_string()))?;
    let config = OriginRequestPolicyConfig::builder()
        .name(name)
        .comment(CREATED_BY)
        .headers_config(headers_config(headers).map_err(local)?)
        .cookies_config(cookies)
        .query_strings_config(query_strings)
        .build()
        .map_err(|e| local(e.to_string()))?;
    let output = client
        .create_origin_request_policy()
        .origin_request_policy_config(config)
        .customize()
        .interceptor(attempts.clone())
        .send()
        .await
        .map_err(|e| create_error(&resource, "CreateOriginRequestPolicy", &e, attempts.count()))?;
    output
        .origin_request_policy
        .map(|p| p.id)
        .ok_or_else(|| local("CloudFront returned no policy ID".into()).into())
}

/// Replaces the header whitelist, keeping the policy's cookie and query string settings; refuses
/// when the whitelist read is no longer `before`, what the plan was made from.
pub(crate) async fn update(
    client: &aws_sdk_cloudfront::Client,
    name: &str,
    id: &str,
    before: &OriginRequestHeaders,
    headers: &OriginRequestHeaders,
) -> Result<(), Error> {
    let resource = resource(name);
    let read = client
        .get_origin_request_policy_config()
        .id(id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&resource, "GetOriginRequestPolicyConfig", &e))?;
    let local = |e: String| AwsError::local(&resource, "UpdateOriginRequestPolicy", e);
    let mut config = read
        .origin_request_policy_config
        .ok_or_else(|| AwsError::no_configuration(&resource, "UpdateOriginRequestPolicy"))?;
    if !live(id.to_string(), config.clone())
        .headers
        .equivalent(before)
    {
        return Err(local(MOVED.into()).into());
    }
    config.headers_config = Some(headers_config(headers).map_err(local)?);
    client
        .update_origin_request_policy()
        .id(id)
        .set_if_match(read.e_tag)
        .origin_request_policy_config(config)
        .send()
        .await
        .map_err(|e| write_error(&resource, "UpdateOriginRequestPolicy", &e))?;
    Ok(())
}
