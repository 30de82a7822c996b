//! The delivery worker: claims due leads under a lease, sends each within the rate limits
//! with bounded concurrency, and records the attempt and the lead's new state in one
//! transaction (through the group-commit writer).
//!
//! Woken in-process when leads become due; otherwise it polls at least every second (other
//! instances' leads, retries coming due). A lease (2 × the request timeout) guards each
//! claimed lead: if this process dies, another instance claims the lead once the lease has
//! ended (on SQLite, the next start releases them). On shutdown it stops claiming, gives
//! back leads it has not sent yet, and waits for requests in flight.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::acculynx::classify::Verdict;
use crate::acculynx::client::AccuLynxClient;
use crate::audit::{self, Action, Actor};
use crate::crypto::secret_box::SecretBox;
use crate::db::group_commit::GroupCommit;
use crate::db::{Backend, DbPool};
use crate::delivery::limits::DeliveryLimits;
use crate::delivery::outcome::{Hold, attempt_row, decide, failed, held, outcome_of, usable_key};
use crate::delivery::queries::{self as locations, DeliveryLocation};
use crate::delivery::schedule::RetrySchedule;
use crate::delivery::send::post_lead;
use crate::leads::model::{ClaimedLead, LeadUpdate, NewAttempt};
use crate::leads::queue as queries;
use crate::leads::status::AttemptOutcome;
use crate::telemetry::metrics::Metrics;

/// What the worker needs.
pub struct WorkerDeps {
    /// Pool for reads.
    pub pool: DbPool,
    /// Writer for claims and results.
    pub writer: GroupCommit,
    /// Which database.
    pub backend: Backend,
    /// Opens location keys.
    pub secret_box: SecretBox,
    /// The AccuLynx client (timeout set).
    pub acculynx: AccuLynxClient,
    /// Rate limits of this process.
    pub limits: Arc<DeliveryLimits>,
    /// Retry schedule.
    pub schedule: RetrySchedule,
    /// Deliveries in flight at once.
    pub concurrency: usize,
    /// How long a claim lasts.
    pub lease: Duration,
    /// In-process wake-up.
    pub wake: Arc<Notify>,
    /// Longest sleep when nothing is due (SPEC §7: other instances poll ≤ 1 s).
    pub poll: Duration,
    /// This process's counters (attempts, outcomes, rate-limit waits).
    pub metrics: Arc<Metrics>,
}

struct Context {
    deps: WorkerDeps,
    owner: String,
    shutdown: CancellationToken,
}

/// A running worker.
pub struct WorkerHandle {
    shutdown: CancellationToken,
    join: tokio::task::JoinHandle<()>,
}

impl WorkerHandle {
    /// Stops claiming, gives back unsent leads, waits for requests in flight.
    pub async fn stop(self) {
        self.shutdown.cancel();
        let _ = self.join.await;
    }
}

