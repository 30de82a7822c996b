//! Tenants: companies and their locations.

pub mod cli;
pub mod companies;
pub mod locations;
pub mod model;
pub mod pages;
pub mod queries;
