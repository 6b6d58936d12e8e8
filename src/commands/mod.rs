//! One module per subcommand. Each returns `Result<Outcome, Error>`: the error is printed here,
//! once, and `main` turns the outcome into the exit code.

mod apply;
mod check;
mod convert;
mod diff;
mod explain;
mod export;
mod import;
mod plan;
mod rollback;
mod show;
mod validate;
mod verify;

use std::path::Path;

use cors_sync_core::manifest::{self, Manifest};
use cors_sync_core::provider::Provider;
use cors_sync_core::redact::secrets_hidden;

use crate::cli::{Cli, Command};
pub use crate::error::{Error, Refusal};
use crate::interrupt::Interrupt;
pub use crate::outcome::Outcome;
use crate::output::outln;
pub(crate) use crate::report::{report_lints, report_retries};

pub fn run(cli: Cli) -> Outcome {
    if cli.output.debug {
        enable_debug_logging();
    }
    let outcome = match dispatch(&cli) {
        Ok(outcome) => outcome,
        Err(error) => {
            crate::error::report(&error);
            Outcome::Failure
        }
    };
    // Whatever the command did, output that did not reach stdout is a failure: a manifest or plan
    // cut short by a full disk must not look like a success to a script.
    match crate::output::finish_stdout() {
        Ok(()) => outcome,
        Err(reason) => {
            crate::error::report(&Error::Output(reason));
            Outcome::Failure
        }
    }
}

fn dispatch(cli: &Cli) -> Result<Outcome, Error> {
    // The offline commands never need AWS, credentials or a runtime.
    match &cli.command {
        Command::Validate(args) => return validate::run(args, cli.connection.provider),
        Command::Convert(args) => return convert::run(args),
        Command::Export(args) => return export::run(args, cli.connection.provider),
        Command::Diff(args) => return diff::run(args, cli.connection.provider),
        Command::Show(args) => return show::run(args, cli),
        Command::Schema => {
            let schema = cors_sync_core::render::json_schema::json_schema();
            outln!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            return Ok(Outcome::Success);
        }
        _ => {}
    }
    // One thread: every AWS call is I/O-bound, and a single-threaded runtime spends ~20% less CPU
    // than the multi-threaded one (no cross-thread wake-ups) at the same wall time.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let result = runtime.block_on(async {
        let interrupt = Interrupt::watch();
        let command = async {
            match &cli.command {
                Command::Validate(args) => validate::run(args, cli.connection.provider),
                Command::Convert(args) => convert::run(args),
                Command::Export(args) => export::run(args, cli.connection.provider),
                Command::Diff(args) => diff::run(args, cli.connection.provider),
                Command::Show(args) => show::run(args, cli),
                Command::Explain(args) => explain::run(args, cli).await,
                Command::Schema => Ok(Outcome::Success),
                Command::Plan(args) => plan::run(args, cli).await,
                Command::Apply(args) => apply::run(args, cli, &interrupt).await,
                Command::Import(args) => import::run(args, cli).await,
                Command::Rollback(args) => rollback::run(args, cli, &interrupt).await,
                Command::Check(args) => check::run(args, cli).await,
                Command::Verify(args) => verify::run(args, cli).await,
            }
        };
        tokio::select! {
            biased;
            result = command => result,
            () = interrupt.before_writes() => Err(Error::Interrupted),
        }
    });
    // A blocking read of the approval prompt may still be waiting for a line: do not wait for it.
    runtime.shutdown_background();
    result
}

/// Runs CPU-bound work (plan's comparison of access) on a blocking thread: the runtime's one
/// thread stays free to notice Ctrl-C or SIGTERM, which then stops the run at once.
async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Refusal::ComparisonFailed(e).into())
}

/// Loads and validates the manifest; every problem is in the error. `provider` is the parsed
/// `--provider` (`CORS_SYNC_PROVIDER`): the store resources outside a declared account are on,
/// AWS when not given.
fn load_manifest(path: &Path, provider: Option<Provider>) -> Result<Manifest, Error> {
    manifest::load_on(path, provider.unwrap_or_default()).map_err(Error::Manifest)
}

/// `--debug`: the SDK's own logs on stderr. Request signing is never logged: its debug output
/// includes the canonical request, which carries the session token. Every line also passes
/// through `redact::secrets_hidden`: access key IDs (all but their last four characters) and URL
/// userinfo never reach the log, whichever SDK layer printed them.
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
                .with_writer(|| RedactedStderr)
                .with_ansi(false),
        )
        .with(filter)
        .try_init();
}

/// stderr for log lines, each written whole with its secrets hidden.
struct RedactedStderr;

impl std::io::Write for RedactedStderr {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        let shown = secrets_hidden(&String::from_utf8_lossy(line));
        // A closed stderr drops the line, as every other output does.
        let _ = std::io::stderr().lock().write_all(shown.as_bytes());
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
