//! Web plumbing shared by the features: page chrome, security headers, static assets, and
//! running database work off the async threads.

pub mod confirm;
pub mod csrf;
pub mod extractors;
pub mod flash;
pub mod forms;
pub mod header_limits;
pub mod pages;
pub mod security_headers;
pub mod static_files;
pub mod time;

use actix_web::web;

use crate::db::{DbConn, DbPool};
use crate::error::AppError;

/// Runs database work on the blocking thread pool with a pooled connection (diesel is
/// synchronous; STYLE.md: `web::block`, never `block_in_place`).
pub async fn with_db<T, F>(pool: &DbPool, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await?
}
