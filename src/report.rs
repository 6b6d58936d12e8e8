//! What several commands say on stderr the same way: lints and retries.

use cors_sync_aws::Aws;

use crate::error::Error;
use crate::output::errln;

/// Prints lint warnings on stderr; with `--strict` they are errors and the command must stop.
pub fn report_lints(
    warnings: &[cors_sync_core::diagnostic::Diagnostic],
    strict: bool,
) -> Result<(), Error> {
    for warning in warnings {
        let mut shown = warning.clone();
        if strict {
            shown.severity = cors_sync_core::diagnostic::Severity::Error;
        }
        errln!("{shown}");
    }
    if strict && !warnings.is_empty() {
        return Err(Error::StrictLints {
            count: warnings.len(),
        });
    }
    Ok(())
}

/// Says on stderr when AWS calls had to be retried, so a slow run explains itself.
pub fn report_retries(aws: &Aws) {
    let retries = aws.retries();
    if retries > 0 {
        errln!(
            "note: {retries} AWS call{} retried after throttling, a server error, a timeout or a dropped connection",
            if retries == 1 { " was" } else { "s were" }
        );
    }
    let throttled = aws.throttled();
    if throttled > 0 {
        errln!(
            "note: {throttled} answer{} throttling (S3 SlowDown, CloudFront or STS Throttling): the account limits its request rate; a lower --parallelism or more --max-attempts gives each call more room",
            if throttled == 1 { " was" } else { "s were" }
        );
    }
}
