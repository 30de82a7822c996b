//! Group commit: many small write transactions from concurrent requests share one database
//! commit (one fsync), without weakening "committed before answering".
//!
//! Each job runs inside a savepoint of the batch's transaction, so a failing job is rolled
//! back alone; every caller gets its result only after the batch's COMMIT has returned. A
//! batch takes what is waiting (up to a limit) — there is no timer, so a lone request is
//! committed at once and busy periods batch themselves.

use std::any::Any;
use std::thread;

use diesel::Connection;
use diesel::result::Error as DieselError;
use tokio::sync::{mpsc, oneshot};

use super::DbConn;
use super::pool::DbPool;

type Outcome = Result<Box<dyn Any + Send>, DieselError>;
type Job = Box<dyn FnOnce(&mut DbConn) -> Outcome + Send>;

struct Request {
    job: Job,
    reply: oneshot::Sender<Outcome>,
}

/// Handle to the writer threads; cheap to clone.
#[derive(Clone)]
pub struct GroupCommit {
    sender: mpsc::Sender<Request>,
}

/// Why a job's result never came.
fn writer_gone() -> DieselError {
    DieselError::QueryBuilderError("the database writer has stopped".into())
}

impl GroupCommit {
    /// Starts `writers` threads, each with a connection from `pool`, committing batches of at
    /// most `max_batch` jobs.
    pub fn start(pool: &DbPool, writers: usize, max_batch: usize) -> Self {
        let (sender, receiver) = mpsc::channel::<Request>(max_batch * 8);
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        for index in 0..writers.max(1) {
            let pool = pool.clone();
            let receiver = receiver.clone();
            let spawned = thread::Builder::new()
                .name(format!("db-writer-{index}"))
                .spawn(move || run_writer(&pool, &receiver, max_batch.max(1)));
            if let Err(err) = spawned {
                tracing::error!(error = %err, "could not start a database writer thread");
            }
        }
        Self { sender }
    }

    /// Runs `job` in the next batch; resolves after the batch committed.
    pub async fn run<T, F>(&self, job: F) -> Result<T, DieselError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, DieselError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job =
            Box::new(move |conn| job(conn).map(|value| Box::new(value) as Box<dyn Any + Send>));
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

fn run_writer(
    pool: &DbPool,
    receiver: &std::sync::Mutex<mpsc::Receiver<Request>>,
    max_batch: usize,
) {
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
        commit_batch(pool, &mut batch);
    }
}

fn commit_batch(pool: &DbPool, batch: &mut Vec<Request>) {
    let mut conn = match pool.get() {
        Ok(conn) => conn,
        Err(err) => {
            let message = format!("no database connection for the writer: {err}");
            for request in batch.drain(..) {
                let _ = request
                    .reply
                    .send(Err(DieselError::QueryBuilderError(message.clone().into())));
            }
            return;
        }
    };
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(batch.len());
    let jobs: Vec<Job> = batch
        .iter_mut()
        .map(|r| std::mem::replace(&mut r.job, Box::new(|_| Err(writer_gone()))))
        .collect();
    let committed = super::write_transaction(&mut conn, |conn| {
        for job in jobs {
            // Each job in its own savepoint: its failure undoes only its own writes.
            outcomes.push(conn.transaction(|conn| job(conn)));
        }
        Ok::<(), DieselError>(())
    });
    match committed {
        Ok(()) => {
            for (request, outcome) in batch.drain(..).zip(outcomes) {
                let _ = request.reply.send(outcome);
            }
        }
        Err(err) => {
            tracing::error!(error = %err, jobs = batch.len(), "a group commit failed");
            let message = err.to_string();
            for request in batch.drain(..) {
                let _ = request
                    .reply
                    .send(Err(DieselError::QueryBuilderError(message.clone().into())));
            }
        }
    }
}
