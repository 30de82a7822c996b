//! The alert checker of a process that delivers (`serve`, `worker`): every
//! `alert_check_every` (a minute) it runs [`check::check_all`]. Instances sharing a database
//! each run one; the cooldown claim makes sure an alert goes out once.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::alerts::check;
use crate::alerts::send::Notifier;
use crate::db::DbPool;

/// The running checker.
pub struct AlertRunner {
    shutdown: CancellationToken,
    join: tokio::task::JoinHandle<()>,
}

impl AlertRunner {
    /// Starts checking every `every`, the first time after `every`.
    pub fn start(pool: DbPool, notifier: Notifier, every: Duration) -> Self {
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        let join = tokio::spawn(tracing::Instrument::in_current_span(async move {
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(every) => {}
                }
                match check::check_all(&pool, &notifier).await {
                    Ok(0) => {}
                    Ok(sent) => tracing::info!(sent, "alerts sent"),
                    Err(err) => tracing::warn!(error = format!("{err:#}"), "alert check failed"),
                }
            }
        }));
        Self { shutdown, join }
    }

    /// Stops the checker; a send under way finishes first.
    pub async fn stop(self) {
        self.shutdown.cancel();
        let _ = self.join.await;
    }
}
