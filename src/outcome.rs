//! What a command ended as; `main` turns it into the exit code (a contract: see `main`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Only reported when the user asked for it (`plan --detailed-exitcode`).
    ChangesPresent,
    /// `check`: the browser's request would be blocked.
    Denied,
    /// `diff --fail-on-widen`: the change widens access.
    Widens,
    Failure,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::ChangesPresent | Outcome::Denied => 2,
            Outcome::Widens => 3,
        }
    }
}
