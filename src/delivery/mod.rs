//! Delivery (SPEC §7): a worker claims due leads, sends them to AccuLynx within its rate
//! limits, records every attempt, and schedules retries. At-least-once: a lead whose answer
//! was lost (crash, timeout after AccuLynx accepted it) is sent again.
//!
//! Replays and edits put a lead back in the queue (see [`replay`]). The AccuLynx HTTP client
//! also checks keys for the portal's "Test key".

mod lease;
pub mod limits;
mod one_lead;
pub mod outcome;
pub mod queries;
pub mod replay;
pub mod retry_now;
pub mod schedule;
pub mod send;
pub mod v2;
pub mod worker;
