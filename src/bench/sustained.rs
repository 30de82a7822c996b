//! Intake held for a fixed time with unique leads (`sustained`, like `wrk -d 15s`), and the
//! long `soak` that reports every 10-second window (a stall shows as one bad window).

use std::time::Duration;

use serde_json::json;

use crate::bench::app::{RunningApp, lead_request};
use crate::bench::report::{Row, figures, millis};
use crate::bench::support::{BenchDatabase, ms, start_sandbox};
use crate::bench::timed::run_for;
use crate::bench::window::{latencies, windows};

const KEY: &str = "bench-sustained-key-01";
/// The width of a soak window.
pub const WINDOW: Duration = Duration::from_secs(10);

/// A short run of `leads` leads, then `seconds` of unique leads on the same server; the
/// target is the timed run within 10% of the short one, p99 ≤ 20 ms.
pub async fn sustained(
    leads: usize,
    senders: usize,
    seconds: u64,
    postgres_admin_url: Option<&str>,
) -> anyhow::Result<Row> {
    let database = BenchDatabase::create(postgres_admin_url)?;
    let sandbox = start_sandbox(KEY).await?;
    let app = RunningApp::start(&database, &sandbox, KEY, false).await?;
    let short = crate::bench::load::run(
        &app.webhook,
        leads,
        senders,
        202,
        lead_request(&app.webhook),
    )
    .await?;
    let offset = leads + 1;
    let request = lead_request(&app.webhook);
    let timed = run_for(
        &app.webhook,
        Duration::from_secs(seconds),
        senders,
        202,
        move |n| request(offset + n),
    )
    .await?;
    app.stop().await;
    let (p50, p99, max) = latencies(&timed.samples);
    let ratio = timed.per_second() / short.per_second.max(1.0);
    Ok(Row {
        scenario: "sustained",
        backend: database.url.backend_name(),
        load: format!("{seconds} s of unique leads, {senders} senders (short run: {leads} leads)"),
        measured: figures(&[
            ("leads", timed.samples.len() as f64),
            ("per_second", timed.per_second()),
            ("p50_ms", millis(p50)),
            ("p99_ms", millis(p99)),
            ("max_ms", millis(max)),
        ]),
        baseline: Some(figures(&[
            ("short_run_per_second", short.per_second),
            ("short_run_p99_ms", millis(short.p99)),
        ])),
        ratio: Some(ratio),
        target: "within 10% of the short run, p99 ≤ 20 ms".to_string(),
        met: ratio >= 0.9 && p99 <= Duration::from_millis(20),
        cells: (
            format!(
                "short run: {:.0} leads/s, p99 {}",
                short.per_second,
                ms(short.p99)
            ),
            format!(
                "**{:.0} leads/s** ({:.0}% of the short run), p50 {}, p99 {}, max {}",
                timed.per_second(),
                100.0 * ratio,
                ms(p50),
                ms(p99),
                ms(max)
            ),
        ),
        details: None,
    })
}

/// `seconds` of unique leads from `senders` senders, with throughput and p50/p99/max per
/// 10-second window; the target is p99 ≤ 50 ms in every window.
pub async fn soak(
    senders: usize,
    seconds: u64,
    postgres_admin_url: Option<&str>,
) -> anyhow::Result<Row> {
    let database = BenchDatabase::create(postgres_admin_url)?;
    let sandbox = start_sandbox(KEY).await?;
    let app = RunningApp::start(&database, &sandbox, KEY, false).await?;
    let total = Duration::from_secs(seconds);
    let timed = run_for(
        &app.webhook,
        total,
        senders,
        202,
        lead_request(&app.webhook),
    )
    .await?;
    app.stop().await;
    let backend = database.url.backend_name();
    let (p50, p99, max) = latencies(&timed.samples);
    // Windows over the duration asked for: the few answers to requests still in flight at
    // the end count in the last window instead of making a window of their own.
    let per_window = windows(&timed.samples, WINDOW, total);
    let worst = per_window.iter().map(|w| w.p99).max().unwrap_or_default();
    let mut measured = figures(&[
        ("leads", timed.samples.len() as f64),
        ("per_second", timed.per_second()),
        ("p50_ms", millis(p50)),
        ("p99_ms", millis(p99)),
        ("max_ms", millis(max)),
        ("worst_window_p99_ms", millis(worst)),
    ]);
    let window_json: Vec<_> = per_window
        .iter()
        .map(|w| {
            json!({
                "start_s": w.start_seconds,
                "requests": w.requests,
                "per_second": w.per_second.round(),
                "p50_ms": (millis(w.p50) * 100.0).round() / 100.0,
                "p99_ms": (millis(w.p99) * 100.0).round() / 100.0,
                "max_ms": (millis(w.max) * 100.0).round() / 100.0,
            })
        })
        .collect();
    measured.insert("windows".to_string(), json!(window_json));
    let mut details = format!(
        "\nSoak ({backend}), per {}-second window:\n\n| from | leads/s | p50 | p99 | max |\n|---|---|---|---|---|\n",
        WINDOW.as_secs()
    );
    for w in &per_window {
        details.push_str(&format!(
            "| {} s | {:.0} | {} | {} | {} |\n",
            w.start_seconds,
            w.per_second,
            ms(w.p50),
            ms(w.p99),
            ms(w.max)
        ));
    }
    Ok(Row {
        scenario: "soak",
        backend,
        load: format!("{seconds} s of unique leads, {senders} senders"),
        measured,
        baseline: None,
        ratio: None,
        target: "p99 ≤ 50 ms in every 10-second window".to_string(),
        met: !per_window.is_empty() && worst <= Duration::from_millis(50),
        cells: (
            "—".to_string(),
            format!(
                "**{:.0} leads/s**, p50 {}, p99 {}, max {}; worst window p99 {}",
                timed.per_second(),
                ms(p50),
                ms(p99),
                ms(max),
                ms(worst)
            ),
        ),
        details: Some(details),
    })
}
