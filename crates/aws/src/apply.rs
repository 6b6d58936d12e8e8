//! Writing a plan: exactly its changes, nothing else. S3 writes run concurrently (bounded);
//! CloudFront writes run one at a time, spaced, policies before the distributions that use them.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use cors_sync_core::bucket::Bucket;
use cors_sync_core::bucket_cors::BucketCors;
use cors_sync_core::cloudfront::policies::{PolicyKind, PolicyRef};
use cors_sync_core::fingerprint;
use cors_sync_core::plan::{Change, LivePolicy, LiveState, PlannedChange};
use futures::future::BoxFuture;
use futures::stream::{self, StreamExt};
pub use tokio_util::sync::CancellationToken;

use crate::cloudfront::policies::{OriginRequest, ResponseHeaders};
use crate::cloudfront::{distributions, policies, PolicyNotCreated};
use crate::error::{AwsError, Error, LocalFailure, NotSent};
use crate::live_state;
use crate::s3_rules;
use crate::Aws;

/// CloudFront throttles after a few updates a minute and publishes no rate; writes are serialised
/// and spaced by this much, and the client's adaptive retry backs off further on `Throttling`.
const CLOUDFRONT_WRITE_SPACING: Duration = Duration::from_secs(1);

/// What a successful write left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Written,
    /// A distribution update: its status right after (`InProgress` until deployed).
    Distribution {
        status: String,
    },
}

pub struct ChangeResult<'p> {
    pub change: &'p Change,
    /// `Error::Call` (nothing was written), `NotSent` or `InFlight`.
    pub outcome: Result<Applied, Error>,
}

/// Where the previous live state of each resource is recorded before it is written.
pub trait Journal: Sync {
    /// Must have durably recorded `change` (its `before`: the state read just before the write)
    /// when it resolves to `Ok`, which is when the write is sent; resolves to the entry's number,
    /// for `not_written`. A journal may make the entries of writes waiting together durable with
    /// one flush (group commit), so that concurrent writes do not each wait for a flush.
    fn record<'a>(&'a self, change: &'a Change) -> BoxFuture<'a, std::io::Result<u64>>;

    /// The write recorded as `entry` was refused (AWS answered with a client error, or it was
    /// never sent): nothing was written, so there is nothing of it for a rollback to restore.
    fn not_written(&self, entry: u64) -> std::io::Result<()>;
}

/// For callers that keep no backups (tests).
pub struct NoJournal;

impl Journal for NoJournal {
    fn record<'a>(&'a self, _change: &'a Change) -> BoxFuture<'a, std::io::Result<u64>> {
        Box::pin(std::future::ready(Ok(0)))
    }

    fn not_written(&self, _entry: u64) -> std::io::Result<()> {
        Ok(())
    }
}

/// What every write goes through: interruption and the backup journal.
pub struct Safeguards<'a> {
    pub journal: &'a dyn Journal,
    /// Cancelled on Ctrl-C or SIGTERM: writes not yet sent are skipped; in-flight ones abandoned.
    pub cancel: CancellationToken,
    /// Called after each change, whatever its outcome (a progress bar).
    pub progress: &'a (dyn Fn() + Sync),
}

impl Safeguards<'_> {
    /// Writes one change: `current` re-reads the resource just before (it yields the change with
    /// the state read as its `before`, and what the write needs, or says how the resource moved
    /// since the plan), the journal records that state, then `write` runs. The window between the
    /// re-read and the write is one flushed journal line: S3 has no conditional PutBucketCors to
    /// close it. A write refused outright (refused before it was sent, or answered with a client
    /// error) is marked in the journal as not written, so the journal holds only writes that were
    /// made or may have been; a server error or no answer leaves the entry standing.
    async fn write<P, C, W, F>(
        &self,
        change: &Change,
        current: C,
        write: W,
    ) -> Result<Applied, Error>
    where
        C: Future<Output = Result<(Change, P), Error>>,
        W: FnOnce(P) -> F,
        F: Future<Output = Result<Applied, Error>>,
    {
        let resource = change.address().to_string();
        let interrupted = || Error::NotSent {
            resource: resource.clone(),
            reason: NotSent::Interrupted,
        };
        if self.cancel.is_cancelled() {
            return Err(interrupted());
        }
        let current = tokio::select! {
            biased;
            () = self.cancel.cancelled() => Err(interrupted()),
            current = current => current,
        };
        let (journalled, prepared) = match current {
            Ok(current) => current,
            Err(error) => {
                (self.progress)();
                return Err(error);
            }
        };
        let entry = match self.journal.record(&journalled).await {
            Ok(entry) => entry,
            Err(error) => {
                (self.progress)();
                return Err(Error::NotSent {
                    resource,
                    reason: NotSent::NotBackedUp {
                        error: error.to_string(),
                    },
                });
            }
        };
        // Recording waits for a flush: a Ctrl-C during it comes before the write is sent, so the
        // write is not sent and its entry is marked as one that was not.
        if self.cancel.is_cancelled() {
            self.mark_not_written(entry);
            (self.progress)();
            return Err(interrupted());
        }
        let outcome = tokio::select! {
            biased;
            () = self.cancel.cancelled() => Err(Error::InFlight { resource }),
            result = write(prepared) => result,
        };
        if matches!(&outcome, Err(Error::Call(call)) if call.wrote_nothing()) {
            self.mark_not_written(entry);
        }
        (self.progress)();
        outcome
    }

    /// Marks journal entry `entry` as a write that was not made, so a rollback does not take it
    /// for one that was. Should the mark fail to be written, the entry stays: a rollback then
    /// restores the state read just before a write that changed nothing, which is still that
    /// state unless someone else has changed it since, and its plan shows that.
    fn mark_not_written(&self, entry: u64) {
        let _ = self.journal.not_written(entry);
    }
}