/// Starts the worker on the current runtime.
pub fn spawn(deps: WorkerDeps) -> WorkerHandle {
    let shutdown = CancellationToken::new();
    let owner = format!(
        "{}-{}",
        std::process::id(),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let context = Arc::new(Context {
        deps,
        owner,
        shutdown: shutdown.clone(),
    });
    WorkerHandle {
        shutdown,
        join: tokio::spawn(run(context).in_current_span()),
    }
}

/// One pass of the worker, run to its end on the caller's task: claims what is due now (up to
/// the concurrency), sends it within the rate limits and records every result. Returns how many
/// leads it took. For tests and tools that drive delivery step by step rather than wait for
/// the running worker; it competes with running workers as another instance would.
pub async fn deliver_due(deps: WorkerDeps) -> anyhow::Result<usize> {
    let ctx = Arc::new(Context {
        owner: format!(
            "{}-pass-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        ),
        shutdown: CancellationToken::new(),
        deps,
    });
    let limit = ctx.deps.concurrency.max(1);
    let (owner, lease_until) = (
        ctx.owner.clone(),
        crate::db::now() + to_delta(ctx.deps.lease),
    );
    let leads = ctx
        .deps
        .writer
        .run_single_write(move |conn| {
            queries::claim_due(
                conn,
                &owner,
                i64::try_from(limit).unwrap_or(i64::MAX),
                lease_until,
            )
        })
        .await?;
    let taken = leads.len();
    let locations = locations_of(&ctx, &leads).await?;
    let sending = Arc::new(Semaphore::new(limit));
    let recording = Arc::new(Semaphore::new(limit));
    let room = Arc::new(Notify::new());
    let mut deliveries = Vec::with_capacity(taken);
    for lead in leads {
        let slots = Slots {
            sending: sending.clone().acquire_owned().await?,
            recording: recording.clone(),
            room: room.clone(),
        };
        let location = locations.get(&lead.location_id).cloned();
        deliveries.push(tokio::spawn(
            deliver(ctx.clone(), lead, location, slots).in_current_span(),
        ));
    }
    for delivery in deliveries {
        delivery.await?;
    }
    Ok(taken)
}

async fn run(ctx: Arc<Context>) {
    tracing::info!(owner = %ctx.owner, concurrency = ctx.deps.concurrency, "delivery worker started");
    if ctx.deps.backend == Backend::Sqlite {
        // One instance only: any lease in the database is a previous run's.
        match ctx
            .deps
            .writer
            .run(|conn| queries::release_leases(conn, None))
            .await
        {
            Ok(0) => {}
            Ok(released) => tracing::info!(released, "released the leases of a previous run"),
            Err(err) => tracing::error!(error = %err, "could not release old leases"),
        }
    }
    let concurrency = ctx.deps.concurrency.max(1);
    // Claimed leads waiting to be sent, or being sent: at most `concurrency`.
    let sending = Arc::new(Semaphore::new(concurrency));
    // Results waiting for the writer: more, so commits batch many results together.
    let recording = Arc::new(Semaphore::new(concurrency * 4));
    // Claim in batches of at least a quarter of the concurrency (fewer claims under load).
    let min_batch = (concurrency / 4).max(1);
    let room = Arc::new(Notify::new());
    while !ctx.shutdown.is_cancelled() {
        let free = sending.available_permits();
        if free < min_batch.min(concurrency) || free == 0 {
            tokio::select! {
                () = ctx.shutdown.cancelled() => break,
                () = room.notified() => continue,
            }
        }
        let owner = ctx.owner.clone();
        let lease_until = crate::db::now() + to_delta(ctx.deps.lease);
        let limit = i64::try_from(free).unwrap_or(i64::MAX);
        let claimed = ctx
            .deps
            .writer
            // One UPDATE … RETURNING: no savepoint needed.
            .run_single_write(move |conn| queries::claim_due(conn, &owner, limit, lease_until))
            .await;
        match claimed {
            Ok(leads) if leads.is_empty() => idle(&ctx).await,
            Ok(leads) => {
                let locations = match locations_of(&ctx, &leads).await {
                    Ok(locations) => locations,
                    Err(err) => {
                        // The leases run out and the leads are claimed again.
                        tracing::error!(error = %format!("{err:#}"), "could not read the locations of claimed leads");
                        continue;
                    }
                };
                for lead in leads {
                    let Ok(slot) = sending.clone().acquire_owned().await else {
                        break;
                    };
                    let location = locations.get(&lead.location_id).cloned();
                    let slots = Slots {
                        sending: slot,
                        recording: recording.clone(),
                        room: room.clone(),
                    };
                    tokio::spawn(deliver(ctx.clone(), lead, location, slots).in_current_span());
                }
            }
            Err(err) => {
                tracing::error!(error = %err, "could not claim leads; trying again shortly");
                tokio::select! {
                    () = ctx.shutdown.cancelled() => {},
                    () = tokio::time::sleep(ctx.deps.poll) => {},
                }
            }
        }
    }
    // Wait for deliveries in flight (each bounded by the request timeout) and their results.
    let total = u32::try_from(concurrency).unwrap_or(u32::MAX);
    let _ = sending.acquire_many(total).await;
    let _ = recording.acquire_many(total.saturating_mul(4)).await;
    tracing::info!(owner = %ctx.owner, "delivery worker stopped");
}

/// A delivery's places: one among those sending, then one among those recording.
struct Slots {
    sending: OwnedSemaphorePermit,
    recording: Arc<Semaphore>,
    room: Arc<Notify>,
}

/// The locations of a batch of claimed leads, read once for the batch.
async fn locations_of(
    ctx: &Context,
    leads: &[ClaimedLead],
) -> anyhow::Result<HashMap<String, Arc<DeliveryLocation>>> {
    let mut ids: Vec<String> = leads.iter().map(|lead| lead.location_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let pool = ctx.deps.pool.clone();
    let found = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get()?;
        Ok::<_, anyhow::Error>(locations::delivery_locations(&mut conn, &ids)?)
    })
    .await??;
    Ok(found
        .into_iter()
        .map(|location| (location.id.clone(), Arc::new(location)))
        .collect())
}

/// Sleeps until woken, until the next lead falls due, or for the poll interval.
async fn idle(ctx: &Context) {
    let pool = ctx.deps.pool.clone();
    let next_due = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().ok()?;
        queries::next_due(&mut conn).ok().flatten()
    })
    .await
    .ok()
    .flatten();
    let wait = next_due
        .map(|at| (at - crate::db::now()).to_std().unwrap_or(Duration::ZERO))
        .map_or(ctx.deps.poll, |until| until.min(ctx.deps.poll))
        .max(Duration::from_millis(5));
    tokio::select! {
        () = ctx.shutdown.cancelled() => {},
        () = ctx.deps.wake.notified() => {},
        () = tokio::time::sleep(wait) => {},
    }
}

