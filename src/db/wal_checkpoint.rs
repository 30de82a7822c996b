//! SQLite's WAL, copied back into the database beside the group-commit writer.
//!
//! The writers never checkpoint in the middle of a commit (`wal_autocheckpoint = 0`). A
//! thread with a connection of its own runs a passive checkpoint about once a second, which
//! does not stop the writer. Under sustained writes such a checkpoint never reaches the end
//! of the WAL, and SQLite restarts the WAL from its beginning only after a checkpoint copied
//! all of it; so when the WAL has grown large, the thread asks a writer to checkpoint between
//! two batches (short: most pages are already copied), and the next commit restarts the WAL.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use diesel::result::Error as DieselError;

use super::DbConn;
use super::pool::ConnectionManager;

/// How often the checkpoint thread copies the WAL back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// WAL size (frames, i.e. pages) above which the checkpoint thread asks a writer to
/// checkpoint between two batches. Under sustained writes a checkpoint running beside the
/// writer never sees the end of the WAL, and SQLite starts the WAL from its beginning again
/// only after a checkpoint copied all of it; the writer's own checkpoint does (the thread has
/// already copied most pages, so it is short), and the next commit restarts the WAL.
const WRITER_CHECKPOINT_ABOVE_FRAMES: i32 = 4096;

/// The checkpoint thread: a passive checkpoint about once a second, on a connection of its
/// own, until every [`GroupCommit`](super::group_commit::GroupCommit) handle is dropped.
pub(super) fn checkpoint_until_gone(
    manager: &ConnectionManager,
    alive: &std::sync::Weak<()>,
    writer_should_checkpoint: &AtomicBool,
) {
    let mut conn: Option<diesel::SqliteConnection> = None;
    loop {
        thread::sleep(CHECKPOINT_EVERY);
        if alive.strong_count() == 0 {
            return;
        }
        if conn.is_none() {
            match manager.establish() {
                Ok(DbConn::Sqlite(opened)) => conn = Some(opened),
                Ok(DbConn::Pg(_)) => return,
                Err(err) => {
                    tracing::warn!(error = %err, "WAL checkpoint: no database connection");
                    continue;
                }
            }
        }
        let Some(open) = conn.as_mut() else {
            continue;
        };
        match passive_checkpoint(open) {
            Ok(frames) if frames > WRITER_CHECKPOINT_ABOVE_FRAMES => {
                writer_should_checkpoint.store(true, Ordering::Relaxed);
            }
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(error = %err, "WAL checkpoint failed");
                conn = None;
            }
        }
    }
}

/// What `PRAGMA wal_checkpoint` answers.
#[derive(diesel::QueryableByName)]
struct Checkpointed {
    /// Frames in the WAL.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    log: i32,
}

/// Runs one passive checkpoint; the size of the WAL in frames.
pub(super) fn passive_checkpoint(conn: &mut diesel::SqliteConnection) -> Result<i32, DieselError> {
    use diesel::RunQueryDsl;
    let done: Checkpointed =
        diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result(conn)?;
    Ok(done.log)
}
