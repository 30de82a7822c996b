//! A location's AccuLynx API setting (v1 leads | v2 contact and job) and its v2 settings: the
//! defaults a job gets, picked from AccuLynx's own lists, which the location's key fetches.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::acculynx::v2::{Lookups, V2Defaults};
use crate::audit::{self, Action, Actor};
use crate::db::DbConn;
use crate::delivery::v2::lookups as lists;
use crate::error::AppError;
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::with_db;
use crate::state::AppState;
use crate::tenants::locations::scoped_location;
use crate::tenants::model::{AccuLynxApi, Location, LocationStatus};
use crate::tenants::queries;
use crate::tenants::secrets::open_location_key;

/// Switches a location's API, with its audit entry; call inside a write transaction. Returns
/// whether anything changed.
pub fn change_api(
    conn: &mut DbConn,
    actor: &Actor,
    location: &Location,
    api: AccuLynxApi,
) -> Result<bool, AppError> {
    if location.status() == LocationStatus::Deleted {
        return Err(AppError::Validation(
            "This location was deleted; its AccuLynx API cannot be changed.".into(),
        ));
    }
    if !queries::set_location_api(conn, &location.id, api)? {
        return Ok(false);
    }
    audit::record(
        conn,
        actor,
        Some(&location.company_id),
        Action::ApiChanged,
        &location.name,
        &format!("{} → {}", location.api().as_str(), api.as_str()),
    )?;
    Ok(true)
}

/// The API form.
#[derive(Debug, Deserialize)]
pub struct ApiForm {
    #[serde(default)]
    api: String,
}

/// `POST /locations/{id}/acculynx-api`.
pub async fn set_location_api(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ApiForm>,
) -> Result<HttpResponse, AppError> {
    let (location, _) = scoped_location(&user, &state, id.into_inner()).await?;
    user.require_admin()?;
    let back = format!("/locations/{}", location.id);
    let Ok(api) = AccuLynxApi::from_input(&form.api) else {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            "Choose v1 leads or v2 contact and job.",
        ));
    };
    let actor = Actor::user(&user);
    let changed = with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| change_api(conn, &actor, &location, api))
    })
    .await;
    match changed {
        Ok(true) => Ok(flash::redirect_with(
            &back,
            FlashKind::Success,
            &match api {
                AccuLynxApi::V2 => "Leads now go to AccuLynx v2: a contact and a job each. Next: pick the job's defaults from AccuLynx's lists on the Field mapping page.".to_string(),
                AccuLynxApi::V1 => "Leads now go to AccuLynx v1 (POST /api/v1/leads).".to_string(),
            },
        )),
        Ok(false) => Ok(flash::redirect_with(
            &back,
            FlashKind::Success,
            &format!("This location already uses AccuLynx {}.", api.label()),
        )),
        Err(AppError::Validation(message)) => {
            Ok(flash::redirect_with(&back, FlashKind::Error, &message))
        }
        Err(other) => Err(other),
    }
}

/// `POST /locations/{id}/acculynx-lists`: fetches AccuLynx's lists with the location's key now.
pub async fn refresh_acculynx_lists(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (location, _) = scoped_location(&user, &state, id.into_inner()).await?;
    user.require_admin()?;
    let back = format!("/locations/{}/mapping#acculynx-lists", location.id);
    let Some(sealed) = location.acculynx_key.clone() else {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            "Save this location's AccuLynx API key first: the lists are read with it.",
        ));
    };
    let key = match open_location_key(&state.secret_box, &location.id, &sealed) {
        Ok(key) => key,
        Err(err) => {
            return Ok(flash::redirect_with(
                &back,
                FlashKind::Error,
                &format!("The saved AccuLynx key cannot be used ({err}); save the key again."),
            ));
        }
    };
    match lists::fetch(&state.acculynx, &key).await {
        Ok(lookups) => {
            let summary = format!(
                "AccuLynx's lists were read: {} work types, {} job categories, {} lead sources, {} trade types, {} users.",
                lookups.work_types.len(),
                lookups.job_categories.len(),
                lookups.lead_sources.len(),
                lookups.trade_types.len(),
                lookups.users.len()
            );
            let location_id = location.id.clone();
            with_db(&state.db, move |conn| {
                Ok(lists::store(conn, &location_id, &lookups)?)
            })
            .await?;
            Ok(flash::redirect_with(&back, FlashKind::Success, &summary))
        }
        Err(failed) => Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            &format!("AccuLynx's lists could not be read: {}", failed.sentence()),
        )),
    }
}

/// The v2 defaults form: one name per list (empty: none).
#[derive(Debug, Deserialize)]
pub struct DefaultsForm {
    #[serde(default)]
    contact_type: String,
    #[serde(default)]
    job_category: String,
    #[serde(default)]
    work_type: String,
    #[serde(default)]
    lead_source: String,
    #[serde(default)]
    trade_type: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    appointment_minutes: String,
}

