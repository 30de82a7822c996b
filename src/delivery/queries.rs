//! The delivery worker's queries: claiming due leads under a lease, recording attempts,
//! holding and re-queuing. Claims are backend-specific SQL (PostgreSQL's
//! `FOR UPDATE SKIP LOCKED`; SQLite's single writer), tested on both.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::accounts::queries::now;
use crate::db::DbConn;
use crate::db::schema::{delivery_attempts, leads, locations};

/// Lead statuses (SPEC §7).
pub mod status {
    /// Accepted, waiting for its first attempt.
    pub const QUEUED: &str = "queued";
    /// Waiting for a retry.
    pub const RETRYING: &str = "retrying";
    /// AccuLynx took it.
    pub const DELIVERED: &str = "delivered";
    /// AccuLynx refused it, or every retry failed.
    pub const FAILED: &str = "failed";
    /// Not a valid AccuLynx lead; can be edited and resent.
    pub const REJECTED: &str = "rejected";
    /// Waiting for the location to be fixed (paused, no key, key rejected).
    pub const HELD: &str = "held";
    /// The same lead arrived before; not sent again.
    pub const DUPLICATE: &str = "duplicate";
}

/// A lead claimed for delivery.
#[derive(Debug, Clone, QueryableByName)]
#[diesel(table_name = leads)]
pub struct ClaimedLead {
    /// Lead id.
    pub id: String,
    /// Its location.
    pub location_id: String,
    /// Its company.
    pub company_id: String,
    /// When it was accepted.
    pub received_at: NaiveDateTime,
    /// When it last entered the queue (the retry span starts here).
    pub queued_at: Option<NaiveDateTime>,
    /// The AccuLynx body to send.
    pub mapped_body: Option<String>,
    /// Attempts so far.
    pub attempts: i32,
    /// Retry steps used.
    pub retry_step: i32,
}

const CLAIM_COLUMNS: &str =
    "id, location_id, company_id, received_at, queued_at, mapped_body, attempts, retry_step";

/// Claims up to `limit` due leads for `owner` until `lease_until`.
pub fn claim_due(
    conn: &mut DbConn,
    owner: &str,
    limit: i64,
    lease_until: NaiveDateTime,
) -> QueryResult<Vec<ClaimedLead>> {
    let now = now();
    match conn {
        DbConn::Pg(pg) => diesel::sql_query(format!(
            "UPDATE leads SET lease_owner = $1, lease_until = $2 WHERE id IN ( \
                SELECT id FROM leads WHERE status IN ('queued', 'retrying') \
                AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < $3) \
                ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING {CLAIM_COLUMNS}"
        ))
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(pg),
        // One instance, and claims go through the single writer: no one else competes.
        DbConn::Sqlite(lite) => diesel::sql_query(format!(
            "UPDATE leads SET lease_owner = ?, lease_until = ? WHERE id IN ( \
                SELECT id FROM leads WHERE status IN ('queued', 'retrying') \
                AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) \
                ORDER BY next_attempt_at LIMIT ?) \
             RETURNING {CLAIM_COLUMNS}"
        ))
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(lite),
    }
}

/// When the next lead falls due (for sleeping until then), if any is waiting.
pub fn next_due(conn: &mut DbConn) -> QueryResult<Option<NaiveDateTime>> {
    leads::table
        .filter(leads::status.eq_any([status::QUEUED, status::RETRYING]))
        .select(diesel::dsl::min(leads::next_attempt_at))
        .first::<Option<NaiveDateTime>>(conn)
}

/// Releases leases: all of them (SQLite start-up: the previous run is gone), or one owner's.
pub fn release_leases(conn: &mut DbConn, owner: Option<&str>) -> QueryResult<usize> {
    let clear = (
        leads::lease_owner.eq(None::<String>),
        leads::lease_until.eq(None::<NaiveDateTime>),
    );
    match owner {
        Some(owner) => diesel::update(leads::table.filter(leads::lease_owner.eq(owner)))
            .set(clear)
            .execute(conn),
        None => diesel::update(leads::table.filter(leads::lease_owner.is_not_null()))
            .set(clear)
            .execute(conn),
    }
}

