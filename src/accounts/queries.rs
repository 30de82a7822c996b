//! Queries of users, sessions and setup tokens. Company-scoped lookups take the scope first.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::accounts::model::{NewUser, Role, Session, SetupToken, User};
use crate::db::DbConn;
use crate::db::now;
use crate::db::schema::{companies, sessions, setup_tokens, users};
use crate::domain::scope::CompanyScope;

/// Sessions end after this long without a request (SPEC §3).
pub const IDLE_TIMEOUT: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, to keep reads cheap.
const TOUCH_INTERVAL: Duration = Duration::seconds(60);

/// A user by (normalised) email.
pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// A user in scope by id.
pub fn find(conn: &mut DbConn, scope: &CompanyScope, id: &str) -> QueryResult<User> {
    let mut query = users::table
        .filter(users::id.eq(id))
        .select(User::as_select())
        .into_boxed();
    if let CompanyScope::Company(company_id) = scope {
        query = query.filter(users::company_id.eq(company_id.clone()));
    }
    query.first(conn)
}

/// The users of a company, by email.
pub fn list_for_company(conn: &mut DbConn, company_id: &str) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::company_id.eq(company_id))
        .order(users::email.asc())
        .select(User::as_select())
        .load(conn)
}

/// Whether anyone can sign in yet.
pub fn any_user_exists(conn: &mut DbConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(users::table.select(users::id))).get_result(conn)
}

/// Creates a user.
pub fn insert(conn: &mut DbConn, user: &NewUser<'_>) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)
        .map(drop)
}

/// Records a failed sign-in; locks the account after `max_failures` in a row.
/// Returns whether the account is now locked.
pub fn record_failed_login(
    conn: &mut DbConn,
    user_id: &str,
    max_failures: i32,
    lock_for: Duration,
) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let failures: i32 = users::table
            .find(user_id)
            .select(users::failed_logins)
            .first(conn)?;
        let failures = failures + 1;
        let lock = failures >= max_failures;
        diesel::update(users::table.find(user_id))
            .set((
                users::failed_logins.eq(if lock { 0 } else { failures }),
                users::locked_until.eq(lock.then(|| now() + lock_for)),
            ))
            .execute(conn)?;
        Ok(lock)
    })
}

/// Records a successful sign-in.
pub fn record_login(conn: &mut DbConn, user_id: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
            users::last_login_at.eq(Some(now())),
        ))
        .execute(conn)
        .map(drop)
}

/// Changes a password and ends every session of that user.
pub fn set_password(conn: &mut DbConn, user_id: &str, password_hash: &str) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        diesel::update(users::table.find(user_id))
            .set((
                users::password_hash.eq(password_hash),
                users::failed_logins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
                users::updated_at.eq(now()),
            ))
            .execute(conn)?;
        end_sessions_of(conn, user_id)
    })
}

/// Changes a role and ends the user's sessions (their powers changed).
pub fn set_role(conn: &mut DbConn, user_id: &str, role: Role) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        diesel::update(users::table.find(user_id))
            .set((users::role.eq(role.as_str()), users::updated_at.eq(now())))
            .execute(conn)?;
        end_sessions_of(conn, user_id)
    })
}

/// Removes a user (their sessions go with them).
pub fn delete(conn: &mut DbConn, user_id: &str) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        end_sessions_of(conn, user_id)?;
        diesel::delete(users::table.find(user_id))
            .execute(conn)
            .map(drop)
    })
}

/// Opens a session.
pub fn insert_session(conn: &mut DbConn, session: &Session) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)
        .map(drop)
}

/// Ends one session.
pub fn delete_session(conn: &mut DbConn, session_id: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.find(session_id))
        .execute(conn)
        .map(drop)
}

/// Ends every session of a user.
pub fn end_sessions_of(conn: &mut DbConn, user_id: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id)))
        .execute(conn)
        .map(drop)
}

/// Forgets sessions idle for longer than the timeout.
pub fn delete_idle_sessions(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::last_seen_at.lt(now() - IDLE_TIMEOUT)))
        .execute(conn)
}

/// Who a session belongs to.
#[derive(Debug, Clone)]
pub struct SessionUser {
    /// The user.
    pub user: User,
    /// Their company's slug (none for platform admins).
    pub company_slug: Option<String>,
    /// Their company's time zone.
    pub company_zone: Option<String>,
    /// The time zone the user chose on their account page (none: they follow the default).
    pub own_zone: Option<String>,
    /// Whether their company requires two-factor sign-in.
    pub two_factor_required: bool,
    /// Whether they must enrol in two-factor sign-in before using anything else (their
    /// company requires it and they have not enrolled).
    pub must_enrol: bool,
}

/// The live session with this id and its user; an idle session is ended and not returned.
pub fn find_live_session(conn: &mut DbConn, session_id: &str) -> QueryResult<Option<SessionUser>> {
    let found = sessions::table
        .inner_join(users::table.left_join(companies::table))
        .filter(sessions::id.eq(session_id))
        .select((
            sessions::last_seen_at,
            User::as_select(),
            companies::slug.nullable(),
            companies::time_zone.nullable(),
            users::time_zone,
            companies::require_two_factor.nullable(),
        ))
        .first::<(
            NaiveDateTime,
            User,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<bool>,
        )>(conn)
        .optional()?;
    let Some((last_seen, user, company_slug, company_zone, own_zone, required)) = found else {
        return Ok(None);
    };
    let now = now();
    if last_seen < now - IDLE_TIMEOUT {
        delete_session(conn, session_id)?;
        return Ok(None);
    }
    if last_seen < now - TOUCH_INTERVAL {
        diesel::update(sessions::table.find(session_id))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)?;
    }
    let two_factor_required = required == Some(true);
    let must_enrol =
        two_factor_required && !crate::accounts::two_factor::queries::is_enabled(conn, &user.id)?;
    Ok(Some(SessionUser {
        user,
        company_slug,
        company_zone,
        own_zone,
        two_factor_required,
        must_enrol,
    }))
}

/// Sets the time zone a user sees times in (`None`: the default, their company's or UTC).
pub fn set_time_zone(conn: &mut DbConn, user_id: &str, zone: Option<&str>) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::time_zone.eq(zone), users::updated_at.eq(now())))
        .execute(conn)
        .map(drop)
}

/// Replaces every setup token with a new one (stored as its hash).
pub fn replace_setup_token(conn: &mut DbConn, token: &SetupToken) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        diesel::delete(setup_tokens::table).execute(conn)?;
        diesel::insert_into(setup_tokens::table)
            .values(token)
            .execute(conn)
            .map(drop)
    })
}

/// Whether a setup link is still usable: unused, unexpired, and no user exists yet.
pub fn setup_token_is_live(conn: &mut DbConn, token_hash: &str) -> QueryResult<bool> {
    if any_user_exists(conn)? {
        return Ok(false);
    }
    let live: Option<SetupToken> = setup_tokens::table
        .find(token_hash)
        .filter(setup_tokens::used_at.is_null())
        .filter(setup_tokens::expires_at.gt(now()))
        .select(SetupToken::as_select())
        .first(conn)
        .optional()?;
    Ok(live.is_some())
}

/// Uses a setup token: creates the first platform admin, once. `Ok(false)` when the link
/// is no longer usable (someone got there first).
pub fn complete_setup(
    conn: &mut DbConn,
    token_hash: &str,
    admin: &NewUser<'_>,
) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        if !setup_token_is_live(conn, token_hash)? {
            return Ok(false);
        }
        insert(conn, admin)?;
        diesel::delete(setup_tokens::table).execute(conn)?;
        Ok(true)
    })
}
