//! Locations: create, show, rename, pause/resume, delete.

use crate::http::pages::render_page;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::audit::{self, Action, Actor};
use crate::db::DbConn;
use crate::effects::AfterCommit;
use crate::error::AppError;
use crate::http::confirm::{ConfirmField, ConfirmPage};
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::with_db;
use crate::state::AppState;
use crate::tenants::companies::location_row;
pub use crate::tenants::location_page::show_location;
use crate::tenants::model::{
    AccuLynxApi, Company, Location, LocationStatus, NewLocation, check_name,
};
use crate::tenants::pages::CompanyPage;
use crate::tenants::queries;

/// The location name form.
#[derive(Debug, Deserialize)]
pub struct NameForm {
    name: String,
}

/// `POST /companies/{slug}/locations`.
pub async fn create_location(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: web::Form<NameForm>,
) -> Result<HttpResponse, AppError> {
    let company =
        crate::tenants::companies::scoped_company(&user, &state, slug.to_string()).await?;
    user.require_admin()?;
    let typed = form.into_inner().name;
    let outcome = match check_name("location", &typed) {
        Err(message) => Err(AppError::Validation(message)),
        Ok(name) => {
            let actor = Actor::user(&user);
            let company_id = company.id.clone();
            with_db(&state.db, move |conn| {
                add_location(conn, &actor, &company_id, &name, AccuLynxApi::V2)
            })
            .await
        }
    };
    match outcome {
        Ok(location) => Ok(flash::redirect_with(
            &format!("/locations/{}", location.id),
            FlashKind::Success,
            &format!(
                "{} was added. Next: save its AccuLynx API key and copy its webhook URL into ClientTether.",
                location.name
            ),
        )),
        Err(AppError::Validation(message) | AppError::Conflict(message)) => {
            let company_id = company.id.clone();
            let locations = with_db(&state.db, move |conn| {
                Ok(queries::list_locations(conn, &company_id)?)
            })
            .await?;
            let page = CompanyPage {
                chrome: user.chrome(),
                can_manage: true,
                locations: locations.into_iter().map(location_row).collect(),
                company,
                new_name: typed,
                error: Some(message),
            };
            render_page(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                &page,
                None,
            )
        }
        Err(other) => Err(other),
    }
}

/// Creates a location and records it; a name already used by a live location of the
/// company is a `Conflict`.
pub fn add_location(
    conn: &mut DbConn,
    actor: &Actor,
    company_id: &str,
    name: &str,
    api: AccuLynxApi,
) -> Result<Location, AppError> {
    crate::db::write_transaction(conn, |conn| {
        insert_new_location(conn, actor, company_id, name, api)
    })
}

/// [`add_location`] inside a write transaction the caller holds (so more can be done in it).
pub fn insert_new_location(
    conn: &mut DbConn,
    actor: &Actor,
    company_id: &str,
    name: &str,
    api: AccuLynxApi,
) -> Result<Location, AppError> {
    {
        if queries::find_live_location_by_name(conn, company_id, name)?.is_some() {
            return Err(AppError::Conflict(format!(
                "There is already a location called \"{name}\"."
            )));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let now = crate::db::now();
        queries::insert_location(
            conn,
            &NewLocation {
                id: &id,
                company_id,
                name,
                acculynx_api: api.as_str(),
                created_at: now,
                updated_at: now,
            },
        )?;
        audit::record(
            conn,
            actor,
            Some(company_id),
            Action::LocationCreated,
            name,
            &format!("AccuLynx API {}", api.as_str()),
        )?;
        let scope = crate::domain::scope::CompanyScope::Company(company_id.to_string());
        Ok(queries::find_location(conn, &scope, &id)?)
    }
}

/// Loads a location in the user's scope with its company (404 outside the scope).
pub async fn scoped_location(
    user: &CurrentUser,
    state: &AppState,
    id: String,
) -> Result<(Location, Company), AppError> {
    let scope = user.scope();
    with_db(&state.db, move |conn| {
        let location = queries::find_location(conn, &scope, &id)?;
        let company = queries::find_company(conn, &location.company_id)?;
        Ok((location, company))
    })
    .await
}

/// `POST /locations/{id}/rename`.
pub async fn rename_location(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<NameForm>,
) -> Result<HttpResponse, AppError> {
    let (location, _) = scoped_location(&user, &state, id.into_inner()).await?;
    user.require_admin()?;
    let back = format!("/locations/{}", location.id);
    let name = match check_name("location", &form.name) {
        Ok(name) => name,
        Err(message) => return Ok(flash::redirect_with(&back, FlashKind::Error, &message)),
    };
    if location.status() == LocationStatus::Deleted {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            "A deleted location cannot be renamed.",
        ));
    }
    let actor = Actor::user(&user);
    let detail = format!("\"{}\" → \"{name}\"", location.name);
    let renamed = with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            if let Some(other) =
                queries::find_live_location_by_name(conn, &location.company_id, &name)?
                && other.id != location.id
            {
                return Err(AppError::Conflict(format!(
                    "There is already a location called \"{name}\"."
                )));
            }
            queries::rename_location(conn, &location.id, &name)?;
            audit::record(
                conn,
                &actor,
                Some(&location.company_id),
                Action::LocationRenamed,
                &name,
                &detail,
            )?;
            Ok(())
        })
    })
    .await;
    match renamed {
        Ok(()) => Ok(flash::redirect_with(
            &back,
            FlashKind::Success,
            "The location was renamed.",
        )),
        Err(AppError::Conflict(message)) => {
            Ok(flash::redirect_with(&back, FlashKind::Error, &message))
        }
        Err(other) => Err(other),
    }
}