/// Releases one lead's lease without an attempt (shutdown before sending).
pub fn release_lead(conn: &mut DbConn, lead_id: &str, owner: &str) -> QueryResult<()> {
    diesel::update(
        leads::table
            .find(lead_id)
            .filter(leads::lease_owner.eq(owner)),
    )
    .set((
        leads::lease_owner.eq(None::<String>),
        leads::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .map(drop)
}

/// The location facts the worker needs.
#[derive(Debug, Clone, Queryable)]
pub struct DeliveryLocation {
    /// Id.
    pub id: String,
    /// Name (for the audit log).
    pub name: String,
    /// active | paused | deleted.
    pub status: String,
    /// Sealed key.
    pub acculynx_key: Option<Vec<u8>>,
    /// missing | untested | valid | rejected.
    pub key_status: String,
}

/// Loads the locations of a batch of claimed leads, in one query.
pub fn delivery_locations(
    conn: &mut DbConn,
    location_ids: &[String],
) -> QueryResult<Vec<DeliveryLocation>> {
    locations::table
        .filter(locations::id.eq_any(location_ids))
        .select((
            locations::id,
            locations::name,
            locations::status,
            locations::acculynx_key,
            locations::key_status,
        ))
        .load(conn)
}

/// A new lead state after an attempt, or without one (held before sending).
#[derive(Debug, Clone)]
pub struct LeadUpdate {
    /// New status.
    pub status: &'static str,
    /// Retry steps used.
    pub retry_step: i32,
    /// When to try next (queued/retrying), else `None`.
    pub next_attempt_at: Option<NaiveDateTime>,
    /// The last HTTP status, when an attempt got one.
    pub last_http_status: Option<i32>,
    /// Why it is not delivered, in words.
    pub last_error: Option<String>,
    /// Whether this update counts an attempt.
    pub counts_attempt: bool,
}

/// A recorded attempt.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = delivery_attempts)]
pub struct NewAttempt {
    /// Lead.
    pub lead_id: String,
    /// 1-based.
    pub number: i32,
    /// When sent.
    pub started_at: NaiveDateTime,
    /// How long.
    pub duration_ms: i32,
    /// The body sent.
    pub request_body: Option<String>,
    /// Status, if answered.
    pub http_status: Option<i32>,
    /// Headers of interest (JSON).
    pub response_headers: String,
    /// First 8 KiB.
    pub response_body: Option<String>,
    /// Network error.
    pub error: Option<String>,
    /// delivered | failed | held | retrying | rate_limited.
    pub outcome: String,
    /// Plain-English summary.
    pub summary: String,
}

/// Records an attempt (if any) and the lead's new state, releasing the lease. Returns false
/// when the lease was no longer ours (another worker took the lead over after it expired):
/// the attempt is still recorded, the state is left to the new owner.
pub fn record(
    conn: &mut DbConn,
    lead_id: &str,
    owner: &str,
    attempt: Option<NewAttempt>,
    update: &LeadUpdate,
) -> QueryResult<bool> {
    let at = now();
    if let Some(attempt) = attempt {
        diesel::insert_into(delivery_attempts::table)
            .values(&attempt)
            .execute(conn)?;
    }
    let mine = leads::table
        .find(lead_id)
        .filter(leads::lease_owner.eq(owner));
    let state = (
        leads::status.eq(update.status),
        leads::retry_step.eq(update.retry_step),
        leads::next_attempt_at.eq(update.next_attempt_at),
        leads::last_error.eq(update.last_error.as_deref()),
        leads::lease_owner.eq(None::<String>),
        leads::lease_until.eq(None::<NaiveDateTime>),
        leads::updated_at.eq(at),
    );
    let counted = (
        leads::attempts.eq(leads::attempts + 1),
        leads::last_http_status.eq(update.last_http_status),
    );
    // One statement per outcome: this is the hot path of every delivery.
    let changed = match (update.counts_attempt, update.status == status::DELIVERED) {
        (true, true) => diesel::update(mine)
            .set((state, counted, leads::delivered_at.eq(Some(at))))
            .execute(conn)?,
        (true, false) => diesel::update(mine).set((state, counted)).execute(conn)?,
        (false, _) => diesel::update(mine).set(state).execute(conn)?,
    };
    if changed == 0 {
        return Ok(false);
    }
    Ok(true)
}

/// AccuLynx refused the location's key: flag it and hold its waiting leads. Returns whether
/// the key was not already flagged (so the caller records it once).
pub fn flag_rejected_key(conn: &mut DbConn, location_id: &str, message: &str) -> QueryResult<bool> {
    let at = now();
    let newly = diesel::update(
        locations::table
            .find(location_id)
            .filter(locations::key_status.ne("rejected")),
    )
    .set((
        locations::key_status.eq("rejected"),
        locations::key_checked_at.eq(Some(at)),
        locations::key_check_message.eq(Some(message)),
        locations::updated_at.eq(at),
    ))
    .execute(conn)?
        > 0;
    diesel::update(
        leads::table
            .filter(leads::location_id.eq(location_id))
            .filter(leads::status.eq_any([status::QUEUED, status::RETRYING]))
            .filter(leads::lease_owner.is_null()),
    )
    .set((
        leads::status.eq(status::HELD),
        leads::next_attempt_at.eq(None::<NaiveDateTime>),
        leads::last_error.eq(Some(message)),
        leads::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(newly)
}

/// Puts a location's held leads back in the queue (a new key was saved, or it was resumed).
/// Returns how many.
pub fn requeue_held(conn: &mut DbConn, location_id: &str) -> QueryResult<usize> {
    let at = now();
    diesel::update(
        leads::table
            .filter(leads::location_id.eq(location_id))
            .filter(leads::status.eq(status::HELD)),
    )
    .set((
        leads::status.eq(status::QUEUED),
        leads::next_attempt_at.eq(Some(at)),
        leads::queued_at.eq(Some(at)),
        leads::last_error.eq(None::<String>),
        leads::updated_at.eq(at),
    ))
    .execute(conn)
}
