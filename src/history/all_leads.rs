//! `GET /leads`: the platform admin's way into every company's leads — a company picker. Each
//! company is listed with its leads of the last 7 days and links to its lead list (and its
//! failed leads); the lists themselves are the company lists, so a platform admin filters,
//! searches and exports exactly as the company's own users do. Company users have their
//! company's list in the menu and get 403 here.

use std::collections::HashMap;

use actix_web::web;

use crate::error::AppError;
use crate::history::pages::{CompanyLeadsRow, CompanyPickerPage, thousands};
use crate::http::extractors::CurrentUser;
use crate::http::with_db;
use crate::leads::figures::Period;
use crate::leads::lists as queries;
use crate::state::AppState;
use crate::tenants::queries as tenants;

/// `GET /leads`.
pub async fn pick_company_leads(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<CompanyPickerPage, AppError> {
    user.require_platform_admin()?;
    let scope = user.scope();
    let every = scope.every_company().ok_or(AppError::Forbidden)?;
    let (companies, counts) = with_db(&state.db, move |conn| {
        let companies = tenants::list_companies(conn, &scope)?;
        let since = Period::Week.since(crate::db::now());
        let counts: HashMap<String, i64> = queries::count_every_company_since(conn, &every, since)?
            .into_iter()
            .collect();
        Ok((companies, counts))
    })
    .await?;
    let rows = companies
        .into_iter()
        .map(|company| {
            let week = counts.get(&company.id).copied().unwrap_or(0);
            CompanyLeadsRow {
                href: format!("/companies/{}/leads", company.slug),
                week_href: format!(
                    "/companies/{}/leads?period={}",
                    company.slug,
                    Period::Week.word()
                ),
                week: thousands(week),
                name: company.name,
            }
        })
        .collect();
    Ok(CompanyPickerPage {
        chrome: user.chrome(),
        rows,
    })
}
