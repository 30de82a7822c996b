//! `GET /`: the dashboard (SPEC §8). Per company (a platform admin sees every company, one
//! after the other): per location, the leads received, delivered, failed and waiting in the
//! last 24 hours and 7 days with the success rate; a 14-day chart; the newest failures;
//! locations that need someone (key rejected or missing, paused, silent for 7 days).
//!
//! Every number is defined once, in [`crate::leads::figures`], and each links to the lead list
//! filtered by that same definition (`?status=…&period=24h|7d`), so the number and the list
//! it opens always agree. Times are shown in the viewer's time zone.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Duration, NaiveDateTime};

use crate::db::DbConn;
use crate::domain::scope::CompanyScope;
use crate::error::AppError;
use crate::history::chart::{DayCounts, daily_chart};
use crate::history::filter::{start_of_day, today_in};
use crate::history::pages::{
    AttentionRow, CompanySummary, DashboardPage, FailureRow, LocationStats, WelcomePage,
    WindowCounts, WindowView,
};
use crate::http::extractors::CurrentUser;
use crate::http::pages::Chrome;
use crate::http::time::show_time;
use crate::http::{flash, with_db};
use crate::leads::LeadStatus;
use crate::leads::figures::{Figure, Period};
use crate::leads::lists as queries;
use crate::leads::model::field_errors;
use crate::state::AppState;
use crate::tenants::model::{Company, KeyStatus, Location, LocationStatus};
use crate::tenants::queries as tenants;

const CHART_DAYS: i64 = 14;
const FAILURES_SHOWN: i64 = 5;

/// `GET /`: the dashboard when signed in. Not signed in: the login page, or on a fresh
/// installation a page saying how to create the first administrator.
pub async fn dashboard(
    user: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = match user {
        Ok(user) => user,
        Err(AppError::Unauthenticated(_)) => return anonymous_start(&state).await,
        // Sent to two-factor enrolment, say.
        Err(other) => return Err(other),
    };
    let scope = user.scope();
    let zone = user.time_zone.clone();
    let companies = with_db(&state.db, move |conn| {
        let now = crate::db::now();
        tenants::list_companies(conn, &scope)?
            .into_iter()
            .map(|company| Ok(company_summary(conn, &scope, company, &zone, now)?))
            .collect::<Result<Vec<_>, AppError>>()
    })
    .await?;
    let page = DashboardPage {
        chrome: user.chrome(),
        is_platform_admin: user.is_platform_admin(),
        can_manage: user.is_admin(),
        companies,
    };
    Ok(html(page.render().map_err(anyhow::Error::from)?))
}

async fn anonymous_start(state: &AppState) -> Result<HttpResponse, AppError> {
    let anyone = with_db(&state.db, |conn| {
        Ok(crate::accounts::queries::any_user_exists(conn)?)
    })
    .await?;
    if anyone {
        return Ok(flash::redirect("/login"));
    }
    let page = WelcomePage {
        chrome: Chrome::anonymous(),
    };
    Ok(html(page.render().map_err(anyhow::Error::from)?))
}

fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// One window's counts per location: per status, and delivered with warnings.
fn window_counts(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    since: NaiveDateTime,
) -> diesel::QueryResult<HashMap<String, WindowCounts>> {
    let mut by_location = per_location(queries::count_by_location_and_status(
        conn, scope, company_id, since,
    )?);
    for (location_id, count) in queries::count_figure_by_location(
        conn,
        scope,
        company_id,
        Figure::DeliveredWithWarnings,
        Some(since),
    )? {
        by_location.entry(location_id).or_default().with_warnings += count;
    }
    Ok(by_location)
}

