//! Why a command stopped. Commands return it; `report` prints it, once, for every command.

use std::path::PathBuf;

use crate::output::{err, errln};
use cors_sync_aws::AwsError;
use cors_sync_core::diagnostic::Diagnostics;
use cors_sync_core::plan_file::PlanFileError;
use cors_sync_core::render::plural;
use cors_sync_core::visible::visible;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The manifest's own problems, each at its file, line and column.
    #[error("the manifest has {} error{}; nothing was read from or written to AWS", .0.error_count(), plural(.0.error_count()))]
    Manifest(Diagnostics),
    /// Problems only live state reveals, such as a behavior the distribution does not have.
    #[error("the manifest does not fit live state; no plan was made")]
    DoesNotFitLive(Diagnostics),
    /// Several failures of one step, each shown, then what they mean for this command.
    #[error("{}", .then.as_deref().unwrap_or("failed"))]
    Each {
        errors: Vec<Error>,
        then: Option<String>,
    },
    /// Boxed: an AWS error carries the call's details, and every `Result` of the binary would
    /// otherwise be as large as it.
    #[error(transparent)]
    Aws(Box<cors_sync_aws::Error>),
    #[error(transparent)]
    Core(#[from] cors_sync_core::Error),
    #[error("{count} lint{} with --strict; nothing was changed", plural(*.count))]
    StrictLints { count: usize },
    #[error("{}: {source}. Nothing was written.", .path.display())]
    PlanFile {
        path: PathBuf,
        source: PlanFileError,
    },
    #[error("the saved plan is stale: {moved} resource{} moved since it was made; nothing was written. Run plan again.", plural(*.moved))]
    Stale { moved: usize },
    #[error("{what}: {source}")]
    File {
        /// What could not be done, naming the file: "cannot write the plan file out.plan".
        what: String,
        source: std::io::Error,
    },
    /// What was asked for cannot be done, in words: a target that names nothing, a bucket name S3
    /// cannot have, a behavior whose origin is not a bucket, no backup to roll back to.
    #[error("{0}")]
    Refused(String),
    #[error("stdin is not a terminal, so apply cannot ask for approval; re-run with --auto-approve to apply this plan. Nothing was written.")]
    NoTerminalToApprove,
    /// The user answered something other than `yes`: not a failure of the tool.
    #[error("Apply cancelled. Nothing was written.")]
    Cancelled,
    /// Ctrl-C or SIGTERM before any write.
    #[error("interrupted before anything was written; nothing was written")]
    Interrupted,
    /// A write to stdout failed (not a closed pipe): what was printed is incomplete.
    #[error("cannot write the output: {0}; what was printed is incomplete")]
    Output(String),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

impl Error {
    /// Each AWS call that failed in `error`, then `then`: what that means for the command.
    pub fn calls(error: cors_sync_aws::Error, then: Option<String>) -> Self {
        let errors = error
            .calls()
            .iter()
            .cloned()
            .map(|call| Error::Aws(Box::new(call.into())))
            .collect();
        Error::Each { errors, then }
    }
}

impl From<AwsError> for Error {
    fn from(error: AwsError) -> Self {
        Error::Aws(Box::new(error.into()))
    }
}

impl From<cors_sync_aws::Error> for Error {
    fn from(error: cors_sync_aws::Error) -> Self {
        Error::Aws(Box::new(error))
    }
}

/// Prints `error` on stderr: the details it carries, then one `error:` line; when a call failed
/// for want of credentials, what was tried and what to set, once.
pub fn report(error: &Error) {
    report_one(error);
    if let Some(missing) = missing_credentials(error) {
        for line in missing.explanation() {
            errln!("{}", visible(&line));
        }
    }
}

/// The first failed call's credential-chain report, anywhere inside `error`.
fn missing_credentials(error: &Error) -> Option<&cors_sync_aws::MissingCredentials> {
    match error {
        Error::Aws(aws) => aws
            .calls()
            .iter()
            .find_map(|call| call.missing_credentials.as_deref()),
        Error::Each { errors, .. } => errors.iter().find_map(missing_credentials),
        _ => None,
    }
}

fn report_one(error: &Error) {
    match error {
        Error::Manifest(diagnostics) | Error::DoesNotFitLive(diagnostics) => {
            err!("{diagnostics}");
        }
        Error::Each { errors, then } => {
            for each in errors {
                report_one(each);
            }
            if then.is_none() {
                return;
            }
        }
        Error::Cancelled => {
            errln!("{error}");
            return;
        }
        _ => {}
    }
    // Messages quote names and values from the manifest, the command line and AWS: hidden
    // characters in them are escaped, so one cannot forge a line of output.
    errln!("error: {}", visible(&error.to_string()));
}
