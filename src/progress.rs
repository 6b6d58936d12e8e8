//! Progress on stderr for long reads and applies, only when stderr is a terminal and not
//! `--quiet`; stdout never carries it.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(total: usize, what: &'static str, quiet: bool) -> Self {
        let show = !quiet && total > 0 && std::io::stderr().is_terminal();
        let bar = show.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            // At 100,000 buckets the count needs its thousands marked, and a person waiting
            // minutes wants the rate and how long is left; `per_sec:0` prints it unpadded with
            // no decimals.
            let style = ProgressStyle::with_template(
                "{msg} [{bar:30}] {human_pos}/{human_len}  {per_sec:0}  ETA {eta}  ({elapsed})",
            )
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_message(what);
            bar
        });
        Progress { bar }
    }

    /// One more resource done.
    pub fn tick(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
