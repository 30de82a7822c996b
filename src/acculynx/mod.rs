//! AccuLynx's contract in one place: the lead body of `POST /api/v1/leads` ([`lead`], its
//! closed value sets [`enums`] and the field table [`fields`]), the portal's check of a body
//! ([`check`]), the HTTP client ([`client`]) and the reading of its answers ([`classify`]).
//!
//! Everything that speaks to AccuLynx or about its fields reads it from here; the sandbox
//! reads the same published limits but judges with its own code.

pub mod api;
pub mod check;
pub mod classify;
pub mod client;
pub mod enums;
pub mod fields;
pub mod lead;
pub mod objections;
pub mod transport_words;
pub mod v2;

pub use enums::{JobCategory, PhoneType, Priority, WorkType};
pub use fields::LeadField;
pub use lead::AccuLynxLead;
