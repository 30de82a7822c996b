//! People: sign-in, sessions, first-run setup, own password, and a company's users.

pub mod cli;
pub mod handlers;
pub mod model;
pub mod pages;
pub mod passwords;
pub mod queries;
pub mod session;
pub mod setup;
pub mod throttle;
pub mod time_zone;
pub mod two_factor;
pub mod users;
