//! `leadrelay backup --to FILE`: a consistent copy of the SQLite database, taken while the
//! server runs.
//!
//! The copy is made with SQLite's `VACUUM INTO`, which reads the whole database inside one
//! read transaction. In WAL mode a reader never blocks the writers, so intake and delivery
//! carry on while the copy is made, and the copy holds exactly what had been committed when
//! it began: every lead acknowledged (202) before the backup started, nothing half-written.
//! (The page-by-page backup API restarts whenever another connection writes, which under a
//! steady stream of leads may never finish; `VACUUM INTO` cannot be starved that way.)
//!
//! The copy is written to `FILE.partial` (created empty with mode 0600 first: it holds
//! people's names and the sealed AccuLynx keys), checked with `PRAGMA integrity_check`,
//! synced to disk, and only then renamed to `FILE`. So `FILE` either does not exist or is a
//! complete, checked backup. An existing `FILE` is never overwritten.
//!
//! PostgreSQL has its own tool for this, `pg_dump`; [`postgres_advice`] says how to use it.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::DatabaseUrl;
use crate::db::schema::{companies, leads, locations};

/// What a finished backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// The backup file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Companies in it.
    pub companies: i64,
    /// Locations in it.
    pub locations: i64,
    /// Leads in it.
    pub leads: i64,
}

#[derive(QueryableByName)]
struct CheckRow {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// Copies the SQLite database at `source` to `to` (see the module docs).
pub fn backup_sqlite(source: &Path, to: &Path) -> anyhow::Result<BackupReport> {
    if !source.is_file() {
        bail!(
            "there is no database at {}; check LEADRELAY_DATABASE_URL",
            source.display()
        );
    }
    if to.exists() {
        bail!(
            "{} already exists; a backup never overwrites a file, so choose a new name",
            to.display()
        );
    }
    if same_file(source, to) {
        bail!("the backup must go to another file than the database itself");
    }
    let parent = match to.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        bail!("the folder {} does not exist", parent.display());
    }
    let partial = partial_path(to);
    // A partial file left by a backup that was interrupted is ours to replace.
    let _ = std::fs::remove_file(&partial);
    create_private_file(&partial)?;

    let counts = match copy_and_check(source, &partial) {
        Ok(counts) => counts,
        Err(err) => {
            let _ = std::fs::remove_file(&partial);
            return Err(err);
        }
    };
    File::open(&partial)
        .and_then(|file| file.sync_all())
        .with_context(|| format!("while syncing {} to disk", partial.display()))?;
    std::fs::rename(&partial, to)
        .with_context(|| format!("while renaming {} to {}", partial.display(), to.display()))?;
    // The rename itself survives a crash once the folder is synced.
    if let Ok(dir) = File::open(&parent) {
        let _ = dir.sync_all();
    }
    let bytes = std::fs::metadata(to)
        .with_context(|| format!("while reading the size of {}", to.display()))?
        .len();
    Ok(BackupReport {
        path: to.to_path_buf(),
        bytes,
        companies: counts.0,
        locations: counts.1,
        leads: counts.2,
    })
}

/// Makes the copy and checks it; returns (companies, locations, leads) in the copy.
fn copy_and_check(source: &Path, partial: &Path) -> anyhow::Result<(i64, i64, i64)> {
    let source_text = utf8(source)?;
    let partial_text = utf8(partial)?;
    let mut conn = SqliteConnection::establish(source_text)
        .with_context(|| format!("while opening {}", source.display()))?;
    // Wait for a writer's lock rather than failing; the copy itself only reads.
    conn.batch_execute("PRAGMA busy_timeout = 10000;")
        .context("while setting up the database connection")?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(partial_text)
        .execute(&mut conn)
        .with_context(|| format!("while copying the database to {}", partial.display()))?;
    drop(conn);

    let mut copy = SqliteConnection::establish(partial_text)
        .with_context(|| format!("while opening the copy {}", partial.display()))?;
    let check: Vec<CheckRow> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut copy)
        .context("while checking the copy")?;
    let verdict: Vec<&str> = check
        .iter()
        .map(|row| row.integrity_check.as_str())
        .collect();
    if verdict != ["ok"] {
        bail!(
            "the copy failed SQLite's integrity check: {}",
            verdict.join("; ")
        );
    }
    let companies = companies::table
        .count()
        .get_result(&mut copy)
        .context("while counting the companies in the copy")?;
    let locations = locations::table
        .count()
        .get_result(&mut copy)
        .context("while counting the locations in the copy")?;
    let leads = leads::table
        .count()
        .get_result(&mut copy)
        .context("while counting the leads in the copy")?;
    Ok((companies, locations, leads))
}

/// What to do instead on PostgreSQL: one paragraph naming `pg_dump` with this database's
/// URL (password hidden).
pub fn postgres_advice(url: &DatabaseUrl) -> String {
    format!(
        "leadrelay backup copies SQLite databases; this one is PostgreSQL ({url}), which has \
         its own tool. Take a consistent backup while leadrelay runs with \
         `pg_dump --format=custom --file=leadrelay.dump \"$LEADRELAY_DATABASE_URL\"` and restore \
         it into an empty database with `pg_restore --dbname=URL leadrelay.dump`; keep the \
         master key (LEADRELAY_MASTER_KEY) with it, as the AccuLynx keys are sealed with it \
         (see docs/deploy.md)."
    )
}

fn partial_path(to: &Path) -> PathBuf {
    let mut name = to.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    to.with_file_name(name)
}

fn create_private_file(path: &Path) -> anyhow::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map(drop)
        .with_context(|| format!("while creating {}", path.display()))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.parent().map(Path::canonicalize)) {
        (Ok(a), Some(Ok(dir))) => b.file_name().is_some_and(|name| dir.join(name) == a),
        _ => false,
    }
}

fn utf8(path: &Path) -> anyhow::Result<&str> {
    path.to_str()
        .with_context(|| format!("the path {} is not valid UTF-8", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partial_file_sits_beside_the_backup() {
        assert_eq!(
            partial_path(Path::new("/var/backups/lr-2026.db")),
            PathBuf::from("/var/backups/lr-2026.db.partial")
        );
    }

    #[test]
    fn a_missing_database_and_an_existing_target_are_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let err = backup_sqlite(&dir.path().join("none.db"), &dir.path().join("b.db"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("there is no database at"), "{err}");
        let source = dir.path().join("a.db");
        std::fs::write(&source, b"").unwrap();
        let err = backup_sqlite(&source, &source).unwrap_err().to_string();
        assert!(err.contains("never overwrites"), "{err}");
    }
}
