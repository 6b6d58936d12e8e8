//! Reading distributions from list pages, updating behaviors with `If-Match`, and waiting for a
//! deployment to finish.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_cloudfront::types::{
    Aliases, CacheBehavior, CacheBehaviors, DefaultCacheBehavior, DistributionConfig,
    DistributionSummary, Origins,
};
use cors_sync_core::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use cors_sync_core::cloudfront::distribution::LiveDistribution;
use cors_sync_core::cloudfront::policies::PolicyRef;
use cors_sync_core::plan::{BehaviorChange, Migration};

use super::behavior::{self, settings, Behavior, PolicyNotCreated};
use super::{distribution_resource, each_page, write_error, Page};
use crate::error::{AwsError, Error, ErrorCode, LocalFailure};

/// The most distributions one ListDistributions page carries.
const PAGE_SIZE: i32 = 100;

/// Reads the named distributions from ListDistributions pages (up to 100 distributions with all
/// their behaviors per call), stopping as soon as every one is found. A distribution the account
/// does not have is an error for that distribution.
pub(crate) async fn read_distributions(
    client: &aws_sdk_cloudfront::Client,
    ids: &[String],
) -> Vec<Result<LiveDistribution, AwsError>> {
    let mut wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let mut found: Vec<LiveDistribution> = Vec::new();
    let fetch = |marker| async move {
        let output = client
            .list_distributions()
            .max_items(PAGE_SIZE)
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("distributions", "ListDistributions", &e))?;
        Ok(output.distribution_list.map_or_else(Page::default, |list| {
            let next = list.next_marker.filter(|_| list.is_truncated);
            (list.items.unwrap_or_default(), next)
        }))
    };
    let take = |summaries: Vec<DistributionSummary>| {
        for summary in summaries {
            if wanted.remove(summary.id.as_str()) {
                found.push(summarised(summary));
            }
        }
        !wanted.is_empty()
    };
    if let Err(error) = each_page(fetch, take).await {
        // One failed list call fails every distribution still being looked for.
        return in_order(ids, found, |id| AwsError {
            resource: distribution_resource(id),
            ..error.clone()
        });
    }
    in_order(ids, found, |id| AwsError {
        resource: distribution_resource(id),
        operation: "ListDistributions",
        code: Some(ErrorCode::NoSuchDistribution),
        message: "the account has no distribution with this ID".to_string(),
        request_id: None,
        missing_credentials: None,
        server_error: false,
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
) -> Result<(DistributionConfig, Option<String>), AwsError> {
    let resource = distribution_resource(id);
    let read = client
        .get_distribution_config()
        .id(id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&resource, "GetDistributionConfig", &e))?;
    let config = read
        .distribution_config
        .ok_or_else(|| AwsError::no_configuration(&resource, "GetDistributionConfig"))?;
    Ok((config, read.e_tag))
}

/// One distribution from GetDistributionConfig: its behaviors and the ETag an update would need.
pub(crate) async fn read_distribution_config(
    client: &aws_sdk_cloudfront::Client,
    id: &str,
) -> Result<LiveDistribution, AwsError> {
    let (config, etag) = get_config(client, id).await?;
    Ok(live_distribution(
        id,
        String::new(),
        config.aliases,
        config.origins,
        config.default_cache_behavior,
        config.cache_behaviors,
        etag,
    ))
}

/// A distribution from the parts a list summary and a config share.
fn live_distribution(
    id: &str,
    domain_name: String,
    aliases: Option<Aliases>,
    origins: Option<Origins>,
    default: Option<DefaultCacheBehavior>,
    cache_behaviors: Option<CacheBehaviors>,
    etag: Option<String>,
) -> LiveDistribution {
    let cache_behaviors = cache_behaviors.and_then(|c| c.items).unwrap_or_default();
    let behavior_origins = behavior_origins(
        origins.as_ref(),
        default.as_ref().map(|b| b.target_origin_id.as_str()),
        &cache_behaviors,
    );
    let mut behaviors: Vec<(BehaviorPath, BehaviorSettings)> = Vec::new();
    if let Some(mut default) = default {
        behaviors.push((BehaviorPath::Default, settings(&default.take_fields())));
    }
    for mut behavior in cache_behaviors {
        let settings = settings(&behavior.take_fields());
        behaviors.push((BehaviorPath::Pattern(behavior.path_pattern), settings));
    }
    LiveDistribution {
        id: id.to_string(),
        domain_name,
        aliases: aliases.and_then(|a| a.items).unwrap_or_default(),
        origin_domains: origins
            .map(|o| {
                o.items
                    .into_iter()
                    .map(|origin| origin.domain_name)
                    .collect()
            })
            .unwrap_or_default(),
        behavior_origins,
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

/// Every distribution of the account, from ListDistributions pages (the SDK's paginator, which
/// follows NextMarker and stops at a marker it was just given).
pub(crate) async fn read_every_distribution(
    client: &aws_sdk_cloudfront::Client,
) -> Result<Vec<LiveDistribution>, AwsError> {
    let mut pages = client
        .list_distributions()
        .into_paginator()
        .page_size(PAGE_SIZE)
        .send();
    let mut found = Vec::new();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| AwsError::from_sdk("distributions", "ListDistributions", &e))?;
        let items = page
            .distribution_list
            .and_then(|list| list.items)
            .unwrap_or_default();
        found.extend(items.into_iter().map(summarised));
    }
    Ok(found)
}

