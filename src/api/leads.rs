//! `GET /api/v1/leads`, `GET /api/v1/leads/{id}`, `POST /api/v1/leads/{id}/resend`: thin
//! handlers over the same queries as the portal's lists and lead page, scoped to the
//! token's company. Unlike the portal's lenient lists, a query part that cannot be read is
//! a 400 saying which — a script should not silently get a different list.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use diesel::OptionalExtension;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::auth::ApiCaller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::shapes::{LeadDetail, LeadList, LeadSummary};
use crate::delivery::replay::{self, ReplayError};
use crate::history::filter::{Search, start_of_day};
use crate::http::with_db;
use crate::leads::figures::{Figure, Period};
use crate::leads::filter::LeadFilter;
use crate::leads::lists;
use crate::leads::status::LeadStatus;
use crate::state::AppState;

/// Page size when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 50;
/// The largest page.
pub const MAX_LIMIT: i64 = 200;

/// The list's query: the portal list's filters, a cursor and a page size.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A status (`queued`, `retrying`, `delivered`, `failed`, `rejected`, `held`,
    /// `duplicate`), or `waiting` (queued, retrying or held) or `delivered_with_warnings`.
    pub status: Option<String>,
    /// Received in the last `24h` or `7d`.
    pub period: Option<String>,
    /// Name, email, phone (any formatting) or a lead id.
    pub q: Option<String>,
    /// First day received (`YYYY-MM-DD`, in the company's time zone).
    pub from: Option<String>,
    /// Last day received, included.
    pub to: Option<String>,
    /// One location's leads (its id).
    pub location: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Leads per page, 1 to 200 (default 50).
    pub limit: Option<String>,
}

/// A query read strictly.
#[derive(Debug)]
struct ReadQuery {
    filter: LeadFilter,
    cursor: Option<String>,
    limit: i64,
}

fn given(value: &Option<String>) -> Option<&str> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

fn read_day(value: &Option<String>, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    given(value)
        .map(|text| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                ApiError::BadRequest(format!(
                    "`{name}` must be a date like 2026-11-27, not \"{text}\"."
                ))
            })
        })
        .transpose()
}

impl ListQuery {
    fn read(&self, time_zone: &str) -> Result<ReadQuery, ApiError> {
        let (status, figure) = match given(&self.status) {
            None => (None, None),
            Some(text) => match (LeadStatus::parse(text), Figure::parse_group(text)) {
                (Some(status), _) => (Some(status), None),
                (None, Some(figure)) => (None, Some(figure)),
                (None, None) => {
                    let known: Vec<&str> = LeadStatus::ALL
                        .iter()
                        .map(|status| status.as_str())
                        .chain(Figure::GROUPS.iter().filter_map(|figure| figure.word()))
                        .collect();
                    return Err(ApiError::BadRequest(format!(
                        "`status` \"{text}\" is not a lead status; use one of {}.",
                        known.join(", ")
                    )));
                }
            },
        };
        let period = given(&self.period)
            .map(|text| {
                Period::parse(text).ok_or_else(|| {
                    ApiError::BadRequest(format!("`period` must be 24h or 7d, not \"{text}\"."))
                })
            })
            .transpose()?;
        let from = read_day(&self.from, "from")?;
        let to = read_day(&self.to, "to")?;
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(ApiError::BadRequest(
                "`to` is before `from`; give the first day, then the last.".to_string(),
            ));
        }
        let limit = match given(&self.limit) {
            None => DEFAULT_LIMIT,
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "`limit` must be a whole number from 1 to {MAX_LIMIT}, not \"{text}\"."
                    ))
                })?,
        };
        Ok(ReadQuery {
            filter: LeadFilter {
                location_id: given(&self.location).map(str::to_string),
                status,
                figure,
                received_since: period.map(|period| period.since(crate::db::now())),
                search: self.q.as_deref().and_then(Search::parse),
                received_from: from.map(|day| start_of_day(day, time_zone)),
                received_until: to
                    .and_then(|day| day.succ_opt())
                    .map(|day| start_of_day(day, time_zone)),
            },
            cursor: given(&self.cursor).map(str::to_string),
            limit,
        })
    }
}

fn json(status: actix_web::http::StatusCode, body: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(body)
}

/// The company's leads, newest first, one page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/leads",
    tag = "leads",
    params(ListQuery),
    security(("token" = [])),
    responses(
        (status = 200, description = "A page of leads", body = LeadList),
        (status = 400, description = "A query part cannot be read", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "`location` is not one of the company's", body = ErrorBody),
    )
)]
pub async fn list_leads(
    caller: ApiCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query: ListQuery = serde_urlencoded::from_str(req.query_string())
        .map_err(|err| ApiError::BadRequest(format!("The query could not be read: {err}.")))?;
    let read = query.read(&caller.time_zone)?;
    let scope = caller.company_scope();
    let company_id = caller.company_id.clone();
    let page = with_db(&state.db, move |conn| {
        if let Some(location_id) = &read.filter.location_id
            && crate::tenants::queries::find_location(conn, &scope, location_id).is_err()
        {
            return Ok(Err(ApiError::NotFound(
                "No location with that id belongs to this token's company.".to_string(),
            )));
        }
        let cursor = match &read.cursor {
            None => None,
            Some(id) => match lists::cursor_of(conn, &scope, &company_id, id)? {
                Some(cursor) => Some(cursor),
                None => {
                    return Ok(Err(ApiError::BadRequest(
                        "`cursor` is not from this list; pass the `next_cursor` of the previous page."
                            .to_string(),
                    )));
                }
            },
        };
        let rows = lists::list_leads(
            conn,
            &scope,
            &company_id,
            &read.filter,
            cursor.as_ref(),
            read.limit + 1,
        )?;
        Ok(Ok((rows, read.limit)))
    })
    .await??;
    let (mut rows, limit) = page;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = more
        .then(|| rows.last().map(|row| row.id.clone()))
        .flatten();
    let body = LeadList {
        leads: rows.into_iter().map(LeadSummary::from).collect(),
        next_cursor,
    };
    Ok(json(actix_web::http::StatusCode::OK, &body))
}

