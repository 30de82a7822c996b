//! `GET /audit`: the audit log of the user's company, or of all companies for platform
//! admins (optionally one company's, with `?company=SLUG`), filtered by `action` (a stored
//! code) and `actor` (who, as recorded) chosen from lists of those present in the entries the
//! viewer may see; the filters are kept across pages (`before`).

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
    action: Option<String>,
    actor: Option<String>,
    before: Option<i64>,
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
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
    let (action_filter, actor_filter) = (non_empty(&query.action), non_empty(&query.actor));
    let (action, actor) = (action_filter.clone(), actor_filter.clone());
    let (events, companies, (actions, actors)) = with_db(&state.db, move |conn| {
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
        let filter = queries::AuditFilter {
            company_id: only,
            action,
            actor,
        };
        let events = queries::list(conn, &scope, &filter, query.before, PAGE_SIZE)?;
        let present = queries::present(conn, &scope, &filter)?;
        Ok((events, companies, present))
    })
    .await?;
    let names: HashMap<&str, &str> = companies
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect();
    let older = (events.len() as i64 == PAGE_SIZE).then(|| {
        let last = events.last().map_or(0, |e| e.id);
        let mut href = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("company", Some(company_filter.clone())),
            ("action", action_filter.clone()),
            ("actor", actor_filter.clone()),
        ] {
            if let Some(value) = value.filter(|value| !value.is_empty()) {
                href.append_pair(name, &value);
            }
        }
        href.append_pair("before", &last.to_string());
        format!("/audit?{}", href.finish())
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
    let action_now = action_filter.clone().unwrap_or_default();
    let actor_now = actor_filter.clone().unwrap_or_default();
    Ok(AuditPage {
        filtered: action_filter.is_some() || actor_filter.is_some() || !company_filter.is_empty(),
        actions: actions
            .into_iter()
            .map(|code| {
                let selected = code == action_now;
                (Action::label_of(&code), code, selected)
            })
            .collect(),
        actors: actors
            .into_iter()
            .map(|actor| {
                let selected = actor == actor_now;
                (actor, selected)
            })
            .collect(),
        chrome: user.chrome(),
        show_company: user.is_platform_admin(),
        company_filter,
        companies: companies.into_iter().map(|c| (c.slug, c.name)).collect(),
        rows,
        older,
    })
}
