//! What `apply` prints as it writes: one line per change written, then how the run ended.

use crate::plan::{Change, Summary};
use crate::render::text_plan;

/// One change that was written; `status` is a distribution's deployment status after the update.
pub fn written(change: &Change, status: Option<&str>) -> String {
    let (_, verb) = text_plan::action_words(change.action());
    let subject = text_plan::subject(change);
    match status {
        None => format!("{subject} {verb}."),
        Some(status) => format!("{subject} {verb}; the distribution is {status}."),
    }
}

/// Every change was written.
pub fn complete(summary: &Summary, still_deploying: bool) -> String {
    let mut out = format!(
        "\nApply complete: {} created, {} updated, {} deleted.",
        summary.create, summary.update, summary.delete
    );
    if still_deploying {
        out.push_str(
            "\nCloudFront is deploying the updated distributions; `--wait` waits for that.",
        );
    }
    out
}

/// Some changes failed; the rest were written.
pub fn incomplete(total: usize, written: usize, failed: usize) -> String {
    incomplete_uncertain(total, written, 0, failed)
}

/// As `incomplete`, where `uncertain` of the `failed` were sent with no answer back (or were told
/// on a retry that what they create exists): they may have been written.
pub fn incomplete_uncertain(
    total: usize,
    written: usize,
    uncertain: usize,
    failed: usize,
) -> String {
    if uncertain == 0 {
        return format!(
            "\nApply incomplete: {written} of {total} changes written, {failed} failed. Run plan again to see what remains."
        );
    }
    format!(
        "\nApply incomplete: {written} of {total} changes written, {uncertain} may have been written, {} failed. Run plan again to see what remains.",
        failed.saturating_sub(uncertain)
    )
}

/// Ctrl-C or SIGTERM stopped the run.
pub fn interrupted(total: usize, written: usize, in_flight: usize) -> String {
    format!(
        "\nApply interrupted: {written} of {total} changes written, {in_flight} in flight (may or may not have been made), {} not sent. Run plan again to see what remains.",
        total - written - in_flight
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ending_says_what_was_written_and_what_remains() {
        let summary = Summary {
            create: 1,
            update: 2,
            delete: 0,
        };
        insta::assert_snapshot!(complete(&summary, true), @"

        Apply complete: 1 created, 2 updated, 0 deleted.
        CloudFront is deploying the updated distributions; `--wait` waits for that.
        ");
        assert_eq!(
            interrupted(5, 2, 1),
            "\nApply interrupted: 2 of 5 changes written, 1 in flight (may or may not have been made), 2 not sent. Run plan again to see what remains."
        );
        assert_eq!(
            incomplete(3, 2, 1),
            "\nApply incomplete: 2 of 3 changes written, 1 failed. Run plan again to see what remains."
        );
        assert_eq!(
            incomplete_uncertain(3, 0, 1, 3),
            "\nApply incomplete: 0 of 3 changes written, 1 may have been written, 2 failed. Run plan again to see what remains."
        );
    }
}