/// One lead: what was received, what was sent, warnings, errors and its timeline.
#[utoipa::path(
    get,
    path = "/api/v1/leads/{id}",
    tag = "leads",
    params(("id" = String, Path, description = "The lead's id")),
    security(("token" = [])),
    responses(
        (status = 200, description = "The lead", body = LeadDetail),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such lead in the token's company", body = ErrorBody),
    )
)]
pub async fn show_lead(
    caller: ApiCaller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let scope = caller.company_scope();
    let id = id.into_inner();
    let found = with_db(&state.db, move |conn| {
        let Some(lead) = lists::find_lead(conn, &scope, &id).optional()? else {
            return Ok(None);
        };
        let attempts = lists::attempts_of(conn, &scope, &lead.id)?;
        let events = lists::events_of(conn, &scope, &lead.id)?;
        Ok(Some(LeadDetail::new(lead, attempts, events)))
    })
    .await?;
    let detail = found.ok_or_else(ApiError::lead_not_found)?;
    Ok(json(actix_web::http::StatusCode::OK, &detail))
}

/// The body of a resend: empty, or `{"confirm": true}` to send a delivered lead again.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResendBody {
    /// Required (true) for a lead already delivered: AccuLynx then gets a second copy.
    #[serde(default)]
    pub confirm: bool,
}

/// What a resend did.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct Resent {
    /// The lead.
    pub lead_id: String,
    /// Always `queued`: the worker sends it next, within the location's limits.
    #[schema(example = "queued")]
    pub status: String,
    /// The status it had.
    #[schema(example = "failed")]
    pub previous_status: String,
}

/// Largest resend body read.
const MAX_RESEND_BODY: usize = 1024;

fn read_resend_body(req: &HttpRequest, body: &[u8]) -> Result<ResendBody, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(ResendBody::default());
    }
    if body.len() > MAX_RESEND_BODY {
        return Err(ApiError::BadRequest(format!(
            "The body is {} bytes; a resend takes at most {MAX_RESEND_BODY} (`{{\"confirm\": true}}` or nothing).",
            body.len()
        )));
    }
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::UnsupportedMediaType(
            "Send the body as application/json (`{\"confirm\": true}`), or send no body."
                .to_string(),
        ));
    }
    serde_json::from_slice(body).map_err(|err| {
        ApiError::BadRequest(format!(
            "The body is not a resend request ({err}); send `{{\"confirm\": true}}` or nothing."
        ))
    })
}

/// Sends a lead to AccuLynx again (a token with the `resend` scope).
#[utoipa::path(
    post,
    path = "/api/v1/leads/{id}/resend",
    tag = "leads",
    params(("id" = String, Path, description = "The lead's id")),
    request_body(content = Option<ResendBody>, content_type = "application/json"),
    security(("token" = [])),
    responses(
        (status = 202, description = "Queued to be sent again", body = Resent),
        (status = 400, description = "The body cannot be read", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The token may only read", body = ErrorBody),
        (status = 404, description = "No such lead in the token's company", body = ErrorBody),
        (status = 409, description = "Not resendable now (or delivered and not confirmed)", body = ErrorBody),
        (status = 415, description = "A body that is not JSON", body = ErrorBody),
    )
)]
pub async fn resend_lead(
    caller: ApiCaller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require_resend()?;
    let wanted = read_resend_body(&req, &body)?;
    let scope = caller.company_scope();
    let actor = caller.actor();
    let id = id.into_inner();
    let outcome = with_db(&state.db, move |conn| {
        Ok(replay::replay(conn, &scope, &actor, &id, wanted.confirm))
    })
    .await?;
    match outcome {
        Ok(requeued) => {
            requeued.after_commit.apply(&state);
            let body = Resent {
                lead_id: requeued.lead_id,
                status: LeadStatus::Queued.as_str().to_string(),
                previous_status: requeued.previous_status.as_str().to_string(),
            };
            Ok(json(actix_web::http::StatusCode::ACCEPTED, &body))
        }
        Err(ReplayError::NotFound) => Err(ApiError::lead_not_found()),
        Err(ReplayError::NeedsConfirmation) => Err(ApiError::Conflict(
            "This lead was already delivered; AccuLynx would get a second copy. Send `{\"confirm\": true}` to send it again.".to_string(),
        )),
        Err(ReplayError::Database(err)) => Err(err.into()),
        Err(err @ (ReplayError::Refused(_) | ReplayError::Invalid(_))) => {
            Err(ApiError::Conflict(err.to_string()))
        }
    }
}
