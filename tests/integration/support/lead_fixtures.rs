//! Leads, attempts and events written straight into the database, exactly as the webhook
//! intake and the delivery worker write them, for the history's tests.

#![allow(dead_code)]

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use leadrelay::db::DbConn;
use leadrelay::db::schema::{delivery_attempts, lead_events, leads};
use serde_json::{Value, json};

use crate::support::helpers::TestApp;

/// Now, as the database stores it (UTC, microseconds).
pub fn now() -> NaiveDateTime {
    leadrelay::db::now()
}

/// A lead as the intake stores it.
#[derive(Debug, Clone)]
pub struct LeadSeed {
    pub id: String,
    pub company_id: String,
    pub location_id: String,
    pub received_at: NaiveDateTime,
    pub status: &'static str,
    pub content_type: String,
    pub request_headers: Value,
    pub raw_body: Option<String>,
    pub mapped: Option<Value>,
    pub warnings: Vec<String>,
    pub errors: Vec<(String, String)>,
    pub duplicate_of: Option<String>,
    pub attempts: i32,
    pub retry_step: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub lease: Option<(String, NaiveDateTime)>,
    pub last_http_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
    pub purged_at: Option<NaiveDateTime>,
}

impl LeadSeed {
    /// A delivered JSON lead of Jane Doe received a minute ago.
    pub fn new(company_id: &str, location_id: &str) -> Self {
        let received_at = now() - Duration::minutes(1);
        let mapped = json!({
            "firstName": "Jane",
            "lastName": "Doe",
            "emailAddress": "jane.doe@example.com",
            "phoneNumber1": "3035550100",
            "phoneType1": "Mobile",
            "country": "US",
        });
        LeadSeed {
            id: uuid::Uuid::now_v7().to_string(),
            company_id: company_id.to_string(),
            location_id: location_id.to_string(),
            received_at,
            status: "delivered",
            content_type: "application/json".to_string(),
            request_headers: json!({"user-agent": "ClientTether-Webhook/1.0"}),
            raw_body: Some(
                r#"{"first":"Jane","last":"Doe","email":"jane.doe@example.com","phone":"(303) 555-0100"}"#
                    .to_string(),
            ),
            mapped: Some(mapped),
            warnings: Vec::new(),
            errors: Vec::new(),
            duplicate_of: None,
            attempts: 1,
            retry_step: 0,
            next_attempt_at: None,
            lease: None,
            last_http_status: Some(202),
            last_error: None,
            delivered_at: Some(received_at + Duration::milliseconds(300)),
            purged_at: None,
        }
    }

    pub fn status(mut self, status: &'static str) -> Self {
        self.status = status;
        match status {
            "delivered" => {}
            "failed" => {
                self.delivered_at = None;
                self.last_http_status = Some(400);
                self.last_error = Some(
                    "AccuLynx rejected the lead: The firstName field is required.".to_string(),
                );
            }
            "rejected" => {
                self.delivered_at = None;
                self.attempts = 0;
                self.last_http_status = None;
                if self.errors.is_empty() {
                    self.errors = vec![(
                        "firstName".to_string(),
                        "No first name was found in the lead.".to_string(),
                    )];
                }
            }
            _ => {
                self.delivered_at = None;
                self.attempts = 0;
                self.last_http_status = None;
                if matches!(status, "queued" | "retrying") {
                    self.next_attempt_at = Some(self.received_at);
                }
            }
        }
        self
    }

    pub fn at(mut self, received_at: NaiveDateTime) -> Self {
        let shift = received_at - self.received_at;
        self.received_at = received_at;
        self.delivered_at = self.delivered_at.map(|at| at + shift);
        self.next_attempt_at = self.next_attempt_at.map(|at| at + shift);
        self.id = v7_at(received_at);
        self
    }

    pub fn ago(self, age: Duration) -> Self {
        self.at(now() - age)
    }