fn summarised(summary: DistributionSummary) -> LiveDistribution {
    live_distribution(
        &summary.id,
        summary.domain_name,
        summary.aliases,
        summary.origins,
        summary.default_cache_behavior,
        summary.cache_behaviors,
        summary.e_tag,
    )
}

/// The behavior at `path` in a distribution's config.
fn behavior_at<'a>(
    config: &'a mut DistributionConfig,
    path: &BehaviorPath,
) -> Option<&'a mut dyn Behavior> {
    match path {
        BehaviorPath::Default => config
            .default_cache_behavior
            .as_mut()
            .map(|b| b as &mut dyn Behavior),
        BehaviorPath::Pattern(pattern) => config
            .cache_behaviors
            .as_mut()?
            .items
            .as_mut()?
            .iter_mut()
            .find(|b| &b.path_pattern == pattern)
            .map(|b| b as &mut dyn Behavior),
    }
}

/// An update ready to send: the whole config as read with only the planned fields changed, and
/// the ETag it was read with.
#[derive(Debug)]
pub struct PreparedUpdate {
    config: DistributionConfig,
    etag: String,
}

/// Prepares the update of the planned behaviors of one distribution: reads the whole config and
/// its ETag, checks that each behavior is still what the plan saw, changes only the planned
/// fields, and checks that nothing else differs from what was read. Returns the behavior changes
/// with the state read as their `before` (what the backup journal records), and the update.
pub(crate) async fn prepare_update(
    client: &aws_sdk_cloudfront::Client,
    id: &str,
    changes: &[BehaviorChange],
    policy_id: &dyn Fn(&PolicyRef) -> Result<String, PolicyNotCreated>,
) -> Result<(Vec<BehaviorChange>, PreparedUpdate), AwsError> {
    let resource = distribution_resource(id);
    let (read, etag) = get_config(client, id).await?;
    let etag = etag
        .ok_or_else(|| AwsError::local(&resource, "GetDistributionConfig", LocalFailure::NoETag))?;
    let mut config = read.clone();
    let mut journalled = Vec::with_capacity(changes.len());
    for change in changes {
        let Some(behavior) = behavior_at(&mut config, &change.path) else {
            return Err(AwsError::local(
                &resource,
                "GetDistributionConfig",
                LocalFailure::BehaviorGone {
                    path: change.path.to_string(),
                },
            ));
        };
        let mut fields = behavior.take_fields();
        let now = settings(&fields);
        if !now.equivalent(&change.before) {
            return Err(AwsError::local(
                &resource,
                "GetDistributionConfig",
                LocalFailure::BehaviorMoved {
                    path: change.path.to_string(),
                },
            ));
        }
        journalled.push(BehaviorChange {
            before: now,
            removed_legacy: (change.migration == Some(Migration::ToCachePolicy))
                .then(|| behavior::legacy_settings(&fields))
                .flatten(),
            ..change.clone()
        });
        behavior::write(&mut fields, change, policy_id).map_err(|e| {
            AwsError::local(
                &resource,
                "UpdateDistribution",
                LocalFailure::BehaviorUnwritable(e),
            )
        })?;
        behavior.swap_fields(&mut fields);
    }
    only_planned_fields_differ(&read, &config, changes).map_err(|what| {
        AwsError::local(
            &resource,
            "UpdateDistribution",
            LocalFailure::UnmanagedFields { what },
        )
    })?;
    Ok((journalled, PreparedUpdate { config, etag }))
}

