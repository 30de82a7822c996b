//! Webhook URLs (SPEC §5): `{PUBLIC_URL}/hooks/{location_id}/{token}`, and rotating them with
//! a grace period for the previous URL.

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::Deserialize;
use url::Url;

use crate::audit::{self, Action, Actor};
use crate::crypto::url_token::UrlSigner;
use crate::db::DbConn;
use crate::domain::scope::CompanyScope;
use crate::error::AppError;
use crate::http::confirm::ConfirmPage;
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::time::show_time;
use crate::http::with_db;
use crate::state::AppState;
use crate::tenants::locations::scoped_location;
use crate::tenants::model::{Location, LocationStatus};
use crate::tenants::queries;

/// The webhook URL of `location_id` at URL `version`.
pub fn webhook_url(
    public_url: &Url,
    signer: &UrlSigner,
    location_id: &str,
    version: i32,
) -> String {
    format!(
        "{}/hooks/{location_id}/{}",
        public_url.as_str().trim_end_matches('/'),
        signer.token(location_id, version)
    )
}

/// How long the previous URL keeps working after a rotation (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grace {
    /// The old URL stops at once.
    None,
    /// One hour.
    OneHour,
    /// 24 hours.
    OneDay,
    /// Seven days.
    SevenDays,
}

impl Grace {
    /// Every choice, in the order offered.
    pub const ALL: [Grace; 4] = [Self::None, Self::OneHour, Self::OneDay, Self::SevenDays];

    /// Parses `0`, `1h`, `24h` or `7d` (the form values and the `--grace` flag).
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "0" | "0s" | "0h" | "none" => Ok(Self::None),
            "1h" => Ok(Self::OneHour),
            "24h" | "1d" => Ok(Self::OneDay),
            "7d" | "168h" => Ok(Self::SevenDays),
            other => Err(format!(
                "{other:?} is not a grace period; use 0, 1h, 24h or 7d"
            )),
        }
    }

    /// The form value.
    pub fn code(self) -> &'static str {
        match self {
            Self::None => "0",
            Self::OneHour => "1h",
            Self::OneDay => "24h",
            Self::SevenDays => "7d",
        }
    }

    /// The choice in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "Stop the old URL at once",
            Self::OneHour => "Keep the old URL working for 1 hour",
            Self::OneDay => "Keep the old URL working for 24 hours",
            Self::SevenDays => "Keep the old URL working for 7 days",
        }
    }

    /// Its length; `None` for no grace.
    pub fn duration(self) -> Option<chrono::Duration> {
        match self {
            Self::None => None,
            Self::OneHour => Some(chrono::Duration::hours(1)),
            Self::OneDay => Some(chrono::Duration::hours(24)),
            Self::SevenDays => Some(chrono::Duration::days(7)),
        }
    }
}

/// A location after its URL was rotated.
#[derive(Debug, Clone)]
pub struct Rotated {
    /// The location, with its new URL version.
    pub location: Location,
    /// Until when the previous URL works, if at all.
    pub previous_valid_until: Option<NaiveDateTime>,
}

/// Moves a location to a new URL version and records it. The previous URL stays valid for
/// the grace period; a URL older than that stops at once. A deleted location is refused.
pub fn rotate(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &CompanyScope,
    location_id: &str,
    grace: Grace,
) -> Result<Rotated, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let location = queries::find_location(conn, scope, location_id)?;
        if location.status() == LocationStatus::Deleted {
            return Err(AppError::validation(
                "This location was deleted; it has no webhook URL to change.",
            ));
        }
        let version = location.url_version.checked_add(1).ok_or_else(|| {
            AppError::Unexpected(anyhow::anyhow!("the URL version cannot grow any further"))
        })?;
        let now = crate::db::now();
        let previous = grace
            .duration()
            .map(|length| (location.url_version, now + length));
        queries::set_url_version(conn, &location.id, version, previous)?;
        let detail = match previous {
            Some((old, until)) => format!(
                "version {old} → {version}; the old URL works until {} UTC",
                until.format("%Y-%m-%d %H:%M")
            ),
            None => format!(
                "version {} → {version}; the old URL stopped at once",
                location.url_version
            ),
        };
        audit::record(
            conn,
            actor,
            Some(&location.company_id),
            Action::UrlRotated,
            &location.name,
            &detail,
        )?;
        let location = queries::find_location(conn, scope, location_id)?;
        Ok(Rotated {
            location,
            previous_valid_until: previous.map(|(_, until)| until),
        })
    })
}

