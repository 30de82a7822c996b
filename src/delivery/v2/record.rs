//! Recording a v2 delivery's result in one transaction: its rows, its progress, the lead's
//! state (the lease released), a remembered or forgotten contact, a refused key and a used-up
//! rate-limit window.

use tokio::sync::OwnedSemaphorePermit;

use crate::db::DbConn;
use crate::delivery::one_lead::{AlsoWrite, finish};
use crate::delivery::queries::DeliveryLocation;
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
    update: LeadUpdate,
    outcome: AttemptOutcome,
    recording: Option<OwnedSemaphorePermit>,
) -> anyhow::Result<()> {
    finish(ctx, lead, None, update, outcome, None, recording, None).await
}

/// Records the result in one transaction (through the v1 path's [`finish`]): the rows, the
/// progress, a remembered contact, a used-up rate-limit window, the lead's state (its lease
/// released) and a refused key.
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
    recording: Option<OwnedSemaphorePermit>,
) -> anyhow::Result<()> {
    let location_id = location.id.clone();
    let also: AlsoWrite = Box::new(move |conn| {
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
        Ok(())
    });
    let rejected = rejected.map(|message| (message, location.clone()));
    finish(
        ctx,
        lead,
        last,
        update,
        outcome,
        rejected,
        recording,
        Some(also),
    )
    .await
}
