//! `GET /audit`: the audit log of the user's company, or of all companies for platform
//! admins (optionally one company's, with `?company=SLUG`).

use std::collections::HashMap;

use actix_web::web;
use serde::Deserialize;

use crate::audit::model::Action;
use crate::audit::pages::{AuditPage, AuditRow};
use crate::audit::queries;
use crate::domain::scope::CompanyScope;
use crate::error::AppError;
use crate::http::extractors::CurrentUser;
use crate::http::time::show_time;
use crate::http::with_db;
use crate::state::AppState;
use crate::tenants::queries as tenants;

const PAGE_SIZE: i64 = 100;

/// Query of the audit page.
#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    company: Option<String>,
    before: Option<i64>,
}

/// `GET /audit`.
pub async fn show_audit(
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<AuditPage, AppError> {
    user.require_admin()?;
    let scope = user.scope();
    let query = query.into_inner();
    let company_filter = query.company.clone().unwrap_or_default();
    let (events, companies) = with_db(&state.db, move |conn| {
        let companies = tenants::list_companies(conn, &scope)?;
        let only = match (&scope, query.company.as_deref().filter(|s| !s.is_empty())) {
            (CompanyScope::All, Some(slug)) => Some(
                companies
                    .iter()
                    .find(|c| c.slug == slug)
                    .map(|c| c.id.clone())
                    .ok_or(AppError::NotFound)?,
            ),
            _ => None,
        };
        let events = queries::list(conn, &scope, only.as_deref(), query.before, PAGE_SIZE)?;
        Ok((events, companies))
    })
    .await?;
    let names: HashMap<&str, &str> = companies
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect();
    let older = (events.len() as i64 == PAGE_SIZE).then(|| {
        let last = events.last().map_or(0, |e| e.id);
        format!("/audit?company={company_filter}&before={last}")
    });
    let rows = events
        .iter()
        .map(|event| AuditRow {
            when: show_time(event.created_at, &user.time_zone),
            actor: event.actor.clone(),
            action: Action::label_of(&event.action),
            code: event.action.clone(),
            target: event.target.clone(),
            detail: event.detail.clone(),
            ip: event.ip.clone(),
            company: event
                .company_id
                .as_deref()
                .and_then(|id| names.get(id).copied())
                .unwrap_or("—")
                .to_string(),
        })
        .collect();
    Ok(AuditPage {
        chrome: user.chrome(),
        show_company: user.is_platform_admin(),
        company_filter,
        companies: companies.into_iter().map(|c| (c.slug, c.name)).collect(),
        rows,
        older,
    })
}
