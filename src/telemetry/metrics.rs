//! This process's counters and their Prometheus text exposition (format 0.0.4), served at
//! `GET /metrics` by `ops` (SPEC §10).
//!
//! Counters and the attempt histogram count what *this process* did since it started: each
//! `serve` or `worker` process has its own, and Prometheus adds them up across instances.
//! The queue gauges are read from the shared database at scrape time, so every instance
//! reports the same queue. The hot paths only add to relaxed atomics: no lock, no
//! allocation. Label values are fixed words of this file, never a lead's data, a key or a
//! token.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::NaiveDateTime;

use crate::leads::counts::QueueDepth;
use crate::leads::status::{AttemptOutcome, LeadStatus};

/// The media type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The statuses a lead is stored with when it arrives (SPEC §6).
const RECEIVED: [LeadStatus; 4] = LeadStatus::ON_ARRIVAL;

/// What a delivery ended in: an attempt's outcome, or a lead held or failed without one.
const OUTCOMES: usize = AttemptOutcome::ALL.len();

/// Upper bounds of the attempt latency buckets in microseconds, with their `le` labels
/// (up to 30 s: twice the default request timeout).
const BUCKETS: [(u64, &str); 13] = [
    (5_000, "0.005"),
    (10_000, "0.01"),
    (25_000, "0.025"),
    (50_000, "0.05"),
    (100_000, "0.1"),
    (250_000, "0.25"),
    (500_000, "0.5"),
    (1_000_000, "1"),
    (2_500_000, "2.5"),
    (5_000_000, "5"),
    (10_000_000, "10"),
    (15_000_000, "15"),
    (30_000_000, "30"),
];

