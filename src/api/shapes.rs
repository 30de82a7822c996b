//! The JSON shapes of the API: a lead in a list ([`LeadSummary`]), and one lead with what
//! was received, what was sent, and its timeline ([`LeadDetail`]). Times are UTC, RFC 3339.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::leads::model::{Attempt, Lead, LeadEvent, LeadRow};

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// A lead as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadSummary {
    /// The lead's id (a UUID).
    pub id: String,
    /// The location it arrived at.
    pub location_id: String,
    /// When the webhook stored it.
    pub received_at: DateTime<Utc>,
    /// `queued`, `retrying`, `delivered`, `failed`, `rejected`, `held` or `duplicate`.
    #[schema(example = "failed")]
    pub status: String,
    /// From the lead.
    pub first_name: Option<String>,
    /// From the lead.
    pub last_name: Option<String>,
    /// From the lead.
    pub email: Option<String>,
    /// From the lead, as received.
    pub phone: Option<String>,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// AccuLynx's HTTP status on the last attempt.
    pub last_http_status: Option<i32>,
    /// When AccuLynx accepted it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Why the last attempt did not deliver it.
    pub last_error: Option<String>,
    /// The lead's page in the portal (a path of this server).
    #[schema(example = "/leads/0192f1c4-7a2b-7c3d-8e4f-123456789abc")]
    pub portal_path: String,
}

impl From<LeadRow> for LeadSummary {
    fn from(row: LeadRow) -> Self {
        Self {
            portal_path: format!("/leads/{}", row.id),
            status: row.status.as_str().to_string(),
            received_at: utc(row.received_at),
            delivered_at: row.delivered_at.map(utc),
            id: row.id,
            location_id: row.location_id,
            first_name: row.first_name,
            last_name: row.last_name,
            email: row.email,
            phone: row.phone,
            attempts: row.attempts,
            last_http_status: row.last_http_status,
            last_error: row.last_error,
        }
    }
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadList {
    /// Newest first.
    pub leads: Vec<LeadSummary>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A field AccuLynx (or the mapping) refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The AccuLynx field (`emailAddress`), or empty for the whole lead.
    pub field: String,
    /// What is wrong, in words.
    pub message: String,
}

/// One entry of a lead's timeline.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineEntry {
    /// The webhook stored the lead.
    Received {
        /// When.
        at: DateTime<Utc>,
    },
    /// A request to AccuLynx.
    Attempt {
        /// When it started.
        at: DateTime<Utc>,
        /// 1, 2, …
        number: i32,
        /// How long it took.
        duration_ms: i32,
        /// AccuLynx's HTTP status, if it answered.
        http_status: Option<i32>,
        /// `delivered`, `retrying`, `failed`, `rate_limited`, …
        outcome: String,
        /// What happened, in a sentence.
        summary: String,
        /// The request, e.g. `POST /api/v1/leads`.
        request: Option<String>,
        /// The JSON sent.
        request_body: Option<String>,
        /// AccuLynx's answer.
        response_body: Option<String>,
        /// The network error, if there was no answer.
        error: Option<String>,
    },
    /// Someone sent the lead again as it was.
    Replayed {
        /// When.
        at: DateTime<Utc>,
        /// Who (an email, an API token, "command line").
        actor: String,
        /// The status it had.
        previous_status: Option<String>,
    },
    /// Someone changed its fields and sent it again.
    Edited {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        actor: String,
        /// The AccuLynx lead before the edit (absent once purged by the retention policy).
        #[schema(value_type = Object)]
        before: Option<Value>,
    },
}

impl TimelineEntry {
    fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Received { at }
            | Self::Attempt { at, .. }
            | Self::Replayed { at, .. }
            | Self::Edited { at, .. } => *at,
        }
    }
}

/// One lead, in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadDetail {
    /// What lists show.
    #[serde(flatten)]
    pub summary: LeadSummary,
    /// The content type ClientTether sent.
    pub content_type: String,
    /// The body as received (absent once purged by the retention policy).
    pub received_body: Option<String>,
    /// The AccuLynx lead it was mapped to (absent when it could not be mapped, or purged).
    #[schema(value_type = Object)]
    pub sent: Option<Value>,
    /// What was changed or left out to make it valid.
    pub warnings: Vec<String>,
    /// Why it was rejected or refused.
    pub errors: Vec<FieldProblem>,
    /// Oldest first: received, attempts, replays and edits.
    pub timeline: Vec<TimelineEntry>,
}

impl LeadDetail {
    /// The lead with its attempts and events.
    pub fn new(lead: Lead, attempts: Vec<Attempt>, events: Vec<LeadEvent>) -> Self {
        let mut timeline = vec![TimelineEntry::Received {
            at: utc(lead.received_at),
        }];
        // Events before attempts of the same moment: a replay comes before its attempt.
        let mut later: Vec<(DateTime<Utc>, u8, i64, TimelineEntry)> = Vec::new();
        for event in events {
            let at = utc(event.created_at);
            let entry = match event.kind {
                crate::leads::EventKind::Replayed => TimelineEntry::Replayed {
                    at,
                    actor: event.actor,
                    previous_status: serde_json::from_str::<Value>(&event.detail)
                        .ok()
                        .and_then(|detail| detail["previous_status"].as_str().map(str::to_string)),
                },
                crate::leads::EventKind::Edited => TimelineEntry::Edited {
                    at,
                    actor: event.actor,
                    before: serde_json::from_str(&event.detail).ok(),
                },
            };
            later.push((at, 0, event.id, entry));
        }
        for attempt in attempts {
            let entry = TimelineEntry::Attempt {
                at: utc(attempt.started_at),
                number: attempt.number,
                duration_ms: attempt.duration_ms,
                http_status: attempt.http_status,
                outcome: attempt.outcome.as_str().to_string(),
                summary: attempt.summary,
                request: attempt.request,
                request_body: attempt.request_body,
                response_body: attempt.response_body,
                error: attempt.error,
            };
            later.push((entry.at(), 1, attempt.id, entry));
        }
        later.sort_by_key(|(at, order, id, _)| (*at, *order, *id));
        timeline.extend(later.into_iter().map(|(_, _, _, entry)| entry));
        let warnings = lead.warnings();
        let errors = lead
            .field_errors()
            .into_iter()
            .map(|error| FieldProblem {
                field: error.field,
                message: error.message,
            })
            .collect();
        let sent = lead
            .mapped_body
            .as_deref()
            .and_then(|body| serde_json::from_str(body).ok());
        let (content_type, received_body) = (lead.content_type.clone(), lead.raw_body.clone());
        let row = LeadRow {
            id: lead.id,
            location_id: lead.location_id,
            received_at: lead.received_at,
            status: lead.status,
            first_name: lead.first_name,
            last_name: lead.last_name,
            email: lead.email,
            phone: lead.phone,
            attempts: lead.attempts,
            last_http_status: lead.last_http_status,
            delivered_at: lead.delivered_at,
            last_error: lead.last_error,
        };
        Self {
            summary: row.into(),
            content_type,
            received_body,
            sent,
            warnings,
            errors,
            timeline,
        }
    }
}
