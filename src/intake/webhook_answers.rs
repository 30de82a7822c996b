//! The webhook's answers (SPEC §6): JSON with an `error` and a `message` that tells the
//! sender what was wrong, or the lead's id and status.

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header;
use serde_json::json;

use crate::db::outage::Outage;
use crate::intake::mapping::MappedLead;
use crate::leads::{Lead, LeadStatus};

/// 503 for a lead that was not stored: never 202 (SPEC §6), and the sender is told to send it
/// again later. The message says why when the database said so.
pub(super) fn unavailable(outage: Option<Outage>) -> HttpResponse {
    let message = match outage {
        Some(Outage::DiskFull) => {
            "leadrelay could not store the lead: the disk holding its database is full. The lead was not kept; send it again later."
        }
        Some(Outage::Unreachable) => {
            "leadrelay could not store the lead: it cannot reach its database right now. The lead was not kept; send it again later."
        }
        None => {
            "leadrelay could not store the lead right now. The lead was not kept; send it again later."
        }
    };
    let mut response = json_error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
    response
}

/// SPEC §6 answers.
pub(super) fn answer(lead: &Lead, mapped: &MappedLead) -> HttpResponse {
    let body = json!({"lead_id": lead.id, "status": lead.status.as_str()});
    match lead.status {
        LeadStatus::Duplicate => {
            HttpResponse::Ok().json(with(body, "duplicate_of", json!(lead.duplicate_of)))
        }
        LeadStatus::Rejected => {
            HttpResponse::UnprocessableEntity().json(with(body, "errors", json!(mapped.errors)))
        }
        _ => HttpResponse::Accepted().json(body),
    }
}

/// `body` with one more member.
fn with(mut body: serde_json::Value, key: &str, value: serde_json::Value) -> serde_json::Value {
    if let Some(object) = body.as_object_mut() {
        object.insert(key.to_string(), value);
    }
    body
}

/// 429 with `Retry-After` in whole seconds.
pub(super) fn too_many_requests(wait: Duration) -> HttpResponse {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = json_error(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_requests",
        &format!("Too many leads for this location at once; send this one again in {seconds} s."),
    );
    if let Ok(value) = header::HeaderValue::from_str(&seconds.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The answer to a bad token, an unknown location and an expired URL alike.
pub fn not_found() -> HttpResponse {
    HttpResponse::NotFound().json(json!({"error": "not_found"}))
}

pub(super) fn json_error(status: StatusCode, error: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({"error": error, "message": message}))
}
