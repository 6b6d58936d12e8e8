//! Printing that never panics and never hides a lost write. `print!` and `eprint!` panic when the
//! stream is gone, and Rust ignores SIGPIPE, so `cors-sync plan | head -1` would end in a panic
//! once `head` has read its line. Output to a closed pipe is dropped instead: the command carries
//! on to its end (an apply finishes and journals what it writes) and exits with its usual status.
//! Any other failed write to stdout (a full disk, an I/O error) is remembered: the command still
//! carries on, and `finish_stdout` turns it into exit 1, so `convert ... > manifest.yaml` on a
//! full disk never reports success over a truncated file.

use std::fmt;
use std::io::{self, Write};
use std::sync::Mutex;

/// Why the first write to stdout that failed for a reason other than a closed pipe failed.
static STDOUT_FAILURE: Mutex<Option<io::Error>> = Mutex::new(None);

fn remember(result: io::Result<()>) {
    let Err(error) = result else { return };
    if error.kind() == io::ErrorKind::BrokenPipe {
        return;
    }
    let mut failure = STDOUT_FAILURE.lock().unwrap_or_else(|e| e.into_inner());
    failure.get_or_insert(error);
}

pub fn stdout(text: fmt::Arguments<'_>) {
    remember(io::stdout().lock().write_fmt(text));
}

pub fn stderr(text: fmt::Arguments<'_>) {
    let _ = io::stderr().lock().write_fmt(text);
}

/// Flushes stdout (Rust buffers it up to the last newline) and says why output was lost, if it
/// was for any reason but a closed pipe.
pub fn finish_stdout() -> Result<(), io::Error> {
    remember(io::stdout().lock().flush());
    let mut failure = STDOUT_FAILURE.lock().unwrap_or_else(|e| e.into_inner());
    failure.take().map_or(Ok(()), Err)
}

/// Output too large to build as one string first, written to stdout as `write` produces it and
/// ended with a newline; a failed write is remembered as `stdout`'s are.
pub fn stream_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) {
    let mut out = io::BufWriter::new(io::stdout().lock());
    remember(
        write(&mut out)
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush()),
    );
}

/// `print!` to stdout; see the module's note for what happens when stdout is gone.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::stdout(format_args!($($arg)*)) };
}

/// `println!` to stdout; see the module's note for what happens when stdout is gone.
macro_rules! outln {
    () => { $crate::output::stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!`, dropped if stderr is closed.
macro_rules! err {
    ($($arg:tt)*) => { $crate::output::stderr(format_args!($($arg)*)) };
}

/// `eprintln!`, dropped if stderr is closed.
macro_rules! errln {
    () => { $crate::output::stderr(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use {err, errln, out, outln};
