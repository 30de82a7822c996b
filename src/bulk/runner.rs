//! The background runner of bulk resends: in every process that delivers, it takes the
//! running jobs from the database (so a job confirmed before a restart, or from the command
//! line, is carried on) and queues their leads chunk by chunk. A job gets its next chunk only
//! while fewer than [`WINDOW`] of the leads it queued are still waiting for their first
//! attempt: the delivery worker's rate limits set the pace, and a new lead from the webhook
//! never waits behind a whole bulk resend.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::bulk::jobs::{CHUNK, run_chunk};
use crate::bulk::queries;
use crate::db::{DbConn, DbPool};
use crate::domain::scope::CompanyScope;

/// A job's leads that may wait in the delivery queue at once.
pub const WINDOW: i64 = CHUNK;

/// A running runner.
pub struct BulkResendRunner {
    shutdown: CancellationToken,
    join: tokio::task::JoinHandle<()>,
}

impl BulkResendRunner {
    /// Starts the runner on the current runtime: a pass at once (jobs left running by a
    /// previous start), then on every `wake` or `poll` at the latest. It wakes the delivery
    /// worker through `wake_worker` after queuing leads.
    pub fn start(
        pool: DbPool,
        wake: Arc<Notify>,
        wake_worker: Arc<Notify>,
        poll: Duration,
    ) -> Self {
        let shutdown = CancellationToken::new();
        let join = tokio::spawn(tracing::Instrument::in_current_span(run(
            pool,
            wake,
            wake_worker,
            poll,
            shutdown.clone(),
        )));
        Self { shutdown, join }
    }

    /// Stops the runner; a chunk under way is committed or rolled back as a whole.
    pub async fn stop(self) {
        self.shutdown.cancel();
        let _ = self.join.await;
    }
}

async fn run(
    pool: DbPool,
    wake: Arc<Notify>,
    wake_worker: Arc<Notify>,
    poll: Duration,
    shutdown: CancellationToken,
) {
    loop {
        let pass_pool = pool.clone();
        let outcome = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
            let mut conn = pass_pool.get()?;
            one_pass(&mut conn)
        })
        .await;
        match outcome {
            Ok(Ok(0)) => {}
            Ok(Ok(queued)) => {
                tracing::info!(leads = queued, "bulk resend: leads queued again");
                wake_worker.notify_one();
            }
            Ok(Err(err)) => {
                tracing::warn!(error = %format!("{err:#}"), "bulk resend: a pass failed; it is tried again");
            }
            Err(err) => tracing::error!(error = %err, "bulk resend: a pass stopped unexpectedly"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = wake.notified() => {}
            () = tokio::time::sleep(poll) => {}
        }
    }
}

/// One pass over the running jobs: a chunk for each job whose queued leads are mostly sent.
/// Returns how many leads it queued.
pub fn one_pass(conn: &mut DbConn) -> anyhow::Result<usize> {
    let Some(every) = CompanyScope::All.every_company() else {
        return Ok(0);
    };
    let mut queued = 0;
    for job in queries::list_running(conn, &every)? {
        let scope = CompanyScope::Company(job.company_id.clone());
        if queries::backlog(conn, &scope, &job)? >= WINDOW {
            continue;
        }
        let done = run_chunk(conn, &job)?;
        queued += usize::try_from(done.queued).unwrap_or_default();
    }
    Ok(queued)
}
