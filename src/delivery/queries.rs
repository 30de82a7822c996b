//! The delivery worker's reads and writes of locations: the facts it needs to send a
//! batch, and flagging a key AccuLynx refused (its leads held through [`crate::leads`]).

use diesel::prelude::*;

use crate::db::schema::locations;
use crate::db::{DbConn, now};
use crate::leads::queue::hold_waiting;
use crate::tenants::model::KeyStatus;

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

/// AccuLynx refused the location's key: flag it and hold its waiting leads. Returns whether
/// the key was not already flagged (so the caller records it once).
pub fn flag_rejected_key(conn: &mut DbConn, location_id: &str, message: &str) -> QueryResult<bool> {
    let at = now();
    let rejected = KeyStatus::Rejected.as_str();
    let newly = diesel::update(
        locations::table
            .find(location_id)
            .filter(locations::key_status.ne(rejected)),
    )
    .set((
        locations::key_status.eq(rejected),
        locations::key_checked_at.eq(Some(at)),
        locations::key_check_message.eq(Some(message)),
        locations::updated_at.eq(at),
    ))
    .execute(conn)?
        > 0;
    hold_waiting(conn, location_id, message)?;
    Ok(newly)
}
