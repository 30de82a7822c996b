//! How many leads wait, read for the queue gauges of `/metrics`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use crate::db::DbConn;
use crate::leads::queue::DUE_LITERALS;
use crate::leads::status::LeadStatus;

/// The shared delivery queue, as the database holds it now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueDepth {
    /// Leads waiting for their first attempt.
    pub queued: i64,
    /// Leads waiting for a retry.
    pub retrying: i64,
    /// Leads waiting for their location to be fixed (paused, no key, key rejected).
    pub held: i64,
    /// The earliest due time among queued and retrying leads.
    pub oldest_due: Option<NaiveDateTime>,
}

#[derive(QueryableByName)]
struct StatusRow {
    #[diesel(sql_type = Text)]
    status: LeadStatus,
    #[diesel(sql_type = BigInt)]
    leads: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    oldest_due: Option<NaiveDateTime>,
}

// The status lists are literals, not bound parameters, so both backends can answer from the
// partial indexes `leads_due_idx` (queued, retrying) and `leads_held_idx` (held).
static QUEUE_DEPTH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT status, COUNT(*) AS leads, MIN(next_attempt_at) AS oldest_due FROM leads \
          WHERE status IN ({due}) GROUP BY status \
         UNION ALL \
         SELECT '{held}' AS status, COUNT(*) AS leads, NULL AS oldest_due FROM leads \
          WHERE status = '{held}'",
        due = DUE_LITERALS.as_str(),
        held = LeadStatus::Held.as_str(),
    )
});

/// Counts the leads waiting, by status, and finds the earliest due time.
pub fn queue_depth(conn: &mut DbConn) -> QueryResult<QueueDepth> {
    let rows: Vec<StatusRow> = diesel::sql_query(QUEUE_DEPTH.as_str()).load(conn)?;
    let mut depth = QueueDepth::default();
    for row in rows {
        match row.status {
            LeadStatus::Queued => depth.queued = row.leads,
            LeadStatus::Retrying => depth.retrying = row.leads,
            LeadStatus::Held => depth.held = row.leads,
            _ => continue,
        }
        depth.oldest_due = match (depth.oldest_due, row.oldest_due) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    Ok(depth)
}
