//! Intake: the webhook endpoint ClientTether posts leads to (SPEC §6).

pub mod webhook;
