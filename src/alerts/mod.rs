//! Alerts (per company): who is told — email recipients and/or a Slack-compatible incoming
//! webhook, whose URL is sealed with the master key like an AccuLynx key — and when: a
//! location's key rejected by AccuLynx, leads failed for good, a location silent for N days,
//! a delivery backlog older than N minutes, and an optional daily digest.
//!
//! A checker in every process that delivers looks at the database every minute
//! ([`runner`]); each condition found becomes at most one message per kind and location per
//! cooldown ([`check`]), claimed in a transaction that locks the company's settings row, so
//! several instances never send the same alert twice. Every message sent or tried is
//! recorded (what, to whom, when, result) and shown on the company's Alerts page. Webhook
//! URLs are checked against SSRF ([`targets`]) when saved and again when used.

pub mod check;
pub mod handlers;
pub mod model;
pub mod pages;
pub mod queries;
pub mod runner;
pub mod send;
pub mod targets;

/// Alert webhook URLs, for `rotate-master-key`.
pub const RESEALER: crate::tenants::key_rotation::Resealer =
    crate::tenants::key_rotation::Resealer {
        one: "alert webhook URL",
        many: "alert webhook URLs",
        reseal: queries::reseal_webhooks,
    };
