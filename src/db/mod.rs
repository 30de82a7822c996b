//! The data layer: one connection type over SQLite and PostgreSQL, the pool, migrations.
//!
//! Backend rules (STYLE.md "Database"):
//! - `schema.rs` uses portable column types only; timestamps are UTC `NaiveDateTime`,
//!   UUIDs are text.
//! - SQL that differs between the backends lives in small functions here (or in
//!   `delivery/`), matched on the [`DbConn`] variant, and is tested on both.
//! - SQLite runs in WAL mode with `synchronous = FULL`, so a transaction whose commit has
//!   returned is on disk: an answer sent after a commit survives power loss (SPEC §6).
//! - This module knows nothing of the web.

pub mod backup;
mod clock;
pub mod group_commit;
pub mod migrations;
pub mod outage;
pub mod pool;
pub mod schema;
mod url;
mod wal_checkpoint;

pub use clock::now;
pub use pool::{DbPool, connect_pool};
pub use url::DatabaseUrl;

use diesel::connection::SimpleConnection;

/// A database connection: SQLite (one instance) or PostgreSQL (many instances).
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// The embedded default.
    Sqlite(diesel::SqliteConnection),
    /// The multi-instance backend.
    Pg(diesel::PgConnection),
}

/// Which backend a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl DbConn {
    /// The backend of this connection.
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Sqlite(_) => Backend::Sqlite,
            DbConn::Pg(_) => Backend::Postgres,
        }
    }

    /// Checks that the database answers.
    pub fn ping(&mut self) -> diesel::QueryResult<()> {
        self.batch_execute("SELECT 1")
    }
}

/// Runs `work` in a transaction that may write. On SQLite it begins with `BEGIN IMMEDIATE`,
/// taking the write lock up front: a deferred transaction that reads and then writes fails
/// at once (without waiting) when another connection committed in between. Nested
/// `transaction` calls inside `work` become savepoints as usual.
pub fn write_transaction<T, E>(
    conn: &mut DbConn,
    work: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConn::Sqlite(inner) = conn else {
        return diesel::Connection::transaction(conn, work);
    };
    let nested = AnsiTransactionManager::transaction_manager_status_mut(inner)
        .transaction_depth()?
        .is_some();
    if nested {
        // Already inside a (write) transaction: a savepoint.
        return diesel::Connection::transaction(conn, work);
    }
    AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    let result = work(conn);
    let DbConn::Sqlite(inner) = conn else {
        unreachable!("the variant of a connection does not change");
    };
    match result {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(inner)?;
            Ok(value)
        }
        Err(err) => {
            AnsiTransactionManager::rollback_transaction(inner)?;
            Err(err)
        }
    }
}
