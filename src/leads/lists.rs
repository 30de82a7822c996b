//! Reading leads: lists and their counts, the dashboard's numbers, a lead with its attempts
//! and events. Every query takes the caller's [`CompanyScope`] first, so another company's
//! lead is simply not found (SPEC §3).
//!
//! Lists are ordered `received_at DESC, id DESC` and paged by keyset (the last row's
//! `(received_at, id)`), which the `leads_*_recent_idx` / `leads_*_status_idx` indexes serve
//! at any depth; OFFSET is never used.

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, max};
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::db::schema::{delivery_attempts, lead_events, leads, locations};
use crate::db::{DbConn, MultiBackend};
use crate::domain::scope::CompanyScope;
use crate::leads::filter::{LeadFilter, Search};
use crate::leads::model::{Attempt, Lead, LeadEvent, LeadRow};
use crate::leads::status::LeadStatus;

/// A position in a list: rows strictly after it (older) come next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// `received_at` of the last row shown.
    pub received_at: NaiveDateTime,
    /// Its id.
    pub id: String,
}

/// One SQL condition on `leads`, as filters are built from.
pub type Condition = Box<dyn BoxableExpression<leads::table, MultiBackend, SqlType = Bool>>;

fn and(all: Vec<Condition>) -> Condition {
    all.into_iter()
        .reduce(|left, right| Box::new(left.and(right)))
        .unwrap_or_else(|| Box::new(diesel::dsl::sql::<Bool>("1 = 1")))
}

fn in_scope(scope: &CompanyScope, company_id: &str) -> Vec<Condition> {
    let mut conditions: Vec<Condition> =
        vec![Box::new(leads::company_id.eq(company_id.to_string()))];
    if let CompanyScope::Company(own) = scope {
        conditions.push(Box::new(leads::company_id.eq(own.clone())));
    }
    conditions
}

/// One location's leads, the company and scope checked on the location's row: the lead
/// conditions then name only `location_id`, so the `leads_location_*` indexes answer them
/// (counts without reading a single lead row).
fn location_in_scope(scope: &CompanyScope, company_id: &str, location_id: &str) -> Vec<Condition> {
    let own = match scope {
        CompanyScope::All => company_id.to_string(),
        CompanyScope::Company(own) => own.clone(),
    };
    let owner = locations::table
        .filter(locations::id.eq(location_id.to_string()))
        .filter(locations::company_id.eq(company_id.to_string()))
        .filter(locations::company_id.eq(own))
        .select(locations::id);
    vec![
        Box::new(leads::location_id.eq(location_id.to_string())),
        Box::new(leads::location_id.eq_any(owner)),
    ]
}

