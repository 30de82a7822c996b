//! The Field mapping page of a location (SPEC §6.1): its users read the mapping; its admins
//! change it (audited, SPEC §3) and try it on a sample body with the dry run.

use crate::http::pages::render_page;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::audit::{self, Action, Actor};
use crate::db::DbConn;
use crate::domain::scope::CompanyScope;
use crate::error::AppError;
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::with_db;
use crate::state::AppState;
use crate::tenants::locations::scoped_location;
use crate::tenants::model::{Company, Location, LocationStatus};
use crate::tenants::queries;

use super::dry_run::{EXAMPLE_SAMPLE, dry_run};
use super::mapping::LocationMapping;
use super::mapping_changes::{audit_detail, describe_changes};
use super::mapping_form::MappingForm;
use super::mapping_queries::{set_mapping_json, stored_mapping};
use super::pages::MappingPage;
use super::store::hold_reason;

/// A submitted form: every name and value, in order.
type Pairs = web::Form<Vec<(String, String)>>;

/// `GET /locations/{id}/mapping`.
pub async fn show_mapping(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (location, company) = scoped_location(&user, &state, id.into_inner()).await?;
    let form = MappingForm::from_mapping(&stored_mapping(&location.id, &location.mapping));
    let v2 = v2_section(&state, &location, &user.time_zone).await?;
    let mut page = MappingPage::new(
        user.chrome(),
        company,
        location,
        user.is_admin(),
        form,
        Vec::new(),
    );
    page.v2 = v2;
    render(&page, StatusCode::OK)
}

/// The v2 defaults section of a v2 location, with AccuLynx's cached lists.
async fn v2_section(
    state: &AppState,
    location: &Location,
    zone: &str,
) -> Result<Option<crate::tenants::acculynx_api::V2ListsView>, AppError> {
    if location.api() != crate::tenants::model::AccuLynxApi::V2 {
        return Ok(None);
    }
    let location_id = location.id.clone();
    let cached = with_db(&state.db, move |conn| {
        Ok(crate::delivery::v2::lookups::cached(conn, &location_id)?)
    })
    .await?;
    let cached = cached.map(|(lookups, at)| {
        let shown = crate::http::time::show_time(at, zone);
        (lookups, shown.local)
    });
    Ok(Some(crate::tenants::acculynx_api::V2ListsView::new(
        location, cached,
    )))
}

/// `POST /locations/{id}/mapping`: saves the mapping, or shows the form again with each
/// problem next to its input (422).
pub async fn update_mapping(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Pairs,
) -> Result<HttpResponse, AppError> {
    let (location, company) = scoped_location(&user, &state, id.into_inner()).await?;
    user.require_admin()?;
    let back = mapping_path(&location);
    let typed = MappingForm::from_pairs(&form);
    let mapping = match typed.to_mapping() {
        Ok(mapping) => mapping,
        Err(errors) => {
            let (sample, chosen) = sample_of(&form);
            let page = MappingPage::new(user.chrome(), company, location, true, typed, errors)
                .with_sample(sample, &chosen);
            return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let actor = Actor::user(&user);
    let scope = user.scope();
    let location_id = location.id.clone();
    let saved = with_db(&state.db, move |conn| {
        save_mapping(conn, &actor, &scope, &location_id, &mapping)
    })
    .await;
    match saved {
        Ok(true) => {
            state.intake_locations.invalidate(&location.id);
            Ok(flash::redirect_with(
                &back,
                FlashKind::Success,
                &format!(
                    "The field mapping of {} was saved; new leads are mapped with it from now on.",
                    location.name
                ),
            ))
        }
        Ok(false) => Ok(flash::redirect_with(
            &back,
            FlashKind::Success,
            "Nothing changed: the mapping is as it was.",
        )),
        Err(AppError::Validation(message)) => {
            Ok(flash::redirect_with(&back, FlashKind::Error, &message))
        }
        Err(other) => Err(other),
    }
}

/// Saves a location's mapping with an audit entry saying what changed, in one write
/// transaction; `false` when nothing changed (then nothing is written). A deleted location is
/// refused.
pub fn save_mapping(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &CompanyScope,
    location_id: &str,
    mapping: &LocationMapping,
) -> Result<bool, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let location = queries::find_location(conn, scope, location_id)?;
        if location.status() == LocationStatus::Deleted {
            return Err(AppError::validation(
                "This location was deleted; its field mapping can no longer be changed.",
            ));
        }
        let old = stored_mapping(&location.id, &location.mapping);
        let changes = describe_changes(&old, mapping);
        if changes.is_empty() {
            return Ok(false);
        }
        let json = serde_json::to_string(mapping)
            .map_err(|err| anyhow::Error::new(err).context("while storing a field mapping"))?;
        set_mapping_json(conn, &location.id, &json)?;
        audit::record(
            conn,
            actor,
            Some(&location.company_id),
            Action::MappingChanged,
            &location.name,
            &audit_detail(&changes),
        )?;
        Ok(true)
    })
}

/// `POST /locations/{id}/mapping/dry-run`: maps the pasted sample with the mapping as typed
/// on the page and shows the outcome. Stores nothing.
pub async fn dry_run_mapping(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Pairs,
) -> Result<HttpResponse, AppError> {
    let (location, company) = scoped_location(&user, &state, id.into_inner()).await?;
    user.require_admin()?;
    if location.status() == LocationStatus::Deleted {
        return Ok(flash::redirect_with(
            &mapping_path(&location),
            FlashKind::Error,
            "This location was deleted; its webhook URL no longer accepts leads.",
        ));
    }
    let typed = MappingForm::from_pairs(&form);
    let (sample, chosen) = if field(&form, "example").is_some() {
        (EXAMPLE_SAMPLE.to_string(), String::new())
    } else {
        sample_of(&form)
    };
    let mapping = match typed.to_mapping() {
        Ok(mapping) => mapping,
        Err(errors) => {
            let mut page = page_with(&user, company, location, typed, errors, sample, &chosen);
            page.dry_run_notice = Some(
                "The mapping above has problems (marked in red); fix them to run the dry run."
                    .to_string(),
            );
            return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if sample.trim().is_empty() {
        let mut page = page_with(&user, company, location, typed, Vec::new(), sample, &chosen);
        page.dry_run_notice =
            Some("Paste a sample body first, or press \"Try an example\" to see one.".to_string());
        return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let held = hold_reason(&location).map(super::super::domain::hold::HoldReason::clause);
    let view = dry_run(
        &mapping.compile(),
        mapping.unmapped_to_notes,
        held,
        &sample,
        &chosen,
    )
    .await;
    let mut page = page_with(&user, company, location, typed, Vec::new(), sample, &chosen);
    page.dry_run = Some(view);
    render(&page, StatusCode::OK)
}

fn page_with(
    user: &CurrentUser,
    company: Company,
    location: Location,
    typed: MappingForm,
    errors: Vec<(String, String)>,
    sample: String,
    chosen: &str,
) -> MappingPage {
    MappingPage::new(user.chrome(), company, location, true, typed, errors)
        .with_sample(sample, chosen)
}

fn mapping_path(location: &Location) -> String {
    format!("/locations/{}/mapping", location.id)
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The dry run's sample and chosen body format, as sent.
fn sample_of(pairs: &[(String, String)]) -> (String, String) {
    (
        field(pairs, "sample").unwrap_or_default().to_string(),
        field(pairs, "sample_type").unwrap_or_default().to_string(),
    )
}

fn render(page: &MappingPage, status: StatusCode) -> Result<HttpResponse, AppError> {
    render_page(status, page, None)
}
