//! Printing that never panics. `print!` and `eprint!` panic when the stream is gone, and Rust
//! ignores SIGPIPE, so `cors-sync plan | head -1` would end in a panic once `head` has read its
//! line. Output to a closed stream is dropped instead: the command carries on to its end (an
//! apply finishes and journals what it writes) and exits with its usual status.

use std::fmt;
use std::io::Write;

pub fn stdout(text: fmt::Arguments<'_>) {
    let _ = std::io::stdout().lock().write_fmt(text);
}

pub fn stderr(text: fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(text);
}

/// Output too large to build as one string first, written to stdout as `write` produces it and
/// ended with a newline; whatever follows a closed stdout is dropped, as with `out!`.
pub fn stream_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let _ = write(&mut out)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
}

/// `print!` to stdout, dropped if stdout is closed.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::stdout(format_args!($($arg)*)) };
}

/// `println!` to stdout, dropped if stdout is closed.
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