fn chosen(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// `POST /locations/{id}/v2-defaults`: saves the names a v2 job gets when a lead has none.
pub async fn save_v2_defaults(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<DefaultsForm>,
) -> Result<HttpResponse, AppError> {
    let (location, _) = scoped_location(&user, &state, id.into_inner()).await?;
    user.require_admin()?;
    let back = format!("/locations/{}/mapping#acculynx-lists", location.id);
    let form = form.into_inner();
    let minutes = match form.appointment_minutes.trim() {
        "" => None,
        text => match text.parse::<u32>() {
            Ok(m) if (5..=1440).contains(&m) => Some(m),
            _ => {
                return Ok(flash::redirect_with(
                    &back,
                    FlashKind::Error,
                    "The appointment length must be a number of minutes from 5 to 1440.",
                ));
            }
        },
    };
    let country = chosen(&form.country);
    if country.as_ref().is_some_and(|c| c.chars().count() > 50) {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            "The country must be a two-letter code such as US (at most 50 characters).",
        ));
    }
    let defaults = V2Defaults {
        contact_type: chosen(&form.contact_type),
        job_category: chosen(&form.job_category),
        work_type: chosen(&form.work_type),
        lead_source: chosen(&form.lead_source),
        trade_types: chosen(&form.trade_type).into_iter().collect(),
        country,
        appointment_minutes: minutes,
    };
    if [
        &defaults.contact_type,
        &defaults.job_category,
        &defaults.work_type,
        &defaults.lead_source,
    ]
    .into_iter()
    .flatten()
    .chain(&defaults.trade_types)
    .any(|name| name.chars().count() > 200)
    {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            "A default name is longer than AccuLynx's names can be; pick one from the lists.",
        ));
    }
    let json = serde_json::to_string(&defaults).unwrap_or_else(|_| "{}".into());
    let actor = Actor::user(&user);
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            queries::set_v2_defaults(conn, &location.id, &json)?;
            audit::record(
                conn,
                &actor,
                Some(&location.company_id),
                Action::V2DefaultsChanged,
                &location.name,
                &json,
            )?;
            Ok(())
        })
    })
    .await?;
    Ok(flash::redirect_with(
        &back,
        FlashKind::Success,
        "The AccuLynx v2 defaults were saved; they apply to the next leads.",
    ))
}

/// One option of a list select.
#[derive(Debug, Clone)]
pub struct ListChoice {
    /// The name (the value sent).
    pub name: String,
    /// Whether it is the saved default.
    pub selected: bool,
}

/// One list of the v2 defaults form.
#[derive(Debug, Clone)]
pub struct ListSelect {
    /// Form field.
    pub field: &'static str,
    /// Label.
    pub label: &'static str,
    /// AccuLynx's names.
    pub choices: Vec<ListChoice>,
    /// A saved name AccuLynx no longer lists (shown as a warning).
    pub missing: Option<String>,
}

/// The v2 section of the Field mapping page.
#[derive(Debug, Clone)]
pub struct V2ListsView {
    /// When the lists were fetched (company time), if ever.
    pub fetched_at: Option<String>,
    /// The selects (empty until the lists are fetched).
    pub selects: Vec<ListSelect>,
    /// Two-letter country used when a lead has none.
    pub country: String,
    /// Appointment length in minutes.
    pub appointment_minutes: String,
    /// Whether the location has a key to fetch with.
    pub has_key: bool,
}

fn select(
    field: &'static str,
    label: &'static str,
    names: Vec<String>,
    saved: Option<&str>,
) -> ListSelect {
    let missing = saved
        .filter(|s| {
            !names
                .iter()
                .any(|n| crate::acculynx::v2::lookups::same_name(n, s))
        })
        .map(str::to_string);
    ListSelect {
        field,
        label,
        choices: names
            .into_iter()
            .map(|name| ListChoice {
                selected: saved.is_some_and(|s| crate::acculynx::v2::lookups::same_name(&name, s)),
                name,
            })
            .collect(),
        missing,
    }
}

impl V2ListsView {
    /// The section for `location`, with its cached lists (if any) fetched at `fetched_at`.
    pub fn new(location: &Location, cached: Option<(Lookups, String)>) -> Self {
        let defaults = location.v2_defaults();
        let (selects, fetched_at) = match cached {
            Some((lookups, at)) => {
                let names = |list: Vec<String>| list;
                (
                    vec![
                        select(
                            "work_type",
                            "Work type",
                            names(lookups.work_types.iter().map(|w| w.name.clone()).collect()),
                            defaults.work_type.as_deref(),
                        ),
                        select(
                            "job_category",
                            "Job category",
                            lookups
                                .job_categories
                                .iter()
                                .map(|w| w.name.clone())
                                .collect(),
                            defaults.job_category.as_deref(),
                        ),
                        select(
                            "lead_source",
                            "Lead source",
                            lookups
                                .lead_sources
                                .iter()
                                .map(|w| w.name.clone())
                                .collect(),
                            defaults.lead_source.as_deref(),
                        ),
                        select(
                            "trade_type",
                            "Trade type",
                            lookups.trade_types.iter().map(|w| w.name.clone()).collect(),
                            defaults.trade_types.first().map(String::as_str),
                        ),
                        select(
                            "contact_type",
                            "Contact type",
                            lookups
                                .contact_types
                                .iter()
                                .map(|w| w.name.clone())
                                .collect(),
                            defaults.contact_type.as_deref(),
                        ),
                    ],
                    Some(at),
                )
            }
            None => (Vec::new(), None),
        };
        Self {
            fetched_at,
            selects,
            country: defaults.country.clone().unwrap_or_default(),
            appointment_minutes: defaults
                .appointment_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
            has_key: location.acculynx_key.is_some(),
        }
    }
}
