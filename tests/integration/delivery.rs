//! Delivery against the sandbox (issue 7): outcomes, retries, rate limits, crashes, and
//! several workers on one PostgreSQL database.

mod outcomes;
mod processes;
mod rates;
pub mod v2;
mod v2_browser;
mod v2_processes;
mod wakeups;
