//! "Send a test lead" on a location's page (`POST /locations/{id}/test-lead`): a clearly
//! marked lead ("Test Lead", with a note saying where it came from) goes through the
//! location's own intake path (mapping, storing, the worker), so it is delivered like any
//! lead from ClientTether. Refused in words when it could only be held: no key, a rejected
//! key, a paused or deleted location.

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::intake::body::parse_body_with_files;
use crate::intake::store::Received;
use crate::intake::webhook::{live_location, store_parsed};
use crate::state::AppState;
use crate::tenants::model::{KeyStatus, Location, LocationStatus};

/// Why a test lead is not sent to this location, if it is not.
pub fn refusal(location: &Location) -> Option<&'static str> {
    match location.status() {
        LocationStatus::Deleted => {
            return Some("This location was deleted; it no longer takes leads.");
        }
        LocationStatus::Paused => {
            return Some(
                "This location is paused, so a test lead would only be held. Resume it first, then send a test lead.",
            );
        }
        LocationStatus::Active => {}
    }
    if location.acculynx_key.is_none() || location.key_status() == KeyStatus::Missing {
        return Some(
            "This location has no AccuLynx key yet, so a test lead would only be held. Save its key first, then send a test lead.",
        );
    }
    if location.key_status() == KeyStatus::Rejected {
        return Some(
            "AccuLynx rejected this location's key, so a test lead would only be held. Save a working key first, then send a test lead.",
        );
    }
    None
}

/// The test lead's body, as ClientTether would post it. `reference` tells test leads apart, so
/// a second one is not taken for a duplicate of the first.
pub fn test_body(sender: &str, at: chrono::NaiveDateTime, reference: &str) -> String {
    serde_json::json!({
        "firstName": "Test",
        "lastName": "Lead",
        "notes": format!(
            "TEST LEAD, not a customer: sent from the leadrelay portal by {sender} at {} UTC to check this location's delivery to AccuLynx (test {reference}). It can be deleted in AccuLynx.",
            at.format("%Y-%m-%d %H:%M:%S")
        ),
    })
    .to_string()
}

/// `POST /locations/{id}/test-lead`.
pub async fn send_test_lead(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (location, _) =
        crate::tenants::locations::scoped_location(&user, &state, id.into_inner()).await?;
    user.require_admin()?;
    let back = format!("/locations/{}", location.id);
    if let Some(reason) = refusal(&location) {
        return Ok(flash::redirect_with(&back, FlashKind::Error, reason));
    }
    if state.intake_limiter.check(&location.id).is_err() {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            "This location is taking many leads right now; send the test lead again in a few seconds.",
        ));
    }
    let cached = live_location(&state, &location.id, location.url_version)
        .await
        .map_err(|_| AppError::NotFound)?;
    let reference = uuid::Uuid::new_v4().simple().to_string();
    let body = web::Bytes::from(test_body(&user.email, crate::db::now(), &reference[..8]));
    let content_type = "application/json";
    let parsed = parse_body_with_files(Some(content_type), body.clone())
        .await
        .map_err(|err| {
            AppError::Unexpected(anyhow::anyhow!("test lead body: {}", err.message()))
        })?;
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::USER_AGENT,
        HeaderValue::from_static("leadrelay portal (Send a test lead)"),
    );
    let received = Received {
        content_type,
        headers: &headers,
        peer: Some(crate::http::extractors::client_ip(&req)).filter(|ip| !ip.is_empty()),
        body: &body,
    };
    let lead = match store_parsed(&state, &cached, &received, &parsed).await {
        Ok((lead, _)) => lead,
        Err(Some(outage)) => return Err(AppError::Unavailable(outage)),
        Err(None) => {
            return Err(AppError::Unexpected(anyhow::anyhow!(
                "the test lead could not be stored"
            )));
        }
    };
    Ok(flash::redirect_with(
        &format!("{back}?test_lead={}#test-lead", lead.id),
        FlashKind::Success,
        "A test lead (\"Test Lead\") was sent through this location's webhook path; follow its delivery on its page, linked below.",
    ))
}
