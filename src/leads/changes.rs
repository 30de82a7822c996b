//! A person's changes to a lead (SPEC §7): putting it back in the queue as it is (a replay) or
//! under a new AccuLynx body (an edit), and the event each leaves on its timeline. The rules of
//! who may do what are `delivery::replay`'s; these are the writes.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use crate::db::DbConn;
use crate::db::schema::{lead_events, leads};
use crate::domain::search::searchable_copies;
use crate::leads::model::Lead;
use crate::leads::status::{EventKind, LeadStatus};

/// Puts the lead back in the queue, due now, at the start of the retry schedule, with no
/// lease and no last error; with `new_mapped`, under its new body and searchable copies. Only
/// if its status is still the one it was read with: returns false when it changed meanwhile.
pub fn requeue(
    conn: &mut DbConn,
    lead: &Lead,
    now: NaiveDateTime,
    new_mapped: Option<&Value>,
) -> QueryResult<bool> {
    let target = leads::table
        .filter(leads::id.eq(&lead.id))
        .filter(leads::status.eq(lead.status));
    let queue = (
        leads::status.eq(LeadStatus::Queued),
        leads::next_attempt_at.eq(Some(now)),
        leads::queued_at.eq(Some(now)),
        leads::retry_step.eq(0),
        leads::lease_owner.eq(None::<String>),
        leads::lease_until.eq(None::<NaiveDateTime>),
        leads::last_error.eq(None::<String>),
        leads::updated_at.eq(now),
    );
    let changed = match new_mapped {
        None => diesel::update(target).set(queue).execute(conn)?,
        Some(body) => {
            let copies = searchable_copies(body);
            diesel::update(target)
                .set((
                    queue,
                    (
                        leads::mapped_body.eq(Some(body.to_string())),
                        leads::first_name.eq(copies.first_name),
                        leads::last_name.eq(copies.last_name),
                        leads::email.eq(copies.email),
                        leads::phone.eq(copies.phone),
                        leads::phone_digits.eq(copies.phone_digits),
                        leads::search_text.eq(copies.search_text),
                    ),
                ))
                .execute(conn)?
        }
    };
    Ok(changed > 0)
}

/// Records what someone did to the lead, for its timeline.
pub fn record_event(
    conn: &mut DbConn,
    lead_id: &str,
    kind: EventKind,
    actor: &str,
    detail: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(lead_events::table)
        .values(crate::leads::model::NewLeadEvent {
            lead_id,
            kind,
            actor,
            detail,
            created_at: now,
        })
        .execute(conn)
        .map(drop)
}
