//! `POST /companies/{slug}/leads/resend` and `POST /locations/{id}/leads/resend` (admins):
//! without `confirm=yes` a confirm page saying how many leads and which, with it the job
//! (then the job page); and `GET /resend-jobs/{id}`, the job's progress.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::audit::Actor;
use crate::bulk::jobs::{self, CreateError, ResendRequest, ResendTarget};
use crate::bulk::model::ResendJob;
use crate::bulk::pages::ResendJobPage;
use crate::bulk::queries;
use crate::error::AppError;
use crate::history::filter::LeadQuery;
use crate::history::lists::{ListTarget, company_target, location_target};
use crate::history::pages::thousands;
use crate::http::confirm::ConfirmPage;
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::time::show_time;
use crate::http::with_db;
use crate::leads::status::LeadStatus;
use crate::state::AppState;
use crate::tenants::queries as tenants;

/// Skipped leads listed on the job page.
const SKIPPED_SHOWN: i64 = 20;

/// The resend form: the list's filter, and the confirmation.
#[derive(Debug, Default, Deserialize)]
pub struct ResendForm {
    /// `failed` or `held`.
    #[serde(default)]
    pub status: Option<String>,
    /// `24h` or `7d`.
    #[serde(default)]
    pub period: Option<String>,
    /// Search words.
    #[serde(default)]
    pub q: Option<String>,
    /// First day.
    #[serde(default)]
    pub from: Option<String>,
    /// Last day, included.
    #[serde(default)]
    pub to: Option<String>,
    /// `yes` once confirmed.
    #[serde(default)]
    pub confirm: String,
    /// The number of leads the confirm page showed.
    #[serde(default)]
    pub expected: String,
}

impl ResendForm {
    fn query(&self) -> LeadQuery {
        LeadQuery {
            status: self.status.clone(),
            period: self.period.clone(),
            q: self.q.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            before: None,
        }
    }
}

/// The list's filter as hidden fields (the list's resend button, the confirm page).
pub fn filter_fields(query: &LeadQuery) -> Vec<(String, String)> {
    [
        ("status", &query.status),
        ("period", &query.period),
        ("q", &query.q),
        ("from", &query.from),
        ("to", &query.to),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        let value = value.as_deref().map(str::trim).unwrap_or_default();
        (!value.is_empty()).then(|| (name.to_string(), value.to_string()))
    })
    .collect()
}

/// `POST /companies/{slug}/leads/resend`.
pub async fn resend_company_leads(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: web::Form<ResendForm>,
) -> Result<HttpResponse, AppError> {
    let target = company_target(&user, &state, slug.into_inner()).await?;
    resend(user, &state, target, form.into_inner()).await
}

/// `POST /locations/{id}/leads/resend`.
pub async fn resend_location_leads(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ResendForm>,
) -> Result<HttpResponse, AppError> {
    let target = location_target(&user, &state, id.into_inner()).await?;
    resend(user, &state, target, form.into_inner()).await
}

async fn resend(
    user: CurrentUser,
    state: &AppState,
    target: ListTarget,
    form: ResendForm,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let list_path = target.path();
    let resend_target = ResendTarget {
        company_id: target.company.id.clone(),
        company_name: target.company.name.clone(),
        location: target.location.clone(),
        list_path: list_path.clone(),
    };
    let query = form.query();
    let request = jobs::read_request(&query, &user.time_zone, &resend_target)
        .map_err(AppError::Validation)?;
    let fields = filter_fields(&LeadQuery {
        status: Some(request.status.as_str().to_string()),
        ..query
    });
    let scope = user.scope();
    if form.confirm != "yes" {
        let counted = request.clone();
        let count = with_db(&state.db, move |conn| {
            Ok(jobs::count(conn, &scope, &counted)?)
        })
        .await?;
        if count == 0 {
            return Ok(nothing_to_resend(&request));
        }
        return confirm_page(&user, &request, &list_path, &fields, count, None);
    }
    let expected = form.expected.trim().parse::<i64>().ok();
    let actor = Actor::user(&user);
    let creating = request.clone();
    let created = with_db(&state.db, move |conn| {
        Ok(jobs::create_job(conn, &scope, &actor, &creating, expected))
    })
    .await?;
    match created {
        Ok(job) => {
            state.wake_bulk_resend.notify_one();
            Ok(flash::redirect_with(
                &format!("/resend-jobs/{}", job.id),
                FlashKind::Success,
                &format!(
                    "Resending {}: they are queued a chunk at a time and sent at the normal delivery pace.",
                    lead_count(i64::from(job.total))
                ),
            ))
        }
        Err(CreateError::Changed(count)) => confirm_page(
            &user,
            &request,
            &list_path,
            &fields,
            count,
            Some(format!(
                "The number of matching leads changed since the list was shown: it is now {}. Confirm again to resend these.",
                thousands(count)
            )),
        ),
        Err(CreateError::Nothing) => Ok(nothing_to_resend(&request)),
        Err(CreateError::Database(err)) => Err(err.into()),
    }
}

