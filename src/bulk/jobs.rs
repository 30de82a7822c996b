//! The bulk-resend service: which leads a request takes (read from a lead list's query, or
//! the command line's flags), the job that takes them (ids captured at confirmation, one
//! audit entry), and one chunk of a job's work (leads put back in the queue through the
//! replay path, in one transaction).

use diesel::QueryResult;

use crate::audit::{self, Action, Actor};
use crate::bulk::model::{NewResendJob, RUNNING, ResendJob};
use crate::bulk::queries;
use crate::db::DbConn;
use crate::delivery::replay::{ReplayError, resend_in_bulk};
use crate::domain::scope::CompanyScope;
use crate::history::filter::LeadQuery;
use crate::leads::figures::Period;
use crate::leads::filter::LeadFilter;
use crate::leads::lists;
use crate::leads::status::LeadStatus;

/// Leads one chunk of a job puts back in the queue (one transaction).
pub const CHUNK: i64 = 100;

/// What a bulk resend takes: a company's (or one location's) failed or held leads under a
/// list's filter.
#[derive(Debug, Clone)]
pub struct ResendRequest {
    /// The company.
    pub company_id: String,
    /// One of its locations (id, name), or all.
    pub location: Option<(String, String)>,
    /// `failed` or `held`.
    pub status: LeadStatus,
    /// The list's filter, status included.
    pub filter: LeadFilter,
    /// The filter in words.
    pub words: String,
    /// The list it comes from (path and query).
    pub list_href: String,
}

/// Whose leads: the company, one of its locations, and the list path.
#[derive(Debug, Clone)]
pub struct ResendTarget {
    /// Company id.
    pub company_id: String,
    /// Company name.
    pub company_name: String,
    /// One location (id, name), or all.
    pub location: Option<(String, String)>,
    /// The list's path (`/locations/{id}/leads` or `/companies/{slug}/leads`).
    pub list_path: String,
}

/// The statuses a bulk resend takes.
pub const RESENDABLE: [LeadStatus; 2] = [LeadStatus::Failed, LeadStatus::Held];

/// Reads a lead list's query into a request; days are read in `time_zone`. Refuses, with a
/// sentence, a status other than failed or held and any part it cannot read (a bulk action
/// must not guess).
pub fn read_request(
    query: &LeadQuery,
    time_zone: &str,
    target: &ResendTarget,
) -> Result<ResendRequest, String> {
    let typed = query.status.as_deref().map(str::trim).unwrap_or_default();
    let status = LeadStatus::parse(typed)
        .filter(|status| RESENDABLE.contains(status))
        .ok_or_else(|| {
            if typed.is_empty() {
                "Choose the status Failed or Held first: only failed or held leads can be resent together.".to_string()
            } else {
                format!(
                    "Only failed or held leads can be resent together, not \"{typed}\"; choose the status Failed or Held."
                )
            }
        })?;
    let query = LeadQuery {
        status: Some(status.as_str().to_string()),
        before: None,
        ..query.clone()
    };
    let parsed = query.parse(
        time_zone,
        target.location.as_ref().map(|(id, _)| id.clone()),
    );
    if !parsed.problems.is_empty() {
        return Err(parsed
            .problems
            .iter()
            .map(|problem| problem.replace(", so it is not applied", ""))
            .collect::<Vec<_>>()
            .join(" "));
    }
    if let (Some(from), Some(until)) = (parsed.filter.received_from, parsed.filter.received_until)
        && from >= until
    {
        return Err("The from date is after the to date; no lead can match.".to_string());
    }
    Ok(ResendRequest {
        company_id: target.company_id.clone(),
        location: target.location.clone(),
        status,
        words: words_of(&query, status, target, time_zone),
        list_href: query.href(&target.list_path),
        filter: parsed.filter,
    })
}

/// The filter in words: "failed leads of North Denver received from 2026-12-01 to
/// 2026-12-05 (days in America/Denver)".
fn words_of(query: &LeadQuery, status: LeadStatus, target: &ResendTarget, zone: &str) -> String {
    let given = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_string)
    };
    let mut words = match &target.location {
        Some((_, name)) => format!("{} leads of {name}", status.as_str()),
        None => format!(
            "{} leads of every location of {}",
            status.as_str(),
            target.company_name
        ),
    };
    if let Some(period) = given(&query.period).as_deref().and_then(Period::parse) {
        words.push_str(&format!(" received in {}", period.label()));
    }
    match (given(&query.from), given(&query.to)) {
        (Some(from), Some(to)) => {
            words.push_str(&format!(" received from {from} to {to} (days in {zone})"));
        }
        (Some(from), None) => words.push_str(&format!(" received on or after {from} ({zone})")),
        (None, Some(to)) => words.push_str(&format!(" received up to {to} ({zone})")),
        (None, None) => {}
    }
    if let Some(q) = given(&query.q) {
        words.push_str(&format!(" matching \"{q}\""));
    }
    words
}

