//! The lead page `GET /leads/{id}` and its two actions (SPEC §7, §8): `POST
//! /leads/{id}/replay` (send a delivered or failed lead again; a delivered one only with
//! `confirm=yes`; without it the answer is a confirm page) and `POST /leads/{id}/edit` (change the AccuLynx fields of a rejected or
//! failed lead and send it). Both are for admins; both wake the delivery worker once the
//! lead is back in the queue.

use crate::http::pages::render_page;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::acculynx::check::FieldProblems;
use crate::acculynx::fields::LeadField;
use crate::acculynx::objections;
use crate::audit::Actor;
use crate::delivery::replay::{self, ReplayError};
use crate::error::AppError;
use crate::history::edit_form::{edit_fields, lead_from_form, read_appointment};
use crate::history::lead_view::{LeadPage, lead_view};
use crate::history::timeline::timeline;
use crate::http::confirm::ConfirmPage;
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::with_db;
use crate::leads::LeadStatus;
use crate::leads::lists as queries;
use crate::state::AppState;
use crate::tenants::queries as tenants;

/// `GET /leads/{id}`.
pub async fn show_lead(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<LeadPage, AppError> {
    lead_page(&user, &state, id.into_inner(), None).await
}

/// What an edit that AccuLynx would refuse leaves on the page.
struct RefusedEdit {
    values: Map<String, Value>,
    errors: FieldProblems,
}

async fn lead_page(
    user: &CurrentUser,
    state: &AppState,
    id: String,
    refused: Option<RefusedEdit>,
) -> Result<LeadPage, AppError> {
    let scope = user.scope();
    let (lead, attempts, events, location, company, v2) = with_db(&state.db, move |conn| {
        let lead = queries::find_lead(conn, &scope, &id)?;
        let attempts = queries::attempts_of(conn, &scope, &lead.id)?;
        let events = queries::events_of(conn, &scope, &lead.id)?;
        let location = tenants::find_location(conn, &scope, &lead.location_id)?;
        let company = tenants::find_company(conn, &lead.company_id)?;
        // Scoped through the lead, found above in the user's scope.
        let v2 = crate::leads::v2_progress::find(conn, &lead.id)?;
        Ok((lead, attempts, events, location, company, v2))
    })
    .await?;
    let zone = user.time_zone.as_str();
    let mut view = lead_view(
        &lead,
        (&company.slug, &company.name),
        (&location.name, location.deleted_at.is_none()),
        zone,
    );
    let warned = !lead.warnings().is_empty()
        || attempts
            .iter()
            .any(|attempt| attempt.outcome == crate::leads::AttemptOutcome::Warning);
    (view.status, view.status_label) = crate::history::lists::shown_status(lead.status(), warned);
    view.retry_now = crate::delivery::retry_now::waits_to_retry(&lead, crate::db::now());
    if let Some(v2) = v2 {
        view.acculynx_contact_id = v2.contact_id;
        view.acculynx_job_id = v2.job_id;
    }
    let can_manage = user.is_admin();
    // AccuLynx's objections to the last attempt, in words with the fields' labels.
    let objections = match attempts.last() {
        Some(last)
            if lead.status == LeadStatus::Failed && matches!(last.http_status, Some(400 | 422)) =>
        {
            last.response_body
                .as_deref()
                .map(objections::field_problems)
                .unwrap_or_default()
        }
        _ => FieldProblems::new(),
    };
    if !objections.is_empty() {
        view.last_error = Some(format!(
            "AccuLynx rejected the lead: {}",
            objections::sentences(&objections).join(" ")
        ));
    }
    let (values, errors, edit_open) = match refused {
        Some(refused) => (refused.values, refused.errors, true),
        None => (
            lead.mapped_body
                .as_deref()
                .and_then(|body| serde_json::from_str::<Value>(body).ok())
                .and_then(|body| body.as_object().cloned())
                .unwrap_or_default(),
            objections.clone(),
            lead.status == LeadStatus::Rejected || !objections.is_empty(),
        ),
    };
    // Problems of no known field (the body as a whole, an unknown name) go above the form.
    let edit_errors = errors
        .iter()
        .filter(|(field, _)| LeadField::from_name(field).is_none())
        .flat_map(|(_, messages)| messages.clone())
        .collect();
    Ok(LeadPage {
        chrome: user.chrome(),
        timeline: timeline(&attempts, &events, lead.mapped_body.as_deref(), zone),
        edit_fields: if view.editable && can_manage {
            edit_fields(&values, &errors)
        } else {
            Vec::new()
        },
        edit_errors,
        edit_open,
        can_manage,
        lead: view,
    })
}

/// 404 unless the lead is in the user's scope, then 403 unless they are an admin.
async fn check_access(user: &CurrentUser, state: &AppState, id: &str) -> Result<(), AppError> {
    let scope = user.scope();
    let id = id.to_string();
    with_db(&state.db, move |conn| {
        queries::find_lead(conn, &scope, &id)?;
        Ok(())
    })
    .await?;
    user.require_admin()
}

/// The replay form.
#[derive(Debug, Deserialize)]
pub struct ReplayForm {
    /// `yes` to send a delivered lead again.
    #[serde(default)]
    confirm: String,
}

/// `POST /leads/{id}/replay`.
pub async fn replay_lead(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ReplayForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    check_access(&user, &state, &id).await?;
    let scope = user.scope();
    let actor = Actor::user(&user);
    let confirmed = form.confirm == "yes";
    let lead_id = id.clone();
    let outcome = with_db(&state.db, move |conn| {
        Ok(replay::replay(conn, &scope, &actor, &lead_id, confirmed))
    })
    .await?;
    let back = format!("/leads/{id}");
    match outcome {
        Ok(requeued) => {
            requeued.after_commit.apply(&state);
            Ok(flash::redirect_with(
                &back,
                FlashKind::Success,
                "The lead is queued to be sent again; its new attempt appears below in a moment.",
            ))
        }
        Err(ReplayError::NeedsConfirmation) => ConfirmPage::new(
            user.chrome(),
            "Send this delivered lead to AccuLynx again?",
            format!("/leads/{id}/replay"),
        )
        .saying("This lead was already delivered to AccuLynx. Sending it again gives AccuLynx a second copy: with AccuLynx v1 a second lead, with v2 a new job for the same contact.")
        .saying("The lead is queued and sent as it is now; the first delivery stays in its history.")
        .button("Send again")
        .cancel_to(back)
        .answer(),
        Err(err) => refusal(&back, err),
    }
}

/// `POST /leads/{id}/retry-now`: a lead waiting for its next attempt is made due now.
pub async fn retry_lead_now(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    check_access(&user, &state, &id).await?;
    let scope = user.scope();
    let actor = Actor::user(&user);
    let lead_id = id.clone();
    let outcome = with_db(&state.db, move |conn| {
        Ok(crate::delivery::retry_now::retry_now(
            conn, &scope, &actor, &lead_id,
        ))
    })
    .await?;
    let back = format!("/leads/{id}");
    match outcome {
        Ok(after_commit) => {
            after_commit.apply(&state);
            Ok(flash::redirect_with(
                &back,
                FlashKind::Success,
                "The lead is due now; its next attempt appears below in a moment.",
            ))
        }
        Err(err) => refusal(&back, err),
    }
}

/// `POST /leads/{id}/edit`: the form has one field per AccuLynx field (camelCase names).
pub async fn edit_lead(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    check_access(&user, &state, &id).await?;
    let mut body = lead_from_form(&form.into_inner());
    let zone = location_zone(&user, &state, &id).await?;
    let date_problems = read_appointment(&mut body, zone);
    if !date_problems.is_empty() {
        let page = lead_page(
            &user,
            &state,
            id,
            Some(RefusedEdit {
                values: body,
                errors: date_problems,
            }),
        )
        .await?;
        return render_page(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            &page,
            None,
        );
    }
    let scope = user.scope();
    let actor = Actor::user(&user);
    let lead_id = id.clone();
    let new_body = Value::Object(body.clone());
    let outcome = with_db(&state.db, move |conn| {
        Ok(replay::edit_and_resend(
            conn, &scope, &actor, &lead_id, new_body,
        ))
    })
    .await?;
    let back = format!("/leads/{id}");
    match outcome {
        Ok(requeued) => {
            requeued.after_commit.apply(&state);
            Ok(flash::redirect_with(
                &back,
                FlashKind::Success,
                "Your changes are saved and the lead is queued to be sent; the original stays in its history below.",
            ))
        }
        Err(ReplayError::Invalid(errors)) => {
            let page = lead_page(
                &user,
                &state,
                id,
                Some(RefusedEdit {
                    values: body,
                    errors,
                }),
            )
            .await?;
            render_page(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                &page,
                None,
            )
        }
        Err(err) => refusal(&back, err),
    }
}

/// The time zone the location of a lead reads local times in (its field mapping's), if any.
async fn location_zone(
    user: &CurrentUser,
    state: &AppState,
    id: &str,
) -> Result<Option<chrono_tz::Tz>, AppError> {
    let scope = user.scope();
    let id = id.to_string();
    with_db(&state.db, move |conn| {
        let lead = queries::find_lead(conn, &scope, &id)?;
        let location = tenants::find_location(conn, &scope, &lead.location_id)?;
        Ok(crate::intake::cache::CachedLocation::new(location)
            .mapping
            .time_zone())
    })
    .await
}

fn refusal(back: &str, err: ReplayError) -> Result<HttpResponse, AppError> {
    match err {
        ReplayError::NotFound => Err(AppError::NotFound),
        ReplayError::Database(err) => Err(err.into()),
        ReplayError::Refused(_) | ReplayError::NeedsConfirmation | ReplayError::Invalid(_) => Ok(
            flash::redirect_with(back, FlashKind::Error, &err.to_string()),
        ),
    }
}
