//! Leads, their delivery attempts and events, as the history reads them, and the lead
//! statuses in plain words (SPEC §7).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{delivery_attempts, lead_events, leads};

/// Where a lead stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeadStatus {
    /// Stored and due to be sent.
    Queued,
    /// An attempt failed for a passing reason; another comes on the retry schedule.
    Retrying,
    /// AccuLynx accepted it.
    Delivered,
    /// AccuLynx refused it, or every retry failed.
    Failed,
    /// It could not be made into a valid AccuLynx lead on arrival.
    Rejected,
    /// Waiting for its location (paused, or its key missing or rejected).
    Held,
    /// The same lead had just arrived at this location; recorded, not sent again.
    Duplicate,
}

impl LeadStatus {
    /// Every status, in the order filters and counts show them.
    pub const ALL: [LeadStatus; 7] = [
        Self::Delivered,
        Self::Failed,
        Self::Rejected,
        Self::Queued,
        Self::Retrying,
        Self::Held,
        Self::Duplicate,
    ];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Retrying => "retrying",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Rejected => "rejected",
            Self::Held => "held",
            Self::Duplicate => "duplicate",
        }
    }

    /// Parses the stored form.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

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

/// A whole row of `leads`, for the lead page and replays.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = leads)]
pub struct Lead {
    /// UUID v7.
    pub id: String,
    /// Owner.
    pub company_id: String,
    /// The location whose webhook URL received it.
    pub location_id: String,
    /// When it arrived.
    pub received_at: NaiveDateTime,
    /// [`LeadStatus::as_str`].
    pub status: String,
    /// Content type of the request.
    pub content_type: String,
    /// Request headers of interest (JSON object).
    pub request_headers: String,
    /// The body as received (none once purged).
    pub raw_body: Option<String>,
    /// The AccuLynx lead (JSON; none once purged).
    pub mapped_body: Option<String>,
    /// Warnings of the mapping (JSON array of sentences).
    pub warnings: String,
    /// Why it was rejected (JSON array of `{"field","message"}`).
    pub errors: String,
    /// What duplicates are recognised by.
    pub dedupe_key: Option<String>,
    /// The lead this one duplicates.
    pub duplicate_of: Option<String>,
    /// Copied from the mapped lead.
    pub first_name: Option<String>,
    /// Copied from the mapped lead.
    pub last_name: Option<String>,
    /// Copied from the mapped lead.
    pub email: Option<String>,
    /// Copied from the mapped lead.
    pub phone: Option<String>,
    /// Digits of its phones, space-separated.
    pub phone_digits: Option<String>,
    /// Lower-cased "first last email".
    pub search_text: Option<String>,
    /// Attempts made so far.
    pub attempts: i32,
    /// Step of the retry schedule.
    pub retry_step: i32,
    /// When the next attempt is due.
    pub next_attempt_at: Option<NaiveDateTime>,
    /// The worker holding it.
    pub lease_owner: Option<String>,
    /// Until when.
    pub lease_until: Option<NaiveDateTime>,
    /// HTTP status of the last attempt.
    pub last_http_status: Option<i32>,
    /// Why the last attempt failed, as a sentence.
    pub last_error: Option<String>,
    /// When AccuLynx accepted it.
    pub delivered_at: Option<NaiveDateTime>,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// When the retention purge emptied its payloads.
    pub payload_purged_at: Option<NaiveDateTime>,
}

impl Lead {
    /// Its status (an unknown stored value reads as failed: it needs a look).
    pub fn status(&self) -> LeadStatus {
        LeadStatus::parse(&self.status).unwrap_or(LeadStatus::Failed)
    }
}

/// The columns a lead list (and its CSV) shows.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = leads)]
pub struct LeadRow {
    /// UUID v7.
    pub id: String,
    /// Its location.
    pub location_id: String,
    /// When it arrived.
    pub received_at: NaiveDateTime,
    /// [`LeadStatus::as_str`].
    pub status: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Attempts made.
    pub attempts: i32,
    /// HTTP status of the last attempt.
    pub last_http_status: Option<i32>,
    /// When AccuLynx accepted it.
    pub delivered_at: Option<NaiveDateTime>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

impl LeadRow {
    /// Its status (unknown reads as failed).
    pub fn status(&self) -> LeadStatus {
        LeadStatus::parse(&self.status).unwrap_or(LeadStatus::Failed)
    }

    /// "First Last", or a stand-in when the lead has no name.
    pub fn display_name(&self) -> String {
        display_name(self.first_name.as_deref(), self.last_name.as_deref())
    }
}

/// "First Last", or "(no name)".
pub fn display_name(first: Option<&str>, last: Option<&str>) -> String {
    let name = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        "(no name)".to_string()
    } else {
        name
    }
}

/// A row of `delivery_attempts`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = delivery_attempts)]
pub struct Attempt {
    /// Increasing id.
    pub id: i64,
    /// The lead.
    pub lead_id: String,
    /// 1, 2, …
    pub number: i32,
    /// When the request started.
    pub started_at: NaiveDateTime,
    /// How long it took.
    pub duration_ms: i32,
    /// The JSON sent.
    pub request_body: Option<String>,
    /// AccuLynx's status (none on a network error).
    pub http_status: Option<i32>,
    /// Response headers of interest (JSON object).
    pub response_headers: String,
    /// The first 8 KiB of the answer.
    pub response_body: Option<String>,
    /// The network error, if any.
    pub error: Option<String>,
    /// delivered | failed | held | retrying | rate_limited.
    pub outcome: String,
    /// What happened, in a sentence.
    pub summary: String,
}

/// A row of `lead_events`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lead_events)]
pub struct LeadEvent {
    /// Increasing id.
    pub id: i64,
    /// The lead.
    pub lead_id: String,
    /// replayed | edited.
    pub kind: String,
    /// Who (email).
    pub actor: String,
    /// For `edited`: the previous mapped body (JSON); for `replayed`: the previous status.
    pub detail: String,
    /// When.
    pub created_at: NaiveDateTime,
}

/// A new `lead_events` row.
#[derive(Debug, Insertable)]
#[diesel(table_name = lead_events)]
pub struct NewLeadEvent<'a> {
    /// The lead.
    pub lead_id: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// Who.
    pub actor: &'a str,
    /// Detail.
    pub detail: &'a str,
    /// When.
    pub created_at: NaiveDateTime,
}

/// One reason a lead was rejected on arrival.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct FieldError {
    /// The AccuLynx field (camelCase), or empty for the lead as a whole.
    #[serde(default)]
    pub field: String,
    /// What is wrong, as a sentence.
    #[serde(default)]
    pub message: String,
}

/// Reads the `errors` column (unreadable text reads as no errors).
pub fn field_errors(errors: &str) -> Vec<FieldError> {
    serde_json::from_str(errors).unwrap_or_default()
}

/// Reads the `warnings` column (unreadable text reads as no warnings).
pub fn warnings(warnings: &str) -> Vec<String> {
    serde_json::from_str(warnings).unwrap_or_default()
}
