//! A connection pool whose manager picks the backend from the URL's scheme, so a mistyped
//! URL never silently opens a SQLite file, and shows the real reason a connection failed.

use std::time::Duration;

use diesel::Connection;
use diesel::connection::SimpleConnection;

use super::{DatabaseUrl, DbConn};

/// The pool every request and worker borrows connections from.
pub type DbPool = r2d2::Pool<ConnectionManager>;

/// A connection borrowed from the pool.
pub type PooledConn = r2d2::PooledConnection<ConnectionManager>;

/// Why a connection could not be made, with the database's own words on one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConnectError(String);

/// Opens connections for one [`DatabaseUrl`].
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    /// A manager for this URL.
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }

    /// Opens one connection, set up for this product (see `db` module docs).
    pub fn establish(&self) -> Result<DbConn, ConnectError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let path_text = path.to_str().ok_or_else(|| {
                    ConnectError(format!("the path {} is not valid UTF-8", path.display()))
                })?;
                let mut conn = diesel::SqliteConnection::establish(path_text).map_err(|err| {
                    ConnectError(format!(
                        "cannot open {}: {}",
                        path.display(),
                        one_line(&err.to_string())
                    ))
                })?;
                // Per connection: wait for the writer instead of failing, enforce foreign
                // keys, and fsync every commit (WAL + FULL: acknowledged means durable).
                // Statement journals in memory: every INSERT into a table with unique indexes
                // inside a transaction writes one.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
                     PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;",
                )
                .map_err(|err| ConnectError(format!("cannot set up {}: {err}", path.display())))?;
                Ok(DbConn::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => diesel::PgConnection::establish(url.expose())
                .map(DbConn::Pg)
                .map_err(|err| ConnectError(one_line(&err.to_string()))),
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConn, ConnectError> {
        self.establish()
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectError> {
        conn.ping().map_err(|err| ConnectError(err.to_string()))
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// No connection could be made (wrong URL, password, missing database…).
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// Connected, but the schema could not be brought up to date.
    #[error(transparent)]
    Migrate(anyhow::Error),
}

/// Connects to the database, applies pending migrations, and returns a pool.
///
/// The first connection is opened directly, so a wrong password or a missing database is
/// reported at once with libpq's (or SQLite's) own reason, not after a pool timeout.
pub fn connect_pool(url: &DatabaseUrl, max_size: u32) -> Result<DbPool, PoolError> {
    let manager = ConnectionManager::new(url.clone());
    let mut first = manager.establish()?;
    if let DbConn::Sqlite(conn) = &mut first {
        use_wal(conn)?;
    }
    super::migrations::run_pending(&mut first).map_err(PoolError::Migrate)?;
    drop(first);
    // No idle minimum: r2d2 would open it on its own threads straight away, and a process
    // that exits at that moment (a start-up refused just after connecting) races libpq's TLS
    // set-up against the exit handlers and can die of SIGSEGV. Connections are opened when
    // first asked for and then kept.
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(10))
        .build_unchecked(manager);
    Ok(pool)
}

/// Puts a SQLite database in WAL mode (a property of the file, kept once set). Switching
/// needs the file to itself and SQLite does not wait for that, so a process starting at the
/// same moment as another retries for a few seconds.
fn use_wal(conn: &mut diesel::SqliteConnection) -> Result<(), ConnectError> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match conn.batch_execute("PRAGMA journal_mode = WAL;") {
            Ok(()) => return Ok(()),
            Err(err)
                if err.to_string().contains("locked") && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(err) => return Err(ConnectError(format!("cannot switch to WAL mode: {err}"))),
        }
    }
}

/// Folds a multi-line database message (libpq writes several) into one line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_folded_to_one_line() {
        assert_eq!(
            one_line("connection to server failed: FATAL:  database \"x\" does not exist\n"),
            "connection to server failed: FATAL: database \"x\" does not exist"
        );
    }
}