fn lead_count(count: i64) -> String {
    match count {
        1 => "1 lead".to_string(),
        n => format!("{} leads", thousands(n)),
    }
}

fn nothing_to_resend(request: &ResendRequest) -> HttpResponse {
    flash::redirect_with(
        &request.list_href,
        FlashKind::Error,
        &format!(
            "No {} match this filter any more, so nothing was resent.",
            request.words
        ),
    )
}

fn confirm_page(
    user: &CurrentUser,
    request: &ResendRequest,
    list_path: &str,
    fields: &[(String, String)],
    count: i64,
    note: Option<String>,
) -> Result<HttpResponse, AppError> {
    let leads = lead_count(count);
    let mut page = ConfirmPage::new(
        user.chrome(),
        format!("Resend these {leads}?"),
        format!("{list_path}/resend"),
    );
    if let Some(note) = note {
        page = page.saying(note);
    }
    page = page
        .saying(format!("{leads}: {}.", request.words))
        .saying("Each is put back in the queue and sent to AccuLynx again as it is, once. They go out in the background at the normal delivery pace; the next page shows the progress.")
        .saying("Leads that arrive or fail after you confirm are not included.")
        .button(format!("Resend {leads}"))
        .cancel_to(request.list_href.clone());
    if request.status == LeadStatus::Held {
        page = page.saying("Held leads whose location is still paused, or whose AccuLynx key is still missing or rejected, are held again.");
    }
    for (name, value) in fields {
        page = page.carry(name, value.clone());
    }
    page = page.carry("expected", count.to_string());
    page.danger = false;
    page.answer()
}

/// `GET /resend-jobs/{id}`.
pub async fn show_resend_job(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<ResendJobPage, AppError> {
    let scope = user.scope();
    let id = id.into_inner();
    let (job, company, location, statuses, skipped) = with_db(&state.db, move |conn| {
        let job: ResendJob = queries::find_job(conn, &scope, &id)?;
        let company = tenants::find_company(conn, &job.company_id)?;
        let location = match &job.location_id {
            Some(location_id) => Some(tenants::find_location(conn, &scope, location_id)?),
            None => None,
        };
        let statuses = queries::queued_lead_statuses(conn, &scope, &job)?;
        let skipped = queries::skipped_items(conn, &scope, &job, SKIPPED_SHOWN)?;
        Ok((job, company, location, statuses, skipped))
    })
    .await?;
    let count_of = |wanted: &[LeadStatus]| -> i64 {
        statuses
            .iter()
            .filter(|(status, _)| wanted.contains(status))
            .map(|(_, count)| count)
            .sum()
    };
    let waiting = count_of(&LeadStatus::DUE);
    let zone = user.time_zone.clone();
    let (total, done, failed) = (
        i64::from(job.total),
        i64::from(job.done),
        i64::from(job.failed),
    );
    Ok(ResendJobPage {
        chrome: user.chrome(),
        running: job.is_running(),
        refresh: job.is_running() || waiting > 0,
        company: (company.slug, company.name),
        location: location.map(|location| (location.id, location.name)),
        filter_words: job.filter_words,
        list_href: job.list_href,
        created_by: job.created_by,
        created: show_time(job.created_at, &zone),
        finished: job.finished_at.map(|at| show_time(at, &zone)),
        total,
        done,
        failed,
        pending: (total - done - failed).max(0),
        delivered: count_of(&[LeadStatus::Delivered]),
        waiting,
        failed_again: count_of(&[LeadStatus::Failed]),
        held: count_of(&[LeadStatus::Held]),
        skipped: skipped
            .into_iter()
            .map(|(lead, reason)| (lead, reason.unwrap_or_default()))
            .collect(),
        id: job.id,
    })
}
