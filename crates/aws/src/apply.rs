//! Writing planned changes: PutBucketCors for create and update, DeleteBucketCors for delete.
//! Only what a plan lists is ever written.

use aws_sdk_s3::types::CorsConfiguration;
use cors_sync_core::plan::{Action, Change};
use futures::stream::{self, StreamExt};

use crate::error::AwsError;
use crate::s3_rules;
use crate::Aws;

/// Applies every change, at most `parallelism` at a time. One failure does not stop the others;
/// results come back in plan order.
pub async fn apply_changes<'p>(
    aws: &Aws,
    changes: &'p [Change],
    parallelism: usize,
) -> Vec<(&'p Change, Result<(), AwsError>)> {
    stream::iter(changes)
        .map(|change| async move { (change, apply_change(aws, change).await) })
        .buffered(parallelism.max(1))
        .collect()
        .await
}

pub async fn apply_change(aws: &Aws, change: &Change) -> Result<(), AwsError> {
    let resource = change.address.to_string();
    let cors_sync_core::plan::Address::S3Bucket(bucket) = &change.address;
    let client = aws.s3(&change.region);
    match (change.action, &change.after) {
        (Action::Create | Action::Update, Some(rules)) => {
            let rules = rules
                .iter()
                .map(s3_rules::to_sdk)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| AwsError::local(&resource, "PutBucketCors", e))?;
            let configuration = CorsConfiguration::builder()
                .set_cors_rules(Some(rules))
                .build()
                .map_err(|e| AwsError::local(&resource, "PutBucketCors", e.to_string()))?;
            client
                .put_bucket_cors()
                .bucket(bucket)
                .cors_configuration(configuration)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(&resource, "PutBucketCors", &e))?;
        }
        (Action::Delete, _) => {
            client
                .delete_bucket_cors()
                .bucket(bucket)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(&resource, "DeleteBucketCors", &e))?;
        }
        // A create or update always carries rules (the planner builds it so); refuse rather than
        // write an empty configuration, which S3 rejects anyway.
        (Action::Create | Action::Update, None) => {
            return Err(AwsError::local(
                &resource,
                "PutBucketCors",
                "the planned change has no rules to write",
            ));
        }
    }
    Ok(())
}
