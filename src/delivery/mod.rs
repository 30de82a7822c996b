//! Delivery to AccuLynx (SPEC §7). For now: the AccuLynx HTTP client, which also checks keys
//! for the portal's "Test key".

pub mod acculynx;
