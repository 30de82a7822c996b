//! Keeping a claimed lead's lease while it waits for its rate-limit slot. A 429 pauses a
//! key for as long as AccuLynx asks (30 s without `Retry-After`), far longer than the lease
//! of 2 × the request timeout: without this, the lease ran out during the wait, the lead was
//! claimed again, and both claims sent it — a second copy in AccuLynx. Now the lease is
//! extended every third of its length while the lead waits, only if it is still the lease
//! this claim took; if the lead was claimed again meanwhile, this send does not go out.

use chrono::NaiveDateTime;

use crate::delivery::worker::Context;
use crate::leads::queue;

/// How a wait for a send slot ended.
pub(super) enum Slot {
    /// The slot is ours (`true`: we had to wait for it).
    Ready(bool),
    /// The worker is stopping.
    Stopping,
    /// The lead was claimed again: another claim sends it.
    Lost,
}

/// Waits for the key's slot, extending the lease meanwhile.
pub(super) async fn acquire_keeping_lease(
    ctx: &Context,
    lead_id: &str,
    lease_until: &mut Option<NaiveDateTime>,
    key_id: &str,
) -> anyhow::Result<Slot> {
    let every = ctx.deps.lease / 3;
    let acquire = ctx.deps.limits.acquire(key_id);
    tokio::pin!(acquire);
    loop {
        tokio::select! {
            () = ctx.shutdown.cancelled() => return Ok(Slot::Stopping),
            waited = &mut acquire => return Ok(Slot::Ready(waited)),
            () = tokio::time::sleep(every) => {
                let Some(current) = *lease_until else { continue };
                let until = crate::db::now()
                    + chrono::Duration::from_std(ctx.deps.lease).unwrap_or(chrono::Duration::seconds(30));
                let (id, owner) = (lead_id.to_string(), ctx.owner.clone());
                let kept = ctx
                    .deps
                    .writer
                    .run(move |conn| queue::renew_lease(conn, &id, &owner, current, until))
                    .await?;
                if !kept {
                    return Ok(Slot::Lost);
                }
                *lease_until = Some(until);
            }
        }
    }
}
