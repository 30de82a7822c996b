//! Delivery against the sandbox: outcomes, retries, rate limits, crashes (once and again
//! and again), several workers and instances on one PostgreSQL database, and senders that
//! hang up before the answer.

mod crash_loop;
mod hang_ups;
mod outcomes;
mod processes;
mod rates;
mod two_instances;
pub mod v2;
mod v2_browser;
mod v2_faults;
mod v2_processes;
mod wakeups;
