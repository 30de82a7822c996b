//! Storing a lead as it arrives: one row, and the dedupe lookup that precedes it. Both run
//! inside one group-commit job, so two identical leads arriving together at one instance are
//! told apart in order.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::leads;
use crate::leads::model::Lead;
use crate::leads::status::LeadStatus;

/// The newest lead of the location with this dedupe key: (its id, when it arrived, the
/// original it duplicates if it is a duplicate). This runs for every lead, so the statement
/// must stay prepared: recent SQLite versions re-plan a statement on every call when a bound
/// parameter can change its plan — a `LIMIT ?`, a range on the window — so the query has
/// neither: it reads the newest row and stops, and the caller checks the window.
pub fn find_latest_sighting(
    conn: &mut DbConn,
    location_id: &str,
    dedupe_key: &str,
) -> QueryResult<Option<(String, NaiveDateTime, Option<String>)>> {
    leads::table
        .filter(leads::location_id.eq(location_id))
        .filter(leads::dedupe_key.eq(dedupe_key))
        .order(leads::received_at.desc())
        .select((leads::id, leads::received_at, leads::duplicate_of))
        .load_iter::<(String, NaiveDateTime, Option<String>), diesel::connection::DefaultLoadingMode>(conn)?
        .next()
        .transpose()
}

/// Stores a lead. A non-rejected lead identical to one seen at the location within the
/// window (hours; 0 = off; duplicates count as sightings) is stored as a duplicate of the
/// first of them. Returns the stored row.
pub fn store(conn: &mut DbConn, mut lead: Lead, dedupe_window_hours: u32) -> QueryResult<Lead> {
    if dedupe_window_hours > 0
        && let Some(key) = lead.dedupe_key.as_deref()
    {
        let since = lead.received_at - chrono::TimeDelta::hours(i64::from(dedupe_window_hours));
        if let Some((latest, _, original)) = find_latest_sighting(conn, &lead.location_id, key)?
            .filter(|(_, received_at, _)| *received_at >= since)
        {
            let original = original.unwrap_or(latest);
            lead.status = LeadStatus::Duplicate;
            lead.duplicate_of = Some(original);
            lead.next_attempt_at = None;
        }
    }
    diesel::insert_into(leads::table)
        .values(&lead)
        .execute(conn)?;
    Ok(lead)
}
