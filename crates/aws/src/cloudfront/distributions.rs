//! Reading distributions from list pages, updating behaviors with `If-Match`, and waiting for a
//! deployment to finish.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_cloudfront::types::{
    CacheBehavior, CacheBehaviors, DefaultCacheBehavior, DistributionSummary, Origins,
};
use cors_sync_core::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use cors_sync_core::cloudfront::distribution::LiveDistribution;
use cors_sync_core::cloudfront::policies::PolicyRef;
use cors_sync_core::plan::BehaviorChange;

use super::behavior_fields;
use super::distribution_resource;
use crate::error::{AwsError, ErrorCode};
use crate::{put_fields, read_settings, take_fields};

/// The most distributions one ListDistributions page carries.
const PAGE_SIZE: i32 = 100;

/// Reads the named distributions from ListDistributions pages (up to 100 distributions with all
/// their behaviors per call), stopping as soon as every one is found. A distribution the account
/// does not have is an error for that distribution.
pub async fn read_distributions(
    client: &aws_sdk_cloudfront::Client,
    ids: &[String],
) -> Vec<Result<LiveDistribution, AwsError>> {
    let mut wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let mut found: Vec<LiveDistribution> = Vec::new();
    let mut marker: Option<String> = None;
    while !wanted.is_empty() {
        let page = client
            .list_distributions()
            .max_items(PAGE_SIZE)
            .set_marker(marker.clone())
            .send()
            .await;
        let list = match page {
            Ok(output) => output.distribution_list,
            Err(error) => {
                // One failed list call fails every distribution still being looked for.
                return in_order(ids, found, |id| {
                    AwsError::from_sdk(&distribution_resource(id), "ListDistributions", &error)
                });
            }
        };
        let Some(list) = list else { break };
        for summary in list.items.unwrap_or_default() {
            if wanted.remove(summary.id.as_str()) {
                found.push(summarised(&summary));
            }
        }
        match list
            .next_marker
            .filter(|m| list.is_truncated && !m.is_empty())
        {
            Some(next) => marker = Some(next),
            None => break,
        }
    }
    in_order(ids, found, |id| AwsError {
        resource: distribution_resource(id),
        operation: "ListDistributions",
        code: Some(ErrorCode::NoSuchDistribution),
        message: "the account has no distribution with this ID".to_string(),
    })
}

/// The distributions asked for, in the order asked, with `missing` for each one not found.
fn in_order(
    ids: &[String],
    found: Vec<LiveDistribution>,
    missing: impl Fn(&str) -> AwsError,
) -> Vec<Result<LiveDistribution, AwsError>> {
    ids.iter()
        .map(|id| {
            found
                .iter()
                .find(|d| &d.id == id)
                .cloned()
                .ok_or_else(|| missing(id))
        })
        .collect()
}

/// GetDistributionConfig: the whole config, and the ETag an update must send back as `If-Match`.
async fn get_config(
    client: &aws_sdk_cloudfront::Client,
    id: &str,
) -> Result<
    (
        aws_sdk_cloudfront::types::DistributionConfig,
        Option<String>,
    ),
    AwsError,
> {
    let resource = distribution_resource(id);
    let read = client
        .get_distribution_config()
        .id(id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&resource, "GetDistributionConfig", &e))?;
    let config = read.distribution_config.ok_or_else(|| {
        AwsError::local(
            &resource,
            "GetDistributionConfig",
            "CloudFront returned no configuration",
        )
    })?;
    Ok((config, read.e_tag))
}

/// One distribution from GetDistributionConfig: its behaviors and the ETag an update would need.
pub async fn read_distribution_config(
    client: &aws_sdk_cloudfront::Client,
    id: &str,
) -> Result<LiveDistribution, AwsError> {
    let (config, etag) = get_config(client, id).await?;
    Ok(live_distribution(
        id,
        String::new(),
        config.origins.as_ref(),
        config.default_cache_behavior.as_ref(),
        config.cache_behaviors.as_ref(),
        etag,
    ))
}

/// A distribution from the parts a list summary and a config share.
fn live_distribution(
    id: &str,
    domain_name: String,
    origins: Option<&Origins>,
    default: Option<&DefaultCacheBehavior>,
    cache_behaviors: Option<&CacheBehaviors>,
    etag: Option<String>,
) -> LiveDistribution {
    let cache_behaviors = cache_behaviors
        .and_then(|c| c.items.as_deref())
        .unwrap_or_default();
    let mut behaviors: Vec<(BehaviorPath, BehaviorSettings)> = Vec::new();
    if let Some(default) = default {
        behaviors.push((BehaviorPath::Default, read_settings!(default)));
    }
    for behavior in cache_behaviors {
        behaviors.push((
            BehaviorPath::Pattern(behavior.path_pattern.clone()),
            read_settings!(behavior),
        ));
    }
    LiveDistribution {
        id: id.to_string(),
        domain_name,
        origin_domains: origins
            .map(|o| {
                o.items
                    .iter()
                    .map(|origin| origin.domain_name.clone())
                    .collect()
            })
            .unwrap_or_default(),
        behavior_origins: behavior_origins(
            origins,
            default.map(|b| b.target_origin_id.as_str()),
            cache_behaviors,
        ),
        behaviors,
        etag,
    }
}

