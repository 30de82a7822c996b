//! What the tests share, and nothing else: the running application and its database
//! ([`helpers`]), seeded companies and sign-ins ([`fixtures`]), leads written as the intake and
//! the worker write them ([`lead_fixtures`], [`bulk_leads`]), headless Chromium ([`browser`]),
//! and per-feature helpers ([`delivery`], [`intake`], [`mapping`], [`secrets`]).

#![allow(dead_code)] // each test module uses its own part

pub mod browser;
pub mod bulk_leads;
pub mod delivery;
pub mod fault_proxy;
pub mod fixtures;
pub mod helpers;
pub mod intake;
pub mod lead_fixtures;
pub mod ledger;
pub mod mapping;
pub mod processes;
pub mod secrets;
pub mod sinks;
