//! The sandbox's endpoints: AccuLynx's `POST /api/v1/leads` and `GET /api/v2/company-settings`,
//! and `GET`/`DELETE /sandbox/leads` for looking at what was accepted.
//!
//! Nothing here may panic on any input, and nothing logs a key or a lead: one `debug` line
//! per request with its status, so the sandbox stays fast under benchmarks.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde_json::{Value, json};

use super::answers::Problem;
use super::faults::roll_failure;
use super::schema::validate_lead;
use super::server::{AfterAction, Caller, SandboxState};
use super::store::AcceptedLead;

/// Largest lead body accepted (1 MiB), as a gateway in front of AccuLynx would cap it.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// `POST /api/v1/leads`: 202 with an empty body for a valid lead.
pub(crate) async fn post_lead(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let arrived = Instant::now();
    let presented = state.presented_key(&req);
    let (answer, delay) = match state.admit(&req, presented.as_ref(), arrived) {
        Err(problem) => {
            drain(&req, payload).await;
            (Err(problem), Duration::ZERO)
        }
        Ok(caller) => {
            let (delay, status) = after_action(&caller);
            let answer = accept_lead(&req, payload, &state, caller.key).await;
            match (answer, status) {
                (Ok(()), Some(status)) => (Err(Problem::Status(status)), delay),
                (answer, _) => (answer, delay),
            }
        }
    };
    let response = match answer {
        Ok(()) => HttpResponse::Accepted().finish(),
        Err(problem) => problem.respond(),
    };
    // Recorded before the wait, so a client that gives up during it still shows up.
    state
        .store
        .record(presented, arrived, response.status().as_u16());
    state.hold_answer(arrived, delay).await;
    tracing::debug!(
        path = "/api/v1/leads",
        status = response.status().as_u16(),
        "sandbox answered"
    );
    response
}

/// The total delay before answering and the status to answer with instead of success, from
/// the caller's programmed faults. The lead is kept before any delay, so a `Delay` and a
/// `DelayAfterAction` mean the same here.
fn after_action(caller: &Caller) -> (Duration, Option<u16>) {
    match caller.after {
        None => (caller.delay, None),
        Some(AfterAction::Delay(extra)) => (caller.delay.saturating_add(extra), None),
        Some(AfterAction::Status(status)) => (caller.delay, Some(status)),
    }
}

/// The checks after admission, in AccuLynx's order; keeps the lead when they pass.
async fn accept_lead(
    req: &HttpRequest,
    payload: web::Payload,
    state: &SandboxState,
    key: Arc<str>,
) -> Result<(), Problem> {
    if roll_failure(state.fail_rate) {
        drain(req, payload).await;
        return Err(Problem::Status(500));
    }
    if !is_json(req) {
        drain(req, payload).await;
        return Err(Problem::UnsupportedMediaType);
    }
    let bytes = read_body(req, payload).await?;
    let body = parse_json(&bytes)?;
    validate_lead(&body).map_err(Problem::Invalid)?;
    state.store.accept(AcceptedLead {
        key: key.to_string(),
        received_at: Utc::now(),
        body,
    });
    Ok(())
}

/// `application/json`, with or without parameters such as `charset`.
pub(crate) fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// Whether the request announces a body over the limit.
pub(crate) fn declared_too_large(req: &HttpRequest) -> bool {
    req.headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .is_some_and(|length| length > MAX_BODY_BYTES as u64)
}

/// Reads and drops the body of a request answered without it, so the connection can carry
/// the client's next request (an unread body makes the server close it).
pub(crate) async fn drain(req: &HttpRequest, payload: web::Payload) {
    if !declared_too_large(req) {
        let _ = payload.to_bytes_limited(MAX_BODY_BYTES).await;
    }
}

async fn read_body(req: &HttpRequest, payload: web::Payload) -> Result<web::Bytes, Problem> {
    if declared_too_large(req) {
        return Err(Problem::PayloadTooLarge(MAX_BODY_BYTES));
    }
    match payload.to_bytes_limited(MAX_BODY_BYTES).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(err)) => Err(Problem::Unreadable(
            "$",
            format!("The request body could not be read: {err}."),
        )),
        Err(_) => Err(Problem::PayloadTooLarge(MAX_BODY_BYTES)),
    }
}

/// Reads the body as JSON, answering as ASP.NET does when it cannot.
fn parse_json(bytes: &[u8]) -> Result<Value, Problem> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Problem::Unreadable(
            "",
            "A non-empty request body is required.".to_string(),
        ));
    }
    serde_json::from_slice(bytes).map_err(|err| {
        let text = err.to_string();
        let reason = text.split(" at line ").next().unwrap_or(&text);
        Problem::Unreadable(
            "$",
            format!(
                "The JSON value could not be read: {reason}. Path: $ | LineNumber: {} | \
                 BytePositionInLine: {}.",
                err.line().saturating_sub(1),
                err.column().saturating_sub(1)
            ),
        )
    })
}

/// `GET /api/v2/company-settings`: the location a key belongs to, or 401.
pub(crate) async fn company_settings(
    req: HttpRequest,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let arrived = Instant::now();
    let presented = state.presented_key(&req);
    let (response, delay) = match state.admit(&req, presented.as_ref(), arrived) {
        Err(problem) => (problem.respond(), Duration::ZERO),
        Ok(caller) => {
            let (delay, status) = after_action(&caller);
            let response = match (state.location(&caller.key), status) {
                (None, _) => Problem::Unauthorized.respond(),
                (Some(_), Some(status)) => Problem::Status(status).respond(),
                (Some(location), None) => HttpResponse::Ok().json(json!({
                    "id": location.id,
                    "name": location.name,
                    // AccuLynx does not document this field's shape; a time-zone id is what
                    // a client can use.
                    "timeZoneInfo": "America/Denver",
                    "hasInsurance": false,
                })),
            };
            (response, delay)
        }
    };
    state.hold_answer(arrived, delay).await;
    tracing::debug!(
        path = "/api/v2/company-settings",
        status = response.status().as_u16(),
        "sandbox answered"
    );
    response
}

/// `GET /sandbox/leads`: every accepted lead, oldest first.
pub(crate) async fn list_leads(state: web::Data<SandboxState>) -> HttpResponse {
    HttpResponse::Ok().json(state.store.accepted())
}

/// `DELETE /sandbox/leads`: forgets the accepted leads and the request log.
pub(crate) async fn clear_leads(state: web::Data<SandboxState>) -> HttpResponse {
    state.store.clear();
    HttpResponse::NoContent().finish()
}
