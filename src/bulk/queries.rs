//! The bulk-resend tables. Every query takes the caller's scope first and reaches items only
//! through a job of a company in that scope (SPEC §3).

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::bulk::model::{
    FINISHED, ITEM_PENDING, ITEM_QUEUED, ITEM_SKIPPED, NewResendItem, NewResendJob, RUNNING,
    ResendJob,
};
use crate::db::DbConn;
use crate::db::schema::{bulk_resend_items, bulk_resend_jobs, leads};
use crate::domain::scope::{CompanyScope, EveryCompany};
use crate::leads::status::LeadStatus;

/// Rows per multi-row INSERT of items.
const INSERT_CHUNK: usize = 500;

/// Stores a new job.
pub fn insert_job(conn: &mut DbConn, job: &NewResendJob<'_>) -> QueryResult<()> {
    diesel::insert_into(bulk_resend_jobs::table)
        .values(job)
        .execute(conn)
        .map(drop)
}

/// Stores the leads a job takes, all pending. Multi-row INSERTs, matched on the backend:
/// batch inserts do not compile through `MultiConnection`.
pub fn insert_items(conn: &mut DbConn, job_id: &str, lead_ids: &[String]) -> QueryResult<()> {
    for chunk in lead_ids.chunks(INSERT_CHUNK) {
        let rows: Vec<NewResendItem<'_>> = chunk
            .iter()
            .map(|lead_id| NewResendItem {
                job_id,
                lead_id,
                state: ITEM_PENDING,
            })
            .collect();
        let insert = diesel::insert_into(bulk_resend_items::table).values(&rows);
        match conn {
            DbConn::Sqlite(lite) => insert.execute(lite)?,
            DbConn::Pg(pg) => insert.execute(pg)?,
        };
    }
    Ok(())
}

/// A job of a company in scope.
pub fn find_job(conn: &mut DbConn, scope: &CompanyScope, id: &str) -> QueryResult<ResendJob> {
    let mut query = bulk_resend_jobs::table
        .filter(bulk_resend_jobs::id.eq(id))
        .select(ResendJob::as_select())
        .into_boxed();
    if let CompanyScope::Company(company_id) = scope {
        query = query.filter(bulk_resend_jobs::company_id.eq(company_id.clone()));
    }
    query.first(conn)
}

/// Every running job, of every company, oldest first: what the runner works on.
pub fn list_running(conn: &mut DbConn, _every: &EveryCompany) -> QueryResult<Vec<ResendJob>> {
    bulk_resend_jobs::table
        .filter(bulk_resend_jobs::state.eq(RUNNING))
        .order((
            bulk_resend_jobs::created_at.asc(),
            bulk_resend_jobs::id.asc(),
        ))
        .select(ResendJob::as_select())
        .load(conn)
}

