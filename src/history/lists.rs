//! Lead lists (SPEC §8): `/locations/{id}/leads` and `/companies/{slug}/leads`, filtered by
//! `status` (a status, or a dashboard figure: `waiting`, `delivered_with_warnings`), `period`
//! (`24h`, `7d`: the dashboard's rolling windows), `q` (name, email or phone in any
//! formatting), `from` / `to` (days in the viewer's time zone), newest first, 50 a page, paged
//! by keyset (`before` = the last lead id of the previous page), with the count of each status
//! under the same filter and the number of leads the whole filter matches.

use std::collections::{HashMap, HashSet};

use actix_web::web;

use crate::domain::scope::CompanyScope;
use crate::error::AppError;
use crate::history::filter::{LeadQuery, ParsedQuery};
use crate::history::pages::{LeadListPage, ListRow, StatusCount, thousands};
use crate::http::extractors::CurrentUser;
use crate::http::time::show_time;
use crate::http::with_db;
use crate::leads::figures::{Figure, Period};
use crate::leads::lists as queries;
use crate::leads::{LeadRow, LeadStatus};
use crate::state::AppState;
use crate::tenants::locations::scoped_location;
use crate::tenants::model::Company;
use crate::tenants::queries as tenants;

/// Leads per page.
pub const PAGE_SIZE: i64 = 50;

/// Whose leads a list shows.
#[derive(Debug, Clone)]
pub struct ListTarget {
    /// The company.
    pub company: Company,
    /// One of its locations (id, name), or all of them.
    pub location: Option<(String, String)>,
}

impl ListTarget {
    /// The list's path: `/locations/{id}/leads` or `/companies/{slug}/leads`.
    pub fn path(&self) -> String {
        match &self.location {
            Some((id, _)) => format!("/locations/{id}/leads"),
            None => format!("/companies/{}/leads", self.company.slug),
        }
    }
}

/// The company (and location) named by a company's list path, in the user's scope.
pub async fn company_target(
    user: &CurrentUser,
    state: &AppState,
    slug: String,
) -> Result<ListTarget, AppError> {
    let company = crate::tenants::companies::scoped_company(user, state, slug).await?;
    Ok(ListTarget {
        company,
        location: None,
    })
}

/// The location named by a location's list path, with its company, in the user's scope.
pub async fn location_target(
    user: &CurrentUser,
    state: &AppState,
    id: String,
) -> Result<ListTarget, AppError> {
    let (location, company) = scoped_location(user, state, id).await?;
    Ok(ListTarget {
        company,
        location: Some((location.id, location.name)),
    })
}

/// `GET /companies/{slug}/leads`.
pub async fn list_company_leads(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<LeadQuery>,
) -> Result<LeadListPage, AppError> {
    let target = company_target(&user, &state, slug.into_inner()).await?;
    show_list(user, &state, target, query.into_inner()).await
}

/// `GET /locations/{id}/leads`.
pub async fn list_location_leads(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<LeadQuery>,
) -> Result<LeadListPage, AppError> {
    let target = location_target(&user, &state, id.into_inner()).await?;
    show_list(user, &state, target, query.into_inner()).await
}

struct Found {
    rows: Vec<LeadRow>,
    counts: Vec<(LeadStatus, i64)>,
    matching: i64,
    warned: HashSet<String>,
    location_names: HashMap<String, String>,
    stale_cursor: bool,
    resend_jobs: Vec<crate::bulk::model::ResendJob>,
}

