//! Companies: list, create and edit (platform admins), and a company's page.

use crate::http::pages::render_page;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::audit::{self, Action, Actor};
use crate::db::DbConn;
use crate::domain::scope::CompanyScope;
use crate::error::AppError;
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::time::{COMMON_TIME_ZONES, is_time_zone};
use crate::http::with_db;
use crate::state::AppState;
use crate::tenants::model::{
    Company, KeyStatus, NewCompany, check_name, check_slug, slug_from_name,
};
use crate::tenants::pages::{CompanyFormPage, CompanyListPage, CompanyPage, LocationRow};
use crate::tenants::queries;

/// `GET /companies`.
pub async fn list_companies(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<CompanyListPage, AppError> {
    user.require_platform_admin()?;
    let companies = with_db(&state.db, |conn| {
        Ok(queries::list_companies(conn, &CompanyScope::All)?)
    })
    .await?;
    Ok(CompanyListPage {
        chrome: user.chrome(),
        companies,
    })
}

/// `GET /companies/new`.
pub async fn new_company_form(user: CurrentUser) -> Result<CompanyFormPage, AppError> {
    user.require_platform_admin()?;
    Ok(form_page(
        &user,
        None,
        String::new(),
        String::new(),
        "America/Chicago".to_string(),
        None,
    ))
}

fn form_page(
    user: &CurrentUser,
    editing: Option<String>,
    name: String,
    slug: String,
    time_zone: String,
    error: Option<String>,
) -> CompanyFormPage {
    CompanyFormPage {
        chrome: user.chrome(),
        editing,
        name,
        slug,
        time_zone,
        time_zones: COMMON_TIME_ZONES,
        error,
    }
}

fn refuse(page: CompanyFormPage) -> Result<HttpResponse, AppError> {
    render_page(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        &page,
        None,
    )
}

/// The company form.
#[derive(Debug, Deserialize)]
pub struct CompanyForm {
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    time_zone: String,
}

/// Checks a company form; returns (name, slug, time zone) or a message.
fn check_form(form: &CompanyForm) -> Result<(String, String, String), String> {
    let name = check_name("company", &form.name)?;
    let slug = match form.slug.trim() {
        "" => slug_from_name(&name),
        typed => typed.to_lowercase(),
    };
    check_slug(&slug)?;
    let time_zone = match form.time_zone.trim() {
        "" => "America/Chicago".to_string(),
        zone if is_time_zone(zone) => zone.to_string(),
        zone => {
            return Err(format!(
                "\"{zone}\" is not a time zone; pick one from the list."
            ));
        }
    };
    Ok((name, slug, time_zone))
}

/// `POST /companies`.
pub async fn create_company(
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<CompanyForm>,
) -> Result<HttpResponse, AppError> {
    user.require_platform_admin()?;
    let (name, slug, time_zone) = match check_form(&form) {
        Ok(checked) => checked,
        Err(message) => {
            return refuse(form_page(
                &user,
                None,
                form.name.clone(),
                form.slug.clone(),
                form.time_zone.clone(),
                Some(message),
            ));
        }
    };
    let actor = Actor::user(&user);
    let (new_name, new_slug, zone) = (name.clone(), slug.clone(), time_zone.clone());
    let created = with_db(&state.db, move |conn| {
        add_company(conn, &actor, &new_name, &new_slug, &zone)
    })
    .await;
    match created {
        Ok(()) => Ok(flash::redirect_with(
            &format!("/companies/{slug}"),
            FlashKind::Success,
            &format!("{name} was created. Add its first location below."),
        )),
        Err(AppError::Conflict(message)) => {
            refuse(form_page(&user, None, name, slug, time_zone, Some(message)))
        }
        Err(other) => Err(other),
    }
}

/// Creates a company and records it; a taken slug is a `Conflict`.
pub fn add_company(
    conn: &mut DbConn,
    actor: &Actor,
    name: &str,
    slug: &str,
    time_zone: &str,
) -> Result<(), AppError> {
    crate::db::write_transaction(conn, |conn| {
        match queries::find_company_by_slug(conn, &CompanyScope::All, slug) {
            Ok(_) => {
                return Err(AppError::Conflict(format!(
                    "The short name \"{slug}\" is taken; choose another."
                )));
            }
            Err(diesel::result::Error::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
        let id = uuid::Uuid::new_v4().to_string();
        let now = crate::db::now();
        queries::insert_company(
            conn,
            &NewCompany {
                id: &id,
                slug,
                name,
                time_zone,
                created_at: now,
                updated_at: now,
            },
        )?;
        audit::record(conn, actor, Some(&id), Action::CompanyCreated, name, slug)?;
        Ok(())
    })
}

/// `GET /companies/{slug}/edit`.
pub async fn edit_company_form(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<CompanyFormPage, AppError> {
    let company = scoped_company(&user, &state, slug.to_string()).await?;
    user.require_admin()?;
    Ok(form_page(
        &user,
        Some(company.slug.clone()),
        company.name,
        company.slug,
        company.time_zone,
        None,
    ))
}

/// `POST /companies/{slug}`: renames the company or changes its time zone.
pub async fn update_company(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: web::Form<CompanyForm>,
) -> Result<HttpResponse, AppError> {
    let company = scoped_company(&user, &state, slug.to_string()).await?;
    user.require_admin()?;
    let form = CompanyForm {
        slug: company.slug.clone(),
        ..form.into_inner()
    };
    let (name, _, time_zone) = match check_form(&form) {
        Ok(checked) => checked,
        Err(message) => {
            return refuse(form_page(
                &user,
                Some(company.slug.clone()),
                form.name,
                company.slug,
                form.time_zone,
                Some(message),
            ));
        }
    };
    let actor = Actor::user(&user);
    let detail = format!(
        "name \"{}\" → \"{name}\", time zone {} → {time_zone}",
        company.name, company.time_zone
    );
    let (id, target) = (company.id.clone(), name.clone());
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            queries::update_company(conn, &id, &name, &time_zone)?;
            audit::record(
                conn,
                &actor,
                Some(&id),
                Action::CompanyUpdated,
                &target,
                &detail,
            )
        })?;
        Ok(())
    })
    .await?;
    Ok(flash::redirect_with(
        &format!("/companies/{}", company.slug),
        FlashKind::Success,
        "The company was saved.",
    ))
}

