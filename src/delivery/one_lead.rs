//! One claimed lead's delivery: held or failed at once when its location cannot send it,
//! else sent within the rate limits, then its result recorded (through the group-commit
//! writer) with the lease released. A graceful stop gives back a lead not sent yet.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::OwnedSemaphorePermit;

use crate::acculynx::classify::Verdict;
use crate::audit::{self, Action, Actor};
use crate::db::outage::outage_of;
use crate::delivery::lease::{Slot, acquire_keeping_lease};
use crate::delivery::outcome::{Hold, attempt_row, decide, failed, held, outcome_of, usable_key};
use crate::delivery::queries::{self as locations, DeliveryLocation};
use crate::delivery::send::post_lead;
use crate::delivery::worker::{Context, Slots};
use crate::leads::model::{ClaimedLead, LeadUpdate, NewAttempt};
use crate::leads::queue as queries;
use crate::leads::status::AttemptOutcome;
use crate::tenants::model::AccuLynxApi;

/// Delivers one claimed lead; a failure to record is logged (the lease then runs out and the
/// lead is claimed again: at-least-once).
pub(super) async fn deliver(
    ctx: Arc<Context>,
    lead: ClaimedLead,
    location: Option<Arc<DeliveryLocation>>,
    slots: Slots,
) {
    let lead_id = lead.id.clone();
    if let Err(err) = deliver_one(&ctx, lead, location, slots).await {
        // The lease will expire and the lead be claimed again: at-least-once.
        tracing::error!(lead_id = %lead_id, error = %format!("{err:#}"), "recording a delivery failed");
    }
}

async fn deliver_one(
    ctx: &Context,
    lead: ClaimedLead,
    location: Option<Arc<DeliveryLocation>>,
    slots: Slots,
) -> anyhow::Result<()> {
    let Some(location) = location else {
        anyhow::bail!(
            "the location {} of lead {} is missing",
            lead.location_id,
            lead.id
        );
    };
    let prepared = match usable_key(&ctx.deps.secret_box, &location) {
        Err(Hold::Hold(reason)) => Err(held(&lead, reason)),
        Err(Hold::Fail(reason)) => Err(failed(&lead, reason, false, None)),
        Ok(key) => match lead.mapped_body.clone() {
            Some(body) => Ok((key, body)),
            None => Err(failed(
                &lead,
                "The lead's payload was purged before it could be sent.".to_string(),
                false,
                None,
            )),
        },
    };
    let (key, body) = match prepared {
        Ok(ready) => ready,
        Err(update) => {
            let slots = slots.into_recording().await;
            let outcome = AttemptOutcome::of_status(update.status);
            return finish(ctx, &lead, None, update, outcome, None, slots, None).await;
        }
    };
    if location.api() == AccuLynxApi::V2 {
        return crate::delivery::v2::deliver(ctx, &lead, location, key, body, slots).await;
    }
    let key_id = crate::crypto::sha256_hex(key.expose().as_bytes());
    let waiting = Instant::now();
    let mut lease_until = lead.lease_until;
    let waited = match acquire_keeping_lease(ctx, &lead.id, &mut lease_until, &key_id).await? {
        Slot::Ready(waited) => waited,
        Slot::Stopping => return give_back(ctx, &lead).await,
        Slot::Lost => {
            tracing::warn!(lead_id = %lead.id, "the lead was claimed again while it waited for its slot; that claim sends it");
            return Ok(());
        }
    };
    if waited {
        ctx.deps.metrics.rate_limit_waited(waiting.elapsed());
    }
    let sending = Instant::now();
    let attempt = post_lead(&ctx.deps.acculynx, &key, body.clone()).await;
    ctx.deps.metrics.attempt_finished(sending.elapsed());
    let slots = slots.into_recording().await;
    if let Verdict::RateLimited(wait, _) = &attempt.verdict {
        ctx.deps.limits.pause(&key_id, Instant::now() + *wait);
    }
    let update = decide(&ctx.deps.schedule, &lead, &attempt);
    let outcome = outcome_of(&attempt, &update);
    let row = attempt_row(&lead, &attempt, &update, outcome, body);
    tracing::info!(
        lead_id = %lead.id,
        location_id = %lead.location_id,
        http_status = attempt.http_status,
        duration_ms = attempt.duration_ms,
        outcome = outcome.as_str(),
        "delivery attempt"
    );
    let rejected = match &attempt.verdict {
        Verdict::KeyRejected(message) => Some((message.clone(), (*location).clone())),
        _ => None,
    };
    finish(
        ctx,
        &lead,
        Some(row),
        update,
        outcome,
        rejected,
        slots,
        None,
    )
    .await
}