async fn show_list(
    user: CurrentUser,
    state: &AppState,
    target: ListTarget,
    query: LeadQuery,
) -> Result<LeadListPage, AppError> {
    let ParsedQuery {
        filter,
        before,
        mut problems,
    } = query.parse(
        &user.time_zone,
        target.location.as_ref().map(|(id, _)| id.clone()),
    );
    let scope: CompanyScope = user.scope();
    let company_id = target.company.id.clone();
    let company_wide = target.location.is_none();
    let job_location = target.location.as_ref().map(|(id, _)| id.clone());
    let found = with_db(&state.db, move |conn| {
        let cursor = match &before {
            Some(id) => queries::cursor_of(conn, &scope, &company_id, id)?,
            None => None,
        };
        let rows = queries::list_leads(
            conn,
            &scope,
            &company_id,
            &filter,
            cursor.as_ref(),
            PAGE_SIZE + 1,
        )?;
        let counts = queries::count_by_status(conn, &scope, &company_id, &filter)?;
        // The number the whole filter matches, through the same definition as the
        // dashboard's figure that links here.
        let matching = match (filter.status, filter.figure) {
            (Some(status), _) => counts
                .iter()
                .filter(|(known, _)| *known == status)
                .map(|(_, count)| count)
                .sum(),
            (None, Some(figure)) if figure.with_warnings_only() => {
                queries::count_matching(conn, &scope, &company_id, &filter)?
            }
            (None, Some(figure)) => figure.count_of(&counts),
            (None, None) => Figure::Received.count_of(&counts),
        };
        let delivered = rows
            .iter()
            .filter(|row| row.status() == LeadStatus::Delivered)
            .map(|row| row.id.clone())
            .collect();
        let warned = queries::with_warnings_among(conn, &scope, &company_id, delivered)?
            .into_iter()
            .collect();
        let location_names = if company_wide {
            tenants::list_locations(conn, &company_id)?
                .into_iter()
                .map(|location| (location.id, location.name))
                .collect()
        } else {
            HashMap::new()
        };
        let resend_jobs = crate::bulk::queries::list_recent(
            conn,
            &scope,
            &company_id,
            job_location.as_deref(),
            3,
        )?;
        Ok(Found {
            rows,
            counts,
            matching,
            warned,
            location_names,
            stale_cursor: before.is_some() && cursor.is_none(),
            resend_jobs,
        })
    })
    .await?;
    if found.stale_cursor {
        problems.push(
            "The page you asked for starts at a lead that is not in this list, so the newest leads are shown."
                .to_string(),
        );
    }
    let path = target.path();
    let zone = user.time_zone.clone();
    let mut rows = found.rows;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let older_href = more.then(|| rows.last()).flatten().map(|last| {
        LeadQuery {
            before: Some(last.id.clone()),
            ..query.clone()
        }
        .href(&path)
    });
    let first_page = LeadQuery {
        before: None,
        ..query.clone()
    };
    let newest_href = (query.before.is_some()).then(|| first_page.href(&path));
    let status_now = filter_status(&query);
    let group_now = query.status.as_deref().and_then(Figure::parse_group);
    let mut counts = status_counts(&found.counts, &first_page, &path, status_now);
    if let Some(all) = counts.first_mut() {
        all.current = status_now.is_none() && group_now.is_none();
    }
    let rows = rows
        .into_iter()
        .map(|row| {
            let warned = found.warned.contains(&row.id);
            list_row(row, &zone, &found.location_names, warned)
        })
        .collect();
    let resend = resend_offer(&user, &first_page, &path, status_now, found.matching);
    let resend_jobs = found
        .resend_jobs
        .iter()
        .map(|job| crate::bulk::pages::JobLink {
            href: format!("/resend-jobs/{}", job.id),
            created: show_time(job.created_at, &zone),
            state: if job.is_running() {
                "Running"
            } else {
                "Finished"
            },
            summary: format!(
                "{} of {} {} leads queued again",
                thousands(i64::from(job.done)),
                thousands(i64::from(job.total)),
                job.lead_status
            ),
        })
        .collect();
    let match_count = match found.matching {
        1 => "1 lead matches".to_string(),
        n => format!("{} leads match", thousands(n)),
    };
    Ok(LeadListPage {
        chrome: user.chrome(),
        csv_href: first_page.href(&format!("{path}.csv")),
        show_location: target.location.is_none(),
        q: query.q.clone().unwrap_or_default(),
        from: query.from.clone().unwrap_or_default(),
        to: query.to.clone().unwrap_or_default(),
        status: status_now
            .map(LeadStatus::as_str)
            .or(group_now.and_then(Figure::word))
            .unwrap_or_default()
            .to_string(),
        groups: Figure::GROUPS
            .into_iter()
            .filter_map(|figure| Some((figure.word()?, figure.label())))
            .collect(),
        period: query
            .period
            .as_deref()
            .and_then(Period::parse)
            .map(Period::word)
            .unwrap_or_default()
            .to_string(),
        periods: Period::ALL
            .into_iter()
            .map(|period| (period.word(), period.label()))
            .collect(),
        match_count,
        filtered: query.is_filtered(),
        company: target.company,
        location: target.location,
        path,
        counts,
        rows,
        older_href,
        newest_href,
        problems,
        time_zone: zone,
        resend,
        resend_jobs,
    })
}

