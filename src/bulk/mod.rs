//! Bulk resend (many failed or held leads sent again at once): from a filtered lead list or
//! `leadrelay leads resend`, an admin confirms "Resend these N leads"; that creates a job (a
//! row) holding the ids of the leads it takes, decided there and then, so leads arriving later
//! are never swept in and each lead is sent at most once per job. The job is audited once, with
//! its count and filter.
//!
//! A background runner in every process that delivers (`serve`, `worker`) takes running jobs
//! from the database — so a job survives a restart — and puts their leads back in the queue in
//! chunks through the replay path ([`crate::delivery::replay::resend_in_bulk`]), each chunk one
//! transaction. It queues the next chunk only once the job's leads already queued are mostly
//! sent, so the delivery worker's limits pace the job and new leads never wait behind
//! thousands of resends. Every query is scoped to the job's company.

pub mod cli;
pub mod handlers;
pub mod jobs;
pub mod model;
pub mod pages;
pub mod queries;
pub mod runner;
