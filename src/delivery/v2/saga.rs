//! One lead's v2 delivery from claim to record: the steps in order (module doc of
//! [`super`]), the checkpoints that make them safe to repeat, and the lead's new state.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::acculynx::AccuLynxLead;
use crate::acculynx::classify::Verdict;
use crate::acculynx::v2::{Lookups, V2Plan, plan};

use crate::crypto::secret_box::AccuLynxKey;
use crate::delivery::outcome::{decide, failed};
use crate::delivery::queries::DeliveryLocation;
use crate::delivery::send::Attempt;
use crate::delivery::v2::lookups::{self as lists, LookupFailed};
use crate::delivery::v2::record::{Extra, record_full, record_without_request, remember_or_forget};
use crate::delivery::v2::steps::{Call, Caller, Stopping};
use crate::delivery::worker::{Context, Slots, to_delta};
use crate::leads::model::{ClaimedLead, LeadUpdate};
use crate::leads::queue as lead_queue;
use crate::leads::status::{AttemptOutcome, LeadStatus};
use crate::leads::v2_progress::{self, V2Progress};

/// A wait longer than this is never slept by a worker: the lead waits in the queue.
const LONGEST_IN_MEMORY_PAUSE: Duration = Duration::from_secs(60);

/// Why the steps stopped before the lead was delivered.
pub(super) enum End {
    /// An answer that decides the lead's state (as a v1 answer would).
    Answer(Attempt),
    /// The lease was no longer this worker's: another one owns the lead.
    Lost,
    /// The worker is stopping: give the lead back.
    Stopping,
    /// The database failed.
    Db(anyhow::Error),
}

impl From<Stopping> for End {
    fn from(stopping: Stopping) -> Self {
        match stopping {
            Stopping::Shutdown => End::Stopping,
            Stopping::LeaseLost => End::Lost,
        }
    }
}

/// A delivery in progress.
pub(super) struct Saga<'a> {
    pub caller: Caller<'a>,
    pub lead: &'a ClaimedLead,
    pub location: &'a DeliveryLocation,
    pub progress: V2Progress,
    /// An email → contact id to remember at the next write.
    pub remember: Option<(String, String)>,
    /// An email whose remembered contact AccuLynx no longer knows.
    pub forget: Option<String>,
    /// How the contact was obtained, for the delivered row.
    pub contact_how: &'static str,
    /// The row that made the lead delivered.
    pub delivered_row: Option<usize>,
}

impl Saga<'_> {
    /// Stops with the answer of `call` deciding the lead's state.
    pub fn stop(&self, call: &Call) -> End {
        End::Answer(call.wire.clone().into_attempt(call.verdict.clone()))
    }

    /// Writes what was obtained so far (progress, rows, remembered contact) and keeps the lease.
    pub async fn checkpoint(&mut self) -> Result<(), End> {
        let ctx = self.caller.ctx;
        let rows = std::mem::take(&mut self.caller.rows);
        let (progress, remember, forget) = (
            self.progress.clone(),
            self.remember.take(),
            self.forget.take(),
        );
        let (lead_id, location_id, owner) = (
            self.lead.id.clone(),
            self.location.id.clone(),
            ctx.owner.clone(),
        );
        let until = crate::db::now() + to_delta(ctx.deps.lease);
        let ours = ctx
            .deps
            .writer
            .run_repeatable(move |conn| {
                if !v2_progress::extend_lease(conn, &lead_id, &owner, until)? {
                    return Ok(false);
                }
                v2_progress::save(conn, &progress)?;
                lead_queue::insert_attempts(conn, &rows)?;
                remember_or_forget(conn, &location_id, remember.as_ref(), forget.as_deref())?;
                Ok(true)
            })
            .await
            .map_err(|err| End::Db(err.into()))?;
        if ours { Ok(()) } else { Err(End::Lost) }
    }
}

