//! `POST /account/time-zone`: the time zone a person sees every time of the portal in. Empty
//! means the default: their company's zone, or UTC for platform admins. Any IANA name
//! chrono-tz knows is accepted; anything else is refused with a sentence and the form again.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::accounts::pages::AccountPage;
use crate::accounts::queries;
use crate::domain::time_zone::TimeZone;
use crate::error::AppError;
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::pages::render_page;
use crate::http::with_db;
use crate::state::AppState;

/// The time zone form.
#[derive(Debug, Deserialize)]
pub struct TimeZoneForm {
    /// An IANA name ("America/Denver"), or empty for the default.
    #[serde(default)]
    time_zone: String,
}

/// `POST /account/time-zone`.
pub async fn update_time_zone(
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<TimeZoneForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.into_inner().time_zone.trim().to_string();
    let zone = if typed.is_empty() {
        None
    } else {
        match TimeZone::parse(&typed) {
            Some(zone) => Some(zone.name().to_string()),
            None => {
                let mut page = AccountPage::of(&user, None);
                page.time_zone_error = Some(format!(
                    "\"{typed}\" is not a time zone leadrelay knows. Type an IANA name such as America/Denver or Europe/London, or leave it empty for {}.",
                    user.default_time_zone
                ));
                page.time_zone = typed;
                return render_page(StatusCode::UNPROCESSABLE_ENTITY, &page, None);
            }
        }
    };
    let user_id = user.id.clone();
    let stored = zone.clone();
    with_db(&state.db, move |conn| {
        Ok(queries::set_time_zone(conn, &user_id, stored.as_deref())?)
    })
    .await?;
    let message = match zone {
        Some(zone) => format!("Times are now shown in {zone}."),
        None => format!(
            "Times are now shown in the default time zone, {}.",
            user.default_time_zone
        ),
    };
    Ok(flash::redirect_with(
        "/account",
        FlashKind::Success,
        &message,
    ))
}
