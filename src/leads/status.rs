//! The words a lead's record is made of — where it stands ([`LeadStatus`]), what an attempt
//! ended in ([`AttemptOutcome`]), what someone did to it ([`EventKind`]) — each stored as text
//! through one mapping ([`stored_word!`]), so no other file spells a stored word.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

/// Declares an enum stored as a word in a `Text` column: `as_str`, `parse`, `ALL`, and the
/// diesel mapping both backends use. An unknown stored word is a deserialisation error naming
/// it, never a silent default.
macro_rules! stored_word {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $word:literal, )+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
        #[diesel(sql_type = Text)]
        pub enum $name { $( $(#[$vmeta])* $variant, )+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$( $name::$variant, )+];

            /// As stored (and as shown in CSS classes, metrics labels and filters).
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $word, )+ }
            }

            /// Reads the stored word.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $( $word => Some($name::$variant), )+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB: Backend> ToSql<Text, DB> for $name
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $name
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let word = String::from_sql(bytes)?;
                $name::parse(&word).ok_or_else(|| {
                    format!(concat!("unknown ", stringify!($name), " {:?} in the database"), word).into()
                })
            }
        }
    };
}

stored_word! {
    /// Where a lead stands (SPEC §7).
    pub enum LeadStatus {
        /// Stored and due to be sent.
        Queued => "queued",
        /// An attempt failed for a passing reason; another comes on the retry schedule.
        Retrying => "retrying",
        /// AccuLynx accepted it.
        Delivered => "delivered",
        /// AccuLynx refused it, or every retry failed.
        Failed => "failed",
        /// It could not be made into a valid AccuLynx lead on arrival.
        Rejected => "rejected",
        /// Waiting for its location (paused, or its key missing or rejected).
        Held => "held",
        /// The same lead had just arrived at this location; recorded, not sent again.
        Duplicate => "duplicate",
    }
}

stored_word! {
    /// What one delivery result ended in: the lead's new status, or a 429 to retry.
    pub enum AttemptOutcome {
        /// AccuLynx accepted the lead.
        Delivered => "delivered",
        /// Refused for good, or the retry schedule ran out.
        Failed => "failed",
        /// The location cannot send (key rejected, paused, no key).
        Held => "held",
        /// A passing fault; retried on the schedule.
        Retrying => "retrying",
        /// AccuLynx asked us to slow down (429); retried after its wait.
        RateLimited => "rate_limited",
        /// A v2 step that succeeded on the way (contact found, job created, …).
        Step => "step",
        /// An optional v2 step that failed; the lead is delivered all the same.
        Warning => "warning",
    }
}

stored_word! {
    /// What someone did to a lead (its `lead_events` rows).
    pub enum EventKind {
        /// Sent again as it was.
        Replayed => "replayed",
        /// Its AccuLynx fields changed, then sent again.
        Edited => "edited",
    }
}

impl LeadStatus {
    /// Every status, in the order filters and counts show them.
    pub const SHOWN: [LeadStatus; 7] = [
        Self::Delivered,
        Self::Failed,
        Self::Rejected,
        Self::Queued,
        Self::Retrying,
        Self::Held,
        Self::Duplicate,
    ];

    /// The statuses a lead is stored with when it arrives (SPEC §6).
    pub const ON_ARRIVAL: [LeadStatus; 4] =
        [Self::Queued, Self::Held, Self::Duplicate, Self::Rejected];

    /// The statuses the worker takes leads from.
    pub const DUE: [LeadStatus; 2] = [Self::Queued, Self::Retrying];

    /// The statuses a lead never leaves on its own (the retention purge takes only these).
    pub const FINAL: [LeadStatus; 4] = [
        Self::Delivered,
        Self::Failed,
        Self::Rejected,
        Self::Duplicate,
    ];

    /// As shown on a badge.
    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Queued",
            Self::Retrying => "Retrying",
            Self::Delivered => "Delivered",
            Self::Failed => "Failed",
            Self::Rejected => "Rejected",
            Self::Held => "Held",
            Self::Duplicate => "Duplicate",
        }
    }

    /// What the status means, for someone asking "where is my lead?".
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Queued => "Received and about to be sent to AccuLynx.",
            Self::Retrying => {
                "AccuLynx could not take it yet (busy or unreachable); leadrelay tries again automatically."
            }
            Self::Delivered => "AccuLynx accepted it.",
            Self::Failed => {
                "AccuLynx refused it, or every retry failed. It will not be sent again unless someone replays or edits it."
            }
            Self::Rejected => {
                "It arrived without what AccuLynx requires (a first name, for example), so it was not sent. Edit it and resend."
            }
            Self::Held => {
                "Waiting: its location is paused or its AccuLynx key is missing or rejected. It is sent automatically once that is fixed."
            }
            Self::Duplicate => {
                "The same lead had just arrived at this location, so this copy was recorded but not sent again."
            }
        }
    }

    /// Whether an admin may send it again as it is (SPEC §7: delivered or failed).
    pub fn can_replay(self) -> bool {
        matches!(self, Self::Delivered | Self::Failed)
    }

    /// Whether an admin may edit its AccuLynx fields and resend it (SPEC §7).
    pub fn can_edit(self) -> bool {
        matches!(self, Self::Rejected | Self::Failed)
    }

    /// Whether it is still on its way (counted as "waiting" on the dashboard).
    pub fn is_waiting(self) -> bool {
        matches!(self, Self::Queued | Self::Retrying | Self::Held)
    }
}

impl AttemptOutcome {
    /// The words on the timeline.
    pub fn label(self) -> &'static str {
        match self {
            Self::Delivered => "Delivered",
            Self::Failed => "Failed",
            Self::Held => "Held",
            Self::Retrying => "Will retry",
            Self::RateLimited => "Rate limited, will retry",
            Self::Step => "Step done",
            Self::Warning => "Delivered with a warning",
        }
    }

    /// The outcome of a result that leaves the lead in `status` (a 429 is told apart by the
    /// caller).
    pub fn of_status(status: LeadStatus) -> Self {
        match status {
            LeadStatus::Delivered => Self::Delivered,
            LeadStatus::Held => Self::Held,
            LeadStatus::Queued | LeadStatus::Retrying => Self::Retrying,
            LeadStatus::Failed | LeadStatus::Rejected | LeadStatus::Duplicate => Self::Failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_reads_back_as_itself() {
        for status in LeadStatus::ALL {
            assert_eq!(LeadStatus::parse(status.as_str()), Some(*status));
        }
        for outcome in AttemptOutcome::ALL {
            assert_eq!(AttemptOutcome::parse(outcome.as_str()), Some(*outcome));
        }
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(LeadStatus::parse("Queued"), None);
        assert_eq!(LeadStatus::SHOWN.len(), LeadStatus::ALL.len());
    }
}