    /// Sets the names, email and phone in the mapped body (and the copies).
    pub fn person(mut self, first: &str, last: &str, email: &str, phone: &str) -> Self {
        let mut mapped = self.mapped.take().unwrap_or_else(|| json!({}));
        let object = mapped.as_object_mut().unwrap();
        for (name, value) in [
            ("firstName", first),
            ("lastName", last),
            ("emailAddress", email),
            ("phoneNumber1", phone),
        ] {
            if value.is_empty() {
                object.remove(name);
            } else {
                object.insert(name.to_string(), Value::String(value.to_string()));
            }
        }
        self.mapped = Some(mapped);
        self
    }

    pub fn mapped(mut self, mapped: Value) -> Self {
        self.mapped = Some(mapped);
        self
    }
}

/// A UUID v7 whose time part is `at`.
pub fn v7_at(at: NaiveDateTime) -> String {
    let utc = at.and_utc();
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        utc.timestamp() as u64,
        utc.timestamp_subsec_nanos(),
    );
    uuid::Uuid::new_v7(ts).to_string()
}

/// Inserts the lead as the intake would; returns its id.
pub fn insert_lead(app: &TestApp, seed: &LeadSeed) -> String {
    insert_lead_with(&mut app.conn(), seed);
    seed.id.clone()
}

/// Stores the lead through the intake's own insert (no dedupe window).
pub fn insert_lead_with(conn: &mut DbConn, seed: &LeadSeed) {
    leadrelay::leads::intake::store(conn, seed.row(), 0).unwrap();
}

impl LeadSeed {
    /// The row, as the intake and the worker would have left it.
    pub fn row(&self) -> leadrelay::leads::Lead {
        use leadrelay::leads::model::{FieldError, errors_column, warnings_column};
        let copies = self
            .mapped
            .as_ref()
            .map(leadrelay::domain::search::searchable_copies)
            .unwrap_or_default();
        let errors: Vec<FieldError> = self
            .errors
            .iter()
            .map(|(field, message)| FieldError {
                field: field.clone(),
                message: message.clone(),
            })
            .collect();
        let purged = self.purged_at.is_some();
        leadrelay::leads::Lead {
            id: self.id.clone(),
            company_id: self.company_id.clone(),
            location_id: self.location_id.clone(),
            received_at: self.received_at,
            status: leadrelay::leads::LeadStatus::parse(self.status).unwrap(),
            content_type: self.content_type.clone(),
            request_headers: self.request_headers.to_string(),
            raw_body: self.raw_body.clone().filter(|_| !purged),
            mapped_body: self
                .mapped
                .as_ref()
                .filter(|_| !purged)
                .map(Value::to_string),
            warnings: warnings_column(&self.warnings),
            errors: errors_column(&errors),
            dedupe_key: None,
            duplicate_of: self.duplicate_of.clone(),
            first_name: copies.first_name,
            last_name: copies.last_name,
            email: copies.email,
            phone: copies.phone,
            phone_digits: copies.phone_digits,
            search_text: copies.search_text,
            attempts: self.attempts,
            retry_step: self.retry_step,
            next_attempt_at: self.next_attempt_at,
            queued_at: Some(self.received_at),
            lease_owner: self.lease.as_ref().map(|(owner, _)| owner.clone()),
            lease_until: self.lease.as_ref().map(|(_, until)| *until),
            last_http_status: self.last_http_status,
            last_error: self.last_error.clone(),
            delivered_at: self.delivered_at,
            updated_at: self.received_at,
            payload_purged_at: self.purged_at,
        }
    }
}

/// An attempt as the worker records it.
#[derive(Debug, Clone)]
pub struct AttemptSeed {
    pub number: i32,
    pub started_at: NaiveDateTime,
    pub duration_ms: i32,
    pub request_body: Option<String>,
    pub http_status: Option<i32>,
    pub response_headers: Value,
    pub response_body: Option<String>,
    pub error: Option<String>,
    pub outcome: &'static str,
    pub summary: String,
}

