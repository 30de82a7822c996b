//! SQLite's WAL, copied back into the database beside the group-commit writer.
//!
//! The writers never checkpoint in the middle of a commit (`wal_autocheckpoint = 0`). A
//! thread with a connection of its own runs passive checkpoints about once a second, which
//! do not stop the writer. SQLite starts the WAL from its beginning again only when a
//! transaction begins with every frame already copied, and the writer begins its next batch
//! the moment one commits; so the writer has to copy the last frames itself, between two
//! batches, holding every commit meanwhile. To keep that short, the thread first catches
//! up: more passes in a row, each copying only what was committed during the one before,
//! until one is short. Only then does it ask the writer for the rest (a commit or two).

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use diesel::result::Error as DieselError;

use super::DbConn;
use super::pool::ConnectionManager;

/// How often the checkpoint thread copies the WAL back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// WAL size (frames, i.e. pages) above which the thread catches up and then asks the
/// writer to checkpoint the rest, so that the WAL restarts.
const RESTART_ABOVE_FRAMES: i32 = 4096;

/// Passes in a row, at most, to catch up with the writer.
const CATCH_UP_PASSES: usize = 8;

/// A pass this short copied only what a commit or two appended: caught up.
const CAUGHT_UP_WITHIN: Duration = Duration::from_millis(15);

/// WAL size (frames) above which the writer checkpoints even if the thread never caught up
/// (a disk too slow for the write rate): the WAL must not grow without end. 65,536 frames
/// of 4 KiB are 256 MiB.
const WRITER_CHECKPOINT_ANYWAY_ABOVE_FRAMES: i32 = 65_536;

/// The checkpoint thread: passive checkpoints about once a second, on a connection of its
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
        match catch_up(open) {
            Ok(round) if round.writer_takes_over() => {
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

/// Where a round of passive checkpoints left the WAL.
struct CatchUp {
    /// Frames in the WAL.
    frames: i32,
    /// The last pass was short: what is left for the writer is a commit or two.
    caught_up: bool,
}

impl CatchUp {
    /// Whether the writer should copy the rest between two batches: the WAL is large and
    /// the thread caught up (or the WAL is past the hard bound).
    fn writer_takes_over(&self) -> bool {
        self.frames > RESTART_ABOVE_FRAMES
            && (self.caught_up || self.frames > WRITER_CHECKPOINT_ANYWAY_ABOVE_FRAMES)
    }
}

/// One passive checkpoint, then, if the WAL is large, more while the writer keeps
/// appending, until one is short.
fn catch_up(conn: &mut diesel::SqliteConnection) -> Result<CatchUp, DieselError> {
    let mut frames = passive_checkpoint(conn)?.log;
    if frames <= RESTART_ABOVE_FRAMES {
        return Ok(CatchUp {
            frames,
            caught_up: true,
        });
    }
    for _ in 0..CATCH_UP_PASSES {
        let started = std::time::Instant::now();
        frames = passive_checkpoint(conn)?.log;
        if started.elapsed() <= CAUGHT_UP_WITHIN {
            return Ok(CatchUp {
                frames,
                caught_up: true,
            });
        }
    }
    Ok(CatchUp {
        frames,
        caught_up: false,
    })
}

/// What `PRAGMA wal_checkpoint` answers.
#[derive(diesel::QueryableByName)]
pub(super) struct Checkpointed {
    /// Frames in the WAL.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub(super) log: i32,
}

/// Runs one passive checkpoint: how large the WAL is.
pub(super) fn passive_checkpoint(
    conn: &mut diesel::SqliteConnection,
) -> Result<Checkpointed, DieselError> {
    use diesel::RunQueryDsl;
    diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::Connection;
    use diesel::connection::SimpleConnection;

    fn open(path: &std::path::Path) -> diesel::SqliteConnection {
        let mut conn = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
        conn.batch_execute("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
            .unwrap();
        conn
    }

    /// A database in a directory of its own with one table, and the writer's connection.
    fn new_database() -> (
        tempfile::TempDir,
        std::path::PathBuf,
        diesel::SqliteConnection,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.db");
        let mut writer = open(&path);
        writer
            .batch_execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL);")
            .unwrap();
        (dir, path, writer)
    }

    /// Commits `rows` rows of 3 KiB in one transaction: about one WAL frame each.
    fn commit_rows(conn: &mut diesel::SqliteConnection, rows: usize) {
        conn.batch_execute(&format!(
            "BEGIN IMMEDIATE; \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) \
             INSERT INTO t (body) SELECT randomblob(3000) FROM n; COMMIT;"
        ))
        .unwrap();
    }

    #[test]
    fn a_large_wal_is_caught_up_with_then_restarted_by_the_writers_short_checkpoint() {
        let (_dir, path, mut writer) = new_database();
        let mut thread_side = open(&path);
        for _ in 0..3 {
            commit_rows(&mut writer, 2_000);
        }

        // The thread copies everything (nothing is appended meanwhile) and calls it caught up:
        // the writer is asked for the rest.
        let round = catch_up(&mut thread_side).unwrap();
        assert!(
            round.frames > RESTART_ABOVE_FRAMES,
            "{} frames",
            round.frames
        );
        assert!(round.caught_up);
        assert!(round.writer_takes_over());

        // The writer's own pass finds nothing left to copy, and its next commit starts the
        // WAL from the beginning again.
        let before = round.frames;
        passive_checkpoint(&mut writer).unwrap();
        commit_rows(&mut writer, 10);
        let after = passive_checkpoint(&mut thread_side).unwrap().log;
        assert!(
            after < 100,
            "the WAL did not restart: {after} frames after {before}"
        );
    }

    #[test]
    fn a_small_wal_is_left_to_grow() {
        let (_dir, path, mut writer) = new_database();
        commit_rows(&mut writer, 100);
        let mut thread_side = open(&path);
        let round = catch_up(&mut thread_side).unwrap();
        assert!(round.frames <= RESTART_ABOVE_FRAMES);
        assert!(round.frames > 0);
        assert!(!round.writer_takes_over());
    }

    #[test]
    fn the_writer_takes_over_only_when_caught_up_or_past_the_hard_bound() {
        let round = |frames, caught_up| CatchUp { frames, caught_up }.writer_takes_over();
        assert!(round(RESTART_ABOVE_FRAMES + 1, true));
        assert!(!round(RESTART_ABOVE_FRAMES + 1, false));
        assert!(!round(RESTART_ABOVE_FRAMES, true));
        assert!(round(WRITER_CHECKPOINT_ANYWAY_ABOVE_FRAMES + 1, false));
    }
}
