//! What must happen after a change has committed, as a value: services return an
//! [`AfterCommit`] next to their result, and the caller applies it once the transaction is
//! done ([`AfterCommit::apply`]), so no handler has to remember that resuming a location must
//! also wake the worker. Audit entries are not effects: they are written inside the change's
//! own transaction, so a change and its entry commit or roll back together.
//!
//! A command-line process has no worker or cache of its own to tell: it drops the value, and
//! the serving processes pick the change up by their poll and their cache's time to live.

use crate::state::AppState;

/// Effects to apply after a commit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use = "apply it once the transaction has committed"]
pub struct AfterCommit {
    /// Locations whose cached copy (the webhook's) is stale.
    stale_locations: Vec<String>,
    /// Whether leads became due, so the delivery worker should look now.
    wake_worker: bool,
}

impl AfterCommit {
    /// Nothing to do.
    pub fn nothing() -> Self {
        Self::default()
    }

    /// The location changed: its cached copy must be dropped.
    pub fn location_changed(mut self, location_id: &str) -> Self {
        if !self.stale_locations.iter().any(|id| id == location_id) {
            self.stale_locations.push(location_id.to_string());
        }
        self
    }

    /// Leads became due when `due` is true: the worker must look at once.
    pub fn leads_due(mut self, due: bool) -> Self {
        self.wake_worker |= due;
        self
    }

    /// Applies the effects to this process: drops stale cache entries, wakes the worker.
    pub fn apply(self, state: &AppState) {
        for id in &self.stale_locations {
            state.intake_locations.invalidate(id);
        }
        if self.wake_worker {
            state.wake_worker.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_is_named_once_and_a_wake_up_is_kept() {
        let effects = AfterCommit::nothing()
            .location_changed("a")
            .location_changed("a")
            .location_changed("b")
            .leads_due(true)
            .leads_due(false);
        assert_eq!(
            effects.stale_locations,
            vec!["a".to_string(), "b".to_string()]
        );
        assert!(effects.wake_worker);
        assert!(!AfterCommit::nothing().leads_due(false).wake_worker);
    }
}
