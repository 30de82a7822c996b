//! Group commit: many small write transactions from concurrent requests share one database
//! commit (one fsync), without weakening "committed before answering".
//!
//! Every caller gets its result only after the batch's COMMIT has returned. A batch takes
//! what is waiting (up to a limit) — there is no timer, so a lone request is committed at
//! once and busy periods batch themselves.
//!
//! Isolation of a failing job: [`GroupCommit::run`] runs the job in a savepoint, so a job
//! that fails midway is rolled back alone. [`GroupCommit::run_single_write`] is for jobs
//! that write with at most one statement and may run twice: on SQLite they run without a
//! savepoint, since a failed statement undoes itself (savepoints make SQLite copy every page
//! they touch to a sub-journal, the largest cost of a batch). [`GroupCommit::run_repeatable`]
//! is for jobs of several statements that may run twice. PostgreSQL aborts the whole
//! transaction on any error, so there a batch made only of jobs that may run twice runs
//! without savepoints (two statements fewer per job), and if one of them fails the batch is
//! rolled back and run again with a savepoint per job, so only the failing job fails.
//!
//! [`GroupCommit::run_grouped`] is for many jobs of one kind that one statement can write
//! together (a lead each: one multi-row INSERT instead of one per lead). On PostgreSQL, in a
//! batch without savepoints, jobs of one [`GroupWrite`] kind that follow one another run in
//! one call; everywhere else (SQLite, and the run again with savepoints) each runs alone, as
//! a single write.
//!
//! Each writer thread owns its connection. On SQLite the writers never checkpoint the WAL
//! in the middle of a commit; `db/wal_checkpoint.rs` says who does.

mod jobs;

use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use diesel::connection::SimpleConnection;
use diesel::result::Error as DieselError;
use tokio::sync::{mpsc, oneshot};

use super::DatabaseUrl;
use super::DbConn;
use super::outage::{self, Outage};
use super::pool::ConnectionManager;
use super::wal_checkpoint;
pub use jobs::GroupWrite;
use jobs::{GroupedItem, Job, Outcome, run_all_grouped, run_job, writer_gone};

struct Request {
    job: Job,
    reply: oneshot::Sender<Outcome>,
}

/// Handle to the writer threads; cheap to clone.
#[derive(Clone)]
pub struct GroupCommit {
    sender: mpsc::Sender<Request>,
    /// The checkpoint thread stops once every handle is gone.
    _alive: std::sync::Arc<()>,
}

impl GroupCommit {
    /// Starts `writers` threads, each with its own connection to `url`, committing batches of
    /// at most `max_batch` jobs. The threads end when every handle is dropped.
    pub fn start(url: &DatabaseUrl, writers: usize, max_batch: usize) -> Self {
        let (sender, receiver) = mpsc::channel::<Request>(max_batch * 8);
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        let checkpoint_due = std::sync::Arc::new(AtomicBool::new(false));
        for index in 0..writers.max(1) {
            let manager = ConnectionManager::new(url.clone());
            let receiver = receiver.clone();
            let checkpoint_due = checkpoint_due.clone();
            let spawned = thread::Builder::new()
                .name(format!("db-writer-{index}"))
                .spawn(move || {
                    Writer::new(manager, checkpoint_due).run(&receiver, max_batch.max(1));
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "could not start a database writer thread");
            }
        }
        let alive = std::sync::Arc::new(());
        if let DatabaseUrl::Sqlite(path) = url {
            let manager = ConnectionManager::new(url.clone());
            let path = path.clone();
            let alive = std::sync::Arc::downgrade(&alive);
            let spawned = thread::Builder::new()
                .name("db-checkpoint".to_string())
                .spawn(move || {
                    wal_checkpoint::checkpoint_until_gone(&manager, &path, &alive, &checkpoint_due);
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "could not start the WAL checkpoint thread");
            }
        }
        Self {
            sender,
            _alive: alive,
        }
    }