/// How many leads the request takes right now.
pub fn count(conn: &mut DbConn, scope: &CompanyScope, request: &ResendRequest) -> QueryResult<i64> {
    lists::count_matching(conn, scope, &request.company_id, &request.filter)
}

/// Why a job was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// No lead matches.
    #[error("No lead matches this filter, so there is nothing to resend.")]
    Nothing,
    /// The number of matching leads is not the one confirmed.
    #[error("The number of matching leads changed to {0} since it was shown.")]
    Changed(i64),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

/// Creates the job: captures the ids of the leads the request takes now (`expected` of
/// them, when given: the number the person confirmed), and records one audit entry with the
/// count and the filter. The caller wakes the runner.
pub fn create_job(
    conn: &mut DbConn,
    scope: &CompanyScope,
    actor: &Actor,
    request: &ResendRequest,
    expected: Option<i64>,
) -> Result<ResendJob, CreateError> {
    crate::db::write_transaction(conn, |conn| {
        let ids = lists::matching_ids(conn, scope, &request.company_id, &request.filter)?;
        let found = ids.len() as i64;
        if found == 0 {
            return Err(CreateError::Nothing);
        }
        if expected.is_some_and(|expected| expected != found) {
            return Err(CreateError::Changed(found));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let now = crate::db::now();
        let total = i32::try_from(found).unwrap_or(i32::MAX);
        queries::insert_job(
            conn,
            &NewResendJob {
                id: &id,
                company_id: &request.company_id,
                location_id: request.location.as_ref().map(|(id, _)| id.as_str()),
                lead_status: request.status.as_str(),
                filter_words: &request.words,
                list_href: &request.list_href,
                total,
                created_by: &actor.label,
                created_by_user_id: actor.user_id.as_deref(),
                state: RUNNING,
                created_at: now,
                updated_at: now,
            },
        )?;
        queries::insert_items(conn, &id, &ids)?;
        audit::record(
            conn,
            actor,
            Some(&request.company_id),
            Action::LeadsBulkResent,
            &format!("{} leads", crate::history::pages::thousands(found)),
            &format!("{}; resend job {id}", request.words),
        )?;
        Ok(queries::find_job(conn, scope, &id)?)
    })
}

/// What one chunk did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChunkDone {
    /// Leads put back in the queue.
    pub queued: i32,
    /// Leads that could not be sent again.
    pub skipped: i32,
}

/// Puts the next [`CHUNK`] pending leads of the job back in the queue, in one transaction,
/// in the job's company only. Each lead is first marked as taken (only if still pending, so
/// two instances never both send it), then sent again through the replay path; a lead that
/// can no longer be sent is marked skipped with the reason.
pub fn run_chunk(conn: &mut DbConn, job: &ResendJob) -> QueryResult<ChunkDone> {
    let scope = CompanyScope::Company(job.company_id.clone());
    let actor_label = format!("{} (bulk resend)", job.created_by);
    crate::db::write_transaction(conn, |conn| {
        let mut done = ChunkDone::default();
        for lead_id in queries::pending_chunk(conn, &scope, job, CHUNK)? {
            if !queries::take_item(conn, &scope, job, &lead_id)? {
                continue;
            }
            match resend_in_bulk(conn, &scope, &actor_label, &job.id, &lead_id) {
                Ok(_) => done.queued += 1,
                Err(ReplayError::Database(err)) => return Err(err),
                Err(refused) => {
                    let reason = match refused {
                        ReplayError::NotFound => "The lead is no longer there.".to_string(),
                        other => other.to_string(),
                    };
                    queries::mark_skipped(conn, &scope, job, &lead_id, &reason)?;
                    done.skipped += 1;
                }
            }
        }
        queries::add_progress(
            conn,
            &scope,
            job,
            done.queued,
            done.skipped,
            crate::db::now(),
        )?;
        Ok(done)
    })
}