async fn deliver(
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
            return finish(ctx, &lead, None, update, outcome, None, slots).await;
        }
    };
    let key_id = crate::crypto::sha256_hex(key.expose().as_bytes());
    let waiting = Instant::now();
    let waited = tokio::select! {
        () = ctx.shutdown.cancelled() => return give_back(ctx, &lead).await,
        waited = ctx.deps.limits.acquire(&key_id) => waited,
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
    finish(ctx, &lead, Some(row), update, outcome, rejected, slots).await
}

impl Slots {
    /// Leaves the senders (making room for another claim) for the recorders.
    async fn into_recording(self) -> Option<OwnedSemaphorePermit> {
        let recording = self.recording.acquire_owned().await.ok();
        drop(self.sending);
        self.room.notify_one();
        recording
    }
}

/// Records the result (`outcome` is the attempt's, or the new status when there was none).
async fn finish(
    ctx: &Context,
    lead: &ClaimedLead,
    attempt: Option<NewAttempt>,
    update: LeadUpdate,
    outcome: AttemptOutcome,
    rejected_key: Option<(String, DeliveryLocation)>,
    _recording: Option<OwnedSemaphorePermit>,
) -> anyhow::Result<()> {
    let (lead_id, company_id, owner) =
        (lead.id.clone(), lead.company_id.clone(), ctx.owner.clone());
    let ours = ctx
        .deps
        .writer
        // Plain writes of what was decided: the job can run again if its batch is.
        .run_repeatable(move |conn| {
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
        })
        .await?;
    if ours {
        ctx.deps.metrics.delivery_recorded(outcome);
    } else {
        tracing::warn!(lead_id = %lead.id, "the lease ended before the result was recorded; another worker owns the lead now");
    }
    Ok(())
}

async fn give_back(ctx: &Context, lead: &ClaimedLead) -> anyhow::Result<()> {
    let (lead_id, owner) = (lead.id.clone(), ctx.owner.clone());
    ctx.deps
        .writer
        .run(move |conn| queries::release_lead(conn, &lead_id, &owner))
        .await?;
    Ok(())
}

fn to_delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}
