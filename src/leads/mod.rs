//! The lead: the one home of the central record (SPEC §6–§8).
//!
//! [`model`] has one struct per use of a `leads`, `delivery_attempts` or `lead_events` row;
//! [`status`] the typed words stored in them. Every read and write of those tables is here:
//! the intake stores through [`intake`], the worker claims and records through [`queue`], the
//! history lists through [`lists`], replays and edits write through [`changes`], the retention
//! purge through [`purge`], `/metrics` counts through [`counts`]. Features above decide; these
//! functions only read and write, each taking the caller's company scope where a person asks.

pub mod changes;
pub mod counts;
pub mod figures;
pub mod filter;
pub mod intake;
pub mod lists;
pub mod model;
pub mod purge;
pub mod queue;
pub mod status;
pub mod v2_progress;

pub use model::{Lead, LeadRow};
pub use status::{AttemptOutcome, EventKind, LeadStatus};
