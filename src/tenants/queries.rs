//! Queries of companies and locations. Every lookup takes the caller's [`CompanyScope`]:
//! outside it, a company or location simply is not found.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::now;
use crate::db::schema::{companies, locations};
use crate::domain::scope::CompanyScope;
use crate::tenants::model::{
    AccuLynxApi, Company, KeyStatus, Location, LocationStatus, NewCompany, NewLocation,
};

/// Every company in scope, by name.
pub fn list_companies(conn: &mut DbConn, scope: &CompanyScope) -> QueryResult<Vec<Company>> {
    let mut query = companies::table
        .select(Company::as_select())
        .order(companies::name.asc())
        .into_boxed();
    if let CompanyScope::Company(id) = scope {
        query = query.filter(companies::id.eq(id.clone()));
    }
    query.load(conn)
}

/// A company in scope by slug.
pub fn find_company_by_slug(
    conn: &mut DbConn,
    scope: &CompanyScope,
    slug: &str,
) -> QueryResult<Company> {
    let mut query = companies::table
        .filter(companies::slug.eq(slug))
        .select(Company::as_select())
        .into_boxed();
    if let CompanyScope::Company(id) = scope {
        query = query.filter(companies::id.eq(id.clone()));
    }
    query.first(conn)
}

/// A company by id (no scope: for code that already holds a scoped row).
pub fn find_company(conn: &mut DbConn, id: &str) -> QueryResult<Company> {
    companies::table
        .find(id)
        .select(Company::as_select())
        .first(conn)
}

/// Creates a company.
pub fn insert_company(conn: &mut DbConn, company: &NewCompany<'_>) -> QueryResult<()> {
    diesel::insert_into(companies::table)
        .values(company)
        .execute(conn)
        .map(drop)
}

