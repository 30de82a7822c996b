//! Every query of alerts: the settings, the notification log, the cooldown claim, and the
//! conditions alerts are about. Each takes the company it is for; the page's callers check
//! the user's scope on the company first.

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, max, min};
use diesel::prelude::*;

use crate::alerts::model::{AlertSettings, NewNotification, Notification};
use crate::db::DbConn;
use crate::db::schema::{alert_settings, leads, locations, notifications};
use crate::leads::LeadStatus;

/// A company's settings, if it saved any.
pub fn find_settings(conn: &mut DbConn, company_id: &str) -> QueryResult<Option<AlertSettings>> {
    alert_settings::table
        .find(company_id)
        .select(AlertSettings::as_select())
        .first(conn)
        .optional()
}

/// Saves a company's settings (call inside a write transaction).
pub fn save_settings(conn: &mut DbConn, settings: &AlertSettings) -> QueryResult<()> {
    let exists = find_settings(conn, &settings.company_id)?.is_some();
    if exists {
        diesel::update(alert_settings::table.find(&settings.company_id))
            .set(settings)
            .execute(conn)?;
    } else {
        diesel::insert_into(alert_settings::table)
            .values(settings)
            .execute(conn)?;
    }
    Ok(())
}

/// Every company with settings (the checker looks at those only).
pub fn all_settings(conn: &mut DbConn) -> QueryResult<Vec<AlertSettings>> {
    alert_settings::table
        .order(alert_settings::company_id)
        .select(AlertSettings::as_select())
        .load(conn)
}

/// Sealed webhook URLs, locked, for the master-key rotation.
pub fn sealed_webhooks_for_update(conn: &mut DbConn) -> QueryResult<Vec<(String, Vec<u8>)>> {
    let query = alert_settings::table
        .filter(alert_settings::webhook_url.is_not_null())
        .select((
            alert_settings::company_id,
            alert_settings::webhook_url.assume_not_null(),
        ));
    match conn {
        DbConn::Pg(conn) => query.for_update().load(conn),
        DbConn::Sqlite(conn) => query.load(conn),
    }
}

/// Replaces a sealed webhook URL (rotation).
pub fn replace_sealed_webhook(
    conn: &mut DbConn,
    company_id: &str,
    sealed: &[u8],
) -> QueryResult<()> {
    diesel::update(alert_settings::table.find(company_id))
        .set(alert_settings::webhook_url.eq(sealed))
        .execute(conn)
        .map(drop)
}

/// The newest notifications of a company.
pub fn recent(conn: &mut DbConn, company_id: &str, limit: i64) -> QueryResult<Vec<Notification>> {
    notifications::table
        .filter(notifications::company_id.eq(company_id))
        .order(notifications::id.desc())
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)
}

