//! leadrelay relays leads from ClientTether to AccuLynx.
//!
//! A multi-tenant, server-rendered portal (actix-web + askama) over SQLite or PostgreSQL
//! (diesel). See `README.md` for running it and `SPEC.md` for the product contract.
//!
//! House rules (STYLE.md): `main`, `cli`, `startup` and `routes` wire everything; features
//! (`history`, `ops`, …) use `http`, `db`, `crypto`; `db` and `crypto` know no web.

pub mod accounts;
pub mod acculynx;
pub mod alerts;
pub mod api;
pub mod audit;
pub mod bench;
pub mod bulk;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod domain;
pub mod effects;
pub mod error;
pub mod history;
pub mod http;
pub mod intake;
pub mod leads;
pub mod ops;
pub mod routes;
pub mod sandbox;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tenants;

/// Formats an error and its causes on one line (`error: cause: cause`), as every command
/// prints it before exiting.
pub fn one_line_error(err: &anyhow::Error) -> String {
    format!("{err:#}")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
