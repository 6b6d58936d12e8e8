//! What several commands say on stderr the same way: lints, reads that missed something, retries.

use cors_sync_aws::live_state::ReadFailure;
use cors_sync_aws::Aws;
use cors_sync_core::render::plural;

/// Prints lint warnings on stderr; with `--strict` they are errors and the command must stop.
/// Returns false when it must stop.
pub fn report_lints(warnings: &[cors_sync_core::diagnostic::Diagnostic], strict: bool) -> bool {
    for warning in warnings {
        let mut shown = warning.clone();
        if strict {
            shown.severity = cors_sync_core::diagnostic::Severity::Error;
        }
        eprintln!("{shown}");
    }
    if strict && !warnings.is_empty() {
        let n = warnings.len();
        eprintln!(
            "error: {n} lint{} with --strict; nothing was changed",
            plural(n)
        );
        return false;
    }
    true
}

/// Prints every error of a read that missed something, then what that means for this command.
pub fn report_read_failure(failure: &ReadFailure, consequence: Option<&str>) {
    for error in &failure.errors {
        eprintln!("error: {error}");
    }
    if let Some(consequence) = consequence {
        eprintln!("error: {consequence}");
    }
}

/// Says on stderr when AWS calls had to be retried, so a slow run explains itself.
pub fn report_retries(aws: &Aws) {
    let retries = aws.retries();
    if retries > 0 {
        eprintln!(
            "note: {retries} AWS call{} retried after throttling, a server error, a timeout or a dropped connection",
            if retries == 1 { " was" } else { "s were" }
        );
    }
}
