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
    /// What was asked for cannot be done: a target that names nothing, a bucket name S3 cannot
    /// have, a behavior whose origin is not a bucket, no backup to roll back to.
    #[error(transparent)]
    Refused(#[from] Refusal),
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
    Output(std::io::Error),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// Each thing a command refuses to do, with what its message is made of.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    // Accounts.
    #[error("no account to act in")]
    NoAccount,
    #[error("--provider {provider} is for a manifest without `accounts:`; this one declares accounts: give each its own `provider:` (docs/providers.md)")]
    ProviderWithAccounts { provider: &'static str },
    #[error("{what} acts in one account; name one --account")]
    OneAccountOnly { what: String },
    #[error("the manifest declares accounts {}: name the one to act in with --account", .declared.join(", "))]
    NameAnAccount { declared: Vec<String> },
    #[error("{0}")]
    AccountsInPlay(#[from] cors_sync_core::manifest::NotInPlay),
    #[error("there is no account to save a plan for")]
    NoAccountToSaveFor,

    // Files cors-sync keeps: the plan key, the apply lock, backups, saved plans.
    #[error("CORS_SYNC_PLAN_KEY is set but empty: set it to the team's key, or unset it to work without one; nothing was read or written")]
    EmptyPlanKey,
    #[error("{holder} holds {}; nothing was read or written. Wait for it to finish", .path.display())]
    LockHeld { holder: String, path: PathBuf },
    #[error("other runs kept taking and releasing {}; nothing was read or written", .path.display())]
    LockContended { path: PathBuf },
    #[error("there are no backups in {}", .root.display())]
    NoBackups { root: PathBuf },
    #[error("no backup in {} recorded a write that was made: {} recorded only writes that were refused, so there is nothing to restore", .root.display(), .passed_over.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", "))]
    NothingToRestore {
        root: PathBuf,
        passed_over: Vec<PathBuf>,
    },
    #[error("{}:{source}", .path.display())]
    Journal {
        path: PathBuf,
        source: cors_sync_core::journal::JournalError,
    },
    #[error("{}: {source}", .path.display())]
    SavedPlan {
        path: PathBuf,
        source: PlanFileError,
    },
    #[error("cannot read {file}: {reason}")]
    Unreadable { file: String, reason: Unreadable },
    #[error("cannot write {}: {source}", .path.display())]
    CannotWrite {
        path: PathBuf,
        source: cors_sync_core::output_file::OutputFileError,
    },
    #[error("cannot write the plan file {}: {source}; the plan was not saved", .path.display())]
    PlanNotSaved {
        path: PathBuf,
        source: cors_sync_core::output_file::OutputFileError,
    },
    #[error("--account {account}: the saved plan changes nothing in such an account; nothing was written")]
    NotInSavedPlan { account: String },
    #[error("the plan file has no fingerprint for {}: nothing says what it was planned from (the file was edited); nothing was written", .addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    Unfingerprinted {
        addresses: Vec<cors_sync_core::address::Address>,
    },
    #[error("the plan was made for {made_in}, but this run reaches {here}; nothing was written")]
    MadeElsewhere {
        made_in: cors_sync_core::plan_file::Place,
        here: cors_sync_core::plan_file::Place,
    },

    // What a command line names.
    #[error("{0}")]
    NotAHeader(#[from] cors_sync_core::evaluate::browser::NotAHeader),
    #[error("{0}")]
    UnknownTarget(#[from] cors_sync_core::manifest::targets::NotATarget),
    #[error("bucket `{bucket}` is not in the manifest")]
    BucketNotInManifest { bucket: String },
    #[error(
        "bucket `{bucket}` is not in the manifest; use --live to check its live configuration"
    )]
    BucketNotInManifestOffline { bucket: String },
    #[error("invalid bucket name `{name}`: {problem}")]
    InvalidBucketName { name: String, problem: String },
    #[error("{problem}")]
    InvalidDistributionId { problem: String },
    #[error("the manifest has {count} buckets: name one with --bucket NAME, or write them all with --out-dir DIR")]
    ExportWhichBucket { count: usize },
    #[error("with several files, name each one's bucket: --bucket NAME=FILE")]
    ConvertWhichBucket,
    #[error("give BASE and HEAD manifests, or --base-ref REF")]
    DiffWhatAgainstWhat,
    #[error("give --message, --har or --curl")]
    ExplainWhat,
    #[error("--fix edits the manifest, so it judges against the manifest: run it without --live")]
    FixNeedsTheManifest,
    #[error("more than one request has a fix: write them one at a time (explain one message, or give --origin/--method/--header)")]
    OneFixAtATime,
    #[error("the message holds no CORS error of Chromium or Firefox: paste the whole console line (`Access to fetch at ...` or `Cross-Origin Request Blocked: ...`)")]
    NoCorsErrorInMessage,
    #[error("{url} names the bucket `{bucket}`, which the manifest does not declare")]
    UrlBucketNotDeclared { url: String, bucket: String },
    #[error("{url}: no distribution of the account has `{host}` as its domain or an alias, and it is not an S3 endpoint: say which with --target s3://BUCKET or --target cloudfront://ID[/PATH]")]
    NoDistributionForHost { url: String, host: String },

    // What live state or another program did not give.
    #[error("s3_bucket.{bucket}: nothing was read")]
    NothingRead { bucket: String },
    #[error("no distribution read")]
    NoDistributionRead,
    #[error("behavior {path} has no origin")]
    BehaviorWithoutOrigin { path: String },
    #[error("behavior {path} sends requests to {domain}, which is not an S3 bucket; cors-sync models S3 origins")]
    OriginNotABucket { path: String, domain: String },
    #[error("the behavior vanished")]
    BehaviorVanished,
    #[error("cannot run git: {0}")]
    GitNotRun(std::io::Error),
    #[error("git {args}: {stderr}")]
    GitFailed { args: String, stderr: String },
    #[error("{pathspec} does not exist at {reference}")]
    NotAtRevision { pathspec: String, reference: String },
    #[error("the comparison of access failed: {0}")]
    ComparisonFailed(tokio::task::JoinError),
}

/// Why a file's text could not be had.
#[derive(Debug, thiserror::Error)]
pub enum Unreadable {
    #[error("{0}")]
    Input(#[from] cors_sync_core::input::InputError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("not UTF-8 ({0})")]
    NotUtf8(#[from] std::string::FromUtf8Error),
}

/// A regular file's text, in UTF-8; a refusal naming it as `file` when it cannot be had.
pub fn file_text(path: &std::path::Path, file: String) -> Result<String, Error> {
    text_of(cors_sync_core::input::read_regular(path), file)
}

/// Standard input's text, at most 64 MiB, in UTF-8; `what` names it in the refusal.
pub fn stdin_text(what: String) -> Result<String, Error> {
    text_of(
        cors_sync_core::input::read_at_most(std::io::stdin().lock()),
        what,
    )
}

fn text_of(
    read: Result<Vec<u8>, cors_sync_core::input::InputError>,
    file: String,
) -> Result<String, Error> {
    let unreadable = |reason: Unreadable| Refusal::Unreadable {
        file: file.clone(),
        reason,
    };
    let bytes = read.map_err(|e| unreadable(e.into()))?;
    Ok(String::from_utf8(bytes).map_err(|e| unreadable(e.into()))?)
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
