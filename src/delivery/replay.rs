//! Replay and edit-and-resend (SPEC §7): the state changes that put a delivered, failed or
//! rejected lead back in the queue. Each runs in one write transaction that also records a
//! lead event (shown on the timeline) and an audit entry.
//!
//! Nothing is lost: the body as received never changes, and an edit keeps the previous
//! AccuLynx body in its event. A re-queued lead is `queued`, due now, at the start of the
//! retry schedule, with no lease and no last error; its attempts so far stay. What must follow the
//! commit (waking the worker) comes back as an [`AfterCommit`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Map, Value};

use crate::acculynx::check::{FieldProblems, check_lead};
use crate::acculynx::fields::LeadField;
use crate::audit::{self, Action, Actor};
use crate::db::DbConn;
use crate::db::schema::locations;
use crate::domain::scope::CompanyScope;
use crate::effects::AfterCommit;
use crate::leads::changes::{record_event, requeue};
use crate::leads::lists as queries;
use crate::leads::model::Lead;
use crate::leads::status::{EventKind, LeadStatus};

/// A lead put back in the queue.
#[derive(Debug, Clone)]
pub struct Requeued {
    /// The lead.
    pub lead_id: String,
    /// Its company.
    pub company_id: String,
    /// Its status before.
    pub previous_status: LeadStatus,
    /// What follows the commit: the worker woken, the lead being due now.
    pub after_commit: AfterCommit,
}

/// Why a lead was not put back in the queue.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// No such lead in the caller's scope.
    #[error("We could not find that lead.")]
    NotFound,
    /// The lead cannot be replayed or edited as things stand; the sentence says why.
    #[error("{0}")]
    Refused(String),
    /// The lead was delivered: sending it again needs an explicit confirmation.
    #[error(
        "This lead was already delivered to AccuLynx. Sending it again creates a second lead there, so confirm that you want to send it again."
    )]
    NeedsConfirmation,
    /// The edited lead would not be accepted by AccuLynx.
    #[error("The edited lead would not be accepted by AccuLynx; correct the fields shown.")]
    Invalid(FieldProblems),
    /// The database failed.
    #[error("database error: {0}")]
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for ReplayError {
    fn from(err: diesel::result::Error) -> Self {
        match err {
            diesel::result::Error::NotFound => Self::NotFound,
            other => Self::Database(other),
        }
    }
}

/// Sends a delivered or failed lead again, as it is. A delivered lead needs `confirmed`
/// (AccuLynx would get it twice).
pub fn replay(
    conn: &mut DbConn,
    scope: &CompanyScope,
    actor: &Actor,
    lead_id: &str,
    confirmed: bool,
) -> Result<Requeued, ReplayError> {
    crate::db::write_transaction(conn, |conn| {
        let lead = queries::find_lead(conn, scope, lead_id)?;
        let status = lead.status();
        if !status.can_replay() {
            return Err(ReplayError::Refused(cannot_replay(status).to_string()));
        }
        check_sendable(conn, &lead)?;
        if status == LeadStatus::Delivered && !confirmed {
            return Err(ReplayError::NeedsConfirmation);
        }
        let now = crate::db::now();
        requeue_or_refuse(conn, &lead, now, None)?;
        crate::leads::v2_progress::on_resend(
            conn,
            &lead.id,
            status == LeadStatus::Delivered,
            false,
        )?;
        let detail = serde_json::json!({ "previous_status": status.as_str() }).to_string();
        record_event(
            conn,
            &lead.id,
            EventKind::Replayed,
            &actor.label,
            &detail,
            now,
        )?;
        let audit_detail = if status == LeadStatus::Delivered {
            "sent again after it was delivered (confirmed)".to_string()
        } else {
            format!("sent again; it was {}", status.as_str())
        };
        audit::record(
            conn,
            actor,
            Some(&lead.company_id),
            Action::LeadReplayed,
            &format!("lead {}", lead.id),
            &audit_detail,
        )?;
        Ok(requeued(&lead, status))
    })
}