/// `%text%` with LIKE's wildcards escaped (escape character `\`).
fn contains(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The conditions of a filter, the status aside when `with_status` is false (counts per
/// status use the rest of the filter).
fn conditions(
    scope: &CompanyScope,
    company_id: &str,
    filter: &LeadFilter,
    with_status: bool,
) -> Vec<Condition> {
    let mut all = match &filter.location_id {
        Some(location_id) => location_in_scope(scope, company_id, location_id),
        None => in_scope(scope, company_id),
    };
    if let (true, Some(status)) = (with_status, filter.status) {
        all.push(Box::new(leads::status.eq(status)));
    }
    if let (true, Some(figure)) = (with_status, filter.figure) {
        all.extend(figure.conditions());
    }
    if let Some(since) = filter.received_since {
        all.push(Box::new(leads::received_at.ge(since)));
    }
    if let Some(from) = filter.received_from {
        all.push(Box::new(leads::received_at.ge(from)));
    }
    if let Some(until) = filter.received_until {
        all.push(Box::new(leads::received_at.lt(until)));
    }
    match &filter.search {
        None => {}
        Some(Search::LeadId(id)) => all.push(Box::new(leads::id.eq(id.clone()))),
        Some(Search::Phone(digits)) => {
            all.push(Box::new(
                leads::phone_digits
                    .assume_not_null()
                    .like(contains(digits))
                    .escape('\\'),
            ));
        }
        Some(Search::Words(words)) => {
            for word in words {
                all.push(Box::new(
                    leads::search_text
                        .assume_not_null()
                        .like(contains(word))
                        .escape('\\'),
                ));
            }
        }
    }
    all
}

/// One page of a company's leads matching `filter`, newest first, older than `after`.
pub fn list_leads(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    filter: &LeadFilter,
    after: Option<&Cursor>,
    limit: i64,
) -> QueryResult<Vec<LeadRow>> {
    let mut all = conditions(scope, company_id, filter, true);
    if let Some(cursor) = after {
        // `received_at <= t` bounds the index range on both databases; the OR only sorts
        // out the rows received at exactly `t`.
        all.push(Box::new(leads::received_at.le(cursor.received_at)));
        all.push(Box::new(
            leads::received_at
                .lt(cursor.received_at)
                .or(leads::id.lt(cursor.id.clone())),
        ));
    }
    leads::table
        .filter(and(all))
        .order((leads::received_at.desc(), leads::id.desc()))
        .limit(limit)
        .select(LeadRow::as_select())
        .load(conn)
}

/// How many leads match `filter` (its status aside), per status.
pub fn count_by_status(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    filter: &LeadFilter,
) -> QueryResult<Vec<(LeadStatus, i64)>> {
    leads::table
        .filter(and(conditions(scope, company_id, filter, false)))
        .group_by(leads::status)
        .select((leads::status, count_star()))
        .load(conn)
}

/// The cursor of a lead of the company (none when it is not one of its leads).
pub fn cursor_of(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    lead_id: &str,
) -> QueryResult<Option<Cursor>> {
    let mut all = in_scope(scope, company_id);
    all.push(Box::new(leads::id.eq(lead_id.to_string())));
    leads::table
        .filter(and(all))
        .select((leads::received_at, leads::id))
        .first::<(NaiveDateTime, String)>(conn)
        .optional()
        .map(|found| found.map(|(received_at, id)| Cursor { received_at, id }))
}

/// A lead in scope by id.
pub fn find_lead(conn: &mut DbConn, scope: &CompanyScope, id: &str) -> QueryResult<Lead> {
    let mut query = leads::table
        .filter(leads::id.eq(id))
        .select(Lead::as_select())
        .into_boxed();
    if let CompanyScope::Company(company_id) = scope {
        query = query.filter(leads::company_id.eq(company_id.clone()));
    }
    query.first(conn)
}

/// A lead's attempts, first to last.
pub fn attempts_of(
    conn: &mut DbConn,
    scope: &CompanyScope,
    lead_id: &str,
) -> QueryResult<Vec<Attempt>> {
    let mut query = delivery_attempts::table
        .inner_join(leads::table)
        .filter(delivery_attempts::lead_id.eq(lead_id))
        .order(delivery_attempts::id.asc())
        .select(Attempt::as_select())
        .into_boxed();
    if let CompanyScope::Company(company_id) = scope {
        query = query.filter(leads::company_id.eq(company_id.clone()));
    }
    query.load(conn)
}

/// A lead's replays and edits, first to last.
pub fn events_of(
    conn: &mut DbConn,
    scope: &CompanyScope,
    lead_id: &str,
) -> QueryResult<Vec<LeadEvent>> {
    let mut query = lead_events::table
        .inner_join(leads::table)
        .filter(lead_events::lead_id.eq(lead_id))
        .order(lead_events::id.asc())
        .select(LeadEvent::as_select())
        .into_boxed();
    if let CompanyScope::Company(company_id) = scope {
        query = query.filter(leads::company_id.eq(company_id.clone()));
    }
    query.load(conn)
}

/// Leads of a company received since `since`, counted per location and status.
pub fn count_by_location_and_status(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<(String, LeadStatus, i64)>> {
    let mut all = in_scope(scope, company_id);
    all.push(Box::new(leads::received_at.ge(since)));
    leads::table
        .filter(and(all))
        .group_by((leads::location_id, leads::status))
        .select((leads::location_id, leads::status, count_star()))
        .load(conn)
}

/// Leads of a company received in `[from, until)`, counted per status.
pub fn count_received_between(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<(LeadStatus, i64)>> {
    let filter = LeadFilter {
        received_from: Some(from),
        received_until: Some(until),
        ..LeadFilter::default()
    };
    count_by_status(conn, scope, company_id, &filter)
}

/// A company's newest failed or rejected leads, with their rejection errors (JSON).
pub fn newest_failures(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    limit: i64,
) -> QueryResult<Vec<(LeadRow, String)>> {
    let mut all = in_scope(scope, company_id);
    all.push(Box::new(
        leads::status.eq_any([LeadStatus::Failed, LeadStatus::Rejected]),
    ));
    leads::table
        .filter(and(all))
        .order((leads::received_at.desc(), leads::id.desc()))
        .limit(limit)
        .select((LeadRow::as_select(), leads::errors))
        .load(conn)
}

/// When a location of the company last received a lead.
pub fn last_received(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    location_id: &str,
) -> QueryResult<Option<NaiveDateTime>> {
    let all = location_in_scope(scope, company_id, location_id);
    leads::table
        .filter(and(all))
        .select(max(leads::received_at))
        .first(conn)
}

/// How many leads match `filter`, its status (or figure) included.
pub fn count_matching(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    filter: &LeadFilter,
) -> QueryResult<i64> {
    leads::table
        .filter(and(conditions(scope, company_id, filter, true)))
        .select(count_star())
        .first(conn)
}

/// Which of these leads of the company have warnings ([`crate::leads::figures::has_warnings`]).
pub fn with_warnings_among(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    ids: Vec<String>,
) -> QueryResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut all = in_scope(scope, company_id);
    all.push(Box::new(leads::id.eq_any(ids)));
    all.push(crate::leads::figures::has_warnings());
    leads::table.filter(and(all)).select(leads::id).load(conn)
}

/// Leads of a company received since `since` that match a figure, counted per location.
pub fn count_figure_by_location(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    figure: crate::leads::figures::Figure,
    since: Option<NaiveDateTime>,
) -> QueryResult<Vec<(String, i64)>> {
    let mut all = in_scope(scope, company_id);
    all.extend(figure.conditions());
    if let Some(since) = since {
        all.push(Box::new(leads::received_at.ge(since)));
    }
    leads::table
        .filter(and(all))
        .group_by(leads::location_id)
        .select((leads::location_id, count_star()))
        .load(conn)
}

/// Leads received since `since`, counted per company, across every company: it takes
/// [`crate::domain::scope::EveryCompany`], which only the platform scope gives.
pub fn count_every_company_since(
    conn: &mut DbConn,
    _every: &crate::domain::scope::EveryCompany,
    since: NaiveDateTime,
) -> QueryResult<Vec<(String, i64)>> {
    leads::table
        .filter(leads::received_at.ge(since))
        .group_by(leads::company_id)
        .select((leads::company_id, count_star()))
        .load(conn)
}

/// The ids of every lead of the company matching `filter` (status included), oldest first:
/// the set a bulk resend takes when it is confirmed.
pub fn matching_ids(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    filter: &LeadFilter,
) -> QueryResult<Vec<String>> {
    leads::table
        .filter(and(conditions(scope, company_id, filter, true)))
        .order((leads::received_at.asc(), leads::id.asc()))
        .select(leads::id)
        .load(conn)
}