    /// Runs `job` (in a savepoint) in the next batch; resolves after the batch committed.
    pub async fn run<T, F>(&self, job: F) -> Result<T, DieselError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, DieselError> + Send + 'static,
    {
        self.submit(Job::Once(Box::new(move |conn| {
            job(conn).map(|value| Box::new(value) as Box<dyn Any + Send>)
        })))
        .await
    }

    /// Like [`GroupCommit::run`], for a job whose writes are a single statement (any number
    /// of reads before it) and that can run again from the start if its batch is rolled
    /// back: it runs without a savepoint (see the module docs).
    pub async fn run_single_write<T, F>(&self, mut job: F) -> Result<T, DieselError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConn) -> Result<T, DieselError> + Send + 'static,
    {
        self.submit(Job::SingleWrite(Box::new(move |conn| {
            job(conn).map(|value| Box::new(value) as Box<dyn Any + Send>)
        })))
        .await
    }

    /// Like [`GroupCommit::run`], for a job that can run again from the start if its batch
    /// is rolled back: on PostgreSQL it runs without a savepoint (see the module docs).
    pub async fn run_repeatable<T, F>(&self, mut job: F) -> Result<T, DieselError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConn) -> Result<T, DieselError> + Send + 'static,
    {
        self.submit(Job::Repeatable(Box::new(move |conn| {
            job(conn).map(|value| Box::new(value) as Box<dyn Any + Send>)
        })))
        .await
    }

    /// Like [`GroupCommit::run_single_write`], for an item that may be written together with
    /// others of its kind in the same batch (see the module docs).
    pub async fn run_grouped<G: GroupWrite>(&self, item: G) -> Result<G::Output, DieselError> {
        self.submit(Job::Grouped(GroupedItem::new(item))).await
    }

    async fn submit<T: 'static>(&self, job: Job) -> Result<T, DieselError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Request { job, reply })
            .await
            .map_err(|_| writer_gone())?;
        let value = answer.await.map_err(|_| writer_gone())??;
        value.downcast::<T>().map(|boxed| *boxed).map_err(|_| {
            DieselError::QueryBuilderError("a job's result had an unexpected type".into())
        })
    }
}

/// Answers every job of a batch with the batch's failure, keeping whether it was an outage
/// (callers answer those with 503 or try again).
fn reply_all(batch: &mut Vec<Request>, err: &DieselError) {
    for request in batch.drain(..) {
        let _ = request.reply.send(Err(copy_of(err)));
    }
}

/// An error with `err`'s message, keeping whether it was an outage (errors are not `Clone`).
fn copy_of(err: &DieselError) -> DieselError {
    let message = err.to_string();
    match outage::outage_of(err) {
        Some(outage) => outage::outage_error(outage, message),
        None => DieselError::QueryBuilderError(message.into()),
    }
}

/// One writer thread: its connection, re-opened when lost.
struct Writer {
    manager: ConnectionManager,
    conn: Option<DbConn>,
    /// Set by the checkpoint thread when the WAL has grown large (SQLite).
    checkpoint_due: std::sync::Arc<AtomicBool>,
}

impl Writer {
    fn new(manager: ConnectionManager, checkpoint_due: std::sync::Arc<AtomicBool>) -> Self {
        Self {
            manager,
            conn: None,
            checkpoint_due,
        }
    }

    fn run(mut self, receiver: &std::sync::Mutex<mpsc::Receiver<Request>>, max_batch: usize) {
        let mut batch: Vec<Request> = Vec::with_capacity(max_batch);
        loop {
            {
                let Ok(mut receiver) = receiver.lock() else {
                    return;
                };
                let Some(first) = receiver.blocking_recv() else {
                    return;
                };
                batch.push(first);
                while batch.len() < max_batch {
                    match receiver.try_recv() {
                        Ok(request) => batch.push(request),
                        Err(_) => break,
                    }
                }
            }
            self.commit_batch(&mut batch);
        }
    }

