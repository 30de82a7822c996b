//! Why a lead waits (`held`) instead of going out: the words the intake and the worker share.

/// Why an accepted lead waits (`held`) instead of going out (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldReason {
    /// The location is paused.
    Paused,
    /// No AccuLynx key is saved.
    NoKey,
    /// AccuLynx refused the saved key.
    KeyRejected,
}

impl HoldReason {
    /// A sentence for the lead's page.
    pub fn sentence(self) -> &'static str {
        match self {
            Self::Paused => {
                "The location is paused; the lead is kept and will be sent when it is resumed."
            }
            Self::NoKey => {
                "No AccuLynx API key is saved for this location; the lead will be sent once one is."
            }
            Self::KeyRejected => {
                "AccuLynx rejected this location's API key; the lead will be sent once a new key is saved."
            }
        }
    }

    /// A clause for the dry run ("… held: this location is paused").
    pub fn clause(self) -> &'static str {
        match self {
            Self::Paused => "this location is paused",
            Self::NoKey => "this location has no AccuLynx API key yet",
            Self::KeyRejected => "AccuLynx rejected this location's API key",
        }
    }
}
