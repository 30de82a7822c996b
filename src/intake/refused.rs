//! The refused-request log (SPEC §6 answers 400/404/408/410/413/415/429): so a broken Action Plan
//! shows up on its location's page instead of looking like "no leads arrived".
//!
//! The webhook hands each refusal to [`RefusedLog::record`], which only tries to put it in a
//! bounded queue (no await, no database): the accepted path never calls it, and a refused
//! request costs one `try_send`. One background thread writes the queue out, at most
//! [`WRITES_PER_SECOND`] rows a second; what does not fit is dropped (and counted in the log),
//! so a flood of bad requests costs a bounded amount of work. Rows are kept only for locations
//! that exist, and each location keeps its newest 100 (`refused_queries`). Never the body, never
//! the token: only time, status, reason, content type and size.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::time::{Duration, Instant};

use crate::db::DbPool;
use crate::intake::refused_queries::{self, NewRefusedRequest};

/// Refusals waiting to be written, at most.
pub const QUEUE: usize = 256;

/// Rows written per second, at most.
pub const WRITES_PER_SECOND: u32 = 50;

/// A refused webhook call, as the webhook saw it.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The location id in the URL's path (kept only if that location exists).
    pub location_id: String,
    /// The status answered.
    pub status: u16,
    /// Why, in words.
    pub reason: String,
    /// The request's `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The body's size in bytes, when known (read, or the `Content-Length` header).
    pub body_size: Option<u64>,
}

/// The webhook's handle on the log.
#[derive(Clone)]
pub struct RefusedLog {
    queue: SyncSender<NewRefusedRequest>,
    dropped: Arc<AtomicU64>,
}

impl RefusedLog {
    /// Starts the writer thread on `db`; it ends when every handle is dropped.
    pub fn start(db: DbPool) -> Self {
        let (queue, pending) = sync_channel(QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        let counted = dropped.clone();
        let spawned = std::thread::Builder::new()
            .name("refused-log".into())
            .spawn(move || write_out(&db, &pending, &counted));
        if let Err(err) = spawned {
            tracing::error!(error = %err, "refused-request log: the writer could not start");
        }
        Self { queue, dropped }
    }

    /// Queues a refusal; never waits. Dropped when the queue is full.
    pub fn record(&self, refusal: Refusal) {
        let row = NewRefusedRequest {
            location_id: cut(&refusal.location_id, 100),
            received_at: crate::db::now(),
            http_status: i32::from(refusal.status),
            reason: cut(&refusal.reason, 500),
            content_type: cut(refusal.content_type.as_deref().unwrap_or(""), 200),
            body_size: refusal.body_size.and_then(|size| i64::try_from(size).ok()),
        };
        match self.queue.try_send(row) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

fn cut(text: &str, max_chars: usize) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(max_chars)
        .collect()
}

fn write_out(db: &DbPool, pending: &Receiver<NewRefusedRequest>, dropped: &AtomicU64) {
    let mut window = Instant::now();
    let mut written = 0u32;
    while let Ok(row) = pending.recv() {
        if window.elapsed() >= Duration::from_secs(1) {
            window = Instant::now();
            written = 0;
            let lost = dropped.swap(0, Ordering::Relaxed);
            if lost > 0 {
                tracing::warn!(
                    dropped = lost,
                    "refused-request log: too many refused webhook calls; some were not recorded"
                );
            }
        }
        if written >= WRITES_PER_SECOND {
            dropped.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        written += 1;
        let kept = db
            .get()
            .map_err(|err| err.to_string())
            .and_then(|mut conn| {
                refused_queries::insert(&mut conn, &row).map_err(|err| err.to_string())
            });
        if let Err(err) = kept {
            tracing::warn!(error = %err, "refused-request log: a refusal could not be recorded");
        }
    }
}
