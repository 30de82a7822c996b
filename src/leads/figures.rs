//! The dashboard's numbers, each defined once here and used both for the figure shown and for
//! the filter of the list it links to, so a figure and its list always agree (SPEC §8):
//!
//! - **received**: every lead received in the period, whatever became of it (duplicates too);
//! - **delivered**: AccuLynx accepted it (status `delivered`);
//! - **delivered with warnings**: delivered, and something did not go across as sent — the
//!   mapping warned (a phone too short, a value cut, an unknown field…) or an optional AccuLynx
//!   v2 step failed (an attempt with outcome `warning`);
//! - **failed**: AccuLynx refused it or every retry failed (status `failed`);
//! - **rejected**: it could not be made into an AccuLynx lead on arrival (status `rejected`);
//! - **waiting**: still on its way — queued, retrying or held;
//! - **success rate**: delivered ÷ (delivered + failed + rejected), rounded to the nearest
//!   percent, never rounded up to 100% while any lead failed nor down to 0% while any was
//!   delivered;
//! - a location **needs attention** when its key is rejected or missing, it is paused, it has
//!   failed, rejected or held leads received in the last 7 days, it has leads retrying now
//!   (of any age), or it received nothing for 7 days.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{delivery_attempts, leads};
use crate::leads::lists::Condition;
use crate::leads::status::{AttemptOutcome, LeadStatus};

/// A number of the dashboard, and the leads it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    /// Every lead.
    Received,
    /// AccuLynx accepted it.
    Delivered,
    /// Delivered, with a mapping warning or a failed optional step.
    DeliveredWithWarnings,
    /// AccuLynx refused it, or every retry failed.
    Failed,
    /// Not a valid AccuLynx lead on arrival.
    Rejected,
    /// Queued, retrying or held.
    Waiting,
}

const WAITING: [LeadStatus; 3] = [LeadStatus::Queued, LeadStatus::Retrying, LeadStatus::Held];

impl Figure {
    /// The figures of a dashboard row, in column order.
    pub const COLUMNS: [Figure; 5] = [
        Figure::Received,
        Figure::Delivered,
        Figure::Failed,
        Figure::Rejected,
        Figure::Waiting,
    ];

    /// The figures a lead list can be filtered to that are not one status.
    pub const GROUPS: [Figure; 2] = [Figure::Waiting, Figure::DeliveredWithWarnings];

    /// The statuses of the leads it counts.
    pub fn statuses(self) -> &'static [LeadStatus] {
        match self {
            Figure::Received => LeadStatus::ALL,
            Figure::Delivered | Figure::DeliveredWithWarnings => &[LeadStatus::Delivered],
            Figure::Failed => &[LeadStatus::Failed],
            Figure::Rejected => &[LeadStatus::Rejected],
            Figure::Waiting => &WAITING,
        }
    }

    /// Whether it counts only leads with warnings.
    pub fn with_warnings_only(self) -> bool {
        self == Figure::DeliveredWithWarnings
    }

    /// The `status` of the list query that shows its leads (none: every lead).
    pub fn word(self) -> Option<&'static str> {
        match self {
            Figure::Received => None,
            Figure::Delivered => Some(LeadStatus::Delivered.as_str()),
            Figure::DeliveredWithWarnings => Some("delivered_with_warnings"),
            Figure::Failed => Some(LeadStatus::Failed.as_str()),
            Figure::Rejected => Some(LeadStatus::Rejected.as_str()),
            Figure::Waiting => Some("waiting"),
        }
    }

    /// A group's `status` word read back (single statuses are [`LeadStatus::parse`]d).
    pub fn parse_group(word: &str) -> Option<Figure> {
        Self::GROUPS
            .into_iter()
            .find(|figure| figure.word() == Some(word))
    }

    /// As a column heading and a filter choice.
    pub fn label(self) -> &'static str {
        match self {
            Figure::Received => "Received",
            Figure::Delivered => "Delivered",
            Figure::DeliveredWithWarnings => "Delivered with warnings",
            Figure::Failed => "Failed",
            Figure::Rejected => "Rejected",
            Figure::Waiting => "Waiting",
        }
    }

    /// The CSS class of its number and badge.
    pub fn css(self) -> &'static str {
        match self {
            Figure::Received => "figure-received",
            Figure::Delivered => "figure-delivered",
            Figure::DeliveredWithWarnings => "figure-delivered-warnings",
            Figure::Failed => "figure-failed",
            Figure::Rejected => "figure-rejected",
            Figure::Waiting => "figure-waiting",
        }
    }

    /// The SQL conditions of its leads, for lists, exports and counts.
    pub fn conditions(self) -> Vec<Condition> {
        let mut all: Vec<Condition> = Vec::new();
        if self != Figure::Received {
            all.push(Box::new(leads::status.eq_any(self.statuses().to_vec())));
        }
        if self.with_warnings_only() {
            all.push(has_warnings());
        }
        all
    }

    /// Its count among leads counted per status (warnings told apart by the caller).
    pub fn count_of(self, counts: &[(LeadStatus, i64)]) -> i64 {
        counts
            .iter()
            .filter(|(status, _)| self.statuses().contains(status))
            .map(|(_, count)| count)
            .sum()
    }
}

