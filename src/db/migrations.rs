//! Paired migrations (`migrations/sqlite`, `migrations/postgres`, same folder names),
//! embedded in the binary and applied at start-up and by `leadrelay migrate`.
//!
//! Concurrent starts are safe: on PostgreSQL the whole run holds an advisory lock; on SQLite
//! it runs inside one `BEGIN IMMEDIATE` transaction, which takes the write lock first.

use anyhow::Context;
use diesel::RunQueryDsl;
use diesel::migration::MigrationVersion;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConn;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Arbitrary but fixed: the advisory lock all instances take while migrating.
const MIGRATION_LOCK: i64 = 0x6c65_6164_7265_6c61;

/// Applies every pending migration; returns the versions applied.
pub fn run_pending(conn: &mut DbConn) -> anyhow::Result<Vec<String>> {
    let applied = match conn {
        DbConn::Sqlite(conn) => conn.immediate_transaction(|conn| {
            conn.run_pending_migrations(SQLITE)
                .map(versions)
                .map_err(|err| anyhow::anyhow!(err))
        }),
        DbConn::Pg(conn) => with_pg_lock(conn, |conn| {
            conn.run_pending_migrations(POSTGRES)
                .map(versions)
                .map_err(|err| anyhow::anyhow!(err))
        }),
    };
    applied.context("while applying database migrations")
}

/// Reverts every migration (used by the migration round-trip test).
pub fn revert_all(conn: &mut DbConn) -> anyhow::Result<Vec<String>> {
    let reverted = match conn {
        DbConn::Sqlite(conn) => conn.immediate_transaction(|conn| {
            conn.revert_all_migrations(SQLITE)
                .map(versions)
                .map_err(|err| anyhow::anyhow!(err))
        }),
        DbConn::Pg(conn) => with_pg_lock(conn, |conn| {
            conn.revert_all_migrations(POSTGRES)
                .map(versions)
                .map_err(|err| anyhow::anyhow!(err))
        }),
    };
    reverted.context("while reverting database migrations")
}

/// Whether any migration is still to be applied.
pub fn has_pending(conn: &mut DbConn) -> anyhow::Result<bool> {
    let pending = match conn {
        DbConn::Sqlite(conn) => conn.pending_migrations(SQLITE).map(|p| !p.is_empty()),
        DbConn::Pg(conn) => conn.pending_migrations(POSTGRES).map(|p| !p.is_empty()),
    };
    pending.map_err(|err| anyhow::anyhow!(err))
}

fn with_pg_lock<T>(
    conn: &mut diesel::PgConnection,
    run: impl FnOnce(&mut diesel::PgConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        .execute(conn)
        .context("while waiting for the migration lock")?;
    let result = run(conn);
    let unlocked = diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
        .execute(conn)
        .context("while releasing the migration lock");
    let value = result?;
    unlocked?;
    Ok(value)
}

fn versions(applied: Vec<MigrationVersion<'_>>) -> Vec<String> {
    applied.iter().map(ToString::to_string).collect()
}