/// A histogram of durations over `BUCKETS`; one more slot counts what is above them all.
#[derive(Debug, Default)]
pub struct Histogram {
    slots: [AtomicU64; BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Counts one duration in the first bucket whose bound it does not exceed.
    pub fn observe(&self, value: Duration) {
        let micros = u64::try_from(value.as_micros()).unwrap_or(u64::MAX);
        let slot = BUCKETS
            .iter()
            .position(|(bound, _)| micros <= *bound)
            .unwrap_or(BUCKETS.len());
        self.slots[slot].fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// The cumulative count of each bucket by its `le` label, ending with `+Inf` (which is
    /// also the total count).
    pub fn cumulative(&self) -> Vec<(&'static str, u64)> {
        let mut total = 0u64;
        let labels = BUCKETS.iter().map(|(_, label)| *label).chain(["+Inf"]);
        labels
            .zip(&self.slots)
            .map(|(label, slot)| {
                total = total.saturating_add(slot.load(Ordering::Relaxed));
                (label, total)
            })
            .collect()
    }

    /// The sum of the observed durations, in seconds.
    pub fn sum_seconds(&self) -> f64 {
        micros_to_seconds(self.sum_micros.load(Ordering::Relaxed))
    }
}

/// The process's counters; shared by the HTTP handlers and the delivery worker.
#[derive(Debug, Default)]
pub struct Metrics {
    received: [AtomicU64; RECEIVED.len()],
    deliveries: [AtomicU64; OUTCOMES],
    attempt_seconds: Histogram,
    rate_limit_waits: AtomicU64,
    rate_limit_wait_micros: AtomicU64,
}

impl Metrics {
    /// A lead was stored with this status (one of [`LeadStatus::ON_ARRIVAL`]; others are
    /// not counted).
    pub fn lead_received(&self, status: LeadStatus) {
        if let Some(index) = RECEIVED.iter().position(|known| *known == status) {
            self.received[index].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A delivery result was recorded with this outcome.
    pub fn delivery_recorded(&self, outcome: AttemptOutcome) {
        if let Some(index) = AttemptOutcome::ALL
            .iter()
            .position(|known| *known == outcome)
        {
            self.deliveries[index].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A request to AccuLynx took this long (until its answer or its error).
    pub fn attempt_finished(&self, took: Duration) {
        self.attempt_seconds.observe(took);
    }

    /// A send waited this long for a rate-limit slot.
    pub fn rate_limit_waited(&self, waited: Duration) {
        let micros = u64::try_from(waited.as_micros()).unwrap_or(u64::MAX);
        self.rate_limit_waits.fetch_add(1, Ordering::Relaxed);
        self.rate_limit_wait_micros
            .fetch_add(micros, Ordering::Relaxed);
    }

    /// The exposition: the process counters, and the queue gauges when the database
    /// answered (`queue` is `None` when it did not).
    pub fn render(&self, queue: Option<&QueueDepth>, now: NaiveDateTime) -> String {
        let mut out = String::with_capacity(4096);
        family(
            &mut out,
            "leadrelay_build_info",
            "gauge",
            "The version of leadrelay this process runs.",
        );
        sample(
            &mut out,
            "leadrelay_build_info",
            Some(("version", env!("CARGO_PKG_VERSION"))),
            1,
        );
        family(
            &mut out,
            "leadrelay_database_up",
            "gauge",
            "Whether the database answered this scrape (1) or not (0).",
        );
        sample(
            &mut out,
            "leadrelay_database_up",
            None,
            u64::from(queue.is_some()),
        );
        self.render_counters(&mut out);
        if let Some(queue) = queue {
            render_queue(&mut out, queue, now);
        }
        out
    }

    fn render_counters(&self, out: &mut String) {
        family(
            out,
            "leadrelay_leads_received_total",
            "counter",
            "Leads received on webhook URLs by this process since it started, by the status \
             they were stored with.",
        );
        for (status, count) in RECEIVED.iter().zip(&self.received) {
            let value = count.load(Ordering::Relaxed);
            sample(
                out,
                "leadrelay_leads_received_total",
                Some(("status", status.as_str())),
                value,
            );
        }
        family(
            out,
            "leadrelay_deliveries_total",
            "counter",
            "Delivery results recorded by this process since it started, by outcome (held and \
             failed include leads set aside without an attempt).",
        );
        for (outcome, count) in AttemptOutcome::ALL.iter().zip(&self.deliveries) {
            let value = count.load(Ordering::Relaxed);
            sample(
                out,
                "leadrelay_deliveries_total",
                Some(("outcome", outcome.as_str())),
                value,
            );
        }
        let name = "leadrelay_delivery_attempt_seconds";
        family(
            out,
            name,
            "histogram",
            "Time from sending a lead to AccuLynx to its answer or error, for the attempts of \
             this process since it started.",
        );
        let buckets = self.attempt_seconds.cumulative();
        for (le, count) in &buckets {
            sample(out, &format!("{name}_bucket"), Some(("le", le)), *count);
        }
        let _ = writeln!(out, "{name}_sum {}", self.attempt_seconds.sum_seconds());
        let count = buckets.last().map_or(0, |(_, count)| *count);
        let _ = writeln!(out, "{name}_count {count}");
        family(
            out,
            "leadrelay_rate_limit_waits_total",
            "counter",
            "Sends of this process since it started that waited for an AccuLynx rate-limit \
             slot (per key, global, or a key paused after a 429).",
        );
        let waits = self.rate_limit_waits.load(Ordering::Relaxed);
        sample(out, "leadrelay_rate_limit_waits_total", None, waits);
        family(
            out,
            "leadrelay_rate_limit_wait_seconds_total",
            "counter",
            "Time the sends of this process spent waiting for AccuLynx rate-limit slots since \
             it started.",
        );
        let waited = micros_to_seconds(self.rate_limit_wait_micros.load(Ordering::Relaxed));
        let _ = writeln!(out, "leadrelay_rate_limit_wait_seconds_total {waited}");
    }
}

fn render_queue(out: &mut String, queue: &QueueDepth, now: NaiveDateTime) {
    family(
        out,
        "leadrelay_queue_depth",
        "gauge",
        "Leads waiting in the database (all instances), by status: queued and retrying wait \
         for delivery, held waits for its location to be fixed.",
    );
    for (status, count) in [
        (LeadStatus::Queued, queue.queued),
        (LeadStatus::Retrying, queue.retrying),
        (LeadStatus::Held, queue.held),
    ] {
        let count = u64::try_from(count).unwrap_or(0);
        sample(
            out,
            "leadrelay_queue_depth",
            Some(("status", status.as_str())),
            count,
        );
    }
    family(
        out,
        "leadrelay_queue_oldest_due_seconds",
        "gauge",
        "How long the longest-waiting due lead (queued or retrying) has been due; 0 when none \
         is due.",
    );
    let overdue = queue
        .oldest_due
        .and_then(|due| (now - due).to_std().ok())
        .unwrap_or(Duration::ZERO);
    let _ = writeln!(
        out,
        "leadrelay_queue_oldest_due_seconds {}",
        micros_to_seconds(u64::try_from(overdue.as_micros()).unwrap_or(u64::MAX))
    );
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// One sample; label values are this file's fixed words, so they need no escaping.
fn sample(out: &mut String, name: &str, label: Option<(&str, &str)>, value: u64) {
    let _ = match label {
        Some((key, value_of_label)) => {
            writeln!(out, "{name}{{{key}=\"{value_of_label}\"}} {value}")
        }
        None => writeln!(out, "{name} {value}"),
    };
}

fn micros_to_seconds(micros: u64) -> f64 {
    micros as f64 / 1_000_000.0
}

#[cfg(test)]
mod tests;
