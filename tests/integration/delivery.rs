//! Delivery against the sandbox (issue 7): outcomes, retries, rate limits, crashes, and
//! several workers on one PostgreSQL database.

mod outcomes;
mod processes;
mod rates;
mod wakeups;
