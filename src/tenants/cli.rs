//! `leadrelay company add` (SPEC §2).

use anyhow::bail;

use crate::audit::Actor;
use crate::db::DbConn;
use crate::error::AppError;
use crate::http::time::is_time_zone;
use crate::tenants::companies::add_company as insert_company;
use crate::tenants::model::{check_name, check_slug, slug_from_name};

/// Creates a company and returns its slug.
pub fn add_company(
    conn: &mut DbConn,
    name: &str,
    slug: Option<&str>,
    time_zone: &str,
) -> anyhow::Result<String> {
    let name = check_name("company", name).map_err(anyhow::Error::msg)?;
    let slug = slug.map_or_else(|| slug_from_name(&name), |s| s.trim().to_string());
    check_slug(&slug).map_err(anyhow::Error::msg)?;
    if !is_time_zone(time_zone) {
        bail!("{time_zone:?} is not a time zone; use an IANA name such as America/Denver");
    }
    match insert_company(conn, &Actor::command_line(), &name, &slug, time_zone) {
        Ok(()) => Ok(slug),
        Err(AppError::Conflict(_)) => bail!("a company with slug {slug:?} already exists"),
        Err(AppError::Unexpected(err)) => Err(err),
        Err(other) => bail!("{other}"),
    }
}
