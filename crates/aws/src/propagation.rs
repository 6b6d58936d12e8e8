//! Waiting for a store that takes time to show a change (Cloudflare R2: up to 30 s, from the
//! provider table): read the bucket back until it holds what was written, or the store's window
//! has passed.

use std::time::Duration;

use cors_sync_core::bucket_cors::BucketCors;
use cors_sync_core::normalize;

use crate::error::LocalFailure;
use crate::live_state::{read_cors, RegionalError};
use crate::{Aws, AwsError};

/// How often the bucket is read back while waiting.
const POLL_EVERY: Duration = Duration::from_secs(2);

/// The longest this connection's store takes to show a written change; zero when it shows it at
/// once.
pub fn window(aws: &Aws) -> Duration {
    Duration::from_secs(aws.provider().facts().propagation_seconds.0)
}

/// Reads `bucket` back until it holds `written` (by the store's read-back rules), at most for the
/// store's window. `Ok(true)` once seen; `Ok(false)` if the window passed first.
pub async fn wait_until_seen(
    aws: &Aws,
    bucket: &str,
    region: &str,
    written: &BucketCors,
) -> Result<bool, AwsError> {
    let deadline = tokio::time::Instant::now() + window(aws);
    loop {
        let live = read_cors(aws, region, bucket)
            .await
            .map_err(|error| match error {
                RegionalError::Failed(error) => error,
                RegionalError::Elsewhere(actual) => AwsError::local(
                    &crate::error::bucket_resource(bucket),
                    "GetBucketCors",
                    LocalFailure::StoreNamesAnotherRegion { region: actual },
                ),
            })?;
        let seen = match (written.is_configured(), live.is_configured()) {
            (false, false) => true,
            (true, true) => normalize::equivalent_on(aws.provider(), written, &live),
            _ => false,
        };
        if seen {
            return Ok(true);
        }
        if tokio::time::Instant::now() + POLL_EVERY > deadline {
            return Ok(false);
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}
