//! The delivery worker: claims due leads under a lease, sends each within the rate limits
//! with bounded concurrency, and records the attempt and the lead's new state in one
//! transaction (through the group-commit writer).
//!
//! Woken in-process when leads become due; otherwise it polls at least every second (other
//! instances' leads, retries coming due). A lease (2 × the request timeout) guards each
//! claimed lead: if this process dies, another instance claims the lead once the lease has
//! ended (on SQLite, the next start releases them). On shutdown it stops claiming, gives
//! back leads it has not sent yet, and waits for requests in flight.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::acculynx::client::AccuLynxClient;
use crate::crypto::secret_box::SecretBox;
use crate::db::group_commit::GroupCommit;
use crate::db::{Backend, DbPool};
use crate::delivery::limits::DeliveryLimits;
use crate::delivery::one_lead::deliver;
use crate::delivery::queries::{self as locations, DeliveryLocation};
use crate::delivery::schedule::RetrySchedule;
use crate::leads::model::ClaimedLead;
use crate::leads::queue as queries;
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

pub(super) struct Context {
    pub(super) deps: WorkerDeps,
    pub(super) owner: String,
    pub(super) shutdown: CancellationToken,
    /// Leads sent whose result waits for the database to come back: not sent again if this
    /// worker claims them meanwhile.
    recording: std::sync::Mutex<HashSet<String>>,
}

impl Context {
    fn new(deps: WorkerDeps, owner: String, shutdown: CancellationToken) -> Self {
        Self {
            deps,
            owner,
            shutdown,
            recording: std::sync::Mutex::new(HashSet::new()),
        }
    }

    /// Marks (or unmarks) a lead whose result waits to be recorded.
    pub(super) fn mark_recording(&self, lead_id: &str, waiting: bool) {
        if let Ok(mut recording) = self.recording.lock() {
            if waiting {
                recording.insert(lead_id.to_string());
            } else {
                recording.remove(lead_id);
            }
        }
    }

    /// Whether this lead's result waits to be recorded.
    fn is_recording(&self, lead_id: &str) -> bool {
        self.recording
            .lock()
            .is_ok_and(|recording| recording.contains(lead_id))
    }
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
    let context = Arc::new(Context::new(deps, owner, shutdown.clone()));
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
    let owner = format!(
        "{}-pass-{}",
        std::process::id(),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let ctx = Arc::new(Context::new(deps, owner, CancellationToken::new()));
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
                    if ctx.is_recording(&lead.id) {
                        // Sent already; its result is written (and the lease released) once
                        // the database takes it.
                        tracing::info!(lead_id = %lead.id, "claimed again while its result waits for the database; not sent again");
                        continue;
                    }
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
pub(super) struct Slots {
    pub(super) sending: OwnedSemaphorePermit,
    pub(super) recording: Arc<Semaphore>,
    pub(super) room: Arc<Notify>,
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

pub(super) fn to_delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}
