//! `POST /hooks/{location_id}/{token}` (SPEC §5, §6): the URL ClientTether posts leads to.
//!
//! The token is checked before anything else, in constant time and without touching the
//! database, so random or tampered URLs cost nothing and learn nothing: they answer the
//! same 404 as an unknown location. Answers are JSON (SPEC §6): 202 queued or held, 200
//! duplicate, 422 rejected, and 400/405/408/410/413/415/429 with an `error` and a `message` that
//! tells the sender what was wrong. Every accepted lead is committed before the answer.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use diesel::OptionalExtension;
use tracing::Instrument;

use crate::db::outage::{Outage, outage_of};
use crate::domain::scope::CompanyScope;
use crate::http::with_db;
use crate::intake::body::{BodyError, parse_body_with_files};
use crate::intake::cache::CachedLocation;
use crate::intake::mapping::MappedLead;
use crate::intake::refused::Refusal;
use crate::intake::store::{Received, new_lead};
pub use crate::intake::webhook_answers::not_found;
use crate::intake::webhook_answers::{answer, json_error, too_many_requests, unavailable};
use crate::leads::intake as queries;
use crate::leads::{Lead, LeadStatus};
use crate::state::AppState;
use crate::tenants::model::{Location, LocationStatus};
use crate::tenants::queries as queries_tenants;

/// What an authentic token's `version` of an existing location leads to.
enum Target {
    Live,
    Deleted,
    NotFound,
}

fn target_kind(location: &Location, version: i32) -> Target {
    if location.status() == LocationStatus::Deleted {
        Target::Deleted
    } else if location.accepts_url_version(version, crate::db::now()) {
        Target::Live
    } else {
        Target::NotFound
    }
}

/// Largest body accepted (SPEC §6).
pub const MAX_BODY: usize = 64 * 1024;