/// Replaces the AccuLynx body of a rejected or failed lead with `new_mapped` (checked
/// against AccuLynx's schema first) and sends it. The previous body is kept in the event.
pub fn edit_and_resend(
    conn: &mut DbConn,
    scope: &CompanyScope,
    actor: &Actor,
    lead_id: &str,
    new_mapped: Value,
) -> Result<Requeued, ReplayError> {
    crate::db::write_transaction(conn, |conn| {
        let lead = queries::find_lead(conn, scope, lead_id)?;
        let status = lead.status();
        if !status.can_edit() {
            return Err(ReplayError::Refused(cannot_edit(status).to_string()));
        }
        check_sendable(conn, &lead)?;
        check_lead(&new_mapped).map_err(ReplayError::Invalid)?;
        let previous: Value = lead
            .mapped_body
            .as_deref()
            .and_then(|body| serde_json::from_str(body).ok())
            .unwrap_or(Value::Null);
        let now = crate::db::now();
        requeue_or_refuse(conn, &lead, now, Some(&new_mapped))?;
        crate::leads::v2_progress::on_resend(
            conn,
            &lead.id,
            status == LeadStatus::Delivered,
            true,
        )?;
        let detail = lead
            .mapped_body
            .clone()
            .unwrap_or_else(|| "null".to_string());
        record_event(
            conn,
            &lead.id,
            EventKind::Edited,
            &actor.label,
            &detail,
            now,
        )?;
        let changed = changed_fields(&previous, &new_mapped);
        let audit_detail = if changed.is_empty() {
            "sent again unchanged".to_string()
        } else {
            format!("changed {}", changed.join(", "))
        };
        audit::record(
            conn,
            actor,
            Some(&lead.company_id),
            Action::LeadEdited,
            &format!("lead {}", lead.id),
            &audit_detail,
        )?;
        Ok(requeued(&lead, status))
    })
}

/// Sends a failed or held lead again, as it is, for a bulk resend (`crate::bulk`): the same
/// checks and writes as [`replay`], inside the caller's transaction, with the job named on the
/// lead's timeline. No audit entry per lead: the job has one for all of them. A delivered lead
/// is never sent again this way (it may have been delivered since the job was confirmed).
pub fn resend_in_bulk(
    conn: &mut DbConn,
    scope: &CompanyScope,
    actor_label: &str,
    job_id: &str,
    lead_id: &str,
) -> Result<Requeued, ReplayError> {
    let lead = queries::find_lead(conn, scope, lead_id)?;
    let status = lead.status();
    match status {
        LeadStatus::Failed | LeadStatus::Held => {}
        LeadStatus::Delivered => {
            return Err(ReplayError::Refused(
                "It was delivered after the resend was confirmed, so it was not sent again."
                    .to_string(),
            ));
        }
        LeadStatus::Queued | LeadStatus::Retrying => {
            return Err(ReplayError::Refused(
                "It was already waiting to be sent again.".to_string(),
            ));
        }
        LeadStatus::Rejected | LeadStatus::Duplicate => {
            return Err(ReplayError::Refused(cannot_replay(status).to_string()));
        }
    }
    check_sendable(conn, &lead)?;
    let now = crate::db::now();
    requeue_or_refuse(conn, &lead, now, None)?;
    crate::leads::v2_progress::on_resend(conn, &lead.id, false, false)?;
    let detail = serde_json::json!({ "previous_status": status.as_str(), "bulk_resend": job_id })
        .to_string();
    record_event(
        conn,
        &lead.id,
        EventKind::Replayed,
        actor_label,
        &detail,
        now,
    )?;
    Ok(requeued(&lead, status))
}

