//! The delivery queue, as rows of `leads`: claiming due leads under a lease, recording each
//! result, holding and re-queuing a location's leads. Claims are backend-specific SQL
//! (PostgreSQL's `FOR UPDATE SKIP LOCKED`; SQLite's single writer), tested on both.

use std::sync::LazyLock;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::db::schema::{delivery_attempts, leads};
use crate::db::{DbConn, now};
use crate::leads::model::{ClaimedLead, LeadUpdate, NewAttempt};
use crate::leads::status::LeadStatus;

/// `'queued', 'retrying'`: the due statuses as SQL literals, so both backends answer from the
/// partial index `leads_due_idx` (a bound parameter would hide which rows qualify).
pub(crate) static DUE_LITERALS: LazyLock<String> = LazyLock::new(|| {
    LeadStatus::DUE
        .iter()
        .map(|status| format!("'{}'", status.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
});

const CLAIM_COLUMNS: &str = "id, location_id, company_id, received_at, queued_at, mapped_body, attempts, retry_step, lease_until";

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
                SELECT id FROM leads WHERE status IN ({due}) \
                AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < $3) \
                ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING {CLAIM_COLUMNS}",
            due = DUE_LITERALS.as_str()
        ))
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(pg),
        // One instance, and claims go through the single writer: no one else competes.
        DbConn::Sqlite(lite) => diesel::sql_query(format!(
            "UPDATE leads SET lease_owner = ?, lease_until = ? WHERE id IN ( \
                SELECT id FROM leads WHERE status IN ({due}) \
                AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) \
                ORDER BY next_attempt_at LIMIT ?) \
             RETURNING {CLAIM_COLUMNS}",
            due = DUE_LITERALS.as_str()
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
        .filter(leads::status.eq_any(LeadStatus::DUE))
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
/// Extends the lease of a lead still waiting to be sent, only if it is still the lease this
/// worker took (`current`): `false` when the lead was claimed again meanwhile, so the waiting
/// send must not go out (it would be a second copy).
pub fn renew_lease(
    conn: &mut DbConn,
    lead_id: &str,
    owner: &str,
    current: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        leads::table
            .find(lead_id)
            .filter(leads::lease_owner.eq(owner))
            .filter(leads::lease_until.eq(current)),
    )
    .set(leads::lease_until.eq(until))
    .execute(conn)
    .map(|changed| changed == 1)
}

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
    let changed = match (
        update.counts_attempt,
        update.status == LeadStatus::Delivered,
    ) {
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

/// Adds timeline rows (a v2 delivery's steps) without changing the lead.
pub fn insert_attempts(conn: &mut DbConn, rows: &[NewAttempt]) -> QueryResult<()> {
    for row in rows {
        diesel::insert_into(delivery_attempts::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Holds a location's waiting leads (its key was refused), saying why.
pub fn hold_waiting(conn: &mut DbConn, location_id: &str, message: &str) -> QueryResult<usize> {
    let at = now();
    diesel::update(
        leads::table
            .filter(leads::location_id.eq(location_id))
            .filter(leads::status.eq_any(LeadStatus::DUE))
            .filter(leads::lease_owner.is_null()),
    )
    .set((
        leads::status.eq(LeadStatus::Held),
        leads::next_attempt_at.eq(None::<NaiveDateTime>),
        leads::last_error.eq(Some(message)),
        leads::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Puts a location's held leads back in the queue (a new key was saved, or it was resumed).
/// Returns how many.
pub fn requeue_held(conn: &mut DbConn, location_id: &str) -> QueryResult<usize> {
    let at = now();
    diesel::update(
        leads::table
            .filter(leads::location_id.eq(location_id))
            .filter(leads::status.eq(LeadStatus::Held)),
    )
    .set((
        leads::status.eq(LeadStatus::Queued),
        leads::next_attempt_at.eq(Some(at)),
        leads::queued_at.eq(Some(at)),
        leads::last_error.eq(None::<String>),
        leads::updated_at.eq(at),
    ))
    .execute(conn)
}