/// A lead with warnings: its mapping warned, or an attempt ended in a warning.
pub fn has_warnings() -> Condition {
    let warned = delivery_attempts::table
        .filter(delivery_attempts::outcome.eq(AttemptOutcome::Warning))
        .select(delivery_attempts::lead_id);
    Box::new(leads::warnings.ne(NO_WARNINGS).or(leads::id.eq_any(warned)))
}

/// The `warnings` column of a lead without warnings.
const NO_WARNINGS: &str = "[]";

/// The rolling windows of the dashboard (`period` of a list query).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// The last 24 hours.
    Day,
    /// The last 7 days.
    Week,
}

impl Period {
    /// Both, in the dashboard's order.
    pub const ALL: [Period; 2] = [Period::Day, Period::Week];

    /// As in a list query.
    pub fn word(self) -> &'static str {
        match self {
            Period::Day => "24h",
            Period::Week => "7d",
        }
    }

    /// Reads the query word.
    pub fn parse(word: &str) -> Option<Period> {
        Self::ALL.into_iter().find(|period| period.word() == word)
    }

    /// "the last 24 hours".
    pub fn label(self) -> &'static str {
        match self {
            Period::Day => "the last 24 hours",
            Period::Week => "the last 7 days",
        }
    }

    /// The first moment it takes, seen from `now`.
    pub fn since(self, now: NaiveDateTime) -> NaiveDateTime {
        now - match self {
            Period::Day => Duration::hours(24),
            Period::Week => Duration::days(7),
        }
    }
}

/// Delivered ÷ (delivered + failed + rejected), as "67%", or "—" when none of them.
pub fn success_rate(delivered: i64, not_delivered: i64) -> String {
    let finished = delivered + not_delivered;
    if finished == 0 {
        return "—".to_string();
    }
    let rate = delivered as f64 * 100.0 / finished as f64;
    let rounded = rate.round();
    if rounded >= 100.0 && not_delivered > 0 {
        // Never round a failure away: "99.9%", not "100%".
        format!("{:.1}%", (rate * 10.0).floor() / 10.0)
    } else if rounded <= 0.0 && delivered > 0 {
        format!("{:.1}%", (rate * 10.0).ceil() / 10.0)
    } else {
        format!("{}%", rounded as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_to_the_nearest_percent_but_never_hide_a_failure() {
        assert_eq!(success_rate(0, 0), "—");
        assert_eq!(success_rate(2, 1), "67%");
        assert_eq!(success_rate(1, 2), "33%");
        assert_eq!(success_rate(1, 1), "50%");
        assert_eq!(success_rate(5, 0), "100%");
        assert_eq!(success_rate(999, 1), "99.9%");
        assert_eq!(success_rate(1, 999), "0.1%");
        assert_eq!(success_rate(2999, 1), "99.9%");
        assert_eq!(success_rate(1, 2999), "0.1%");
        assert_eq!(success_rate(0, 3), "0%");
    }

    #[test]
    fn each_figure_has_one_list_word_that_reads_back() {
        for figure in Figure::GROUPS {
            assert_eq!(Figure::parse_group(figure.word().unwrap()), Some(figure));
            assert_eq!(LeadStatus::parse(figure.word().unwrap()), None);
        }
        for figure in [Figure::Delivered, Figure::Failed, Figure::Rejected] {
            let status = LeadStatus::parse(figure.word().unwrap()).unwrap();
            assert_eq!(figure.statuses(), &[status]);
        }
        let counts = [
            (LeadStatus::Queued, 2),
            (LeadStatus::Held, 1),
            (LeadStatus::Rejected, 4),
            (LeadStatus::Duplicate, 1),
        ];
        assert_eq!(Figure::Waiting.count_of(&counts), 3);
        assert_eq!(Figure::Failed.count_of(&counts), 0);
        assert_eq!(Figure::Received.count_of(&counts), 8);
        assert_eq!(Period::parse("7d"), Some(Period::Week));
    }
}
