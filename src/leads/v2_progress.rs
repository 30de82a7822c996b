//! What a lead's AccuLynx v2 delivery has obtained so far (`v2_deliveries`): the contact and
//! job ids and which steps are done, so a retried delivery runs only what is left and never
//! creates a second job (reference §6), and the lead page can show the ids.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{leads, v2_deliveries};
use crate::db::{DbConn, now};

/// A row of `v2_deliveries` (a default one before the first step).
#[derive(Debug, Clone, Default, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = v2_deliveries, treat_none_as_null = true)]
pub struct V2Progress {
    /// The lead.
    pub lead_id: String,
    /// 1, then one more for each replay of a delivered lead.
    pub round: i32,
    /// The AccuLynx contact.
    pub contact_id: Option<String>,
    /// The AccuLynx job.
    pub job_id: Option<String>,
    /// When `POST /jobs` was about to be sent without an answer recorded yet.
    pub job_requested_at: Option<NaiveDateTime>,
    /// The external reference exists.
    pub reference_done: bool,
    /// The initial appointment was set.
    pub appointment_done: bool,
    /// The sales owner was set.
    pub sales_owner_done: bool,
    /// The job message was posted.
    pub message_done: bool,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

impl V2Progress {
    /// The progress of a lead that has none yet.
    pub fn new(lead_id: &str) -> Self {
        Self {
            lead_id: lead_id.to_string(),
            round: 1,
            updated_at: now(),
            ..Self::default()
        }
    }

    /// The external reference's `projectId` of this round: the lead id, then `<id>-<round>`.
    pub fn project_id(&self) -> String {
        if self.round <= 1 {
            self.lead_id.clone()
        } else {
            format!("{}-{}", self.lead_id, self.round)
        }
    }
}

/// A lead's progress, if it has any.
pub fn find(conn: &mut DbConn, lead_id: &str) -> QueryResult<Option<V2Progress>> {
    v2_deliveries::table
        .find(lead_id)
        .select(V2Progress::as_select())
        .first(conn)
        .optional()
}

/// Saves a lead's progress (insert or replace).
pub fn save(conn: &mut DbConn, progress: &V2Progress) -> QueryResult<()> {
    let mut progress = progress.clone();
    progress.updated_at = now();
    let changed = diesel::update(v2_deliveries::table.find(&progress.lead_id))
        .set(&progress)
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(v2_deliveries::table)
            .values(&progress)
            .execute(conn)?;
    }
    Ok(())
}

/// Keeps `owner`'s lease on a lead until `until`; false when the lease is no longer its own.
pub fn extend_lease(
    conn: &mut DbConn,
    lead_id: &str,
    owner: &str,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        leads::table
            .find(lead_id)
            .filter(leads::lease_owner.eq(owner)),
    )
    .set(leads::lease_until.eq(Some(until)))
    .execute(conn)
    .map(|changed| changed > 0)
}

/// A lead goes back in the queue by a person's hand. A delivered lead starts a new round (its
/// next delivery creates a new job; the contact is kept unless its fields were `edited`); a
/// lead not delivered keeps what it obtained, so no second job appears, except that an edit
/// forgets a contact no job was made for (the person's details may have changed).
pub fn on_resend(
    conn: &mut DbConn,
    lead_id: &str,
    was_delivered: bool,
    edited: bool,
) -> QueryResult<()> {
    let Some(mut progress) = find(conn, lead_id)? else {
        return Ok(());
    };
    if was_delivered {
        progress = V2Progress {
            round: progress.round + 1,
            contact_id: if edited { None } else { progress.contact_id },
            ..V2Progress::new(lead_id)
        };
    } else if edited && progress.job_id.is_none() && progress.job_requested_at.is_none() {
        progress.contact_id = None;
    }
    save(conn, &progress)
}
