//! The portal pages people live in: the dashboard, lead lists, lead timelines, CSV export.

pub mod handlers;
pub mod pages;
