//! Password hashing off the async executor: argon2id takes tens of milliseconds of CPU on
//! purpose, so it runs on the blocking pool, and never while a pooled database connection is
//! held (a burst of sign-ins must not empty the pool).

use crate::crypto::password;
use crate::error::AppError;

/// Hashes a new password on the blocking pool.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password::hash_password(&password))
        .await
        .map_err(|err| AppError::Unexpected(anyhow::anyhow!("password hashing stopped: {err}")))?
        .map_err(AppError::Unexpected)
}

/// Whether `password` matches `stored` (an account's hash), on the blocking pool. Without a
/// stored hash (no such account) it spends the same time and answers false (SPEC §3).
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => password::verify_password(&password, &hash),
        None => {
            password::verify_against_dummy(&password);
            false
        }
    })
    .await
    .map_err(|err| AppError::Unexpected(anyhow::anyhow!("password check stopped: {err}")))
}
