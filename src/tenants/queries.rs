//! Queries of companies and locations. Every lookup takes the caller's [`CompanyScope`]:
//! outside it, a company or location simply is not found.

use diesel::prelude::*;

use crate::accounts::queries::now;
use crate::db::DbConn;
use crate::db::schema::{companies, locations};
use crate::http::extractors::CompanyScope;
use crate::tenants::model::{Company, Location, LocationStatus, NewCompany, NewLocation};

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