/// Each behavior's origin domain, from its target origin ID.
fn behavior_origins(
    origins: Option<&Origins>,
    default_target: Option<&str>,
    cache_behaviors: &[CacheBehavior],
) -> Vec<(BehaviorPath, String)> {
    let domain = |target: &str| {
        origins
            .and_then(|o| o.items.iter().find(|origin| origin.id == target))
            .map(|origin| origin.domain_name.clone())
    };
    let mut found = Vec::new();
    if let Some(d) = default_target.and_then(domain) {
        found.push((BehaviorPath::Default, d));
    }
    for behavior in cache_behaviors {
        if let Some(d) = domain(&behavior.target_origin_id) {
            found.push((BehaviorPath::Pattern(behavior.path_pattern.clone()), d));
        }
    }
    found
}

fn summarised(summary: &DistributionSummary) -> LiveDistribution {
    live_distribution(
        &summary.id,
        summary.domain_name.clone(),
        summary.origins.as_ref(),
        summary.default_cache_behavior.as_ref(),
        summary.cache_behaviors.as_ref(),
        summary.e_tag.clone(),
    )
}

/// Updates the planned behaviors of one distribution: reads the whole config and its ETag, checks
/// that each behavior is still what the plan saw, changes only the planned fields, and sends the
/// whole config back with `If-Match`. Returns the distribution's status after the update.
pub async fn update_behaviors(
    client: &aws_sdk_cloudfront::Client,
    id: &str,
    changes: &[BehaviorChange],
    policy_id: &dyn Fn(&PolicyRef) -> Result<String, String>,
) -> Result<String, AwsError> {
    let resource = distribution_resource(id);
    let (mut config, etag) = get_config(client, id).await?;
    let etag = etag.ok_or_else(|| {
        AwsError::local(
            &resource,
            "GetDistributionConfig",
            "CloudFront returned no ETag",
        )
    })?;
    for change in changes {
        let fields = match &change.path {
            BehaviorPath::Default => config
                .default_cache_behavior
                .as_mut()
                .map(|b| take_fields!(b)),
            BehaviorPath::Pattern(pattern) => config
                .cache_behaviors
                .as_mut()
                .and_then(|c| c.items.as_mut())
                .and_then(|items| items.iter_mut().find(|b| &b.path_pattern == pattern))
                .map(|b| take_fields!(b)),
        };
        let Some(mut fields) = fields else {
            return Err(AwsError::local(
                &resource,
                "GetDistributionConfig",
                format!("behavior {} no longer exists; run plan again", change.path),
            ));
        };
        let now = behavior_fields::settings(&fields);
        if !now.equivalent(&change.before) {
            return Err(AwsError::local(
                &resource,
                "GetDistributionConfig",
                format!("behavior {} changed since the plan was made; nothing was written. Run plan again", change.path),
            ));
        }
        behavior_fields::write(&mut fields, change, policy_id)
            .map_err(|e| AwsError::local(&resource, "UpdateDistribution", e))?;
        match &change.path {
            BehaviorPath::Default => {
                if let Some(b) = config.default_cache_behavior.as_mut() {
                    put_fields!(b, fields);
                }
            }
            BehaviorPath::Pattern(pattern) => {
                if let Some(b) = config
                    .cache_behaviors
                    .as_mut()
                    .and_then(|c| c.items.as_mut())
                    .and_then(|items| items.iter_mut().find(|b| &b.path_pattern == pattern))
                {
                    put_fields!(b, fields);
                }
            }
        }
    }
    let updated = client
        .update_distribution()
        .id(id)
        .if_match(etag)
        .distribution_config(config)
        .send()
        .await
        .map_err(|e| {
            let mut error = AwsError::from_sdk(&resource, "UpdateDistribution", &e);
            if error.code == Some(ErrorCode::PreconditionFailed) {
                error.message = "the distribution changed since it was read; nothing was written. Run plan again".into();
            }
            error
        })?;
    Ok(updated.distribution.map(|d| d.status).unwrap_or_default())
}

/// Polls until the distribution's status is `Deployed`, calling `progress` with each status seen.
pub async fn wait_deployed(
    client: &aws_sdk_cloudfront::Client,
    id: &str,
    interval: Duration,
    timeout: Duration,
    progress: &dyn Fn(&str),
) -> Result<(), AwsError> {
    let resource = distribution_resource(id);
    let started = tokio::time::Instant::now();
    loop {
        let status = client
            .get_distribution()
            .id(id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&resource, "GetDistribution", &e))?
            .distribution
            .map(|d| d.status)
            .unwrap_or_default();
        progress(&status);
        if status == "Deployed" {
            return Ok(());
        }
        if started.elapsed() + interval > timeout {
            return Err(AwsError::local(
                &resource,
                "GetDistribution",
                format!(
                    "still {status} after {} s; the update was made, only the wait gave up",
                    timeout.as_secs()
                ),
            ));
        }
        tokio::time::sleep(interval).await;
    }
}
