//! A location's state as the location list and page show it: its status together with what
//! its AccuLynx key allows. An active location without a working key receives leads but holds
//! them (SPEC §6: `held`), and is re-queued once a key is saved (`tenants::keys`), so calling
//! it "Receiving and delivering leads" would be untrue.

use crate::tenants::model::{KeyStatus, Location, LocationStatus};

/// What the list and page show for a location's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShownStatus {
    /// The badge's class (`active`, `held`, `paused`, `deleted`).
    pub badge: &'static str,
    /// The badge's words.
    pub label: &'static str,
    /// What it means for leads, in a sentence.
    pub sentence: &'static str,
}

/// The state of `location` as shown.
pub fn shown_status(location: &Location) -> ShownStatus {
    match location.status() {
        LocationStatus::Deleted => ShownStatus {
            badge: "deleted",
            label: "Deleted",
            sentence: "Deleted: its webhook URL and key no longer work; its history stays.",
        },
        LocationStatus::Paused => ShownStatus {
            badge: "paused",
            label: "Paused",
            sentence: "Paused: leads are received and held until you resume.",
        },
        LocationStatus::Active
            if location.acculynx_key.is_none() || location.key_status() == KeyStatus::Missing =>
        {
            ShownStatus {
                badge: "held",
                label: "No AccuLynx key yet",
                sentence: "No AccuLynx key yet: leads are received and held, and will be sent once a key is saved.",
            }
        }
        LocationStatus::Active if location.key_status() == KeyStatus::Rejected => ShownStatus {
            badge: "held",
            label: "Key rejected",
            sentence: "AccuLynx rejected the API key: leads are received and held, and will be sent once a new key is saved.",
        },
        LocationStatus::Active => ShownStatus {
            badge: "active",
            label: "Active",
            sentence: "Receiving and delivering leads.",
        },
    }
}
