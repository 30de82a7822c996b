//! The delivery worker's reads and writes of locations: the facts it needs to send a
//! batch, and flagging a key AccuLynx refused (its leads held through [`crate::leads`]).

use diesel::prelude::*;

use chrono::NaiveDateTime;

use crate::db::schema::{companies, locations};
use crate::db::{DbConn, now};
use crate::leads::queue::hold_waiting;
use crate::tenants::model::{AccuLynxApi, KeyStatus};

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
    /// v1 | v2.
    pub acculynx_api: String,
    /// Its v2 defaults (JSON).
    pub v2_defaults: String,
    /// Until when AccuLynx's rate-limit window makes its leads wait.
    pub rate_limited_until: Option<NaiveDateTime>,
    /// Which window that is.
    pub rate_limit_policy: Option<String>,
    /// Its company's IANA time zone (for appointments in local time).
    pub time_zone: String,
}

impl DeliveryLocation {
    /// Which AccuLynx API it delivers through.
    pub fn api(&self) -> AccuLynxApi {
        AccuLynxApi::parse(&self.acculynx_api)
    }

    /// Its v2 defaults (empty when unset or unreadable).
    pub fn v2_defaults(&self) -> crate::acculynx::v2::V2Defaults {
        serde_json::from_str(&self.v2_defaults).unwrap_or_default()
    }
}

/// Loads the locations of a batch of claimed leads, in one query.
pub fn delivery_locations(
    conn: &mut DbConn,
    location_ids: &[String],
) -> QueryResult<Vec<DeliveryLocation>> {
    locations::table
        .inner_join(companies::table)
        .filter(locations::id.eq_any(location_ids))
        .select((
            locations::id,
            locations::name,
            locations::status,
            locations::acculynx_key,
            locations::key_status,
            locations::acculynx_api,
            locations::v2_defaults,
            locations::rate_limited_until,
            locations::rate_limit_policy,
            companies::time_zone,
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