/// Delivers one claimed lead of a v2 location through the saga and records the outcome.
pub(in crate::delivery) async fn deliver(
    ctx: &Context,
    lead: &ClaimedLead,
    location: Arc<DeliveryLocation>,
    key: AccuLynxKey,
    body: String,
    slots: Slots,
) -> anyhow::Result<()> {
    let now = crate::db::now();
    if let Some(until) = location.rate_limited_until.filter(|until| *until > now) {
        let window = location
            .rate_limit_policy
            .as_deref()
            .unwrap_or("rate-limit");
        let update = LeadUpdate {
            status: LeadStatus::Retrying,
            retry_step: lead.retry_step,
            next_attempt_at: Some(until),
            last_http_status: None,
            last_error: Some(format!(
                "Waiting for AccuLynx's {window} window to reset at {} UTC; nothing was sent.",
                until.format("%Y-%m-%d %H:%M:%S")
            )),
            counts_attempt: false,
        };
        let recording = slots.into_recording().await;
        return record_without_request(ctx, lead, update, AttemptOutcome::RateLimited, recording)
            .await;
    }
    let Ok(v1) = serde_json::from_str::<AccuLynxLead>(&body) else {
        let update = failed(
            lead,
            "The lead's stored AccuLynx fields cannot be read.".into(),
            false,
            None,
        );
        let recording = slots.into_recording().await;
        return record_without_request(ctx, lead, update, AttemptOutcome::Failed, recording).await;
    };
    let pool = ctx.deps.pool.clone();
    let (lead_id, location_id) = (lead.id.clone(), location.id.clone());
    let (progress, cached) = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get()?;
        let progress = v2_progress::find(&mut conn, &lead_id)?;
        let cached = lists::cached(&mut conn, &location_id)?;
        Ok::<_, anyhow::Error>((progress, cached))
    })
    .await??;
    let key_id = crate::crypto::sha256_hex(key.expose().as_bytes());
    let mut saga = Saga {
        caller: Caller {
            ctx,
            key: &key,
            key_id: key_id.clone(),
            lead_id: lead.id.clone(),
            number: lead.attempts + 1,
            rows: Vec::new(),
            lease_until: lead.lease_until,
        },
        lead,
        location: &location,
        progress: progress.unwrap_or_else(|| V2Progress::new(&lead.id)),
        remember: None,
        forget: None,
        contact_how: "",
        delivered_row: None,
    };
    let ended = run(&mut saga, &v1, cached).await;
    let Saga {
        caller,
        progress,
        remember,
        forget,
        delivered_row,
        contact_how,
        ..
    } = saga;
    let mut rows = caller.rows;
    let recording = slots.into_recording().await;
    let (update, outcome, rate_limit) = match ended {
        Ok(plan) => {
            let job = progress.job_id.clone().unwrap_or_default();
            let mut summary = match &progress.contact_id {
                Some(contact) => {
                    format!("Delivered: AccuLynx job {job} for contact {contact} ({contact_how}).")
                }
                None => format!("Delivered: AccuLynx job {job} carries this lead's reference."),
            };
            if !plan.warnings.is_empty() {
                summary.push_str(" Not carried across: ");
                summary.push_str(&plan.warnings.join(" "));
            }
            let index = delivered_row
                .filter(|i| *i < rows.len())
                .or(rows.len().checked_sub(1));
            if let Some(row) = index.and_then(|i| rows.get_mut(i)) {
                row.outcome = AttemptOutcome::Delivered;
                row.summary = summary;
            }
            let http = index
                .and_then(|i| rows.get(i))
                .and_then(|row| row.http_status);
            let update = LeadUpdate {
                status: LeadStatus::Delivered,
                retry_step: lead.retry_step,
                next_attempt_at: None,
                last_http_status: http,
                last_error: None,
                counts_attempt: true,
            };
            (update, AttemptOutcome::Delivered, None)
        }
        Err(End::Answer(attempt)) => {
            let update = decide(&ctx.deps.schedule, lead, &attempt);
            let outcome = match (&attempt.verdict, update.status) {
                (Verdict::RateLimited(..), LeadStatus::Retrying) => AttemptOutcome::RateLimited,
                (_, status) => AttemptOutcome::of_status(status),
            };
            if let Some(row) = rows.last_mut() {
                row.outcome = outcome;
                if let Some(reason) = &update.last_error {
                    row.summary.clone_from(reason);
                }
            }
            let rate_limit = match &attempt.verdict {
                Verdict::RateLimited(wait, _) => {
                    if *wait <= LONGEST_IN_MEMORY_PAUSE {
                        ctx.deps.limits.pause(&key_id, Instant::now() + *wait);
                        None
                    } else {
                        let policy =
                            serde_json::from_str::<serde_json::Value>(&attempt.response_headers)
                                .ok()
                                .and_then(|h| {
                                    h.get("ratelimit-policy")
                                        .and_then(|p| p.as_str().map(str::to_string))
                                })
                                .unwrap_or_else(|| "rate-limit".to_string());
                        Some((policy, crate::db::now() + to_delta(*wait)))
                    }
                }
                _ => None,
            };
            let rejected = match &attempt.verdict {
                Verdict::KeyRejected(message) => Some(message.clone()),
                _ => None,
            };
            tracing::info!(
                lead_id = %lead.id,
                location_id = %lead.location_id,
                http_status = attempt.http_status,
                outcome = outcome.as_str(),
                "v2 delivery stopped"
            );
            let last = rows.pop();
            return record_full(
                ctx,
                lead,
                &location,
                last,
                rows,
                update,
                outcome,
                rejected,
                Extra {
                    progress: Some(progress),
                    remember,
                    forget,
                    rate_limit,
                },
                recording,
            )
            .await;
        }
        Err(End::Lost) => {
            tracing::warn!(lead_id = %lead.id, "the lease ended during a v2 delivery; another worker owns the lead now");
            return Ok(());
        }
        Err(End::Stopping) => {
            let (lead_id, owner, location_id) =
                (lead.id.clone(), ctx.owner.clone(), location.id.clone());
            ctx.deps
                .writer
                .run_repeatable(move |conn| {
                    v2_progress::save(conn, &progress)?;
                    lead_queue::insert_attempts(conn, &rows)?;
                    remember_or_forget(conn, &location_id, remember.as_ref(), forget.as_deref())?;
                    lead_queue::release_lead(conn, &lead_id, &owner)
                })
                .await?;
            return Ok(());
        }
        Err(End::Db(err)) => return Err(err),
    };
    tracing::info!(lead_id = %lead.id, location_id = %lead.location_id, outcome = outcome.as_str(), "v2 delivery");
    let last = rows.pop();
    record_full(
        ctx,
        lead,
        &location,
        last,
        rows,
        update,
        outcome,
        None,
        Extra {
            progress: Some(progress),
            remember,
            forget,
            rate_limit,
        },
        recording,
    )
    .await
}