async fn change_status(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: String,
    to: LocationStatus,
) -> Result<HttpResponse, AppError> {
    let (location, company) = scoped_location(&user, &state, id).await?;
    user.require_admin()?;
    let back = format!("/locations/{}", location.id);
    if location.status() == LocationStatus::Deleted {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            "This location was deleted; it cannot be changed.",
        ));
    }
    let message = match to {
        LocationStatus::Paused => "Paused: new leads are kept and held until you resume.",
        LocationStatus::Active => "Resumed: held leads will be delivered.",
        LocationStatus::Deleted => {
            "Deleted: its webhook URL and key no longer work; its lead history stays."
        }
    };
    let actor = Actor::user(&user);
    let after = with_db(&state.db, move |conn| {
        Ok(crate::db::write_transaction(conn, |conn| {
            status_change(conn, &actor, &location, to)
        })?)
    })
    .await?;
    after.apply(&state);
    let back = if to == LocationStatus::Deleted {
        format!("/companies/{}", company.slug)
    } else {
        back
    };
    Ok(flash::redirect_with(&back, FlashKind::Success, message))
}

/// `POST /locations/{id}/pause`.
pub async fn pause_location(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    change_status(user, state, id.into_inner(), LocationStatus::Paused).await
}

/// `POST /locations/{id}/resume`.
pub async fn resume_location(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    change_status(user, state, id.into_inner(), LocationStatus::Active).await
}

/// `POST /locations/{id}/delete`: without `confirm=yes`, the confirm page.
pub async fn delete_location(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ConfirmField>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    if !form.given() {
        let (location, _) = scoped_location(&user, &state, id).await?;
        user.require_admin()?;
        return ConfirmPage::new(
            user.chrome(),
            format!("Delete {}?", location.name),
            format!("/locations/{}/delete", location.id),
        )
        .saying("Its webhook URL and AccuLynx key stop working at once: ClientTether's calls to it are refused, and leads still waiting are not sent.")
        .saying("Its lead history stays and can still be read. A deleted location cannot be brought back.")
        .button("Delete location")
        .cancel_to(format!("/locations/{}", location.id))
        .answer();
    }
    change_status(user, state, id, LocationStatus::Deleted).await
}

/// Pauses, resumes or deletes a location, with its audit entry; call inside a write
/// transaction. Resuming puts the leads held while it was paused back in the queue, and what
/// must follow the commit says so.
pub fn status_change(
    conn: &mut DbConn,
    actor: &Actor,
    location: &Location,
    to: LocationStatus,
) -> diesel::QueryResult<AfterCommit> {
    let (action, requeued) = match to {
        LocationStatus::Deleted => {
            queries::delete_location(conn, &location.id)?;
            (Action::LocationDeleted, 0)
        }
        LocationStatus::Active => {
            queries::set_location_status(conn, &location.id, to)?;
            (
                Action::LocationResumed,
                crate::leads::queue::requeue_held(conn, &location.id)?,
            )
        }
        LocationStatus::Paused => {
            queries::set_location_status(conn, &location.id, to)?;
            (Action::LocationPaused, 0)
        }
    };
    audit::record(
        conn,
        actor,
        Some(&location.company_id),
        action,
        &location.name,
        "",
    )?;
    Ok(AfterCommit::nothing()
        .location_changed(&location.id)
        .leads_due(requeued > 0))
}
