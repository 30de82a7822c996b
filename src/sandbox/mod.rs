//! The AccuLynx sandbox (SPEC §9): a faithful stand-in for AccuLynx's lead API, used by the
//! tests, the demo and the benchmarks. It imports nothing of `intake` or `delivery`, so it
//! stays an independent judge of what they send.

pub mod schema;

pub use schema::{ValidationErrors, validate_lead};
