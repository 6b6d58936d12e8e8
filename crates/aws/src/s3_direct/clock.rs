//! The clock difference between this machine and S3, corrected the way the SDK corrects it
//! (aws-runtime's `service_clock_skew`): every answer's `Date` header updates the skew, requests
//! are signed at S3's time, and an answer refusing a request's time is tried again once the skew
//! is known. S3 refuses signatures more than 15 minutes off, and CI machines' clocks do drift.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;

/// A skew beyond this makes a time-refusing answer worth another attempt.
const SKEW_WORTH_RETRYING: Duration = Duration::from_secs(4 * 60);
/// An answer slower than this says too little about when S3 read its clock.
const MAX_TRUSTED_ROUND_TRIP: Duration = Duration::from_secs(15 * 60);
/// The error codes with which AWS refuses a request's time (aws-runtime's list).
const TIME_REFUSING_CODES: &[&str] = &[
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "RequestTimeTooSkewed",
    "AccessDeniedException",
];

#[derive(Debug, Default)]
pub struct Clock {
    /// S3's time minus ours, in milliseconds.
    skew_millis: AtomicI64,
}

impl Clock {
    /// The time to sign with: ours, corrected by the last skew seen.
    pub fn now(&self) -> SystemTime {
        apply(SystemTime::now(), self.skew_millis.load(Ordering::Relaxed))
    }

    /// Learns the skew from an answer sent at `sent` and received at `received`, unless the
    /// answer came from a cache (an `Age` header) or took too long to be a fair reading.
    pub fn observe(
        &self,
        sent: SystemTime,
        received: SystemTime,
        date: Option<&str>,
        cached: bool,
    ) {
        let Some(server) = date
            .and_then(|date| DateTime::from_str(date, Format::HttpDate).ok())
            .and_then(|date| SystemTime::try_from(date).ok())
        else {
            return;
        };
        let round_trip = received.duration_since(sent).unwrap_or_default();
        if cached || round_trip > MAX_TRUSTED_ROUND_TRIP {
            return;
        }
        let midpoint = sent + round_trip / 2;
        let skew = match server.duration_since(midpoint) {
            Ok(ahead) => millis(ahead),
            Err(behind) => -millis(behind.duration()),
        };
        self.skew_millis.store(skew, Ordering::Relaxed);
    }

    /// Whether an answer with this error code is worth another attempt at the corrected time.
    pub fn explains(&self, code: Option<&str>) -> bool {
        let skew = Duration::from_millis(self.skew_millis.load(Ordering::Relaxed).unsigned_abs());
        code.is_some_and(|code| TIME_REFUSING_CODES.contains(&code)) && skew > SKEW_WORTH_RETRYING
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn apply(time: SystemTime, skew_millis: i64) -> SystemTime {
    let by = Duration::from_millis(skew_millis.unsigned_abs());
    if skew_millis >= 0 {
        time.checked_add(by)
    } else {
        time.checked_sub(by)
    }
    .unwrap_or(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn http_date(time: SystemTime) -> String {
        DateTime::from(time).fmt(Format::HttpDate).unwrap()
    }

    fn off_by(clock: &Clock) -> i64 {
        let now = SystemTime::now();
        match clock.now().duration_since(now) {
            Ok(ahead) => ahead.as_secs() as i64,
            Err(behind) => -(behind.duration().as_secs() as i64),
        }
    }

    #[test]
    fn a_server_an_hour_ahead_moves_the_signing_time_and_explains_a_refusal() {
        let clock = Clock::default();
        let sent = SystemTime::now();
        clock.observe(sent, sent, Some(&http_date(sent + HOUR)), false);
        assert!(
            (3598..=3600).contains(&off_by(&clock)),
            "{}",
            off_by(&clock)
        );
        assert!(clock.explains(Some("RequestTimeTooSkewed")));
        assert!(!clock.explains(Some("NoSuchBucket")));
        // The next answer, at the corrected time, shows no skew: back to our own clock.
        clock.observe(sent, sent, Some(&http_date(sent)), false);
        assert!(off_by(&clock).abs() <= 1);
        assert!(!clock.explains(Some("RequestTimeTooSkewed")));
    }

    #[test]
    fn a_server_behind_us_is_followed_too() {
        let clock = Clock::default();
        let sent = SystemTime::now();
        clock.observe(sent, sent, Some(&http_date(sent - HOUR)), false);
        assert!(
            (-3601..=-3599).contains(&off_by(&clock)),
            "{}",
            off_by(&clock)
        );
    }

    #[test]
    fn cached_slow_or_dateless_answers_teach_nothing() {
        let clock = Clock::default();
        let sent = SystemTime::now();
        let ahead = http_date(sent + HOUR);
        clock.observe(sent, sent, Some(&ahead), true);
        clock.observe(
            sent,
            sent + 16 * 60 * Duration::from_secs(1),
            Some(&ahead),
            false,
        );
        clock.observe(sent, sent, None, false);
        clock.observe(sent, sent, Some("yesterday"), false);
        assert!(off_by(&clock).abs() <= 1);
        assert!(!clock.explains(Some("RequestTimeTooSkewed")));
    }
}