/// Applies every change of one account's part of the plan (`Plan::by_account`), through that
/// account's connection. One failure does not stop the others (except distributions that refer
/// to a policy whose creation failed). Results come back in plan order.
pub async fn apply_plan<'p>(
    aws: &Aws,
    changes: &[&'p PlannedChange],
    parallelism: usize,
    safeguards: &Safeguards<'_>,
) -> Vec<ChangeResult<'p>> {
    let mut buckets = Vec::new();
    let mut cloudfront = Vec::new();
    for planned in changes {
        let change = &planned.change;
        match change {
            Change::BucketCors {
                bucket,
                region,
                after,
                ..
            } => buckets.push((change, bucket.as_str(), region.as_str(), after)),
            _ => cloudfront.push(change),
        }
    }
    let mut results: Vec<ChangeResult<'p>> = stream::iter(buckets)
        .map(|(change, bucket, region, after)| async move {
            let _permit = aws.request_permit().await;
            let resource = change.address().to_string();
            let current = async { still_as_planned(aws, change).await.map(|c| (c, ())) };
            let write = |()| async move {
                write_bucket_cors(aws, bucket, region, after, &resource)
                    .await
                    .map(|()| Applied::Written)
            };
            // Boxed once the permit is had, as bucket reads are (`live_state::read_buckets`): a
            // write waiting for the budget is not allocated at the full size of its requests.
            let outcome = Box::pin(safeguards.write(change, current, write)).await;
            ChangeResult { change, outcome }
        })
        .buffered(parallelism.max(1))
        .collect()
        .await;
    if !cloudfront.is_empty() {
        results.extend(
            apply_cloudfront_changes(
                &aws.cloudfront(),
                &cloudfront,
                CLOUDFRONT_WRITE_SPACING,
                safeguards,
            )
            .await,
        );
    }
    results
}

/// CloudFront changes one at a time, `spacing` apart, in plan order (policies before the
/// distributions that use them); a policy created here gets its ID substituted into behaviors.
pub async fn apply_cloudfront_changes<'p>(
    client: &aws_sdk_cloudfront::Client,
    changes: &[&'p Change],
    spacing: Duration,
    safeguards: &Safeguards<'_>,
) -> Vec<ChangeResult<'p>> {
    let mut created: HashMap<(PolicyKind, String), String> = HashMap::new();
    let mut results = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        if i > 0 && !safeguards.cancel.is_cancelled() {
            tokio::time::sleep(spacing).await;
        }
        let outcome = match change {
            // A distribution is re-read, checked and its update built before the journal records
            // it, so the journal holds the state read and nothing for an update never sent.
            Change::Distribution { id, behaviors } => {
                let current = async {
                    let policy_id = |reference: &PolicyRef| created_policy_id(&created, reference);
                    let (read, update) =
                        distributions::prepare_update(client, id, behaviors, &policy_id).await?;
                    let journalled = Change::Distribution {
                        id: id.clone(),
                        behaviors: read,
                    };
                    Ok((journalled, update))
                };
                let write = |update| async move {
                    let status = distributions::send_update(client, id, update).await?;
                    Ok(Applied::Distribution { status })
                };
                safeguards.write(change, current, write).await
            }
            // Policy updates re-read what they change and refuse when it moved; creates fail if
            // the name was taken meanwhile.
            _ => {
                let current = async { Ok(((*change).clone(), ())) };
                let created = &mut created;
                let write = move |()| {
                    // Moved in whole, so the closure is called once and the borrow goes with it.
                    let created = created;
                    apply_policy_change(client, change, created)
                };
                safeguards.write(change, current, write).await
            }
        };
        results.push(ChangeResult { change, outcome });
    }
    results
}

