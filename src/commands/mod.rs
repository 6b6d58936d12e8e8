//! One module per subcommand. Each returns an `Outcome`; `main` turns it into the exit code.

mod apply;
mod check;
mod import;
mod plan;
mod rollback;
mod validate;
mod verify;

use std::path::Path;
use std::time::Duration;

use cors_sync_aws::live_state::ReadFailure;
use cors_sync_aws::{Aws, ConnectionOptions};
use cors_sync_core::manifest::{self, Manifest};
use cors_sync_core::render::plural;

use crate::cli::{Cli, Command, ConnectionArgs};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Only reported when the user asked for it (`plan --detailed-exitcode`).
    ChangesPresent,
    /// `check`: the browser's request would be blocked.
    Denied,
    Failure,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::ChangesPresent | Outcome::Denied => 2,
        }
    }
}

pub fn run(cli: Cli) -> Outcome {
    if cli.output.debug {
        enable_debug_logging();
    }
    // validate and schema never need AWS, credentials or a runtime.
    match &cli.command {
        Command::Validate(args) => return validate::run(args),
        Command::Schema => {
            let schema = manifest::schema::json_schema();
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            return Outcome::Success;
        }
        _ => {}
    }
    // One thread: every AWS call is I/O-bound, and a single-threaded runtime spends ~20% less CPU
    // than the multi-threaded one (no cross-thread wake-ups) at the same wall time.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return Outcome::Failure;
        }
    };
    runtime.block_on(async {
        match &cli.command {
            Command::Validate(args) => validate::run(args),
            Command::Schema => Outcome::Success,
            Command::Plan(args) => plan::run(args, &cli).await,
            Command::Apply(args) => apply::run(args, &cli).await,
            Command::Import(args) => import::run(args, &cli).await,
            Command::Rollback(args) => rollback::run(args, &cli).await,
            Command::Check(args) => check::run(args, &cli).await,
            Command::Verify(args) => verify::run(args, &cli).await,
        }
    })
}

/// Prints lint warnings on stderr; with `--strict` they are errors and the command must stop.
/// Returns false when it must stop.
pub(crate) fn report_lints(
    warnings: &[cors_sync_core::diagnostic::Diagnostic],
    strict: bool,
) -> bool {
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

/// Loads and validates the manifest, printing every problem to stderr.
fn load_manifest(path: &Path) -> Option<Manifest> {
    match manifest::load(path) {
        Ok(manifest) => Some(manifest),
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            let count = diagnostics.error_count();
            let noun = if count == 1 { "error" } else { "errors" };
            eprintln!(
                "error: the manifest has {count} {noun}; nothing was read from or written to AWS"
            );
            None
        }
    }
}

async fn connect(connection: &ConnectionArgs) -> Aws {
    Aws::connect(&ConnectionOptions {
        profile: connection.profile.clone(),
        region: connection.region.clone(),
        endpoint_url: connection.endpoint_url.clone(),
        attempt_timeout: Some(Duration::from_secs(connection.timeout)),
        max_attempts: connection.max_attempts,
    })
    .await
}

/// Prints every error of a read that missed something, then what that means for this command.
pub(crate) fn report_read_failure(failure: &ReadFailure, consequence: Option<&str>) {
    for error in &failure.errors {
        eprintln!("error: {error}");
    }
    if let Some(consequence) = consequence {
        eprintln!("error: {consequence}");
    }
}

/// Says on stderr when AWS calls had to be retried, so a slow run explains itself.
pub(crate) fn report_retries(aws: &Aws) {
    let retries = aws.retries();
    if retries > 0 {
        eprintln!(
            "note: {retries} AWS call{} retried after throttling, a server error, a timeout or a dropped connection",
            if retries == 1 { " was" } else { "s were" }
        );
    }
}

/// `--debug`: the SDK's own logs on stderr. Request signing is never logged: its debug output
/// includes the canonical request, which carries the session token.
fn enable_debug_logging() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let filter = Targets::new()
        .with_default(LevelFilter::DEBUG)
        .with_target("aws_sigv4", LevelFilter::OFF)
        .with_target("aws_credential_types", LevelFilter::OFF)
        .with_target("aws_smithy_runtime::client::http", LevelFilter::INFO)
        .with_target("hyper", LevelFilter::INFO)
        .with_target("rustls", LevelFilter::INFO);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(false),
        )
        .with(filter)
        .try_init();
}
