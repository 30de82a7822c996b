//! SQLite's WAL, copied back into the database beside the group-commit writer.
//!
//! The writers never checkpoint in the middle of a commit (`wal_autocheckpoint = 0`). A
//! thread with a connection of its own runs passive checkpoints four times a second, which
//! do not stop the writer. SQLite starts the WAL from its beginning again only when a
//! transaction begins with every frame already copied, and the writer begins its next batch
//! the moment one commits; so the writer has to copy the last frames itself, between two
//! batches, holding every commit meanwhile. To keep that short, the thread first catches
//! up: more passes in a row, each copying only what was committed during the one before,
//! until one is short. Only then does it ask the writer for the rest (a commit or two).
//!
//! SQLite flushes the database file (fsync) only after a pass that reaches the WAL's end,
//! and under load the thread's passes never do: the writer appends meanwhile. Left alone,
//! every page they copied would wait in the OS's cache for the writer's pass, which would
//! then write seconds' worth of pages to the disk while no commit can start. So the thread
//! flushes the database file itself after each of its passes, and the writer's pass has only
//! its own few pages to write. Passes four times a second keep each flush small: the disk
//! finishes a flush before the writer's next fsync of the WAL has to wait for it, where one
//! flush a second made the WAL fsyncs during it take 16 ms instead of 2.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use diesel::result::Error as DieselError;

use super::DbConn;
use super::pool::ConnectionManager;

/// How often the checkpoint thread copies the WAL back into the database (and flushes it).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// WAL size (frames, i.e. pages: 64 MiB) above which the thread catches up and then asks
/// the writer to checkpoint the rest, so that the WAL restarts: under full load every two or
/// three seconds, not at every pass.
const RESTART_ABOVE_FRAMES: i32 = 16_384;

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
    path: &Path,
    alive: &std::sync::Weak<()>,
    writer_should_checkpoint: &AtomicBool,
) {
    let mut conn: Option<diesel::SqliteConnection> = None;
    let mut flush_failed = false;
    let mut file: Option<&'static File> = None;
    let mut flush = || match file
        .map_or_else(|| database_file(path), Ok)
        .and_then(|opened| {
            file = Some(opened);
            opened.sync_data()
        }) {
        Ok(()) => flush_failed = false,
        Err(err) => {
            // The writer's pass flushes the file anyway (and fails there if the disk does).
            if !flush_failed {
                tracing::warn!(error = %err, "WAL checkpoint: cannot flush the database file");
            }
            flush_failed = true;
        }
    };
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
        match catch_up(open, &mut flush) {
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

/// One passive checkpoint and a `flush` of what it copied; then, if the WAL is large, more
/// while the writer keeps appending, each after `flush` has written what the one before
/// copied, until a flush and a pass together are short.
fn catch_up(
    conn: &mut diesel::SqliteConnection,
    flush: &mut dyn FnMut(),
) -> Result<CatchUp, DieselError> {
    let mut frames = passive_checkpoint(conn)?.log;
    if frames <= RESTART_ABOVE_FRAMES {
        flush();
        return Ok(CatchUp {
            frames,
            caught_up: true,
        });
    }
    for _ in 0..CATCH_UP_PASSES {
        let started = Instant::now();
        flush();
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

/// The database file at `path`, opened once for the life of the process. It is never
/// closed: closing any descriptor of a file drops every POSIX lock the process holds on it,
/// SQLite's among them.
fn database_file(path: &Path) -> std::io::Result<&'static File> {
    static OPENED: LazyLock<Mutex<HashMap<PathBuf, &'static File>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    let mut opened = OPENED
        .lock()
        .map_err(|_| std::io::Error::other("the database file registry is poisoned"))?;
    if let Some(file) = opened.get(path) {
        return Ok(file);
    }
    let file: &'static File = Box::leak(Box::new(File::open(path)?));
    opened.insert(path.to_path_buf(), file);
    Ok(file)
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
            commit_rows(&mut writer, RESTART_ABOVE_FRAMES as usize / 2);
        }

        // The thread copies everything (nothing is appended meanwhile), flushes it and calls
        // it caught up: the writer is asked for the rest.
        let mut flushes = 0;
        let round = catch_up(&mut thread_side, &mut || flushes += 1).unwrap();
        assert_eq!(
            flushes, 1,
            "the copied pages were not flushed before the hand-over"
        );
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
    fn a_small_wal_is_copied_and_flushed_but_left_to_grow() {
        let (_dir, path, mut writer) = new_database();
        commit_rows(&mut writer, 100);
        let mut thread_side = open(&path);
        let mut flushes = 0;
        let round = catch_up(&mut thread_side, &mut || flushes += 1).unwrap();
        assert_eq!(flushes, 1);
        assert!(round.frames <= RESTART_ABOVE_FRAMES);
        assert!(round.frames > 0);
        assert!(!round.writer_takes_over());
    }

    #[test]
    fn while_the_writer_appends_each_pass_follows_a_flush_of_what_the_one_before_copied() {
        let (_dir, path, mut writer) = new_database();
        let mut thread_side = open(&path);
        commit_rows(&mut writer, RESTART_ABOVE_FRAMES as usize + 1_000);
        // A "writer" that commits during every flush, and a flush slower than a short pass:
        // the thread flushes before each of its passes and gives up after the most it may
        // make.
        let mut flushes = 0;
        let round = catch_up(&mut thread_side, &mut || {
            flushes += 1;
            commit_rows(&mut writer, 200);
            database_file(&path).unwrap().sync_data().unwrap();
            std::thread::sleep(CAUGHT_UP_WITHIN + Duration::from_millis(1));
        })
        .unwrap();
        assert_eq!(flushes, CATCH_UP_PASSES);
        assert!(!round.caught_up);
    }

    #[test]
    fn the_database_file_is_opened_once_per_path() {
        let (_dir, path, _writer) = new_database();
        let first = database_file(&path).unwrap();
        let again = database_file(&path).unwrap();
        assert!(std::ptr::eq(first, again));
        first.sync_data().unwrap();
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
