//! What the process is talking to: colour only for a terminal that wants it, and the `yes` prompt.

use std::io::{BufRead, IsTerminal, Write};

use cors_sync_core::render::text_plan::Colour;

/// Colour for stdout: only on a terminal, never with `--no-color` or a non-empty NO_COLOR.
pub fn stdout_colour(no_color_flag: bool) -> Colour {
    let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if !no_color_flag && !no_color_env && std::io::stdout().is_terminal() {
        Colour::Always
    } else {
        Colour::Never
    }
}

pub fn stdin_is_terminal() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks on the terminal; true only for the exact answer `yes`.
pub fn confirm(question: &str) -> bool {
    let mut stderr = std::io::stderr();
    let _ = write!(
        stderr,
        "{question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: "
    );
    let _ = stderr.flush();
    let mut answer = String::new();
    match std::io::stdin().lock().read_line(&mut answer) {
        Ok(_) => answer.trim() == "yes",
        Err(_) => false,
    }
}
