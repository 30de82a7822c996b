//! Queries of two-factor sign-in: a user's enrolment, recovery codes and pending sign-ins.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::now;
use crate::db::schema::{companies, recovery_codes, two_factor, two_factor_challenges, users};

/// A row of `two_factor`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = two_factor)]
pub struct TwoFactorRow {
    /// Whose.
    pub user_id: String,
    /// The TOTP secret, sealed with the context `two-factor:<user id>`.
    pub secret: Vec<u8>,
    /// When a code confirmed enrolment; `None` while it waits for that.
    pub enabled_at: Option<NaiveDateTime>,
    /// The newest time step whose code was accepted.
    pub last_step: Option<i64>,
    /// Started.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

/// A row of `two_factor_challenges`: a sign-in whose password was right.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = two_factor_challenges)]
pub struct Challenge {
    /// SHA-256 (hex) of the cookie's token.
    pub id: String,
    /// Who is signing in.
    pub user_id: String,
    /// Where to go once signed in.
    pub next: String,
    /// Dead after this.
    pub expires_at: NaiveDateTime,
    /// Created.
    pub created_at: NaiveDateTime,
}

/// The context a user's TOTP secret is sealed with, so a sealed secret copied to another
/// user's row does not open.
pub fn seal_context(user_id: &str) -> Vec<u8> {
    format!("two-factor:{user_id}").into_bytes()
}

/// A user's two-factor row, enabled or pending.
pub fn find(conn: &mut DbConn, user_id: &str) -> QueryResult<Option<TwoFactorRow>> {
    two_factor::table
        .find(user_id)
        .select(TwoFactorRow::as_select())
        .first(conn)
        .optional()
}

/// Whether a user signs in with a second factor.
pub fn is_enabled(conn: &mut DbConn, user_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        two_factor::table
            .filter(two_factor::user_id.eq(user_id))
            .filter(two_factor::enabled_at.is_not_null()),
    ))
    .get_result(conn)
}

/// Whether the user's company requires two factors and the user has not enrolled yet.
pub fn must_enrol(conn: &mut DbConn, user_id: &str) -> QueryResult<bool> {
    let required: Option<bool> = users::table
        .inner_join(companies::table)
        .filter(users::id.eq(user_id))
        .select(companies::require_two_factor)
        .first(conn)
        .optional()?;
    if required != Some(true) {
        return Ok(false);
    }
    Ok(!is_enabled(conn, user_id)?)
}

/// Starts (or restarts) enrolment with a new sealed secret, not enabled yet.
pub fn start_enrolment(conn: &mut DbConn, user_id: &str, sealed: &[u8]) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        diesel::delete(two_factor::table.find(user_id)).execute(conn)?;
        let at = now();
        diesel::insert_into(two_factor::table)
            .values((
                two_factor::user_id.eq(user_id),
                two_factor::secret.eq(sealed),
                two_factor::created_at.eq(at),
                two_factor::updated_at.eq(at),
            ))
            .execute(conn)
            .map(drop)
    })
}

/// Turns two factors on with the step of the confirming code, and stores the recovery codes'
/// hashes (replacing any). `false` if the enrolment was not pending any more.
pub fn enable(
    conn: &mut DbConn,
    user_id: &str,
    step: i64,
    code_hashes: &[String],
) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let at = now();
        let changed = diesel::update(
            two_factor::table
                .find(user_id)
                .filter(two_factor::enabled_at.is_null()),
        )
        .set((
            two_factor::enabled_at.eq(Some(at)),
            two_factor::last_step.eq(Some(step)),
            two_factor::updated_at.eq(at),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Ok(false);
        }
        replace_recovery_codes(conn, user_id, code_hashes)?;
        Ok(true)
    })
}

