//! Database outages while leads keep coming (issue "Hardening"): PostgreSQL stopped hard and
//! started again under a running `leadrelay serve`, and SQLite on a file system that fills
//! up. The intake must answer 503 (never 202 for a lead it did not store), recover by itself,
//! and every lead it answered 202 must be delivered. The figures of a run are printed
//! (`--nocapture`) and kept in `docs/reliability.md`.

mod cluster;
mod disk_full;
mod postgres_restart;
mod sender;
