//! Reading and writing a location's field mapping (`locations.mapping`, JSON text).

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::locations;

use super::mapping::LocationMapping;

/// The stored mapping JSON of a location (no scope: for code that holds a scoped row).
pub fn find_mapping_json(conn: &mut DbConn, location_id: &str) -> QueryResult<String> {
    locations::table
        .find(location_id)
        .select(locations::mapping)
        .first(conn)
}

/// Replaces a location's mapping JSON.
pub fn set_mapping_json(conn: &mut DbConn, location_id: &str, json: &str) -> QueryResult<()> {
    diesel::update(locations::table.find(location_id))
        .set((
            locations::mapping.eq(json),
            locations::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)
        .map(drop)
}

/// A stored mapping read back. JSON that does not parse means every default, as for the
/// intake (`intake::cache`); it is logged, since only a hand edit of the database makes it.
pub fn stored_mapping(location_id: &str, json: &str) -> LocationMapping {
    serde_json::from_str(json).unwrap_or_else(|err| {
        tracing::warn!(location_id, error = %err, "the stored field mapping is not valid JSON; using the defaults");
        LocationMapping::default()
    })
}
