//! The lead's record, one struct per use of each table row: [`Lead`] (a whole `leads` row,
//! also what the intake stores),
//! [`LeadRow`] (what lists show), [`ClaimedLead`] (what
//! the worker sends), [`Attempt`]/[`NewAttempt`] (`delivery_attempts`), [`LeadEvent`]/
//! [`NewLeadEvent`] (`lead_events`). The JSON columns each have one type: `warnings` is a list
//! of sentences, `errors` a list of [`FieldError`], both written and read here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{delivery_attempts, lead_events, leads};
use crate::leads::status::{AttemptOutcome, EventKind, LeadStatus};

/// A whole row of `leads`: what the intake stores, the lead page shows and replays read.
///
/// `None` is inserted as NULL (every optional column has no other default), so the intake's
/// INSERT has the same SQL for every lead and stays prepared instead of being rebuilt per lead.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = leads, treat_none_as_default_value = false)]
pub struct Lead {
    /// UUID v7.
    pub id: String,
    /// Owner.
    pub company_id: String,
    /// The location whose webhook URL received it.
    pub location_id: String,
    /// When it arrived.
    pub received_at: NaiveDateTime,
    /// Where it stands.
    pub status: LeadStatus,
    /// Content type of the request.
    pub content_type: String,
    /// Request headers of interest (JSON object).
    pub request_headers: String,
    /// The body as received (none once purged).
    pub raw_body: Option<String>,
    /// The AccuLynx lead (JSON; none once purged).
    pub mapped_body: Option<String>,
    /// Warnings of the mapping ([`warnings_column`]).
    pub warnings: String,
    /// Why it was rejected ([`errors_column`]).
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
    /// When it last entered the queue (the retry span starts here).
    pub queued_at: Option<NaiveDateTime>,
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
    /// Its status.
    pub fn status(&self) -> LeadStatus {
        self.status
    }

    /// Why it was rejected on arrival.
    pub fn field_errors(&self) -> Vec<FieldError> {
        field_errors(&self.errors)
    }

    /// The warnings of its mapping.
    pub fn warnings(&self) -> Vec<String> {
        serde_json::from_str(&self.warnings).unwrap_or_default()
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
    /// Where it stands.
    pub status: LeadStatus,
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
    /// Its status.
    pub fn status(&self) -> LeadStatus {
        self.status
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
    /// What it ended in.
    pub outcome: AttemptOutcome,
    /// What happened, in a sentence.
    pub summary: String,
    /// The request, e.g. `POST /api/v2/jobs` (none on rows older than v2).
    pub request: Option<String>,
}

/// A row of `lead_events`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lead_events)]
pub struct LeadEvent {
    /// Increasing id.
    pub id: i64,
    /// The lead.
    pub lead_id: String,
    /// What was done.
    pub kind: EventKind,
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
    pub kind: EventKind,
    /// Who.
    pub actor: &'a str,
    /// Detail.
    pub detail: &'a str,
    /// When.
    pub created_at: NaiveDateTime,
}

/// One reason a lead was rejected on arrival (the 422 answer's `errors`, the `errors`
/// column, the lead page's list).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// The `errors` column of these errors.
pub fn errors_column(errors: &[FieldError]) -> String {
    serde_json::to_string(errors).unwrap_or_else(|_| "[]".to_string())
}

/// The `warnings` column of these warnings.
pub fn warnings_column(warnings: &[String]) -> String {
    serde_json::to_string(warnings).unwrap_or_else(|_| "[]".to_string())
}

/// A lead claimed for delivery.
#[derive(Debug, Clone, QueryableByName)]
#[diesel(table_name = leads)]
pub struct ClaimedLead {
    /// Lead id.
    pub id: String,
    /// Its location.
    pub location_id: String,
    /// Its company.
    pub company_id: String,
    /// When it was accepted.
    pub received_at: NaiveDateTime,
    /// When it last entered the queue (the retry span starts here).
    pub queued_at: Option<NaiveDateTime>,
    /// The AccuLynx body to send.
    pub mapped_body: Option<String>,
    /// Attempts so far.
    pub attempts: i32,
    /// Retry steps used.
    pub retry_step: i32,
    /// The lease this claim holds (renewed while the lead waits for its rate-limit slot).
    pub lease_until: Option<NaiveDateTime>,
}

/// A new lead state after an attempt, or without one (held before sending).
#[derive(Debug, Clone)]
pub struct LeadUpdate {
    /// New status.
    pub status: LeadStatus,
    /// Retry steps used.
    pub retry_step: i32,
    /// When to try next (queued/retrying), else `None`.
    pub next_attempt_at: Option<NaiveDateTime>,
    /// The last HTTP status, when an attempt got one.
    pub last_http_status: Option<i32>,
    /// Why it is not delivered, in words.
    pub last_error: Option<String>,
    /// Whether this update counts an attempt.
    pub counts_attempt: bool,
}

/// A recorded attempt.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = delivery_attempts)]
pub struct NewAttempt {
    /// Lead.
    pub lead_id: String,
    /// 1-based.
    pub number: i32,
    /// When sent.
    pub started_at: NaiveDateTime,
    /// How long.
    pub duration_ms: i32,
    /// The body sent.
    pub request_body: Option<String>,
    /// Status, if answered.
    pub http_status: Option<i32>,
    /// Headers of interest (JSON).
    pub response_headers: String,
    /// First 8 KiB.
    pub response_body: Option<String>,
    /// Network error.
    pub error: Option<String>,
    /// What it ended in.
    pub outcome: AttemptOutcome,
    /// Plain-English summary.
    pub summary: String,
    /// The request, e.g. `POST /api/v2/jobs`.
    pub request: Option<String>,
}
