//! Tenants: companies and their locations.

pub mod acculynx_api;
pub mod cli;
pub mod companies;
pub mod key_rotation;
pub mod keys;
pub mod location_page;
pub mod locations;
pub mod model;
pub mod pages;
pub mod queries;
pub mod secrets;
pub mod shown_status;
pub mod webhook_urls;