/// The "Resend these N leads" button: admins, a list of failed or held leads, some matching.
fn resend_offer(
    user: &CurrentUser,
    query: &LeadQuery,
    path: &str,
    status: Option<LeadStatus>,
    matching: i64,
) -> Option<crate::bulk::pages::ResendOffer> {
    let status = status.filter(|status| crate::bulk::jobs::RESENDABLE.contains(status))?;
    if !user.is_admin() || matching == 0 {
        return None;
    }
    Some(crate::bulk::pages::ResendOffer {
        action: format!("{path}/resend"),
        count_words: match matching {
            1 => format!("1 {} lead", status.as_str()),
            n => format!("{} {} leads", thousands(n), status.as_str()),
        },
        fields: crate::bulk::handlers::filter_fields(query),
    })
}

fn filter_status(query: &LeadQuery) -> Option<LeadStatus> {
    query.status.as_deref().and_then(LeadStatus::parse)
}

/// "All" and each status, with their counts under the rest of the filter.
fn status_counts(
    counts: &[(LeadStatus, i64)],
    query: &LeadQuery,
    path: &str,
    current: Option<LeadStatus>,
) -> Vec<StatusCount> {
    let count_of = |status: LeadStatus| {
        counts
            .iter()
            .filter(|(code, _)| *code == status)
            .map(|(_, count)| *count)
            .sum::<i64>()
    };
    let total: i64 = counts.iter().map(|(_, count)| count).sum();
    let all = StatusCount {
        code: "",
        label: "All",
        count: thousands(total),
        href: LeadQuery {
            status: None,
            ..query.clone()
        }
        .href(path),
        current: current.is_none(),
    };
    std::iter::once(all)
        .chain(LeadStatus::SHOWN.into_iter().map(|status| {
            StatusCount {
                code: status.as_str(),
                label: status.label(),
                count: thousands(count_of(status)),
                href: LeadQuery {
                    status: Some(status.as_str().to_string()),
                    ..query.clone()
                }
                .href(path),
                current: current == Some(status),
            }
        }))
        .collect()
}

fn list_row(
    row: LeadRow,
    zone: &str,
    location_names: &HashMap<String, String>,
    warned: bool,
) -> ListRow {
    let status = row.status();
    let (code, label) = shown_status(status, warned);
    ListRow {
        name: row.display_name(),
        received: show_time(row.received_at, zone),
        location: location_names
            .get(&row.location_id)
            .cloned()
            .unwrap_or_default(),
        status: code,
        status_label: label,
        attempts: row.attempts,
        email: row.email.unwrap_or_default(),
        phone: row.phone.unwrap_or_default(),
        last_error: row
            .last_error
            .map(
                |error| match crate::acculynx::transport_words::translate(&error) {
                    Some((plain, _)) => plain,
                    None => error,
                },
            )
            .unwrap_or_default(),
        id: row.id,
    }
}

/// The badge of a lead: its status, or "Delivered with warnings" (its own class) when it was
/// delivered with warnings.
pub fn shown_status(status: LeadStatus, warned: bool) -> (&'static str, &'static str) {
    if warned && status == LeadStatus::Delivered {
        ("delivered-warnings", Figure::DeliveredWithWarnings.label())
    } else {
        (status.as_str(), status.label())
    }
}
