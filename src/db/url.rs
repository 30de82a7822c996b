//! The database URL: the scheme picks the backend (SPEC §2).

use std::fmt;
use std::path::PathBuf;

use crate::crypto::Secret;

/// A parsed `LEADRELAY_DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH`: a file, relative to the working directory unless absolute.
    Sqlite(PathBuf),
    /// `postgres://…` or `postgresql://…`, handed to libpq as is. It may hold a password.
    Postgres(Secret<String>),
}

impl DatabaseUrl {
    /// Parses a URL, or says in one sentence what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some(path) = text.strip_prefix("sqlite://") {
            if path.is_empty() || path == ":memory:" || path.starts_with("file:") {
                return Err(format!(
                    "{text:?} does not name a file; use sqlite://PATH, e.g. sqlite://leadrelay.db"
                ));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            url::Url::parse(text)
                .map_err(|err| format!("is not a valid PostgreSQL URL ({err})"))?;
            return Ok(Self::Postgres(Secret::new(text.to_string())));
        }
        let scheme = text.split_once("://").map_or(text, |(scheme, _)| scheme);
        Err(format!(
            "unsupported database {scheme:?}; use sqlite://PATH or postgres://USER@HOST:PORT/DB"
        ))
    }

    /// `sqlite` or `postgres`, for logs and messages.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

/// Shows the URL without any password.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) => match url::Url::parse(url.expose()) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("***"));
                    }
                    write!(f, "{parsed}")
                }
                Err(_) => f.write_str("postgres://***"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_picks_the_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://leadrelay.db").unwrap(),
            DatabaseUrl::Sqlite("leadrelay.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/lr.db").unwrap(),
            DatabaseUrl::Sqlite("/var/lib/lr.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://postgres@127.0.0.1/x")
                .unwrap()
                .backend_name(),
            "postgres"
        );
        let err = DatabaseUrl::parse("mysql://x").unwrap_err();
        assert!(err.contains("\"mysql\""), "{err}");
        assert!(DatabaseUrl::parse("sqlite://:memory:").is_err());
        assert!(DatabaseUrl::parse("dbname=x host=y").is_err());
    }

    #[test]
    fn display_hides_the_password() {
        let url = DatabaseUrl::parse("postgres://u:hunter2@db:5432/lr").unwrap();
        assert_eq!(url.to_string(), "postgres://u:***@db:5432/lr");
        assert!(!format!("{url:?}").contains("hunter2"));
    }
}
