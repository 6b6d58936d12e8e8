//! Ctrl-C and SIGTERM, for the whole run. Before any write the run stops at once: exit 1, and
//! nothing was written. Once writes begin, nothing more is sent, writes in flight are abandoned,
//! and the summary says what was written; a wait for CloudFront deployments stops at once too.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub use cors_sync_aws::apply::CancellationToken;

use crate::output::errln;

#[derive(Clone)]
pub struct Interrupt {
    token: CancellationToken,
    writing: Arc<AtomicBool>,
}

impl Interrupt {
    /// Starts watching for the signals; call it inside the runtime.
    pub fn watch() -> Self {
        let interrupt = Interrupt {
            token: CancellationToken::new(),
            writing: Arc::new(AtomicBool::new(false)),
        };
        tokio::spawn(interrupt.clone().on_signal());
        interrupt
    }

    /// Cancelled when a signal arrives.
    pub fn token(&self) -> CancellationToken {
        self.token.clone()
    }

    /// From now on a signal lets the writes wind down and report, instead of stopping the run.
    pub fn begin_writes(&self) {
        self.writing.store(true, Ordering::SeqCst);
    }

    /// Completes when a signal arrives before writes began; never, once they have.
    pub async fn before_writes(&self) {
        self.token.cancelled().await;
        if self.writing.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
    }

    async fn on_signal(self) {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let Ok(mut terminate) = signal(SignalKind::terminate()) else {
                return;
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        if self.writing.load(Ordering::SeqCst) {
            errln!("Interrupted: sending nothing more; abandoning writes in flight.");
        }
        self.token.cancel();
    }
}