/// The steps, in order; the plan when the lead was delivered.
async fn run(
    saga: &mut Saga<'_>,
    v1: &AccuLynxLead,
    cached: Option<(Lookups, chrono::NaiveDateTime)>,
) -> Result<V2Plan, End> {
    let lookups = match cached {
        Some((lookups, at)) if lists::fresh(at) => lookups,
        _ => fetch_lookups(saga).await?,
    };
    let zone = saga.location.time_zone.parse::<chrono_tz::Tz>().ok();
    let plan = plan(v1, &lookups, &saga.location.v2_defaults(), zone);
    if saga.progress.job_id.is_none() {
        saga.find_reference().await?;
    } else if !saga.progress.reference_done {
        // A reference asked for before may exist though its answer was lost (§6 step 5).
        saga.find_reference_of_job().await?;
    }
    if saga.progress.job_id.is_none() {
        let contact = saga.contact(&plan).await?;
        if saga.progress.job_requested_at.is_some() {
            saga.adopt_orphan_job(&contact).await?;
        }
        if saga.progress.job_id.is_none() {
            saga.progress.job_requested_at = Some(crate::db::now());
            saga.checkpoint().await?;
            saga.create_job(&plan, &contact).await?;
            saga.checkpoint().await?;
        }
    }
    if !saga.progress.reference_done {
        saga.create_reference().await?;
    }
    saga.optional_steps(&plan).await?;
    Ok(plan)
}

/// Fetches the location's lists and caches them; a failure stops the delivery like any step.
async fn fetch_lookups(saga: &mut Saga<'_>) -> Result<Lookups, End> {
    let ctx = saga.caller.ctx;
    match lists::fetch(&ctx.deps.acculynx, saga.caller.key).await {
        Ok(lookups) => {
            let (location_id, stored) = (saga.location.id.clone(), lookups.clone());
            ctx.deps
                .writer
                .run_repeatable(move |conn| lists::store(conn, &location_id, &stored))
                .await
                .map_err(|err| End::Db(err.into()))?;
            Ok(lookups)
        }
        Err(LookupFailed {
            request,
            wire,
            verdict,
        }) => {
            let call = Call { wire, verdict };
            let summary = format!(
                "AccuLynx's lists could not be read: {}",
                LookupFailed {
                    request: request.clone(),
                    wire: call.wire.clone(),
                    verdict: call.verdict.clone()
                }
                .sentence()
            );
            saga.caller
                .keep(request, None, &call, AttemptOutcome::Retrying, summary);
            Err(saga.stop(&call))
        }
    }
}