    /// The connection, opened (and set up) if needed.
    fn connection(&mut self) -> Result<&mut DbConn, DieselError> {
        if self
            .conn
            .as_mut()
            .is_some_and(diesel::r2d2::R2D2Connection::is_broken)
        {
            self.conn = None;
        }
        if self.conn.is_none() {
            let mut conn = self.manager.establish().map_err(|err| {
                let message = err.to_string();
                outage::outage_error(
                    outage::outage_of_message(&message),
                    format!("no database connection for the writer: {message}"),
                )
            })?;
            if let DbConn::Sqlite(_) = conn {
                // A page cache of 8 MiB (instead of SQLite's 2 MiB) for the hot pages of the
                // indexes the writer touches. Not more: a page split renumbers a page through
                // the locking page (page 262,145 of a 4 KiB database), after which SQLite
                // scans the whole cache at every commit until the database passes 1 GiB; with
                // 64 MiB that scan was 20% of the writer's time and a soak ran 15% slower.
                // The WAL file is reused from its start after each checkpoint; a busy
                // burst may grow it, and this returns the space once it is reused.
                conn.batch_execute(
                    "PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -8192; \
                     PRAGMA journal_size_limit = 67108864;",
                )?;
            }
            self.conn = Some(conn);
        }
        self.conn.as_mut().ok_or_else(writer_gone)
    }

    /// Forgets the connection if it no longer answers (the server restarted, say): the next
    /// batch opens a new one. diesel's `is_broken` looks only at the transaction state, so a
    /// connection whose server went away would otherwise fail every batch from then on.
    fn drop_if_dead(&mut self) {
        if self.conn.as_mut().is_some_and(|conn| conn.ping().is_err()) {
            tracing::warn!("the database writer lost its connection; it opens a new one");
            self.conn = None;
        }
    }

    fn commit_batch(&mut self, batch: &mut Vec<Request>) {
        let conn = match self.connection() {
            Ok(conn) => conn,
            Err(err) => {
                reply_all(batch, &err);
                return;
            }
        };
        let sqlite = matches!(conn, DbConn::Sqlite(_));
        let mut jobs: Vec<Job> = batch
            .iter_mut()
            .map(|request| std::mem::replace(&mut request.job, Job::Done))
            .collect();
        let mut outcomes: Vec<Outcome> = Vec::with_capacity(jobs.len());
        let all_repeatable = jobs.iter().all(|job| {
            matches!(
                job,
                Job::SingleWrite(_) | Job::Repeatable(_) | Job::Grouped(_)
            )
        });
        // PostgreSQL, jobs that may run twice: no savepoints. A failure aborts the whole
        // transaction, so then the batch runs again below, a savepoint per job.
        let without_savepoints = (!sqlite && all_repeatable)
            .then(|| {
                super::write_transaction(conn, |conn| {
                    run_all_grouped(conn, &mut jobs, &mut outcomes)
                })
            })
            .filter(Result::is_ok);
        let committed = match without_savepoints {
            Some(committed) => committed,
            None => {
                outcomes.clear();
                super::write_transaction(conn, |conn| {
                    for job in &mut jobs {
                        // Single writes on SQLite go without one (see the module docs).
                        let savepoint =
                            !(sqlite && matches!(job, Job::SingleWrite(_) | Job::Grouped(_)));
                        outcomes.push(run_job(conn, job, savepoint));
                    }
                    Ok::<(), DieselError>(())
                })
            }
        };
        let lost = match &committed {
            Ok(()) => outcomes.iter().any(|outcome| {
                outcome
                    .as_ref()
                    .is_err_and(|err| outage::outage_of(err) == Some(Outage::Unreachable))
            }),
            Err(err) => outage::outage_of(err) == Some(Outage::Unreachable),
        };
        match committed {
            Ok(()) => {
                for (request, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = request.reply.send(outcome);
                }
            }
            Err(err) => {
                tracing::error!(error = %err, jobs = batch.len(), "a group commit failed");
                reply_all(batch, &err);
            }
        }
        if lost {
            self.drop_if_dead();
        }
        if sqlite
            && self.checkpoint_due.swap(false, Ordering::Relaxed)
            && let Some(DbConn::Sqlite(conn)) = self.conn.as_mut()
            && let Err(err) = wal_checkpoint::passive_checkpoint(conn)
        {
            tracing::warn!(error = %err, "WAL checkpoint failed");
        }
    }
}
