//! Which leads a list, a count or a CSV export takes: a [`LeadFilter`], read from the page's
//! query by `history::filter` and turned into SQL conditions by [`crate::leads::lists`].

use chrono::NaiveDateTime;

use crate::domain::search::us_national;
use crate::leads::figures::Figure;
use crate::leads::status::LeadStatus;

/// What the search box asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// A phone number: its digits, found inside any stored number.
    Phone(String),
    /// Words, each found (lower-cased) in "first last email".
    Words(Vec<String>),
    /// A lead id.
    LeadId(String),
}

impl Search {
    /// Reads the search box: text without letters and with at least 3 digits is a phone
    /// number, whatever its formatting ("(303) 555-0100", "+1 303.555.0100"); a UUID is a
    /// lead id; anything else is words.
    pub fn parse(text: &str) -> Option<Search> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if uuid::Uuid::parse_str(text).is_ok() && text.len() == 36 {
            return Some(Search::LeadId(text.to_ascii_lowercase()));
        }
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let phone_like = !text.chars().any(|c| c.is_alphabetic() || c == '@');
        if phone_like && digits.len() >= 3 {
            return Some(Search::Phone(us_national(&digits).to_string()));
        }
        let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
        Some(Search::Words(words))
    }
}

/// Which leads a list shows (the cursor aside).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadFilter {
    /// One location's leads, or all the company's.
    pub location_id: Option<String>,
    /// One status, or all.
    pub status: Option<LeadStatus>,
    /// The leads of a dashboard figure that is not one status (waiting, delivered with
    /// warnings); taken with `status`, like it.
    pub figure: Option<Figure>,
    /// Received at or after (UTC): a rolling window of the dashboard.
    pub received_since: Option<NaiveDateTime>,
    /// Name / email / phone / id.
    pub search: Option<Search>,
    /// Received at or after (UTC).
    pub received_from: Option<NaiveDateTime>,
    /// Received before (UTC, exclusive).
    pub received_until: Option<NaiveDateTime>,
}
