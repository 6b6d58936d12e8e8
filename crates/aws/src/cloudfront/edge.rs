//! What a behavior does to a CORS request on its way to S3, for `check` and `verify`: which of
//! the headers S3's answer depends on it forwards, and its response headers policy's CORS
//! configuration. Policies are resolved from the AWS-managed table, the manifest, or AWS.

use cors_sync_core::cloudfront::behavior::BehaviorSettings;
use cors_sync_core::cloudfront::managed_policies;
use cors_sync_core::cloudfront::policies::CorsPolicy;
use cors_sync_core::evaluate::cloudfront::Forwarded;
use cors_sync_core::manifest::Manifest;

use super::policies;
use crate::{AwsError, CloudFrontClient};

/// What the behavior forwards, and the CORS configuration it adds, if any.
pub async fn edge_for(
    client: &CloudFrontClient,
    manifest: &Manifest,
    settings: &BehaviorSettings,
) -> Result<(Forwarded, Option<CorsPolicy>), AwsError> {
    Ok((
        forwarded(client, manifest, settings).await?,
        response_headers_cors(client, manifest, settings).await?,
    ))
}

/// Which CORS request headers the behavior sends to its origin.
async fn forwarded(
    client: &CloudFrontClient,
    manifest: &Manifest,
    settings: &BehaviorSettings,
) -> Result<Forwarded, AwsError> {
    if let Some(headers) = &settings.forward_headers {
        return Ok(Forwarded::from_headers(headers.iter().map(String::as_str)));
    }
    let mut names: Vec<String> = Vec::new();
    for reference in [&settings.cache_policy, &settings.origin_request_policy]
        .into_iter()
        .flatten()
    {
        let Some(id) = reference.id.as_deref() else {
            // A policy this manifest declares and apply would create.
            if let Some(declared) = manifest
                .origin_request_policies
                .iter()
                .find(|p| Some(&p.name) == reference.name.as_ref())
            {
                names.extend(declared.headers.iter().cloned());
            }
            continue;
        };
        if let Some(managed) = managed_policies::managed_forwarded_headers(id) {
            names.extend(managed.iter().map(|h| h.to_string()));
        } else if Some(reference) == settings.origin_request_policy.as_ref() {
            let policy = policies::get_origin_request_policy(client, id).await?;
            if policy.headers.header_behavior.starts_with("allViewer") {
                names.push("*".into());
            }
            names.extend(policy.headers.headers);
        }
    }
    Ok(Forwarded::from_headers(names.iter().map(String::as_str)))
}

/// The CORS configuration of the behavior's response headers policy, if it has one.
async fn response_headers_cors(
    client: &CloudFrontClient,
    manifest: &Manifest,
    settings: &BehaviorSettings,
) -> Result<Option<CorsPolicy>, AwsError> {
    let Some(reference) = &settings.response_headers_policy else {
        return Ok(None);
    };
    if let Some(declared) = manifest
        .response_headers_policies
        .iter()
        .find(|p| Some(&p.name) == reference.name.as_ref())
    {
        return Ok(Some(declared.cors.clone()));
    }
    let Some(id) = reference.id.as_deref() else {
        return Ok(None);
    };
    if managed_policies::by_id(id).is_some() {
        return Ok(managed_policies::managed_cors(id));
    }
    let policy = policies::get_response_headers_policy(client, id).await?;
    Ok(policy.cors)
}