/// Time a sender has to deliver the whole body once its headers are in. A client that
/// trickles or stalls gets 408 and its connection back, instead of holding it open.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// `POST /hooks/{location_id}/{token}`: verify the URL, check the rate, read and map the
/// body, store the lead (committed before answering), wake the worker, answer.
pub async fn receive_webhook(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> HttpResponse {
    let (location_id, token) = path.into_inner();
    let refused = |status: StatusCode, reason: &str, size: Option<u64>| {
        note_refusal(&state, &req, &location_id, status, reason, size);
    };
    // Before any database read (SPEC §5).
    let Some(version) = state.url_signer.verify(&location_id, &token) else {
        refused(StatusCode::NOT_FOUND, BAD_TOKEN, None);
        return not_found();
    };
    let location = match live_location(&state, &location_id, version).await {
        Ok(location) => location,
        Err(answer) => {
            match answer.status() {
                StatusCode::NOT_FOUND => refused(StatusCode::NOT_FOUND, OLD_URL, None),
                StatusCode::GONE => refused(StatusCode::GONE, DELETED, None),
                _ => {}
            }
            return answer;
        }
    };
    if let Err(wait) = state.intake_limiter.check(&location_id) {
        refused(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many leads at once for this location: over the intake rate, so ClientTether was told to send it again later.",
            None,
        );
        return too_many_requests(wait);
    }
    let body = match read_body(&req, payload).await {
        Ok(body) => body,
        Err(answer) => {
            let status = answer.status();
            let reason = match status {
                StatusCode::PAYLOAD_TOO_LARGE => "The body was larger than 64 KiB.",
                StatusCode::REQUEST_TIMEOUT => {
                    "The body did not arrive within 10 seconds of the request's headers."
                }
                _ => "The body could not be read (the connection broke off while it was sent).",
            };
            refused(status, reason, None);
            return answer;
        }
    };
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let parsed = match parse_body_with_files(content_type.as_deref(), body.clone()).await {
        Ok(parsed) => parsed,
        Err(err) => {
            let (status, code) = match err {
                BodyError::UnsupportedMediaType(_) => {
                    (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
                }
                BodyError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            };
            refused(status, err.message(), Some(body.len() as u64));
            return json_error(status, code, err.message());
        }
    };
    let received = Received {
        content_type: content_type.as_deref().unwrap_or(""),
        headers: req.headers(),
        peer: Some(crate::http::extractors::client_ip(&req)).filter(|ip| !ip.is_empty()),
        body: &body,
    };
    match store_parsed(&state, &location, &received, &parsed).await {
        Ok((lead, mapped)) => answer(&lead, &mapped),
        Err(outage) => unavailable(outage),
    }
}

/// Maps a parsed body for the location, stores the lead (committed before this returns) and
/// wakes the worker when it is due: the webhook's own path, which the portal's "Send a test
/// lead" takes too. An error when the lead could not be stored (logged), with the outage
/// that caused it if the database said so.
///
/// The store runs on a task of its own: a sender that hangs up makes actix drop the request's
/// handler, and a lead whose body was read in full is then still stored, counted, logged and
/// handed to the worker, instead of being dropped half-way (lost while it waited for the
/// writer, or stored with no worker woken, no count and no log line).
pub async fn store_parsed(
    state: &AppState,
    location: &CachedLocation,
    received: &Received<'_>,
    parsed: &crate::intake::body::ParsedBody,
) -> Result<(Lead, MappedLead), Option<Outage>> {
    let mapped = location.mapping.map_body(parsed);
    let lead = new_lead(location, received, &mapped);
    let window = location.mapping.dedupe_window_hours();
    let location_id = location.location.id.clone();
    let (writer, wake, metrics) = (
        state.writer.clone(),
        state.wake_worker.clone(),
        state.metrics.clone(),
    );
    // In the request's span, so its lines name the instance as the request's do.
    let storing = tokio::spawn(async move {
        // One write statement (the dedupe lookup only reads), and it can run again; on
        // PostgreSQL the leads of a batch share one INSERT.
        let stored = writer
            .run_grouped(queries::Arriving {
                lead,
                dedupe_window_hours: window,
            })
            .await;
        let lead = match stored {
            Ok(lead) => lead,
            Err(err) => {
                tracing::error!(location_id = %location_id, error = %err, "webhook: the lead could not be stored");
                return Err(outage_of(&err));
            }
        };
        if lead.status == LeadStatus::Queued {
            wake.notify_one();
        }
        metrics.lead_received(lead.status);
        tracing::info!(lead_id = %lead.id, location_id = %location_id, status = %lead.status, "lead received");
        Ok(lead)
    }
    .instrument(tracing::Span::current()));
    match storing.await {
        Ok(stored) => stored.map(|lead| (lead, mapped)),
        Err(err) => {
            tracing::error!(error = %err, "webhook: the task storing a lead failed");
            Err(None)
        }
    }
}

const BAD_TOKEN: &str = "The URL's token does not belong to this location: the webhook URL was mistyped, cut short, or is not one leadrelay made.";
const OLD_URL: &str = "An old webhook URL of this location was used: it stopped working when the URL was rotated. Paste the current URL into ClientTether.";
const DELETED: &str = "This location was deleted; its webhook URL no longer accepts leads.";

/// Hands a refusal to the refused-request log (a queue; never waits, never the body or the
/// token). The log keeps it only if the path's location exists.
fn note_refusal(
    state: &AppState,
    req: &HttpRequest,
    location_id: &str,
    status: StatusCode,
    reason: &str,
    size: Option<u64>,
) {
    let header_text = |name: header::HeaderName| {
        req.headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string)
    };
    let size = size.or_else(|| header_text(header::CONTENT_LENGTH)?.trim().parse().ok());
    state.refused_log.record(Refusal {
        location_id: location_id.to_string(),
        status: status.as_u16(),
        reason: reason.to_string(),
        content_type: header_text(header::CONTENT_TYPE),
        body_size: size,
    });
}

/// The location of an authentic URL, from the cache or the database; or the answer to give.
pub async fn live_location(
    state: &AppState,
    location_id: &str,
    version: i32,
) -> Result<Arc<CachedLocation>, HttpResponse> {
    let cached = match state.intake_locations.get(location_id) {
        Some(cached) => Some(cached),
        None => {
            let lookup = location_id.to_string();
            let found = with_db(&state.db, move |conn| {
                Ok(queries_tenants::find_location(conn, &CompanyScope::All, &lookup).optional()?)
            })
            .await;
            match found {
                Ok(location) => location.map(|location| state.intake_locations.insert(location)),
                Err(err) => {
                    tracing::error!(location_id = %location_id, error = ?err, "webhook: cannot read the location");
                    return Err(json_error(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "unavailable",
                        "leadrelay cannot reach its database right now; send the lead again later.",
                    ));
                }
            }
        }
    };
    let Some(cached) = cached else {
        return Err(not_found());
    };
    match target_kind(&cached.location, version) {
        Target::NotFound => Err(not_found()),
        Target::Deleted => Err(json_error(
            StatusCode::GONE,
            "gone",
            "This location was deleted; its webhook URL no longer accepts leads.",
        )),
        Target::Live => Ok(cached),
    }
}

/// Reads at most [`MAX_BODY`] bytes within [`BODY_READ_TIMEOUT`]; a larger body is refused
/// without reading it (at once when its `Content-Length` says so), a late one with 408.
async fn read_body(req: &HttpRequest, payload: web::Payload) -> Result<web::Bytes, HttpResponse> {
    let too_large = || {
        json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The body is larger than 64 KiB; send only the contact's fields.",
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY as u64) {
        return Err(too_large());
    }
    match tokio::time::timeout(BODY_READ_TIMEOUT, read_all(payload, too_large)).await {
        Ok(read) => read,
        Err(_) => Err(json_error(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "The body did not arrive within 10 seconds; send the lead again.",
        )),
    }
}

/// The body's chunks, refused with `too_large` past [`MAX_BODY`].
async fn read_all(
    mut payload: web::Payload,
    too_large: impl Fn() -> HttpResponse,
) -> Result<web::Bytes, HttpResponse> {
    use futures_util::StreamExt;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|err| match err {
            actix_web::error::PayloadError::Overflow => too_large(),
            other => json_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &format!("The body could not be read: {other}."),
            ),
        })?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Any other method on a webhook URL.
pub async fn method_not_allowed() -> HttpResponse {
    let mut response = json_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Send leads to this URL with POST.",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
    response
}

/// Any other path under `/hooks/` (no token, extra segments): the same 404 as a bad token,
/// noted for the location its first segment names, if that location exists.
pub async fn unknown_webhook_url(
    req: HttpRequest,
    state: web::Data<AppState>,
    rest: web::Path<String>,
) -> HttpResponse {
    if req.method() == actix_web::http::Method::POST
        && let Some(location_id) = rest.split('/').next().filter(|id| !id.is_empty())
    {
        note_refusal(
            &state,
            &req,
            location_id,
            StatusCode::NOT_FOUND,
            "The URL is not a whole webhook URL (its token is missing or it has extra parts): it was cut short or mistyped.",
            None,
        );
    }
    not_found()
}
