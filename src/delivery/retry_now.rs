//! "Retry now" (SPEC §7, §8): a lead waiting for its next attempt (status `retrying`, or
//! `queued` with a due time still ahead, as after AccuLynx's 429) is made due now and the
//! worker is woken. Its place in the retry schedule and its attempts stay; only the wait is cut
//! short. Company admins only, like replay; recorded in the audit log.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::{self, Action, Actor};
use crate::db::DbConn;
use crate::db::schema::leads;
use crate::domain::scope::CompanyScope;
use crate::effects::AfterCommit;
use crate::leads::lists as queries;
use crate::leads::model::Lead;
use crate::leads::status::LeadStatus;

use super::replay::ReplayError;

/// Whether a lead is waiting for a later attempt, so "Retry now" applies to it.
pub fn waits_to_retry(lead: &Lead, now: NaiveDateTime) -> bool {
    matches!(lead.status(), LeadStatus::Retrying | LeadStatus::Queued)
        && lead.next_attempt_at.is_some_and(|at| at > now)
}

/// Makes a waiting lead due now. The caller applies the returned [`AfterCommit`] (it wakes
/// the worker).
pub fn retry_now(
    conn: &mut DbConn,
    scope: &CompanyScope,
    actor: &Actor,
    lead_id: &str,
) -> Result<AfterCommit, ReplayError> {
    crate::db::write_transaction(conn, |conn| {
        let lead = queries::find_lead(conn, scope, lead_id)?;
        let now = crate::db::now();
        if !waits_to_retry(&lead, now) {
            return Err(ReplayError::Refused(not_waiting(lead.status()).to_string()));
        }
        if lead.lease_until.is_some_and(|until| until > now) {
            return Err(ReplayError::Refused(
                "This lead is being sent right now; its attempt appears on this page in a moment."
                    .to_string(),
            ));
        }
        let changed = diesel::update(
            leads::table
                .filter(leads::id.eq(&lead.id))
                .filter(leads::status.eq(lead.status))
                .filter(leads::next_attempt_at.eq(lead.next_attempt_at)),
        )
        .set((
            leads::next_attempt_at.eq(Some(now)),
            leads::updated_at.eq(now),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(ReplayError::Refused(
                "This lead changed while you were looking at it. Reload the page and try again."
                    .to_string(),
            ));
        }
        let waited_until = lead
            .next_attempt_at
            .map(|at| format!("; it was due at {} UTC", at.format("%Y-%m-%d %H:%M:%S")))
            .unwrap_or_default();
        audit::record(
            conn,
            actor,
            Some(&lead.company_id),
            Action::LeadRetriedNow,
            &format!("lead {}", lead.id),
            &format!(
                "made due now after {} attempts{waited_until}",
                lead.attempts
            ),
        )?;
        Ok(AfterCommit::nothing().leads_due(true))
    })
}

fn not_waiting(status: LeadStatus) -> &'static str {
    match status {
        LeadStatus::Queued | LeadStatus::Retrying => {
            "This lead is already due; the worker sends it in a moment."
        }
        LeadStatus::Delivered => "This lead was delivered; there is nothing to retry.",
        LeadStatus::Failed => "This lead failed for good; replay it to send it again.",
        LeadStatus::Held => {
            "This lead is held until its location is resumed or its AccuLynx key is fixed; it is sent then."
        }
        LeadStatus::Rejected => "This lead was rejected on arrival; edit it and resend it instead.",
        LeadStatus::Duplicate => {
            "This lead is a duplicate and was not sent on purpose; there is nothing to retry."
        }
    }
}