impl AttemptSeed {
    pub fn delivered(number: i32, started_at: NaiveDateTime) -> Self {
        AttemptSeed {
            number,
            started_at,
            duration_ms: 240,
            request_body: Some(r#"{"firstName":"Jane","lastName":"Doe"}"#.to_string()),
            http_status: Some(202),
            response_headers: json!({"request-id": "req-1"}),
            response_body: Some(String::new()),
            error: None,
            outcome: "delivered",
            summary: "AccuLynx accepted the lead.".to_string(),
        }
    }
}

pub fn insert_attempt(app: &TestApp, lead_id: &str, attempt: &AttemptSeed) {
    diesel::insert_into(delivery_attempts::table)
        .values((
            delivery_attempts::lead_id.eq(lead_id),
            delivery_attempts::number.eq(attempt.number),
            delivery_attempts::started_at.eq(attempt.started_at),
            delivery_attempts::duration_ms.eq(attempt.duration_ms),
            delivery_attempts::request_body.eq(&attempt.request_body),
            delivery_attempts::http_status.eq(attempt.http_status),
            delivery_attempts::response_headers.eq(attempt.response_headers.to_string()),
            delivery_attempts::response_body.eq(&attempt.response_body),
            delivery_attempts::error.eq(&attempt.error),
            delivery_attempts::outcome.eq(attempt.outcome),
            delivery_attempts::summary.eq(&attempt.summary),
        ))
        .execute(&mut app.conn())
        .unwrap();
}

/// What the worker does after a successful attempt: the attempt row and the lead's state.
pub fn deliver_as_worker(app: &TestApp, lead_id: &str) -> AttemptSeed {
    let mut conn = app.conn();
    let attempts: i32 = leads::table
        .find(lead_id)
        .select(leads::attempts)
        .first(&mut conn)
        .unwrap();
    let at = now();
    let attempt = AttemptSeed::delivered(attempts + 1, at);
    drop(conn);
    insert_attempt(app, lead_id, &attempt);
    diesel::update(leads::table.find(lead_id))
        .set((
            leads::status.eq("delivered"),
            leads::attempts.eq(attempts + 1),
            leads::last_http_status.eq(Some(202)),
            leads::last_error.eq(None::<String>),
            leads::delivered_at.eq(Some(at)),
            leads::next_attempt_at.eq(None::<NaiveDateTime>),
            leads::updated_at.eq(at),
        ))
        .execute(&mut app.conn())
        .unwrap();
    attempt
}

/// An event row (replays and edits are made by the product; this is for history only).
pub fn insert_event(
    app: &TestApp,
    lead_id: &str,
    kind: &str,
    actor: &str,
    detail: &str,
    at: NaiveDateTime,
) {
    diesel::insert_into(lead_events::table)
        .values((
            lead_events::lead_id.eq(lead_id),
            lead_events::kind.eq(kind),
            lead_events::actor.eq(actor),
            lead_events::detail.eq(detail),
            lead_events::created_at.eq(at),
        ))
        .execute(&mut app.conn())
        .unwrap();
}

/// A lead's state, as the worker would read it.
#[derive(Debug, Clone, Queryable)]
pub struct LeadState {
    pub status: String,
    pub attempts: i32,
    pub retry_step: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub raw_body: Option<String>,
    pub mapped_body: Option<String>,
    pub first_name: Option<String>,
    pub phone_digits: Option<String>,
    pub search_text: Option<String>,
}

pub fn lead_state(app: &TestApp, lead_id: &str) -> LeadState {
    leads::table
        .find(lead_id)
        .select((
            leads::status,
            leads::attempts,
            leads::retry_step,
            leads::next_attempt_at,
            leads::lease_owner,
            leads::lease_until,
            leads::last_error,
            leads::raw_body,
            leads::mapped_body,
            leads::first_name,
            leads::phone_digits,
            leads::search_text,
        ))
        .first(&mut app.conn())
        .unwrap()
}

/// The events of a lead: (kind, actor, detail).
pub fn events(app: &TestApp, lead_id: &str) -> Vec<(String, String, String)> {
    lead_events::table
        .filter(lead_events::lead_id.eq(lead_id))
        .order(lead_events::id.asc())
        .select((lead_events::kind, lead_events::actor, lead_events::detail))
        .load(&mut app.conn())
        .unwrap()
}
pub use crate::support::fixtures::{add_location, audit_entries, set_location};
