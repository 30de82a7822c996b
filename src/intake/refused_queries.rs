//! Reads and writes of `refused_requests`: the webhook calls the intake refused, kept per
//! location and trimmed to the newest [`KEPT_PER_LOCATION`] on every insert, so a flood of
//! bad requests cannot grow the table without bound.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{locations, refused_requests};
use crate::domain::scope::CompanyScope;

/// How many refused requests are kept per location.
pub const KEPT_PER_LOCATION: i64 = 100;

/// A row of `refused_requests`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refused_requests)]
pub struct RefusedRequest {
    /// Increasing id.
    pub id: i64,
    /// The location whose URL was called.
    pub location_id: String,
    /// When.
    pub received_at: NaiveDateTime,
    /// The status answered.
    pub http_status: i32,
    /// Why, in words.
    pub reason: String,
    /// The request's `Content-Type` (empty when none was sent).
    pub content_type: String,
    /// The body's size in bytes, when known.
    pub body_size: Option<i64>,
}

/// A refused request to record.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = refused_requests)]
pub struct NewRefusedRequest {
    /// The location whose URL was called (the row is kept only if it exists).
    pub location_id: String,
    /// When.
    pub received_at: NaiveDateTime,
    /// The status answered.
    pub http_status: i32,
    /// Why, in words.
    pub reason: String,
    /// The request's `Content-Type`.
    pub content_type: String,
    /// The body's size in bytes, when known.
    pub body_size: Option<i64>,
}

/// Records a refused request when its location exists (a made-up id in a URL is not kept),
/// then trims the location's log to the newest [`KEPT_PER_LOCATION`]. Returns whether it was
/// kept.
pub fn insert(conn: &mut DbConn, row: &NewRefusedRequest) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let exists = locations::table
            .find(&row.location_id)
            .select(locations::id)
            .first::<String>(conn)
            .optional()?
            .is_some();
        if !exists {
            return Ok(false);
        }
        diesel::insert_into(refused_requests::table)
            .values(row)
            .execute(conn)?;
        let oldest_kept: Option<i64> = refused_requests::table
            .filter(refused_requests::location_id.eq(&row.location_id))
            .select(refused_requests::id)
            .order(refused_requests::id.desc())
            .offset(KEPT_PER_LOCATION - 1)
            .first(conn)
            .optional()?;
        if let Some(oldest_kept) = oldest_kept {
            diesel::delete(
                refused_requests::table
                    .filter(refused_requests::location_id.eq(&row.location_id))
                    .filter(refused_requests::id.lt(oldest_kept)),
            )
            .execute(conn)?;
        }
        Ok(true)
    })
}

/// The newest refused requests of a location in the caller's scope, newest first.
pub fn list_for_location(
    conn: &mut DbConn,
    scope: &CompanyScope,
    location_id: &str,
) -> QueryResult<Vec<RefusedRequest>> {
    // Through the scope: 404 for another company's location.
    crate::tenants::queries::find_location(conn, scope, location_id)?;
    refused_requests::table
        .filter(refused_requests::location_id.eq(location_id))
        .order(refused_requests::id.desc())
        .limit(KEPT_PER_LOCATION)
        .select(RefusedRequest::as_select())
        .load(conn)
}
