//! The retention policy (SPEC §8): the payloads of leads received more than
//! `LEADRELAY_RETENTION_DAYS` days ago are purged — the body received and its headers, the
//! AccuLynx lead, what each attempt sent and AccuLynx's answers, and the AccuLynx lead kept
//! from before each edit. The lead row stays, with its status, times, counts, name, email and
//! phone for the lists, and `payload_purged_at` set, so its page says "Payload purged".
//!
//! Only finished leads are purged (delivered, failed, rejected, duplicate): a lead still
//! waiting (queued, retrying, held) keeps its payload whatever its age, or it could never be
//! sent.
//!
//! The purge runs in batches of [`BATCH_SIZE`] leads, one short write transaction each, so a
//! first purge of millions of leads never holds the database for long. It is idempotent:
//! several instances running it at once purge each lead once (the update re-checks that the
//! lead still has its payload), and a second run finds nothing to do. It runs from `leadrelay
//! purge` and from a daily job in every `serve` and `worker` process ([`RetentionJob`]).

use std::time::Duration;

use anyhow::Context;
use chrono::{Days, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tokio_util::sync::CancellationToken;

use crate::db::{DbConn, DbPool};
pub use crate::leads::purge::BATCH_SIZE;
use crate::leads::purge::purge_batch;

/// Rest between two full batches, so the webhook's writes get the database in between
/// (SQLite has one writer).
const PAUSE_BETWEEN_BATCHES: Duration = Duration::from_millis(20);

/// What one purge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeReport {
    /// Leads whose payloads were purged.
    pub leads: usize,
    /// Their delivery attempts whose request or response bodies were purged.
    pub attempts: usize,
    /// Their edits whose earlier AccuLynx lead was purged.
    pub edits: usize,
    /// Leads received before the start of this day (UTC) were purged.
    pub before: NaiveDate,
    /// The retention period in days.
    pub days: u32,
}

impl PurgeReport {
    /// One line for `leadrelay purge`: "Purged the payloads of 12 leads received before
    /// 2026-08-29 (90 days)."
    pub fn summary(&self) -> String {
        format!(
            "Purged the payloads of {} received before {} ({}).",
            plural(self.leads, "lead", "leads"),
            self.before.format("%Y-%m-%d"),
            plural(self.days as usize, "day", "days"),
        )
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// The first day whose leads are kept: leads received before its midnight (UTC) are
/// purged. Whole days, so the line printed says exactly what was purged and every lead
/// purged is at least `days` days old.
pub fn first_day_kept(now: NaiveDateTime, days: u32) -> NaiveDate {
    now.date()
        .checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN)
}

/// Applies the retention policy of `days` days as of `now`, batch after batch, until
/// nothing is left to purge or `keep_going` says to stop (checked between batches).
pub fn purge(
    conn: &mut DbConn,
    days: u32,
    now: NaiveDateTime,
    keep_going: impl Fn() -> bool,
) -> QueryResult<PurgeReport> {
    let before = first_day_kept(now, days);
    let cutoff = before.and_time(chrono::NaiveTime::MIN);
    let mut report = PurgeReport {
        leads: 0,
        attempts: 0,
        edits: 0,
        before,
        days,
    };
    loop {
        let batch =
            crate::db::write_transaction(conn, |conn| purge_batch(conn, cutoff, now, BATCH_SIZE))?;
        report.leads += batch.leads;
        report.attempts += batch.attempts;
        report.edits += batch.edits;
        if batch.candidates < BATCH_SIZE as usize || !keep_going() {
            return Ok(report);
        }
        std::thread::sleep(PAUSE_BETWEEN_BATCHES);
    }
}

/// The daily purge of one process.
pub struct RetentionJob {
    shutdown: CancellationToken,
    join: tokio::task::JoinHandle<()>,
}

impl RetentionJob {
    /// Starts the job on the current runtime: a purge keeping `days` days, `first_after`
    /// start-up (not at once: start-up has enough to do), then `every` so often.
    pub fn start(pool: DbPool, days: u32, first_after: Duration, every: Duration) -> Self {
        let shutdown = CancellationToken::new();
        let join = tokio::spawn(tracing::Instrument::in_current_span(run(
            pool,
            days,
            (first_after, every),
            shutdown.clone(),
        )));
        Self { shutdown, join }
    }

    /// Stops the job; a purge under way stops after its current batch.
    pub async fn stop(self) {
        self.shutdown.cancel();
        let _ = self.join.await;
    }
}

async fn run(
    pool: DbPool,
    days: u32,
    (first_after, every): (Duration, Duration),
    shutdown: CancellationToken,
) {
    let mut wait = first_after;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
        wait = every;
        let (pool, stop) = (pool.clone(), shutdown.clone());
        let outcome = tokio::task::spawn_blocking(move || -> anyhow::Result<PurgeReport> {
            let mut conn = pool.get()?;
            let now = crate::db::now();
            Ok(purge(&mut conn, days, now, || !stop.is_cancelled())?)
        })
        .await;
        match outcome {
            Ok(Ok(report)) if report.leads > 0 => tracing::info!(
                leads = report.leads,
                attempts = report.attempts,
                before = %report.before,
                retention_days = days,
                "purged the payloads of old leads"
            ),
            Ok(Ok(_)) => tracing::debug!("retention: no lead payload to purge"),
            Ok(Err(err)) => {
                tracing::warn!(error = %format!("{err:#}"), "the retention purge failed; it runs again tomorrow");
            }
            Err(err) => tracing::error!(error = %err, "the retention purge stopped unexpectedly"),
        }
    }
}

/// `leadrelay purge`: applies the retention policy now and prints what it did in one line.
pub async fn purge_command(settings: crate::config::Settings) -> anyhow::Result<()> {
    let mut conn = crate::startup::command_connection(&settings).await?;
    let days = settings.retention_days;
    let report = tokio::task::spawn_blocking(move || {
        let now = crate::db::now();
        purge(&mut conn, days, now, || true).context("while purging the payloads of old leads")
    })
    .await??;
    println!("{}", report.summary());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn whole_days_are_kept() {
        let now = at("2026-11-27 10:15:00");
        assert_eq!(
            first_day_kept(now, 90),
            NaiveDate::from_ymd_opt(2026, 8, 29).unwrap()
        );
        assert_eq!(
            first_day_kept(now, 1),
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
        );
    }

    #[test]
    fn the_summary_is_one_plain_line() {
        let report = PurgeReport {
            leads: 12,
            attempts: 30,
            edits: 0,
            before: NaiveDate::from_ymd_opt(2026, 8, 29).unwrap(),
            days: 90,
        };
        assert_eq!(
            report.summary(),
            "Purged the payloads of 12 leads received before 2026-08-29 (90 days)."
        );
        let one = PurgeReport {
            leads: 1,
            days: 1,
            ..report
        };
        assert_eq!(
            one.summary(),
            "Purged the payloads of 1 lead received before 2026-08-29 (1 day)."
        );
    }
}
