//! cors-sync: keep S3 bucket CORS equal to a reviewed YAML manifest.
//!
//! The exit codes (a contract) are `outcome::Outcome`'s.

mod accounts;
mod apply_lock;
mod backup;
mod cli;
mod commands;
mod error;
mod interrupt;
mod outcome;
mod output;
mod planning;
mod progress;
mod report;
mod terminal;
mod writing;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // clap exits 2 on usage errors, but 2 means "changes present" here.
            return if error.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    ExitCode::from(commands::run(cli).code())
}