impl Slots {
    /// Leaves the senders (making room for another claim) for the recorders.
    pub(in crate::delivery) async fn into_recording(self) -> Option<OwnedSemaphorePermit> {
        let recording = self.recording.acquire_owned().await.ok();
        drop(self.sending);
        self.room.notify_one();
        recording
    }
}

/// More writes for the result's transaction (a v2 delivery's rows and progress); run again if
/// its batch is.
pub(in crate::delivery) type AlsoWrite =
    Box<dyn FnMut(&mut crate::db::DbConn) -> diesel::QueryResult<()> + Send>;

/// Records the result (`outcome` is the attempt's, or the new status when there was none),
/// with `also` in the same transaction.
#[allow(clippy::too_many_arguments)]
pub(in crate::delivery) async fn finish(
    ctx: &Context,
    lead: &ClaimedLead,
    attempt: Option<NewAttempt>,
    update: LeadUpdate,
    outcome: AttemptOutcome,
    rejected_key: Option<(String, DeliveryLocation)>,
    _recording: Option<OwnedSemaphorePermit>,
    mut also: Option<AlsoWrite>,
) -> anyhow::Result<()> {
    let (lead_id, company_id, owner) =
        (lead.id.clone(), lead.company_id.clone(), ctx.owner.clone());
    // Plain writes of what was decided: the job can run again if its batch is, and again
    // after an outage of the database (see `record_until_stored`).
    let job = move |conn: &mut crate::db::DbConn| {
        if let Some(also) = &mut also {
            also(conn)?;
        }
        let ours = queries::record(conn, &lead_id, &owner, attempt.clone(), &update)?;
        if let Some((message, location)) = &rejected_key
            && locations::flag_rejected_key(conn, &location.id, message)?
        {
            audit::record(
                conn,
                &Actor::system(),
                Some(&company_id),
                Action::KeyRejected,
                &location.name,
                message,
            )?;
        }
        Ok(ours)
    };
    let ours = record_until_stored(ctx, &lead.id, job).await?;
    if ours {
        ctx.deps.metrics.delivery_recorded(outcome);
    } else {
        tracing::warn!(lead_id = %lead.id, "the lease ended before the result was recorded; another worker owns the lead now");
    }
    Ok(())
}

/// First wait between two tries of recording a result while the database is unavailable;
/// it doubles up to [`RECORD_RETRY_MAX`].
const RECORD_RETRY_FIRST: Duration = Duration::from_millis(100);
/// Longest wait between two tries of recording a result.
const RECORD_RETRY_MAX: Duration = Duration::from_secs(2);

/// Runs a result's job through the writer; while the database is unreachable or its disk is
/// full, tries again until it is stored or the worker stops. A result lost that way would
/// make the lead be sent again once its lease ran out: a second copy in AccuLynx of a lead it
/// had accepted. Meanwhile the lead is marked as being recorded, so that a claim of it by this
/// worker (its lease runs out during a long outage) does not send it again.
async fn record_until_stored<F>(ctx: &Context, lead_id: &str, job: F) -> anyhow::Result<bool>
where
    F: FnMut(&mut crate::db::DbConn) -> diesel::QueryResult<bool> + Send + 'static,
{
    let job = Arc::new(std::sync::Mutex::new(job));
    let mut wait = RECORD_RETRY_FIRST;
    let mut marked = false;
    let result = loop {
        let job = job.clone();
        let stored = ctx
            .deps
            .writer
            .run_repeatable(move |conn| {
                let mut job = job.lock().map_err(|_| {
                    diesel::result::Error::QueryBuilderError("a result job panicked".into())
                })?;
                (*job)(conn)
            })
            .await;
        match stored {
            Ok(ours) => break Ok(ours),
            Err(err) if outage_of(&err).is_some() && !ctx.shutdown.is_cancelled() => {
                if !marked {
                    ctx.mark_recording(lead_id, true);
                    marked = true;
                }
                tracing::warn!(lead_id = %lead_id, error = %err, retry_in_ms = wait.as_millis() as u64, "the database is unavailable; the delivery result is recorded once it is back");
                tokio::select! {
                    () = ctx.shutdown.cancelled() => {},
                    () = tokio::time::sleep(wait) => {},
                }
                wait = (wait * 2).min(RECORD_RETRY_MAX);
            }
            Err(err) => break Err(err.into()),
        }
    };
    if marked {
        ctx.mark_recording(lead_id, false);
    }
    result
}

async fn give_back(ctx: &Context, lead: &ClaimedLead) -> anyhow::Result<()> {
    let (lead_id, owner) = (lead.id.clone(), ctx.owner.clone());
    ctx.deps
        .writer
        .run(move |conn| queries::release_lead(conn, &lead_id, &owner))
        .await?;
    Ok(())
}
