//! Storing a lead as it arrives: one row, and the dedupe lookup that precedes it. Both run
//! inside one group-commit job (on PostgreSQL, the leads of one batch as one INSERT), so two
//! identical leads arriving together at one instance are told apart in order.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::group_commit::GroupWrite;
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
pub fn store(conn: &mut DbConn, lead: Lead, dedupe_window_hours: u32) -> QueryResult<Lead> {
    let arriving = Arriving {
        lead,
        dedupe_window_hours,
    };
    let mut stored = store_all(conn, &[&arriving])?;
    stored.pop().ok_or(diesel::result::Error::NotFound)
}

/// A lead as it arrives, with its location's dedupe window: one item of a group-commit
/// batch, written with the others of the batch in one INSERT (PostgreSQL).
#[derive(Debug, Clone)]
pub struct Arriving {
    /// The lead, as mapped from the request.
    pub lead: Lead,
    /// The location's dedupe window in hours (0 = off).
    pub dedupe_window_hours: u32,
}

impl GroupWrite for Arriving {
    type Output = Lead;

    fn write_all(conn: &mut DbConn, items: &[&Self]) -> QueryResult<Vec<Lead>> {
        store_all(conn, items)
    }
}

/// Stores leads in their order, in one INSERT: each is checked for a sighting among the
/// stored leads and the ones before it, as [`store`] says.
fn store_all(conn: &mut DbConn, items: &[&Arriving]) -> QueryResult<Vec<Lead>> {
    let mut leads: Vec<Lead> = Vec::with_capacity(items.len());
    for item in items {
        let mut lead = item.lead.clone();
        if item.dedupe_window_hours > 0
            && let Some(key) = lead.dedupe_key.as_deref()
        {
            let since =
                lead.received_at - chrono::TimeDelta::hours(i64::from(item.dedupe_window_hours));
            let earlier = leads
                .iter()
                .rev()
                .find(|before| {
                    before.location_id == lead.location_id
                        && before.dedupe_key.as_deref() == Some(key)
                })
                .map(|before| {
                    (
                        before.id.clone(),
                        before.received_at,
                        before.duplicate_of.clone(),
                    )
                });
            let latest = match earlier {
                Some(sighting) => Some(sighting),
                None => find_latest_sighting(conn, &lead.location_id, key)?,
            };
            if let Some((latest, _, original)) =
                latest.filter(|(_, received_at, _)| *received_at >= since)
            {
                lead.status = LeadStatus::Duplicate;
                lead.duplicate_of = Some(original.unwrap_or(latest));
                lead.next_attempt_at = None;
            }
        }
        leads.push(lead);
    }
    match conn {
        // Many rows in one statement (not kept prepared, since its length varies; one row
        // goes as the prepared single-row INSERT below).
        DbConn::Pg(pg) if leads.len() > 1 => {
            diesel::insert_into(leads::table)
                .values(&leads)
                .execute(pg)?;
        }
        // SQLite's writer runs each lead alone (see `db/group_commit/mod.rs`).
        _ => {
            for lead in &leads {
                diesel::insert_into(leads::table)
                    .values(lead)
                    .execute(conn)?;
            }
        }
    }
    Ok(leads)
}
