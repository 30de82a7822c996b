//! The location page `GET /locations/{id}` (SPEC §8): status, webhook URL, key, AccuLynx API,
//! the test-lead button and the refused-request log.

use actix_web::web;
use serde::Deserialize;

use crate::error::AppError;
use crate::http::extractors::CurrentUser;
use crate::http::time::show_time;
use crate::http::with_db;
use crate::state::AppState;
use crate::tenants::locations::scoped_location;
use crate::tenants::model::{Location, LocationStatus};
use crate::tenants::pages::{KeyView, LocationPage, RefusedRow};
use crate::tenants::webhook_urls::{Grace, webhook_url};

/// The location page's query: the test lead just sent, to link to.
#[derive(Debug, Default, Deserialize)]
pub struct LocationQuery {
    #[serde(default)]
    test_lead: Option<String>,
}

/// `GET /locations/{id}`.
pub async fn show_location(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<LocationQuery>,
) -> Result<LocationPage, AppError> {
    let (location, company) = scoped_location(&user, &state, id.into_inner()).await?;
    let scope = user.scope();
    let refused_of = location.id.clone();
    let refused = with_db(&state.db, move |conn| {
        Ok(crate::intake::refused_queries::list_for_location(
            conn,
            &scope,
            &refused_of,
        )?)
    })
    .await?;
    let status = location.status();
    let live = status != LocationStatus::Deleted;
    let zone = user.time_zone.as_str();
    // The URL is the credential ClientTether presents: only those who may rotate it see it.
    let webhook_url = (live && user.is_admin()).then(|| {
        webhook_url(
            &state.public_url,
            &state.url_signer,
            &location.id,
            location.url_version,
        )
    });
    let now = crate::db::now();
    let previous_url_until = match (
        location.previous_url_version,
        location.previous_url_valid_until,
    ) {
        (Some(_), Some(until)) if live && now < until => Some(show_time(until, zone)),
        _ => None,
    };
    let key_status = location.key_status();
    let key = KeyView {
        saved: location.acculynx_key.is_some(),
        last4: location.key_last4.clone().unwrap_or_default(),
        set_at: location.key_set_at.map(|at| show_time(at, zone)),
        status: key_status.as_str(),
        status_label: key_status.label(),
        checked_at: location.key_checked_at.map(|at| show_time(at, zone)),
        check_message: location.key_check_message.as_deref().map(|message| {
            crate::acculynx::transport_words::translate(message)
                .map_or_else(|| message.to_string(), |(plain, _)| plain)
        }),
        check_detail: location
            .key_check_message
            .as_deref()
            .and_then(crate::acculynx::transport_words::translate)
            .map(|(_, detail)| detail),
    };
    Ok(LocationPage {
        chrome: user.chrome(),
        created: show_time(location.created_at, zone),
        can_manage: user.is_admin(),
        status: status.as_str(),
        shown: crate::tenants::shown_status::shown_status(&location),
        webhook_url,
        previous_url_until,
        graces: &Grace::ALL,
        key,
        api: location.api(),
        rate_limit: rate_limit_sentence(&location, zone, now),
        refused: refused
            .into_iter()
            .map(|row| RefusedRow {
                at: show_time(row.received_at, zone),
                status: row.http_status,
                reason: row.reason,
                content_type: row.content_type,
                size: row
                    .body_size
                    .map_or_else(|| "not known".to_string(), |size| format!("{size} bytes")),
            })
            .collect(),
        // Only a lead id goes into the link (the lead's page checks who may see it).
        test_lead: query
            .into_inner()
            .test_lead
            .filter(|id| uuid::Uuid::parse_str(id).is_ok()),
        company,
        location,
        error: None,
    })
}

/// The rate-limit window AccuLynx v2 said the location's company used up, in words.
fn rate_limit_sentence(
    location: &Location,
    zone: &str,
    now: chrono::NaiveDateTime,
) -> Option<String> {
    let policy = location.rate_limit_policy.as_deref()?;
    let until = location.rate_limited_until?;
    let at = show_time(until, zone);
    Some(if until > now {
        format!(
            "AccuLynx's {policy} rate limit was reached: this location's leads wait in the queue until {} ({}), then are sent.",
            at.local, at.utc
        )
    } else {
        format!(
            "AccuLynx's {policy} rate limit was last reached; sending resumed at {} ({}).",
            at.local, at.utc
        )
    })
}