/// The fields whose value differs between two AccuLynx bodies, in schema order.
pub fn changed_fields(before: &Value, after: &Value) -> Vec<&'static str> {
    let empty = Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    LeadField::all()
        .map(LeadField::name)
        .filter(|name| before.get(*name) != after.get(*name))
        .collect()
}

fn requeued(lead: &Lead, previous_status: LeadStatus) -> Requeued {
    Requeued {
        lead_id: lead.id.clone(),
        company_id: lead.company_id.clone(),
        previous_status,
        after_commit: AfterCommit::nothing().leads_due(true),
    }
}

fn cannot_replay(status: LeadStatus) -> &'static str {
    match status {
        LeadStatus::Queued | LeadStatus::Retrying => {
            "This lead is already waiting to be sent; there is nothing to replay."
        }
        LeadStatus::Held => {
            "This lead is held until its location is resumed or its AccuLynx key is fixed; it is sent then, without a replay."
        }
        LeadStatus::Rejected => {
            "This lead was rejected on arrival, so it cannot be sent as it is. Edit it and resend instead."
        }
        LeadStatus::Duplicate => {
            "This lead is a duplicate of an earlier lead and was not sent on purpose. Replay the original lead instead."
        }
        LeadStatus::Delivered | LeadStatus::Failed => "This lead can be replayed.",
    }
}

fn cannot_edit(status: LeadStatus) -> &'static str {
    match status {
        LeadStatus::Delivered => {
            "This lead was delivered, so it cannot be edited here. Change it in AccuLynx, or replay it to send it again as it is."
        }
        LeadStatus::Queued | LeadStatus::Retrying => {
            "This lead is waiting to be sent. It can be edited if it fails."
        }
        LeadStatus::Held => {
            "This lead is held until its location is resumed or its AccuLynx key is fixed; it can be edited if it fails then."
        }
        LeadStatus::Duplicate => {
            "This lead is a duplicate of an earlier lead and was not sent on purpose. Edit the original lead instead."
        }
        LeadStatus::Rejected | LeadStatus::Failed => "This lead can be edited.",
    }
}

/// Refuses leads that have nothing left to send, or nowhere to send it.
fn check_sendable(conn: &mut DbConn, lead: &Lead) -> Result<(), ReplayError> {
    if lead.payload_purged_at.is_some() {
        return Err(ReplayError::Refused(
            "The contents of this lead were purged under the retention policy, so there is nothing left to send."
                .to_string(),
        ));
    }
    let deleted: Option<NaiveDateTime> = locations::table
        .find(&lead.location_id)
        .select(locations::deleted_at)
        .first(conn)?;
    if deleted.is_some() {
        return Err(ReplayError::Refused(
            "The location of this lead was deleted, so there is no AccuLynx key to send it with."
                .to_string(),
        ));
    }
    Ok(())
}

/// [`requeue`], refusing with a sentence when the lead changed while someone looked at it.
fn requeue_or_refuse(
    conn: &mut DbConn,
    lead: &Lead,
    now: NaiveDateTime,
    new_mapped: Option<&Value>,
) -> Result<(), ReplayError> {
    if requeue(conn, lead, now, new_mapped)? {
        return Ok(());
    }
    Err(ReplayError::Refused(
        "This lead changed while you were looking at it. Reload the page and try again."
            .to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_are_named_in_schema_order() {
        let before = serde_json::json!({"lastName": "Doe", "notes": "x"});
        let after = serde_json::json!({"firstName": "Jane", "lastName": "Doe"});
        assert_eq!(changed_fields(&before, &after), vec!["firstName", "notes"]);
    }

    #[test]
    fn only_delivered_and_failed_leads_replay_and_only_rejected_and_failed_edit() {
        for status in LeadStatus::SHOWN {
            assert_eq!(
                status.can_replay(),
                cannot_replay(status) == "This lead can be replayed."
            );
            assert_eq!(
                status.can_edit(),
                cannot_edit(status) == "This lead can be edited."
            );
        }
    }
}