/// A company's newest jobs (of one location, or of all).
pub fn list_recent(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
    location_id: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ResendJob>> {
    let mut query = bulk_resend_jobs::table
        .filter(bulk_resend_jobs::company_id.eq(company_id.to_string()))
        .order((
            bulk_resend_jobs::created_at.desc(),
            bulk_resend_jobs::id.desc(),
        ))
        .limit(limit)
        .select(ResendJob::as_select())
        .into_boxed();
    if let CompanyScope::Company(own) = scope {
        query = query.filter(bulk_resend_jobs::company_id.eq(own.clone()));
    }
    if let Some(location_id) = location_id {
        query = query.filter(bulk_resend_jobs::location_id.eq(location_id.to_string()));
    }
    query.load(conn)
}

/// The job's own id, as a subquery items are filtered by: only when the job belongs to its
/// company and that company is in scope (a plain subquery; a boxed one does not compile inside
/// an unboxed query through `MultiConnection`).
macro_rules! job_in_scope {
    ($scope:expr, $job:expr) => {{
        let own = match $scope {
            CompanyScope::All => $job.company_id.clone(),
            CompanyScope::Company(own) => own.clone(),
        };
        bulk_resend_jobs::table
            .filter(bulk_resend_jobs::id.eq($job.id.clone()))
            .filter(bulk_resend_jobs::company_id.eq($job.company_id.clone()))
            .filter(bulk_resend_jobs::company_id.eq(own))
            .select(bulk_resend_jobs::id)
    }};
}

/// The company a scope lets a job's rows be changed for: its own when the scope is one company.
fn own_company(scope: &CompanyScope, job: &ResendJob) -> String {
    match scope {
        CompanyScope::All => job.company_id.clone(),
        CompanyScope::Company(own) => own.clone(),
    }
}

/// The next `limit` leads the job has not dealt with, in id order.
pub fn pending_chunk(
    conn: &mut DbConn,
    scope: &CompanyScope,
    job: &ResendJob,
    limit: i64,
) -> QueryResult<Vec<String>> {
    bulk_resend_items::table
        .filter(bulk_resend_items::job_id.eq_any(job_in_scope!(scope, job)))
        .filter(bulk_resend_items::state.eq(ITEM_PENDING))
        .order(bulk_resend_items::lead_id.asc())
        .limit(limit)
        .select(bulk_resend_items::lead_id)
        .load(conn)
}

/// Marks a pending lead of the job as taken (queued); false when it was no longer pending
/// (another instance took it): so a lead is sent at most once per job.
pub fn take_item(
    conn: &mut DbConn,
    scope: &CompanyScope,
    job: &ResendJob,
    lead_id: &str,
) -> QueryResult<bool> {
    let changed = diesel::update(
        bulk_resend_items::table
            .filter(bulk_resend_items::job_id.eq_any(job_in_scope!(scope, job)))
            .filter(bulk_resend_items::lead_id.eq(lead_id))
            .filter(bulk_resend_items::state.eq(ITEM_PENDING)),
    )
    .set(bulk_resend_items::state.eq(ITEM_QUEUED))
    .execute(conn)?;
    Ok(changed > 0)
}

/// Marks a lead the job took as not sent again, saying why.
pub fn mark_skipped(
    conn: &mut DbConn,
    scope: &CompanyScope,
    job: &ResendJob,
    lead_id: &str,
    reason: &str,
) -> QueryResult<()> {
    diesel::update(
        bulk_resend_items::table
            .filter(bulk_resend_items::job_id.eq_any(job_in_scope!(scope, job)))
            .filter(bulk_resend_items::lead_id.eq(lead_id)),
    )
    .set((
        bulk_resend_items::state.eq(ITEM_SKIPPED),
        bulk_resend_items::reason.eq(Some(reason)),
    ))
    .execute(conn)
    .map(drop)
}

/// Adds to the job's counts; finishes it when no lead is pending any more.
pub fn add_progress(
    conn: &mut DbConn,
    scope: &CompanyScope,
    job: &ResendJob,
    done: i32,
    failed: i32,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let own = own_company(scope, job);
    diesel::update(
        bulk_resend_jobs::table
            .filter(bulk_resend_jobs::id.eq(&job.id))
            .filter(bulk_resend_jobs::company_id.eq(&job.company_id))
            .filter(bulk_resend_jobs::company_id.eq(&own)),
    )
    .set((
        bulk_resend_jobs::done.eq(bulk_resend_jobs::done + done),
        bulk_resend_jobs::failed.eq(bulk_resend_jobs::failed + failed),
        bulk_resend_jobs::updated_at.eq(now),
    ))
    .execute(conn)?;
    let pending: i64 = bulk_resend_items::table
        .filter(bulk_resend_items::job_id.eq_any(job_in_scope!(scope, job)))
        .filter(bulk_resend_items::state.eq(ITEM_PENDING))
        .select(count_star())
        .first(conn)?;
    if pending == 0 {
        diesel::update(
            bulk_resend_jobs::table
                .filter(bulk_resend_jobs::id.eq(&job.id))
                .filter(bulk_resend_jobs::company_id.eq(&job.company_id))
                .filter(bulk_resend_jobs::company_id.eq(&own))
                .filter(bulk_resend_jobs::state.eq(RUNNING)),
        )
        .set((
            bulk_resend_jobs::state.eq(FINISHED),
            bulk_resend_jobs::finished_at.eq(Some(now)),
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// How many of the leads the job queued are still waiting for their first attempt: the
/// job's share of the delivery queue.
pub fn backlog(conn: &mut DbConn, scope: &CompanyScope, job: &ResendJob) -> QueryResult<i64> {
    let queued = bulk_resend_items::table
        .filter(bulk_resend_items::job_id.eq_any(job_in_scope!(scope, job)))
        .filter(bulk_resend_items::state.eq(ITEM_QUEUED))
        .select(bulk_resend_items::lead_id);
    leads::table
        .filter(leads::company_id.eq(job.company_id.clone()))
        .filter(leads::status.eq(LeadStatus::Queued))
        .filter(leads::id.eq_any(queued))
        .select(count_star())
        .first(conn)
}

/// Where the leads the job queued stand now, per status.
pub fn queued_lead_statuses(
    conn: &mut DbConn,
    scope: &CompanyScope,
    job: &ResendJob,
) -> QueryResult<Vec<(LeadStatus, i64)>> {
    let queued = bulk_resend_items::table
        .filter(bulk_resend_items::job_id.eq_any(job_in_scope!(scope, job)))
        .filter(bulk_resend_items::state.eq(ITEM_QUEUED))
        .select(bulk_resend_items::lead_id);
    leads::table
        .filter(leads::company_id.eq(job.company_id.clone()))
        .filter(leads::id.eq_any(queued))
        .group_by(leads::status)
        .select((leads::status, count_star()))
        .load(conn)
}

/// Up to `limit` leads the job could not send again, with the reason.
pub fn skipped_items(
    conn: &mut DbConn,
    scope: &CompanyScope,
    job: &ResendJob,
    limit: i64,
) -> QueryResult<Vec<(String, Option<String>)>> {
    bulk_resend_items::table
        .filter(bulk_resend_items::job_id.eq_any(job_in_scope!(scope, job)))
        .filter(bulk_resend_items::state.eq(ITEM_SKIPPED))
        .order(bulk_resend_items::lead_id.asc())
        .limit(limit)
        .select((bulk_resend_items::lead_id, bulk_resend_items::reason))
        .load(conn)
}
