//! The portal pages people live in (SPEC §8): the dashboard, lead lists, lead timelines and
//! the CSV export — and the retention policy that purges old payloads.

pub mod all_leads;
pub mod chart;
pub mod csv;
pub mod dashboard;
pub mod edit_form;
pub mod filter;
pub mod lead_page;
pub mod lead_view;
pub mod lists;
pub mod pages;
pub mod retention;
pub mod timeline;
