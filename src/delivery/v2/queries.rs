//! The v2 delivery's own tables: the contact id found for an email (`v2_contacts`), AccuLynx's
//! cached lists (`v2_lookups`), and a location's rate-limit window.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{locations, v2_contacts, v2_lookups};
use crate::db::{DbConn, now};

/// The one `kind` the lists are cached under (they are fetched and used together).
const ALL_LISTS: &str = "all";

/// The contact id remembered for `email` (lower-case) at a location.
pub fn contact_for_email(
    conn: &mut DbConn,
    location_id: &str,
    email: &str,
) -> QueryResult<Option<String>> {
    v2_contacts::table
        .find((location_id, email))
        .select(v2_contacts::contact_id)
        .first(conn)
        .optional()
}

/// Remembers (or replaces) the contact id of `email` at a location.
pub fn remember_contact(
    conn: &mut DbConn,
    location_id: &str,
    email: &str,
    contact_id: &str,
) -> QueryResult<()> {
    let at = now();
    let changed = diesel::update(v2_contacts::table.find((location_id, email)))
        .set((
            v2_contacts::contact_id.eq(contact_id),
            v2_contacts::updated_at.eq(at),
        ))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(v2_contacts::table)
            .values((
                v2_contacts::location_id.eq(location_id),
                v2_contacts::email.eq(email),
                v2_contacts::contact_id.eq(contact_id),
                v2_contacts::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Forgets a remembered contact (AccuLynx no longer knows it).
pub fn forget_contact(conn: &mut DbConn, location_id: &str, email: &str) -> QueryResult<()> {
    diesel::delete(v2_contacts::table.find((location_id, email)))
        .execute(conn)
        .map(drop)
}

/// A location's cached lists (JSON) and when they were fetched.
pub fn cached_lookups(
    conn: &mut DbConn,
    location_id: &str,
) -> QueryResult<Option<(String, NaiveDateTime)>> {
    v2_lookups::table
        .find((location_id, ALL_LISTS))
        .select((v2_lookups::items, v2_lookups::fetched_at))
        .first(conn)
        .optional()
}

/// Stores a location's freshly fetched lists.
pub fn store_lookups(conn: &mut DbConn, location_id: &str, items: &str) -> QueryResult<()> {
    let at = now();
    let changed = diesel::update(v2_lookups::table.find((location_id, ALL_LISTS)))
        .set((v2_lookups::items.eq(items), v2_lookups::fetched_at.eq(at)))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(v2_lookups::table)
            .values((
                v2_lookups::location_id.eq(location_id),
                v2_lookups::kind.eq(ALL_LISTS),
                v2_lookups::items.eq(items),
                v2_lookups::fetched_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// AccuLynx said the location's rate-limit window `policy` is used up until `until`.
pub fn record_rate_limit(
    conn: &mut DbConn,
    location_id: &str,
    policy: &str,
    until: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(locations::table.find(location_id))
        .set((
            locations::rate_limit_policy.eq(Some(policy)),
            locations::rate_limited_until.eq(Some(until)),
        ))
        .execute(conn)
        .map(drop)
}