/// The bucket change with the CORS configuration just read as its `before`, or `Error::Moved`
/// when that is no longer what the plan was made from (compared as plans compare: rule order
/// matters, order inside a rule does not).
async fn still_as_planned(aws: &Aws, change: &Change) -> Result<Change, Error> {
    let Change::BucketCors {
        bucket,
        region,
        before,
        after,
    } = change
    else {
        return Ok(change.clone());
    };
    let now = match live_state::read_cors(aws, region, bucket).await {
        Ok(now) => now,
        Err(live_state::RegionalError::Failed(error)) => return Err(Error::Call(error)),
        Err(live_state::RegionalError::Elsewhere(actual)) => {
            return Err(Error::Call(AwsError::local(
                &change.address().to_string(),
                "GetBucketCors",
                LocalFailure::BucketElsewhere {
                    actual,
                    planned: region.clone(),
                },
            )))
        }
    };
    if fingerprint::bucket(region, &now) != fingerprint::bucket(region, before) {
        return Err(Error::Moved {
            resource: change.address().to_string(),
            now: Box::new(LiveState {
                account: aws.account.clone(),
                buckets: vec![Bucket {
                    name: bucket.clone(),
                    region: region.clone(),
                    cors: now,
                }],
                ..LiveState::default()
            }),
        });
    }
    Ok(Change::BucketCors {
        bucket: bucket.clone(),
        region: region.clone(),
        before: now,
        after: after.clone(),
    })
}

/// PutBucketCors with `after`'s rules, or DeleteBucketCors when the bucket must have none.
async fn write_bucket_cors(
    aws: &Aws,
    bucket: &str,
    region: &str,
    after: &BucketCors,
    resource: &str,
) -> Result<(), Error> {
    match after.is_configured() {
        true => put_bucket_cors(aws, region, bucket, after, resource).await,
        false => aws
            .s3(region)
            .delete_bucket_cors()
            .bucket(bucket)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws.s3_write_error(resource, "DeleteBucketCors", &e)),
    }
}

async fn put_bucket_cors(
    aws: &Aws,
    region: &str,
    bucket: &str,
    cors: &BucketCors,
    resource: &str,
) -> Result<(), Error> {
    let configuration = s3_rules::to_sdk(cors)
        .map_err(|e| Error::Call(AwsError::local(resource, "PutBucketCors", e.into())))?;
    aws.s3(region)
        .put_bucket_cors()
        .bucket(bucket)
        .cors_configuration(configuration)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| aws.s3_write_error(resource, "PutBucketCors", &e))
}

/// The ID of the policy a behavior refers to: its own, or that of a policy created earlier in the
/// same apply.
fn created_policy_id(
    created: &HashMap<(PolicyKind, String), String>,
    reference: &PolicyRef,
) -> Result<String, PolicyNotCreated> {
    if let Some(id) = &reference.id {
        return Ok(id.clone());
    }
    let name = reference.name.clone().unwrap_or_default();
    [PolicyKind::OriginRequest, PolicyKind::ResponseHeaders]
        .into_iter()
        .find_map(|kind| created.get(&(kind, name.clone())).cloned())
        .ok_or(PolicyNotCreated { name })
}

async fn apply_policy_change(
    client: &aws_sdk_cloudfront::Client,
    change: &Change,
    created: &mut HashMap<(PolicyKind, String), String>,
) -> Result<Applied, Error> {
    match change {
        Change::OriginRequestPolicy { name, live, after } => match live {
            Some(LivePolicy { id, before }) => {
                policies::update::<OriginRequest>(client, name, id, before, after).await?;
            }
            None => {
                let id = policies::create::<OriginRequest>(client, name, after).await?;
                created.insert((PolicyKind::OriginRequest, name.clone()), id);
            }
        },
        Change::ResponseHeadersPolicy { name, live, after } => match live {
            Some(LivePolicy { id, before }) => {
                policies::update::<ResponseHeaders>(client, name, id, before, after).await?;
            }
            None => {
                let id = policies::create::<ResponseHeaders>(client, name, after).await?;
                created.insert((PolicyKind::ResponseHeaders, name.clone()), id);
            }
        },
        Change::Distribution { .. } | Change::BucketCors { .. } => {
            return Err(Error::Call(AwsError::local(
                &change.address().to_string(),
                "apply",
                LocalFailure::NotAPolicyChange,
            )))
        }
    }
    Ok(Applied::Written)
}
