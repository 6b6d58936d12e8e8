//! When a direct S3 read is tried again, how long it waits first, and how many retries a run may
//! spend: the SDK's standard retry mode, which the SDK-built S3 clients of this crate use too.

use std::sync::atomic::{AtomicU32, Ordering};
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

/// Why a failed attempt is worth another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// S3 asked to slow down.
    Throttling,
    /// No answer, a timeout, or a 5xx: the same request may well succeed.
    Transient,
    /// S3 refused the request's time, and the clock skew that explains it is now known.
    ClockSkew,
}

impl Reason {
    /// What a retry for this reason draws from the quota (the SDK's legacy-spec costs, which its
    /// standard mode uses by default).
    fn cost(self) -> u32 {
        match self {
            Reason::Transient => 10,
            Reason::Throttling | Reason::ClockSkew => 5,
        }
    }
}

/// Why an error answer from S3 is worth another attempt, if it is.
pub fn answer_reason(status: u16, code: Option<&str>) -> Option<Reason> {
    if code.is_some_and(|code| THROTTLING_CODES.contains(&code)) {
        Some(Reason::Throttling)
    } else if TRANSIENT_STATUSES.contains(&status)
        || code.is_some_and(|code| TRANSIENT_CODES.contains(&code))
    {
        Some(Reason::Transient)
    } else {
        None
    }
}

/// Why a request that got no answer is worth another attempt, if it is: a dropped or refused
/// connection and a timeout are; a request that could not be built is not.
pub fn failure_reason(error: &ConnectorError) -> Option<Reason> {
    match error.as_other() {
        Some(ErrorKind::ThrottlingError) => Some(Reason::Throttling),
        Some(ErrorKind::TransientError | ErrorKind::ServerError) => Some(Reason::Transient),
        _ if error.is_io() || error.is_timeout() => Some(Reason::Transient),
        _ => None,
    }
}

/// The retries a run may spend, shared by all its reads: the SDK's retry quota. Each retry draws
/// its cost; a read that gets its answer after retrying gives its last retry's cost back, and one
/// answered at the first attempt adds a token. When S3 fails everywhere at once, the run stops
/// retrying after about 50 retries instead of tripling its load on a struggling service.
#[derive(Debug)]
pub struct RetryQuota {
    tokens: AtomicU32,
}

/// The SDK's quota capacity.
const QUOTA: u32 = 500;

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota {
            tokens: AtomicU32::new(QUOTA),
        }
    }
}

impl RetryQuota {
    /// Takes the cost of one retry for `reason`; `None` when the quota cannot cover it.
    pub fn acquire(&self, reason: Reason) -> Option<u32> {
        let cost = reason.cost();
        self.tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(cost)
            })
            .ok()
            .map(|_| cost)
    }

    /// Gives tokens back, never beyond the quota.
    pub fn release(&self, tokens: u32) {
        let _ = self
            .tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                Some(left.saturating_add(tokens).min(QUOTA))
            });
    }

    /// Settles a read that got its answer: the last retry's cost comes back, or, for an answer
    /// at the first attempt, one token.
    pub fn answered(&self, last_retry_cost: Option<u32>) {
        self.release(last_retry_cost.unwrap_or(1));
    }
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
        use Reason::*;
        assert_eq!(answer_reason(503, Some("SlowDown")), Some(Throttling));
        assert_eq!(answer_reason(400, Some("Throttling")), Some(Throttling));
        assert_eq!(answer_reason(400, Some("RequestTimeout")), Some(Transient));
        assert_eq!(answer_reason(500, Some("InternalError")), Some(Transient));
        assert_eq!(answer_reason(502, None), Some(Transient));
        assert_eq!(answer_reason(403, Some("AccessDenied")), None);
        assert_eq!(answer_reason(404, Some("NoSuchBucket")), None);
        assert_eq!(answer_reason(301, Some("PermanentRedirect")), None);
        let io = ConnectorError::io("reset".into());
        assert_eq!(failure_reason(&io), Some(Transient));
        let timeout = ConnectorError::timeout("slow".into());
        assert_eq!(failure_reason(&timeout), Some(Transient));
        assert_eq!(
            failure_reason(&ConnectorError::user("bad uri".into())),
            None
        );
    }

    #[test]
    fn the_quota_runs_out_and_answers_refill_it() {
        let quota = RetryQuota::default();
        // 500 tokens: 50 retries after timeouts or 5xx (10 each), then no more.
        let taken = (0..60)
            .filter(|_| quota.acquire(Reason::Transient).is_some())
            .count();
        assert_eq!(taken, 50);
        assert_eq!(quota.acquire(Reason::Throttling), None);
        // A read answered after a throttling retry gives that retry back.
        quota.answered(Some(5));
        assert_eq!(quota.acquire(Reason::Throttling), Some(5));
        assert_eq!(quota.acquire(Reason::Throttling), None);
        // Five first-attempt answers pay for one more throttling retry.
        for _ in 0..5 {
            quota.answered(None);
        }
        assert_eq!(quota.acquire(Reason::Throttling), Some(5));
        // Never beyond the capacity.
        quota.release(10_000);
        assert_eq!(quota.tokens.load(Ordering::Relaxed), QUOTA);
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