/// Claims the right to send an alert: inside one write transaction that locks the company's
/// settings row, checks no notification of this kind and location was made since `since`,
/// and records one row per channel as `sending`. `None` when it is still in its cooldown.
pub fn claim(
    conn: &mut DbConn,
    rows: &[NewNotification<'_>],
    since: Option<NaiveDateTime>,
) -> QueryResult<Option<Vec<i64>>> {
    let Some(first) = rows.first() else {
        return Ok(Some(Vec::new()));
    };
    crate::db::write_transaction(conn, |conn| {
        diesel::update(alert_settings::table.find(first.company_id))
            .set(alert_settings::updated_at.eq(alert_settings::updated_at))
            .execute(conn)?;
        if let Some(since) = since {
            let mut recent = notifications::table
                .filter(notifications::company_id.eq(first.company_id))
                .filter(notifications::kind.eq(first.kind))
                .filter(notifications::created_at.gt(since))
                .into_boxed();
            recent = match first.location_id {
                Some(location) => recent.filter(notifications::location_id.eq(location)),
                None => recent.filter(notifications::location_id.is_null()),
            };
            let found: i64 = recent.select(count_star()).first(conn)?;
            if found > 0 {
                return Ok(None);
            }
        }
        let mut ids = Vec::with_capacity(rows.len());
        for row in rows {
            let id = diesel::insert_into(notifications::table)
                .values(row)
                .returning(notifications::id)
                .get_result(conn)?;
            ids.push(id);
        }
        Ok(Some(ids))
    })
}

/// Records how a claimed notification went.
pub fn finish(conn: &mut DbConn, id: i64, result: &str, detail: &str) -> QueryResult<()> {
    diesel::update(notifications::table.find(id))
        .set((
            notifications::result.eq(result),
            notifications::detail.eq(detail),
        ))
        .execute(conn)
        .map(drop)
}

/// When the newest notification of this kind (and location) was made.
pub fn last_of(
    conn: &mut DbConn,
    company_id: &str,
    kind: &str,
    location_id: Option<&str>,
) -> QueryResult<Option<NaiveDateTime>> {
    let mut query = notifications::table
        .filter(notifications::company_id.eq(company_id))
        .filter(notifications::kind.eq(kind))
        .into_boxed();
    query = match location_id {
        Some(location) => query.filter(notifications::location_id.eq(location)),
        None => query.filter(notifications::location_id.is_null()),
    };
    query.select(max(notifications::created_at)).first(conn)
}

/// A location as alerts name it.
#[derive(Debug, Clone, Queryable)]
pub struct AlertLocation {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `active` / `paused`.
    pub status: String,
    /// `missing` / `untested` / `valid` / `rejected`.
    pub key_status: String,
    /// Created.
    pub created_at: NaiveDateTime,
}

/// A company's locations that are not deleted.
pub fn live_locations(conn: &mut DbConn, company_id: &str) -> QueryResult<Vec<AlertLocation>> {
    locations::table
        .filter(locations::company_id.eq(company_id))
        .filter(locations::deleted_at.is_null())
        .order(locations::name)
        .select((
            locations::id,
            locations::name,
            locations::status,
            locations::key_status,
            locations::created_at,
        ))
        .load(conn)
}

/// Leads of a location that failed (for good) after `since`.
pub fn failed_since(
    conn: &mut DbConn,
    location_id: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    leads::table
        .filter(leads::location_id.eq(location_id))
        .filter(leads::status.eq(LeadStatus::Failed))
        .filter(leads::updated_at.gt(since))
        .select(count_star())
        .first(conn)
}

/// When the newest lead of a location arrived.
pub fn last_received(conn: &mut DbConn, location_id: &str) -> QueryResult<Option<NaiveDateTime>> {
    leads::table
        .filter(leads::location_id.eq(location_id))
        .select(max(leads::received_at))
        .first(conn)
}

/// Leads of a location waiting to be sent (queued or retrying) that arrived before `before`:
/// how many, and the oldest arrival.
pub fn waiting_before(
    conn: &mut DbConn,
    location_id: &str,
    before: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    leads::table
        .filter(leads::location_id.eq(location_id))
        .filter(leads::status.eq_any([LeadStatus::Queued, LeadStatus::Retrying]))
        .filter(leads::received_at.lt(before))
        .select((count_star(), min(leads::received_at)))
        .first(conn)
}

/// Leads of a company received since `since`, per status.
pub fn received_since_by_status(
    conn: &mut DbConn,
    company_id: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<(LeadStatus, i64)>> {
    leads::table
        .filter(leads::company_id.eq(company_id))
        .filter(leads::received_at.ge(since))
        .group_by(leads::status)
        .select((leads::status, count_star()))
        .load(conn)
}

/// Re-seals every alert webhook URL from `old` to `new` (master-key rotation, inside its
/// transaction); returns how many.
pub fn reseal_webhooks(
    conn: &mut DbConn,
    old: &crate::crypto::secret_box::SecretBox,
    new: &crate::crypto::secret_box::SecretBox,
) -> anyhow::Result<usize> {
    let sealed = sealed_webhooks_for_update(conn)?;
    for (company_id, value) in &sealed {
        let context = AlertSettings::webhook_context(company_id);
        let plain = old.open(value, &context).map_err(|err| {
            anyhow::anyhow!(
                "the alert webhook URL of company {company_id} cannot be decrypted ({err}); nothing was changed"
            )
        })?;
        replace_sealed_webhook(conn, company_id, &new.seal(&plain, &context))?;
    }
    Ok(sealed.len())
}
