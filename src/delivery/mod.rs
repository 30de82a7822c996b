//! Delivery to AccuLynx (SPEC §7). Replays and edits put a lead back in the queue; the
//! worker, woken through the application's notifier, sends it.

pub mod replay;
