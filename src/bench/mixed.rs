//! Intake while the worker delivers: senders post unique leads for a fixed time to a server
//! whose worker sends each to the sandbox; delivered/s against intake/s (target ≥ 50%).

use std::time::Duration;

use crate::bench::app::{RunningApp, lead_request};
use crate::bench::report::{Row, figures, millis};
use crate::bench::support::{BenchDatabase, ms, start_sandbox};
use crate::bench::timed::run_for;
use crate::bench::window::latencies;

const KEY: &str = "bench-mixed-key-000001";

/// Runs the scenario for `seconds`.
pub async fn run(
    senders: usize,
    seconds: u64,
    postgres_admin_url: Option<&str>,
) -> anyhow::Result<Row> {
    let database = BenchDatabase::create(postgres_admin_url)?;
    let sandbox = start_sandbox(KEY).await?;
    let app = RunningApp::start(&database, &sandbox, KEY, true).await?;
    sandbox.clear();
    let timed = run_for(
        &app.webhook,
        Duration::from_secs(seconds),
        senders,
        202,
        lead_request(&app.webhook),
    )
    .await?;
    // Only what reached the sandbox while the senders were posting counts.
    let delivered = sandbox.accepted_count();
    app.stop().await;
    let intake = timed.per_second();
    let delivered_per_second = delivered as f64 / timed.elapsed.as_secs_f64().max(0.001);
    let (_, p99, _) = latencies(&timed.samples);
    let ratio = delivered_per_second / intake.max(1.0);
    Ok(Row {
        scenario: "intake_while_delivering",
        backend: database.url.backend_name(),
        load: format!("{seconds} s of unique leads, {senders} senders, worker on"),
        measured: figures(&[
            ("intake_per_second", intake),
            ("intake_p99_ms", millis(p99)),
            ("delivered_per_second", delivered_per_second),
            ("leads_posted", timed.samples.len() as f64),
            ("leads_delivered", delivered as f64),
        ]),
        baseline: None,
        ratio: Some(ratio),
        target: "delivered/s ≥ 50% of intake/s".to_string(),
        met: ratio >= 0.5,
        cells: (
            "—".to_string(),
            format!(
                "{intake:.0} leads/s in (p99 {}), **{delivered_per_second:.0} delivered/s** ({:.0}%)",
                ms(p99),
                100.0 * ratio
            ),
        ),
        details: None,
    })
}