/// What an update would change beyond the planned fields of the planned behaviors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unplanned {
    #[error("behavior default")]
    DefaultBehavior,
    #[error("the list of cache behaviors")]
    BehaviorList,
    #[error("behavior {path}")]
    Behavior { path: String },
    #[error("the distribution's settings outside its behaviors")]
    OutsideBehaviors,
}

/// `Ok` when `sending` differs from `read` in nothing but the planned fields of the planned
/// behaviors; otherwise what else differs. The update is built from what was read, so this holds
/// by construction: it is checked anyway, because a difference would be written to a live
/// distribution. See docs/reliability.md.
pub(crate) fn only_planned_fields_differ(
    read: &DistributionConfig,
    sending: &DistributionConfig,
    changes: &[BehaviorChange],
) -> Result<(), Unplanned> {
    let masked = |config: &DistributionConfig| {
        let mut masked = config.clone();
        for change in changes {
            if let Some(behavior) = behavior_at(&mut masked, &change.path) {
                behavior::mask_managed(behavior, change.migration);
            }
        }
        masked
    };
    let (read, sending) = (masked(read), masked(sending));
    if read == sending {
        return Ok(());
    }
    if read.default_cache_behavior != sending.default_cache_behavior {
        return Err(Unplanned::DefaultBehavior);
    }
    let behaviors = |c: &DistributionConfig| {
        c.cache_behaviors
            .as_ref()
            .and_then(|b| b.items.clone())
            .unwrap_or_default()
    };
    let (read_behaviors, sent_behaviors) = (behaviors(&read), behaviors(&sending));
    if read_behaviors.len() != sent_behaviors.len() {
        return Err(Unplanned::BehaviorList);
    }
    if let Some(changed) = read_behaviors
        .iter()
        .zip(&sent_behaviors)
        .find(|(r, s)| r != s)
    {
        return Err(Unplanned::Behavior {
            path: changed.0.path_pattern.clone(),
        });
    }
    Err(Unplanned::OutsideBehaviors)
}

/// Sends a prepared update with `If-Match`. Returns the distribution's status after it.
pub(crate) async fn send_update(
    client: &aws_sdk_cloudfront::Client,
    id: &str,
    update: PreparedUpdate,
) -> Result<String, Error> {
    let resource = distribution_resource(id);
    let updated = client
        .update_distribution()
        .id(id)
        .if_match(update.etag)
        .distribution_config(update.config)
        .send()
        .await
        .map_err(|e| {
            let mut error = write_error(&resource, "UpdateDistribution", &e);
            if let Error::Call(call) = &mut error {
                if call.code == Some(ErrorCode::PreconditionFailed) {
                    call.message = "the distribution changed since it was read; nothing was written. Run plan again".into();
                }
            }
            error
        })?;
    Ok(updated.distribution.map(|d| d.status).unwrap_or_default())
}

/// Prepares and sends the update of the planned behaviors of one distribution.
#[cfg(test)]
pub(crate) async fn update_behaviors(
    client: &aws_sdk_cloudfront::Client,
    id: &str,
    changes: &[BehaviorChange],
    policy_id: &dyn Fn(&PolicyRef) -> Result<String, PolicyNotCreated>,
) -> Result<String, Error> {
    let (_, update) = prepare_update(client, id, changes, policy_id).await?;
    send_update(client, id, update).await
}

/// Polls until the distribution's status is `Deployed`, calling `progress` with each status seen.
pub async fn wait_deployed(
    client: &aws_sdk_cloudfront::Client,
    id: &str,
    interval: Duration,
    timeout: Duration,
    progress: &dyn Fn(&str),
) -> Result<(), AwsError> {
    // The command line refuses less than a second; a caller's zero must not become a busy loop
    // of GetDistribution calls either.
    let interval = interval.max(Duration::from_secs(1));
    let resource = distribution_resource(id);
    let started = tokio::time::Instant::now();
    // Not the SDK's `wait_until_distribution_deployed`: its waiter reports nothing until it ends
    // (no hook sees each poll's status, so no progress) and fixes its own delays (60 s growing to
    // 35 min), where this polls at the caller's interval.
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
                LocalFailure::StillDeploying {
                    status,
                    seconds: timeout.as_secs(),
                },
            ));
        }
        tokio::time::sleep(interval).await;
    }
}
