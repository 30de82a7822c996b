//! `POST /hooks/{location_id}/{token}` (SPEC §5, §6): the URL ClientTether posts leads to.
//!
//! The token is checked before anything else, in constant time and without touching the
//! database, so random or tampered URLs cost nothing and learn nothing: they answer the
//! same 404 as an unknown location. Answers are JSON. Lead intake itself is not built yet:
//! an authentic URL of a live location answers 501 for now.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use diesel::OptionalExtension;
use serde_json::json;

use crate::http::extractors::CompanyScope;
use crate::http::with_db;
use crate::startup::AppState;
use crate::tenants::model::{Location, LocationStatus};
use crate::tenants::queries;

/// What a webhook URL leads to, once its token is authentic.
#[derive(Debug, Clone)]
pub enum HookTarget {
    /// A live location whose current (or in-grace previous) URL this is.
    Live(Box<Location>),
    /// The location was deleted: its URL no longer works (410).
    Deleted,
    /// No such location, or a URL version no longer valid (404).
    NotFound,
}

/// Decides what an authentic token's `version` of `location` (if found) leads to.
pub fn target_of(location: Option<Location>, version: i32) -> HookTarget {
    match location {
        None => HookTarget::NotFound,
        Some(location) if location.status() == LocationStatus::Deleted => HookTarget::Deleted,
        Some(location)
            if location.accepts_url_version(version, crate::accounts::queries::now()) =>
        {
            HookTarget::Live(Box::new(location))
        }
        Some(_) => HookTarget::NotFound,
    }
}

/// `POST /hooks/{location_id}/{token}`.
pub async fn receive_webhook(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (location_id, token) = path.into_inner();
    // Before any database read (SPEC §5).
    let Some(version) = state.url_signer.verify(&location_id, &token) else {
        return not_found();
    };
    let lookup = location_id.clone();
    let found = with_db(&state.db, move |conn| {
        Ok(queries::find_location(conn, &CompanyScope::All, &lookup).optional()?)
    })
    .await;
    let location = match found {
        Ok(location) => location,
        Err(err) => {
            tracing::error!(location_id = %location_id, error = ?err, "webhook: cannot read the location");
            return json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "leadrelay cannot reach its database right now; send the lead again later.",
            );
        }
    };
    match target_of(location, version) {
        HookTarget::NotFound => not_found(),
        HookTarget::Deleted => json_error(
            StatusCode::GONE,
            "gone",
            "This location was deleted; its webhook URL no longer accepts leads.",
        ),
        HookTarget::Live(location) => {
            tracing::info!(location_id = %location.id, "webhook: authentic request; lead intake is not available yet");
            json_error(
                StatusCode::NOT_IMPLEMENTED,
                "not_implemented",
                "This webhook URL is valid, but this version of leadrelay does not accept leads yet.",
            )
        }
    }
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

/// Any other path under `/hooks/` (no token, extra segments): the same 404 as a bad token.
pub async fn unknown_webhook_url() -> HttpResponse {
    not_found()
}

/// The answer to a bad token, an unknown location and an expired URL alike.
pub fn not_found() -> HttpResponse {
    HttpResponse::NotFound().json(json!({"error": "not_found"}))
}

fn json_error(status: StatusCode, error: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({"error": error, "message": message}))
}
