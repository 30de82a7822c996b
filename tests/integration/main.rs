//! The integration tests: one binary, the real application on port 0, a fresh database per
//! test (a temp SQLite file, or a fresh PostgreSQL database when
//! `LEADRELAY_TEST_DATABASE_URL` is set).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod support;

mod access;
mod accounts;
mod accounts_admin;
mod accounts_browser;
mod accounts_cli;
mod admin_field_escaping;
mod alerts;
mod api;
mod backup;
mod bench;
mod browser_smoke;
mod bulk_resend;
mod bulk_resend_browser;
mod dashboard_figures;
mod delivery;
mod demo;
mod faults;
mod foundation;
mod group_commit;
mod history;
mod history_browser;
mod history_csv;
mod history_escaping;
mod history_lead;
mod history_replay;
mod history_scale;
mod history_screenshots;
mod hooks;
mod hostile_input;
mod intake;
mod lead_list_narrow;
mod location_cli;
mod mapping_browser;
mod mapping_page;
mod master_key_rotation;
mod metrics;
mod migrations;
mod outages;
mod portal_fixes;
mod portal_settings;
mod processes;
mod proxies;
mod retention;
mod sandbox;
mod secret_leaks;
mod secrets;
mod secrets_at_trace;
mod session_fixation;
mod slowloris;
mod two_factor;
