//! Every query of `api_tokens`. Reading and revoking take the caller's [`CompanyScope`]; the
//! one lookup by id alone ([`find_live`]) is how a request proves which company it is for.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::api::model::{ApiToken, NewApiToken};
use crate::db::DbConn;
use crate::db::schema::api_tokens;
use crate::domain::scope::CompanyScope;

/// How stale `last_used_at` may get before a request writes it again (a busy script does not
/// write the row on every call).
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);

/// Stores a new token.
pub fn insert(conn: &mut DbConn, token: &NewApiToken<'_>) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values(token)
        .execute(conn)
        .map(drop)
}

/// A company's tokens, newest first (revoked ones included, shown as such).
pub fn list_for_company(
    conn: &mut DbConn,
    scope: &CompanyScope,
    company_id: &str,
) -> QueryResult<Vec<ApiToken>> {
    if !scope.includes(company_id) {
        return Ok(Vec::new());
    }
    api_tokens::table
        .filter(api_tokens::company_id.eq(company_id))
        .order((api_tokens::created_at.desc(), api_tokens::id.desc()))
        .select(ApiToken::as_select())
        .load(conn)
}

/// A token in scope by id.
pub fn find(conn: &mut DbConn, scope: &CompanyScope, id: &str) -> QueryResult<ApiToken> {
    let mut query = api_tokens::table
        .filter(api_tokens::id.eq(id))
        .select(ApiToken::as_select())
        .into_boxed();
    if let CompanyScope::Company(company_id) = scope {
        query = query.filter(api_tokens::company_id.eq(company_id.clone()));
    }
    query.first(conn)
}

/// The token a request presents, if it exists and is not revoked (the caller then checks
/// the secret against its hash).
pub fn find_live(conn: &mut DbConn, id: &str) -> QueryResult<Option<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::id.eq(id))
        .filter(api_tokens::revoked_at.is_null())
        .select(ApiToken::as_select())
        .first(conn)
        .optional()
}

/// Records that the token was used now, unless it was within the last minute.
pub fn touch(conn: &mut DbConn, token: &ApiToken, now: NaiveDateTime) -> QueryResult<()> {
    if token
        .last_used_at
        .is_some_and(|last| now - last < TOUCH_EVERY)
    {
        return Ok(());
    }
    diesel::update(api_tokens::table.find(&token.id))
        .set(api_tokens::last_used_at.eq(now))
        .execute(conn)
        .map(drop)
}

/// Revokes a token of the scope; `false` when it was already revoked.
pub fn revoke(
    conn: &mut DbConn,
    scope: &CompanyScope,
    id: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let token = find(conn, scope, id)?;
    let changed = diesel::update(
        api_tokens::table
            .find(&token.id)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}
