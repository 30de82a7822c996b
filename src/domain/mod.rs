//! Value types of the product, without I/O and without the web: the AccuLynx lead and its
//! enums, and the readers that turn what CRMs send into those values (phone numbers, email
//! addresses, appointment times, clean text within AccuLynx's length limits).

pub mod appointment;
pub mod email;
pub mod hold;
pub mod lead;
pub mod lead_enums;
pub mod lead_field;
mod local_time;
pub mod phone;
pub mod search;
pub mod text;

pub use lead::{AccuLynxLead, LeadField};
pub use lead_enums::{JobCategory, PhoneType, Priority, WorkType};
