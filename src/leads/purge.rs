//! The retention purge's writes (SPEC §8): one batch of finished leads loses its payloads —
//! the body received and its headers, the AccuLynx lead, what each attempt sent and AccuLynx's
//! answers, and the AccuLynx lead kept from before each edit. The policy and its schedule are
//! `history::retention`'s.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{delivery_attempts, lead_events, leads};
use crate::leads::status::{EventKind, LeadStatus};

/// Leads purged per transaction.
pub const BATCH_SIZE: i64 = 2_000;

/// What one batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchCounts {
    /// Leads found to purge (fewer than the limit: the last batch).
    pub candidates: usize,
    /// Leads purged (fewer than `candidates` when another instance purged some first).
    pub leads: usize,
    /// Attempts whose bodies were purged.
    pub attempts: usize,
    /// Edits whose earlier AccuLynx lead was purged.
    pub edits: usize,
}

/// Purges up to `limit` finished leads received before `cutoff`, oldest first, marking
/// them purged at `purged_at`. Call it in a write transaction.
pub fn purge_batch(
    conn: &mut DbConn,
    cutoff: NaiveDateTime,
    purged_at: NaiveDateTime,
    limit: i64,
) -> QueryResult<BatchCounts> {
    let finals = LeadStatus::FINAL;
    // `leads_with_payload_idx` holds only leads not purged yet.
    let ids: Vec<String> = leads::table
        .filter(leads::payload_purged_at.is_null())
        .filter(leads::received_at.lt(cutoff))
        .filter(leads::status.eq_any(finals))
        .order(leads::received_at.asc())
        .limit(limit)
        .select(leads::id)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(BatchCounts {
            candidates: 0,
            leads: 0,
            attempts: 0,
            edits: 0,
        });
    }
    // Conditions repeated: on PostgreSQL another instance may have purged (or a replay
    // re-queued) some of these leads since they were read.
    let purged = diesel::update(
        leads::table
            .filter(leads::id.eq_any(&ids))
            .filter(leads::payload_purged_at.is_null())
            .filter(leads::status.eq_any(finals)),
    )
    .set((
        leads::raw_body.eq(None::<String>),
        leads::mapped_body.eq(None::<String>),
        leads::request_headers.eq("{}"),
        leads::payload_purged_at.eq(Some(purged_at)),
    ))
    .execute(conn)?;
    let attempts = diesel::update(
        delivery_attempts::table
            .filter(delivery_attempts::lead_id.eq_any(&ids))
            .filter(
                delivery_attempts::request_body
                    .is_not_null()
                    .or(delivery_attempts::response_body.is_not_null()),
            ),
    )
    .set((
        delivery_attempts::request_body.eq(None::<String>),
        delivery_attempts::response_body.eq(None::<String>),
    ))
    .execute(conn)?;
    // An edit keeps the AccuLynx lead as it was before (SPEC §7): a payload too.
    let edits = diesel::update(
        lead_events::table
            .filter(lead_events::lead_id.eq_any(&ids))
            .filter(lead_events::kind.eq(EventKind::Edited))
            .filter(lead_events::detail.ne("")),
    )
    .set(lead_events::detail.eq(""))
    .execute(conn)?;
    Ok(BatchCounts {
        candidates: ids.len(),
        leads: purged,
        attempts,
        edits,
    })
}
