//! When a direct S3 read is tried again, and how long it waits first: the SDK's standard retry
//! mode, which the SDK-built S3 clients of this crate use too.

use std::time::Duration;

use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::retry::ErrorKind;

/// The SDK's standard mode: the first retry waits up to 1 s, each later one twice as long, never
/// more than 20 s; the actual wait is a uniformly random fraction of that (full jitter).
const INITIAL_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// Error codes AWS uses for "slow down" (aws-runtime's `THROTTLING_ERRORS`).
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];
/// Error codes for a request that may succeed as it is (aws-runtime's `TRANSIENT_ERRORS`).
const TRANSIENT_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException"];
/// Statuses the SDK retries whatever the body says.
const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// Whether an error answer from S3 is worth another attempt.
pub fn is_retryable_answer(status: u16, code: Option<&str>) -> bool {
    TRANSIENT_STATUSES.contains(&status)
        || code
            .is_some_and(|code| THROTTLING_CODES.contains(&code) || TRANSIENT_CODES.contains(&code))
}

/// Whether a request that got no answer is worth another attempt: a dropped or refused
/// connection and a timeout are; a request that could not be built is not.
pub fn is_retryable_failure(error: &ConnectorError) -> bool {
    error.is_io()
        || error.is_timeout()
        || matches!(
            error.as_other(),
            Some(ErrorKind::TransientError | ErrorKind::ThrottlingError | ErrorKind::ServerError)
        )
}

/// The wait before attempt number `attempt` (2 for the first retry), given a random `jitter`
/// in [0, 1).
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let doublings = attempt.saturating_sub(2);
    let ceiling = 2_u32
        .checked_pow(doublings)
        .and_then(|factor| INITIAL_BACKOFF.checked_mul(factor))
        .map_or(MAX_BACKOFF, |backoff| backoff.min(MAX_BACKOFF));
    ceiling.mul_f64(jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_server_errors_and_timeouts_are_retried_and_client_errors_are_not() {
        assert!(is_retryable_answer(503, Some("SlowDown")));
        assert!(is_retryable_answer(400, Some("Throttling")));
        assert!(is_retryable_answer(400, Some("RequestTimeout")));
        assert!(is_retryable_answer(500, Some("InternalError")));
        assert!(is_retryable_answer(502, None));
        assert!(!is_retryable_answer(403, Some("AccessDenied")));
        assert!(!is_retryable_answer(404, Some("NoSuchBucket")));
        assert!(!is_retryable_answer(301, Some("PermanentRedirect")));
        assert!(is_retryable_failure(&ConnectorError::io("reset".into())));
        assert!(is_retryable_failure(&ConnectorError::timeout(
            "slow".into()
        )));
        assert!(!is_retryable_failure(&ConnectorError::user(
            "bad uri".into()
        )));
    }

    #[test]
    fn backoff_doubles_from_one_second_up_to_twenty_with_full_jitter() {
        let ceilings: Vec<u64> = (2..=8).map(|a| backoff(a, 1.0).as_secs()).collect();
        assert_eq!(ceilings, vec![1, 2, 4, 8, 16, 20, 20]);
        assert_eq!(backoff(3, 0.5), Duration::from_secs(1));
        assert_eq!(backoff(2, 0.0), Duration::ZERO);
        assert_eq!(backoff(u32::MAX, 1.0), MAX_BACKOFF);
    }
}