/// Records an accepted code's step, only if it is newer than the last one: `false` when
/// another request used this step (or a newer one) first, so a code works once even when
/// two requests race.
pub fn claim_step(conn: &mut DbConn, user_id: &str, step: i64) -> QueryResult<bool> {
    let changed = diesel::update(
        two_factor::table.find(user_id).filter(
            two_factor::last_step
                .is_null()
                .or(two_factor::last_step.lt(step)),
        ),
    )
    .set((
        two_factor::last_step.eq(Some(step)),
        two_factor::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Turns two factors off: the secret and the recovery codes go.
pub fn remove(conn: &mut DbConn, user_id: &str) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
            .execute(conn)?;
        diesel::delete(
            two_factor_challenges::table.filter(two_factor_challenges::user_id.eq(user_id)),
        )
        .execute(conn)?;
        Ok(diesel::delete(two_factor::table.find(user_id)).execute(conn)? > 0)
    })
}

/// Replaces a user's recovery codes with new ones (hashes).
pub fn replace_recovery_codes(
    conn: &mut DbConn,
    user_id: &str,
    code_hashes: &[String],
) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
            .execute(conn)?;
        let at = now();
        // One insert per code: batch inserts do not compile through the MultiConnection.
        for hash in code_hashes {
            diesel::insert_into(recovery_codes::table)
                .values((
                    recovery_codes::user_id.eq(user_id),
                    recovery_codes::code_hash.eq(hash),
                    recovery_codes::created_at.eq(at),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Spends a recovery code: `true` once, for an unused code of this user.
pub fn spend_recovery_code(conn: &mut DbConn, user_id: &str, code_hash: &str) -> QueryResult<bool> {
    let changed = diesel::update(
        recovery_codes::table
            .find((user_id, code_hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(now())))
    .execute(conn)?;
    Ok(changed == 1)
}

/// How many unused recovery codes a user has.
pub fn recovery_codes_left(conn: &mut DbConn, user_id: &str) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

/// Records a sign-in waiting for its second step (and forgets the dead ones).
pub fn insert_challenge(conn: &mut DbConn, challenge: &Challenge) -> QueryResult<()> {
    diesel::delete(
        two_factor_challenges::table.filter(two_factor_challenges::expires_at.lt(now())),
    )
    .execute(conn)?;
    diesel::insert_into(two_factor_challenges::table)
        .values(challenge)
        .execute(conn)
        .map(drop)
}

/// The live challenge with this id.
pub fn find_challenge(conn: &mut DbConn, id: &str) -> QueryResult<Option<Challenge>> {
    two_factor_challenges::table
        .find(id)
        .filter(two_factor_challenges::expires_at.gt(now()))
        .select(Challenge::as_select())
        .first(conn)
        .optional()
}

/// Ends a challenge (used, or its account locked).
pub fn delete_challenge(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    diesel::delete(two_factor_challenges::table.find(id))
        .execute(conn)
        .map(drop)
}

/// How long the second step may take after the password (5 minutes).
pub const CHALLENGE_LIFETIME: Duration = Duration::minutes(5);

/// Every sealed secret, for a master-key rotation (rows locked on PostgreSQL).
pub fn list_sealed_for_update(conn: &mut DbConn) -> QueryResult<Vec<(String, Vec<u8>)>> {
    let query = two_factor::table
        .select((two_factor::user_id, two_factor::secret))
        .order(two_factor::user_id.asc());
    match conn {
        DbConn::Sqlite(conn) => query.load(conn),
        DbConn::Pg(conn) => query.for_update().load(conn),
    }
}

/// Replaces a sealed secret (master-key rotation).
pub fn replace_sealed(conn: &mut DbConn, user_id: &str, sealed: &[u8]) -> QueryResult<()> {
    diesel::update(two_factor::table.find(user_id))
        .set(two_factor::secret.eq(sealed))
        .execute(conn)
        .map(drop)
}

/// Sets whether a company requires two factors.
pub fn set_company_requirement(
    conn: &mut DbConn,
    company_id: &str,
    require: bool,
) -> QueryResult<()> {
    diesel::update(companies::table.find(company_id))
        .set((
            companies::require_two_factor.eq(require),
            companies::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(drop)
}

/// The users of a company who sign in with two factors.
pub fn enabled_in_company(conn: &mut DbConn, company_id: &str) -> QueryResult<Vec<String>> {
    two_factor::table
        .inner_join(users::table)
        .filter(users::company_id.eq(company_id))
        .filter(two_factor::enabled_at.is_not_null())
        .select(two_factor::user_id)
        .load(conn)
}
