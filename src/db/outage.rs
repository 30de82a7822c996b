//! Database errors that mean "not now" rather than "never": the database cannot be reached,
//! or its disk is full. Both pass once the operator acts (or PostgreSQL is back), with no
//! restart of leadrelay; callers answer 503 (intake, pages) or try again (the worker's
//! results), instead of treating them as a fault of the request.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::DatabaseUrl;

/// Why the database cannot serve a request right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// The database server does not answer (down, restarting, network cut).
    Unreachable,
    /// The file system holding the database is full (SQLite's "database or disk is full",
    /// PostgreSQL's "No space left on device").
    DiskFull,
}

impl Outage {
    /// What an operator reads: what is wrong and what to do.
    pub fn sentence(self) -> &'static str {
        match self {
            Outage::Unreachable => "leadrelay cannot reach its database right now",
            Outage::DiskFull => "the disk holding leadrelay's database is full",
        }
    }
}

/// The outage an error is a symptom of, if any.
pub fn outage_of(err: &DieselError) -> Option<Outage> {
    match err {
        DieselError::DatabaseError(kind, info) => {
            if is_disk_full(info.message()) {
                Some(Outage::DiskFull)
            } else if matches!(
                kind,
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand
            ) {
                Some(Outage::Unreachable)
            } else {
                None
            }
        }
        DieselError::RollbackErrorOnCommit { commit_error, .. } => outage_of(commit_error),
        DieselError::BrokenTransactionManager => Some(Outage::Unreachable),
        _ => None,
    }
}

/// The outage a connection failure (as the pool or the manager reports it) is a symptom of.
pub fn outage_of_message(message: &str) -> Outage {
    if is_disk_full(message) {
        Outage::DiskFull
    } else {
        Outage::Unreachable
    }
}

/// Free space below which the file system holding a SQLite database counts as full: a lead
/// and its indexes take a few pages of the database and as many of the WAL.
pub const LOW_SPACE_BYTES: u64 = 1024 * 1024;

/// Bytes an unprivileged writer may still use on the file system holding a SQLite database;
/// `None` for PostgreSQL (its server watches its own disk) or when the system cannot say.
pub fn free_bytes(url: &DatabaseUrl) -> Option<u64> {
    let DatabaseUrl::Sqlite(path) = url else {
        return None;
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => std::path::Path::new("."),
    };
    let stats = rustix::fs::statvfs(dir).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

fn is_disk_full(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    message.contains("database or disk is full") || message.contains("no space left on device")
}

/// An error of the given outage carrying `message`, for code that lost the original error
/// (the group-commit writer hands one failure to every job of a batch).
pub fn outage_error(outage: Outage, message: String) -> DieselError {
    let kind = match outage {
        Outage::Unreachable => DatabaseErrorKind::ClosedConnection,
        Outage::DiskFull => DatabaseErrorKind::Unknown,
    };
    DieselError::DatabaseError(kind, Box::new(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_and_a_lost_server_are_outages_and_a_constraint_is_not() {
        let full = DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("database or disk is full".to_string()),
        );
        assert_eq!(outage_of(&full), Some(Outage::DiskFull));
        let pg_full = DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("could not extend file: No space left on device".to_string()),
        );
        assert_eq!(outage_of(&pg_full), Some(Outage::DiskFull));
        let closed = outage_error(Outage::Unreachable, "server closed the connection".into());
        assert_eq!(outage_of(&closed), Some(Outage::Unreachable));
        let unique = DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("UNIQUE constraint failed".to_string()),
        );
        assert_eq!(outage_of(&unique), None);
        assert_eq!(outage_of(&DieselError::NotFound), None);
        assert_eq!(
            outage_of_message("could not connect: Connection refused"),
            Outage::Unreachable
        );
    }
}