/// Changes a company's name and time zone.
pub fn update_company(conn: &mut DbConn, id: &str, name: &str, time_zone: &str) -> QueryResult<()> {
    diesel::update(companies::table.find(id))
        .set((
            companies::name.eq(name),
            companies::time_zone.eq(time_zone),
            companies::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(drop)
}

/// A company's locations: live ones by name, then deleted ones.
pub fn list_locations(conn: &mut DbConn, company_id: &str) -> QueryResult<Vec<Location>> {
    let mut all: Vec<Location> = locations::table
        .filter(locations::company_id.eq(company_id))
        .order(locations::name.asc())
        .select(Location::as_select())
        .load(conn)?;
    all.sort_by_key(|location| location.status() == LocationStatus::Deleted);
    Ok(all)
}

/// A location in scope by id.
pub fn find_location(conn: &mut DbConn, scope: &CompanyScope, id: &str) -> QueryResult<Location> {
    let mut query = locations::table
        .filter(locations::id.eq(id))
        .select(Location::as_select())
        .into_boxed();
    if let CompanyScope::Company(company_id) = scope {
        query = query.filter(locations::company_id.eq(company_id.clone()));
    }
    query.first(conn)
}

/// A live location of a company by name.
pub fn find_live_location_by_name(
    conn: &mut DbConn,
    company_id: &str,
    name: &str,
) -> QueryResult<Option<Location>> {
    locations::table
        .filter(locations::company_id.eq(company_id))
        .filter(locations::name.eq(name))
        .filter(locations::deleted_at.is_null())
        .select(Location::as_select())
        .first(conn)
        .optional()
}

/// Creates a location.
pub fn insert_location(conn: &mut DbConn, location: &NewLocation<'_>) -> QueryResult<()> {
    diesel::insert_into(locations::table)
        .values(location)
        .execute(conn)
        .map(drop)
}

/// Renames a location.
pub fn rename_location(conn: &mut DbConn, id: &str, name: &str) -> QueryResult<()> {
    diesel::update(locations::table.find(id))
        .set((locations::name.eq(name), locations::updated_at.eq(now())))
        .execute(conn)
        .map(drop)
}

/// Pauses or resumes a location.
pub fn set_location_status(conn: &mut DbConn, id: &str, status: LocationStatus) -> QueryResult<()> {
    diesel::update(locations::table.find(id))
        .set((
            locations::status.eq(status.as_str()),
            locations::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(drop)
}

/// Sets the AccuLynx API a location delivers through; returns whether it changed.
pub fn set_location_api(conn: &mut DbConn, id: &str, api: AccuLynxApi) -> QueryResult<bool> {
    diesel::update(
        locations::table
            .find(id)
            .filter(locations::acculynx_api.ne(api.as_str())),
    )
    .set((
        locations::acculynx_api.eq(api.as_str()),
        locations::updated_at.eq(now()),
    ))
    .execute(conn)
    .map(|changed| changed > 0)
}

/// Saves a location's v2 defaults (JSON).
pub fn set_v2_defaults(conn: &mut DbConn, id: &str, defaults: &str) -> QueryResult<()> {
    diesel::update(locations::table.find(id))
        .set((
            locations::v2_defaults.eq(defaults),
            locations::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(drop)
}

/// Deletes a location: its URL and key stop working; its leads stay.
pub fn delete_location(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    let now = now();
    diesel::update(locations::table.find(id))
        .set((
            locations::status.eq(LocationStatus::Deleted.as_str()),
            locations::acculynx_key.eq(None::<Vec<u8>>),
            locations::key_last4.eq(None::<String>),
            locations::key_status.eq("missing"),
            locations::previous_url_version.eq(None::<i32>),
            locations::previous_url_valid_until.eq(None::<chrono::NaiveDateTime>),
            locations::deleted_at.eq(Some(now)),
            locations::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Saves a (sealed) AccuLynx key: its test result is reset, since it is a new key.
pub fn set_location_key(
    conn: &mut DbConn,
    id: &str,
    sealed: &[u8],
    last4: &str,
) -> QueryResult<()> {
    let now = now();
    diesel::update(locations::table.find(id))
        .set((
            locations::acculynx_key.eq(Some(sealed)),
            locations::key_last4.eq(Some(last4)),
            locations::key_set_at.eq(Some(now)),
            locations::key_status.eq(KeyStatus::Untested.as_str()),
            locations::key_checked_at.eq(None::<NaiveDateTime>),
            locations::key_check_message.eq(None::<String>),
            locations::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Records the outcome of checking the key with AccuLynx; `status` is left alone when the
/// check could not tell (AccuLynx unreachable, say).
pub fn record_key_check(
    conn: &mut DbConn,
    id: &str,
    status: Option<KeyStatus>,
    message: &str,
) -> QueryResult<()> {
    let now = now();
    let target = locations::table.find(id);
    match status {
        Some(status) => diesel::update(target)
            .set((
                locations::key_status.eq(status.as_str()),
                locations::key_checked_at.eq(Some(now)),
                locations::key_check_message.eq(Some(message)),
                locations::updated_at.eq(now),
            ))
            .execute(conn),
        None => diesel::update(target)
            .set((
                locations::key_checked_at.eq(Some(now)),
                locations::key_check_message.eq(Some(message)),
                locations::updated_at.eq(now),
            ))
            .execute(conn),
    }
    .map(drop)
}

/// Moves a location to a new webhook URL version; the previous version stays valid until
/// `previous_valid_until`, or not at all when `None`.
pub fn set_url_version(
    conn: &mut DbConn,
    id: &str,
    version: i32,
    previous: Option<(i32, NaiveDateTime)>,
) -> QueryResult<()> {
    diesel::update(locations::table.find(id))
        .set((
            locations::url_version.eq(version),
            locations::previous_url_version.eq(previous.map(|(v, _)| v)),
            locations::previous_url_valid_until.eq(previous.map(|(_, until)| until)),
            locations::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(drop)
}

/// Every stored (sealed) AccuLynx key, by location id, for a master-key rotation.
pub fn list_sealed_keys(conn: &mut DbConn) -> QueryResult<Vec<(String, Vec<u8>)>> {
    locations::table
        .filter(locations::acculynx_key.is_not_null())
        .select((locations::id, locations::acculynx_key.assume_not_null()))
        .order(locations::id.asc())
        .load(conn)
}

/// Replaces a location's sealed key with the same key sealed under another master key.
pub fn replace_sealed_key(conn: &mut DbConn, id: &str, sealed: &[u8]) -> QueryResult<()> {
    diesel::update(locations::table.find(id))
        .set(locations::acculynx_key.eq(Some(sealed)))
        .execute(conn)
        .map(drop)
}