/// Everything the dashboard shows of one company.
fn company_summary(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company: Company,
    zone: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<CompanySummary> {
    let locations = tenants::list_locations(conn, &company.id)?;
    let day = window_counts(conn, scope, &company.id, Period::Day.since(now))?;
    let week = window_counts(conn, scope, &company.id, Period::Week.since(now))?;
    // Retrying leads of any age, counted through the filter of the list they link to.
    let retrying = locations
        .iter()
        .map(|location| {
            let filter = crate::leads::filter::LeadFilter {
                location_id: Some(location.id.clone()),
                status: Some(LeadStatus::Retrying),
                ..Default::default()
            };
            let count = queries::count_matching(conn, scope, &company.id, &filter)?;
            Ok((location.id.clone(), count))
        })
        .collect::<diesel::QueryResult<HashMap<String, i64>>>()?;
    let mut rows = Vec::new();
    let mut attention = Vec::new();
    let mut week_total = WindowCounts::default();
    for location in &locations {
        let day_counts = day.get(&location.id).cloned().unwrap_or_default();
        let week_counts = week.get(&location.id).cloned().unwrap_or_default();
        let deleted = location.status() == LocationStatus::Deleted;
        if deleted && week_counts.received() == 0 {
            continue;
        }
        week_total.add(&week_counts);
        if !deleted {
            attention.extend(needs_attention(
                conn,
                scope,
                &company,
                location,
                &week_counts,
                retrying.get(&location.id).copied().unwrap_or(0),
                zone,
                now,
            )?);
        }
        let list = format!("/locations/{}/leads", location.id);
        rows.push(LocationStats {
            id: location.id.clone(),
            name: location.name.clone(),
            deleted,
            day: WindowView::new(&day_counts, &list, Period::Day),
            week: WindowView::new(&week_counts, &list, Period::Week),
        });
    }
    let failures = queries::newest_failures(conn, scope, &company.id, FAILURES_SHOWN)?
        .into_iter()
        .map(|(row, errors)| {
            let status = row.status();
            let reason = match (&row.last_error, field_errors(&errors).first()) {
                (Some(error), _) => crate::acculynx::transport_words::translate(error)
                    .map_or_else(|| error.clone(), |(plain, _)| plain),
                (None, Some(first)) => first.message.clone(),
                (None, None) => status.meaning().to_string(),
            };
            FailureRow {
                name: row.display_name(),
                location: locations
                    .iter()
                    .find(|location| location.id == row.location_id)
                    .map(|location| location.name.clone())
                    .unwrap_or_default(),
                received: show_time(row.received_at, zone),
                status: status.as_str(),
                status_label: status.label(),
                reason,
                id: row.id,
            }
        })
        .collect();
    let chart = daily_chart(
        &format!("chart-{}", company.slug),
        &format!(
            "Leads received per day at {}, last {CHART_DAYS} days",
            company.name
        ),
        &chart_days(conn, scope, &company, zone, now)?,
    );
    Ok(CompanySummary {
        has_locations: locations
            .iter()
            .any(|location| location.status() != LocationStatus::Deleted),
        week_total: WindowView::new(
            &week_total,
            &format!("/companies/{}/leads", company.slug),
            Period::Week,
        ),
        week_counts: week_total,
        rows,
        chart,
        failures,
        attention,
        company,
    })
}

fn per_location(counts: Vec<(String, LeadStatus, i64)>) -> HashMap<String, WindowCounts> {
    let mut by_location: HashMap<String, WindowCounts> = HashMap::new();
    for (location_id, status, count) in counts {
        let entry = by_location.entry(location_id).or_default();
        entry.count(status, count);
    }
    by_location
}

fn chart_days(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company: &Company,
    zone: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<DayCounts>> {
    let today = today_in(zone, now);
    (0..CHART_DAYS)
        .rev()
        .map(|back| {
            let date = today - Duration::days(back);
            let next = date + Duration::days(1);
            let counts = queries::count_received_between(
                conn,
                scope,
                &company.id,
                start_of_day(date, zone),
                start_of_day(next, zone),
            )?;
            let mut day = DayCounts {
                date,
                delivered: 0,
                failed: 0,
                other: 0,
            };
            for (status, count) in counts {
                match status {
                    LeadStatus::Delivered => day.delivered += count,
                    LeadStatus::Failed | LeadStatus::Rejected => day.failed += count,
                    _ => day.other += count,
                }
            }
            Ok(day)
        })
        .collect()
}

/// Why a live location needs someone, if it does ([`crate::leads::figures`] says when).
#[allow(clippy::too_many_arguments)] // one call site; each is a different fact of the location
fn needs_attention(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company: &Company,
    location: &Location,
    week: &WindowCounts,
    retrying: i64,
    zone: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<AttentionRow>> {
    let mut problems = Vec::new();
    let list = format!("/locations/{}/leads", location.id);
    let row = |problem: String, action: &'static str, href: Option<String>| AttentionRow {
        location_id: location.id.clone(),
        location: location.name.clone(),
        problem,
        action,
        href,
    };
    match location.key_status() {
        KeyStatus::Rejected => problems.push(row(
            "AccuLynx rejected its API key, so its leads are held.".to_string(),
            "Save a new key on the location page; held leads are then sent automatically.",
            None,
        )),
        KeyStatus::Missing => problems.push(row(
            "It has no AccuLynx API key yet, so its leads are held.".to_string(),
            "Save the location's AccuLynx API key on the location page.",
            None,
        )),
        _ => {}
    }
    if location.status() == LocationStatus::Paused {
        problems.push(row(
            "It is paused: leads are received and held.".to_string(),
            "Resume it on the location page when it should deliver again.",
            None,
        ));
    }
    let leads = |count: i64| {
        if count == 1 {
            "1 lead".to_string()
        } else {
            format!("{count} leads")
        }
    };
    for (status, action) in [
        (
            LeadStatus::Failed,
            "Open them to read AccuLynx's answer, then replay or correct them.",
        ),
        (
            LeadStatus::Rejected,
            "Open them, fill in what is missing under Edit and resend.",
        ),
        (
            LeadStatus::Held,
            "They are sent once the location can deliver (key saved, resumed).",
        ),
    ] {
        let count = week.of_status(status);
        if count > 0 {
            problems.push(row(
                format!(
                    "{} {} in {}.",
                    leads(count),
                    status.label().to_lowercase(),
                    Period::Week.label()
                ),
                action,
                Some(format!(
                    "{list}?status={}&period={}",
                    status.as_str(),
                    Period::Week.word()
                )),
            ));
        }
    }
    if retrying > 0 {
        problems.push(row(
            format!(
                "{} retrying: AccuLynx was busy or unreachable.",
                leads(retrying)
            ),
            "leadrelay tries again on its own; open them to see AccuLynx's last answer.",
            Some(format!("{list}?status={}", LeadStatus::Retrying.as_str())),
        ));
    }
    if week.received() == 0 {
        let last = queries::last_received(conn, scope, &company.id, &location.id)?;
        let problem = match last {
            Some(at) => format!(
                "Nothing received for {} days (last lead {}).",
                (now - at).num_days(),
                show_time(at, zone).local
            ),
            None if now - location.created_at >= Duration::days(7) => {
                "It has never received a lead, in more than 7 days.".to_string()
            }
            None => "It has not received a lead yet.".to_string(),
        };
        problems.push(row(
            problem,
            "Check that its webhook URL is pasted in the ClientTether Action Plan and that the plan is running.",
            None,
        ));
    }
    Ok(problems)
}