/// `GET /companies/{slug}`: the company's locations.
pub async fn show_company(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<CompanyPage, AppError> {
    let scope = user.scope();
    let (company, locations) = with_db(&state.db, move |conn| {
        let company = queries::find_company_by_slug(conn, &scope, &slug)?;
        let locations = queries::list_locations(conn, &company.id)?;
        Ok((company, locations))
    })
    .await?;
    Ok(CompanyPage {
        chrome: user.chrome(),
        can_manage: user.is_admin(),
        locations: locations.into_iter().map(location_row).collect(),
        company,
        new_name: String::new(),
        error: None,
    })
}

/// A location as its company's page lists it.
pub fn location_row(location: crate::tenants::model::Location) -> LocationRow {
    let key_label = match (location.key_status(), &location.key_last4) {
        (KeyStatus::Missing, _) | (_, None) => "No AccuLynx key yet".to_string(),
        (KeyStatus::Rejected, Some(last4)) => format!("Key …{last4} rejected by AccuLynx"),
        (KeyStatus::Valid, Some(last4)) => format!("Key …{last4} works"),
        (KeyStatus::Untested, Some(last4)) => format!("Key …{last4} (not tested)"),
    };
    let shown = crate::tenants::shown_status::shown_status(&location);
    LocationRow {
        status: shown.badge,
        status_label: shown.label,
        key_label,
        location,
    }
}

/// The company a URL's slug names, if the user may see it (else 404, as for no company).
pub async fn scoped_company(
    user: &CurrentUser,
    state: &AppState,
    slug: String,
) -> Result<Company, AppError> {
    let scope = user.scope();
    with_db(&state.db, move |conn| {
        Ok(queries::find_company_by_slug(conn, &scope, &slug)?)
    })
    .await
}
