//! The lookup lists (reference §3.2, §3.12, §4): the same seeded values for every key, paged
//! per §1.4, each shaped as AccuLynx answers it.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::paging::{Limits, Style, page, paging};
use super::request::{Endpoint, Outcome, Query, serve};
use super::seed::seed;
use crate::sandbox::V2Step;
use crate::sandbox::answers::Problem;
use crate::sandbox::server::SandboxState;

/// `recordStartIndex` paging with this default size (and at most 100).
const fn by_record(default: usize) -> Limits {
    Limits {
        style: Style::Record,
        default,
        max: 100,
        bad_size: 416,
    }
}

const LOOKUP: Endpoint = Endpoint::read(V2Step::Lookups);

/// Serves a list: `items` from the caller's link base, paged with `limits`.
async fn list(
    req: HttpRequest,
    state: web::Data<SandboxState>,
    limits: Limits,
    items: impl FnOnce(&str, &Query) -> Result<Vec<Value>, Problem>,
) -> HttpResponse {
    serve(&req, None, &state, LOOKUP, |ctx, _| -> Outcome {
        let query = Query::of(&req)?;
        let paging = paging(&query, limits)?;
        let items = items(&ctx.base, &query)?;
        Ok(HttpResponse::Ok().json(page(&items, paging)))
    })
    .await
}

/// `GET /contacts/contact-types`.
pub(crate) async fn contact_types(
    req: HttpRequest,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let limits = Limits {
        style: Style::Page,
        ..by_record(25)
    };
    list(req, state, limits, |_, _| {
        Ok(seed()
            .contact_types
            .iter()
            .map(|item| json!({"id": item.id.to_string(), "name": item.name, "isDefault": item.is_default}))
            .collect())
    })
    .await
}

/// `GET /company-settings/job-file-settings/job-categories`.
pub(crate) async fn job_categories(
    req: HttpRequest,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    list(req, state, by_record(25), |_, _| {
        Ok(seed()
            .job_categories
            .iter()
            .map(|item| json!({"id": item.id, "name": item.name}))
            .collect())
    })
    .await
}

/// `GET /company-settings/job-file-settings/work-types`.
pub(crate) async fn work_types(req: HttpRequest, state: web::Data<SandboxState>) -> HttpResponse {
    list(req, state, by_record(100), |base, _| {
        Ok(seed()
            .work_types
            .iter()
            .map(|item| {
                json!({
                    "id": item.id,
                    "_link": format!("{base}/company-settings/job-file-settings/work-types/{}", item.id),
                    "name": item.name,
                    "systemDefault": item.system_default,
                })
            })
            .collect())
    })
    .await
}

/// `GET /company-settings/job-file-settings/trade-types`.
pub(crate) async fn trade_types(req: HttpRequest, state: web::Data<SandboxState>) -> HttpResponse {
    list(req, state, by_record(25), |_, _| {
        Ok(seed()
            .trade_types
            .iter()
            .map(|item| json!({"tradeId": item.trade_id.to_string(), "name": item.name}))
            .collect())
    })
    .await
}

/// `GET /company-settings/leads/lead-sources`.
pub(crate) async fn lead_sources(req: HttpRequest, state: web::Data<SandboxState>) -> HttpResponse {
    list(req, state, by_record(25), |base, _| {
        let link = |path: String| format!("{base}/company-settings/leads/lead-sources/{path}");
        Ok(seed()
            .lead_sources
            .iter()
            .map(|item| {
                let children: Option<Vec<Value>> = (!item.children.is_empty()).then(|| {
                    item.children
                        .iter()
                        .map(|child| {
                            json!({
                                "id": child.id.to_string(),
                                "name": child.name,
                                "parentId": child.parent_id.to_string(),
                                "_link": link(format!("{}/children/{}", item.id, child.id)),
                            })
                        })
                        .collect()
                });
                json!({
                    "id": item.id.to_string(),
                    "_link": link(item.id.to_string()),
                    "name": item.name,
                    "children": children,
                })
            })
            .collect())
    })
    .await
}

/// `GET /company-settings/location-settings/countries`.
pub(crate) async fn countries(req: HttpRequest, state: web::Data<SandboxState>) -> HttpResponse {
    list(req, state, by_record(100), |base, _| {
        Ok(seed()
            .countries
            .iter()
            .map(|item| {
                json!({
                    "id": item.id,
                    "name": item.name,
                    "abbreviation": item.abbreviation,
                    "_link": format!("{base}/acculynx/countries/{}", item.id),
                })
            })
            .collect())
    })
    .await
}

/// `GET /company-settings/location-settings/countries/{countryId}/states`; 404 for a country
/// the company does not have.
pub(crate) async fn states(req: HttpRequest, state: web::Data<SandboxState>) -> HttpResponse {
    let country = req.match_info().get("countryId").map(str::to_string);
    list(req, state, by_record(100), move |base, _| {
        let id = country
            .as_deref()
            .and_then(|text| text.parse::<i64>().ok())
            .ok_or_else(|| Problem::V2(400, "countryId must be an integer".to_string()))?;
        let country = seed()
            .country_by_id(id)
            .ok_or_else(|| Problem::V2(404, format!("Country {id} is not supported")))?;
        Ok(country
            .states
            .iter()
            .map(|item| {
                json!({
                    "id": item.id,
                    "name": item.name,
                    "abbreviation": item.abbreviation,
                    "_link": format!("{base}/acculynx/countries/{}/states/{}", country.id, item.id),
                })
            })
            .collect())
    })
    .await
}

const USER_STATUSES: &[&str] = &["Active", "Inactive", "Archived", "Deleted"];

/// `GET /users`: `status` is a comma-separated list (default `Active`).
pub(crate) async fn users(req: HttpRequest, state: web::Data<SandboxState>) -> HttpResponse {
    list(req, state, by_record(25), |base, query| {
        let wanted: Vec<&str> = match query.get("status") {
            None => vec!["Active"],
            Some(text) => text
                .split(',')
                .filter(|part| !part.trim().is_empty())
                .map(|part| {
                    let part = part.trim();
                    let part = if part.eq_ignore_ascii_case("Archive") {
                        "Archived"
                    } else {
                        part
                    };
                    USER_STATUSES
                        .iter()
                        .copied()
                        .find(|known| known.eq_ignore_ascii_case(part))
                        .ok_or_else(|| {
                            Problem::V2(
                                400,
                                "status must list Active, Inactive, Archived or Deleted"
                                    .to_string(),
                            )
                        })
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(seed()
            .users
            .iter()
            .filter(|user| wanted.contains(&user.status.as_str()))
            .map(|user| {
                json!({
                    "id": user.id.to_string(),
                    "displayName": user.display_name,
                    "firstName": user.first_name,
                    "lastName": user.last_name,
                    "initials": user.initials,
                    "role": {"id": user.role_id, "name": user.role_name},
                    "status": user.status,
                    "phone": user.phone,
                    "mobilePhone": user.mobile_phone,
                    "email": user.email,
                    "_link": format!("{base}/users/{}", user.id),
                })
            })
            .collect())
    })
    .await
}
