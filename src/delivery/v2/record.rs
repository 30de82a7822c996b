//! Recording a v2 delivery's result in one transaction: its rows, its progress, the lead's
//! state (the lease released), a remembered or forgotten contact, a refused key and a used-up
//! rate-limit window.

use crate::audit::{self, Action, Actor};
use crate::db::DbConn;
use crate::delivery::queries::{self as locations, DeliveryLocation};
use crate::delivery::v2::queries;
use crate::delivery::worker::Context;
use crate::leads::model::{ClaimedLead, LeadUpdate, NewAttempt};
use crate::leads::queue as lead_queue;
use crate::leads::status::AttemptOutcome;
use crate::leads::v2_progress::{self, V2Progress};

pub(super) fn remember_or_forget(
    conn: &mut DbConn,
    location_id: &str,
    remember: Option<&(String, String)>,
    forget: Option<&str>,
) -> diesel::QueryResult<()> {
    if let Some(email) = forget {
        queries::forget_contact(conn, location_id, email)?;
    }
    if let Some((email, contact_id)) = remember {
        queries::remember_contact(conn, location_id, email, contact_id)?;
    }
    Ok(())
}

/// What a v2 result writes besides the lead's row.
pub(super) struct Extra {
    pub progress: Option<V2Progress>,
    pub remember: Option<(String, String)>,
    pub forget: Option<String>,
    pub rate_limit: Option<(String, chrono::NaiveDateTime)>,
}

/// Records a new state reached without any request.
pub(super) async fn record_without_request(
    ctx: &Context,
    lead: &ClaimedLead,
    location: &DeliveryLocation,
    update: LeadUpdate,
    outcome: AttemptOutcome,
) -> anyhow::Result<()> {
    record_full(
        ctx,
        lead,
        location,
        None,
        Vec::new(),
        update,
        outcome,
        None,
        Extra {
            progress: None,
            remember: None,
            forget: None,
            rate_limit: None,
        },
    )
    .await
}

/// Records the result in one transaction: the rows, the progress, the lead's state (its lease
/// released), a refused key and a used-up rate-limit window.
#[allow(clippy::too_many_arguments)]
pub(super) async fn record_full(
    ctx: &Context,
    lead: &ClaimedLead,
    location: &DeliveryLocation,
    last: Option<NewAttempt>,
    rows: Vec<NewAttempt>,
    update: LeadUpdate,
    outcome: AttemptOutcome,
    rejected: Option<String>,
    extra: Extra,
) -> anyhow::Result<()> {
    let (lead_id, company_id, owner) =
        (lead.id.clone(), lead.company_id.clone(), ctx.owner.clone());
    let (location_id, location_name) = (location.id.clone(), location.name.clone());
    let ours = ctx
        .deps
        .writer
        .run_repeatable(move |conn| {
            lead_queue::insert_attempts(conn, &rows)?;
            if let Some(progress) = &extra.progress {
                v2_progress::save(conn, progress)?;
            }
            remember_or_forget(
                conn,
                &location_id,
                extra.remember.as_ref(),
                extra.forget.as_deref(),
            )?;
            if let Some((policy, until)) = &extra.rate_limit {
                queries::record_rate_limit(conn, &location_id, policy, *until)?;
            }
            let ours = lead_queue::record(conn, &lead_id, &owner, last.clone(), &update)?;
            if let Some(message) = &rejected
                && locations::flag_rejected_key(conn, &location_id, message)?
            {
                audit::record(
                    conn,
                    &Actor::system(),
                    Some(&company_id),
                    Action::KeyRejected,
                    &location_name,
                    message,
                )?;
            }
            Ok(ours)
        })
        .await?;
    if ours {
        ctx.deps.metrics.delivery_recorded(outcome);
    } else {
        tracing::warn!(lead_id = %lead.id, "the lease ended before the result was recorded; another worker owns the lead now");
    }
    Ok(())
}
