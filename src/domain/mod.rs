//! Value types of the product, without I/O and without the web: the company scope, and the
//! readers that turn what CRMs send into those values (phone numbers, email
//! addresses, appointment times, clean text within AccuLynx's length limits).

pub mod appointment;
pub mod email;
pub mod hold;
mod local_time;
pub mod phone;
pub mod proxies;
pub mod scope;
pub mod search;
pub mod text;
pub mod time_zone;