/// The rotate form.
#[derive(Debug, Deserialize)]
pub struct RotateForm {
    #[serde(default)]
    grace: String,
    /// `yes` once the user confirmed (see `http::confirm`).
    #[serde(default)]
    confirm: String,
}

/// `POST /locations/{id}/rotate-url`.
pub async fn rotate_url(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<RotateForm>,
) -> Result<HttpResponse, AppError> {
    let (location, _company) = scoped_location(&user, &state, id.into_inner()).await?;
    user.require_admin()?;
    let back = format!("/locations/{}", location.id);
    let Ok(grace) = Grace::parse(&form.grace) else {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            "Choose how long the old URL should keep working, then press Rotate URL again.",
        ));
    };
    if form.confirm != "yes" {
        return ConfirmPage::new(
            user.chrome(),
            format!("Change the webhook URL of {}?", location.name),
            format!("/locations/{}/rotate-url", location.id),
        )
        .saying("A new webhook URL is made for this location. You will need to paste it into every ClientTether Action Plan that sends leads here.")
        .saying(match grace {
            Grace::None => "The old URL stops working at once: leads sent to it are refused until ClientTether has the new one.",
            Grace::OneHour => "The old URL keeps working for 1 hour, then stops.",
            Grace::OneDay => "The old URL keeps working for 24 hours, then stops.",
            Grace::SevenDays => "The old URL keeps working for 7 days, then stops.",
        })
        .button("Rotate URL")
        .carry("grace", grace.code())
        .cancel_to(back)
        .answer();
    }
    let actor = Actor::user(&user);
    let scope = user.scope();
    let location_id = location.id.clone();
    let rotated = with_db(&state.db, move |conn| {
        rotate(conn, &actor, &scope, &location.id, grace)
    })
    .await;
    let message = match rotated {
        Ok(Rotated {
            previous_valid_until: Some(until),
            ..
        }) => format!(
            "The webhook URL was changed. Paste the new URL below into ClientTether now: the old \
             URL keeps working until {}, then stops.",
            show_time(until, &user.time_zone).local
        ),
        Ok(Rotated {
            previous_valid_until: None,
            ..
        }) => "The webhook URL was changed and the old one no longer works. Paste the new URL \
               below into ClientTether now; until then, leads sent to the old URL are refused."
            .to_string(),
        Err(AppError::Validation(message)) => {
            return Ok(flash::redirect_with(&back, FlashKind::Error, &message));
        }
        Err(other) => return Err(other),
    };
    state.intake_locations.invalidate(&location_id);
    Ok(flash::redirect_with(&back, FlashKind::Success, &message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grace_periods_parse_from_their_codes() {
        for grace in Grace::ALL {
            assert_eq!(Grace::parse(grace.code()), Ok(grace));
        }
        assert_eq!(Grace::parse(" 7D "), Ok(Grace::SevenDays));
        assert!(Grace::parse("2h").unwrap_err().contains("0, 1h, 24h or 7d"));
        assert_eq!(Grace::None.duration(), None);
        assert_eq!(
            Grace::SevenDays.duration(),
            Some(chrono::Duration::hours(168))
        );
    }

    #[test]
    fn urls_join_the_public_url_without_a_double_slash() {
        let signer = UrlSigner::new(&[9u8; 32]);
        let url = webhook_url(
            &Url::parse("https://relay.example.com/").unwrap(),
            &signer,
            "loc-1",
            3,
        );
        assert_eq!(
            url,
            format!(
                "https://relay.example.com/hooks/loc-1/{}",
                signer.token("loc-1", 3)
            )
        );
        assert_eq!(
            signer.verify("loc-1", url.rsplit('/').next().unwrap()),
            Some(3)
        );
    }
}
