//! The audit log (SPEC §3): who did what, when, from which IP — per company, visible to
//! that company's admins and to platform admins.

pub mod handlers;
pub mod model;
pub mod pages;
pub mod queries;

pub use model::{Action, Actor};
pub use queries::record;
