//! Delivery throughput: leads/s the worker delivers to the sandbox with its rate limits off,
//! against a baseline of the same number of requests posted straight to the sandbox by one
//! HTTP client with the same concurrency (SPEC target: ≥ 3,000 deliveries/s on 2 cores).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::bench::support::{BenchDatabase, count_status, seed_location, seed_queued_leads};
use crate::config::Settings;
use crate::crypto::master_key::MasterKey;
use crate::leads::LeadStatus;

const KEY: &str = "bench-key-0001";

/// The measured numbers.
#[derive(Debug, Clone)]
pub struct DeliveryReport {
    /// Leads delivered.
    pub leads: usize,
    /// Deliveries in flight.
    pub concurrency: usize,
    /// Which database.
    pub backend: &'static str,
    /// Raw requests/s to the sandbox from one client (baseline).
    pub baseline_per_second: f64,
    /// Leads delivered per second by the worker.
    pub delivered_per_second: f64,
}

impl DeliveryReport {
    /// As a result row; the target of the table (≥ 8,000/s on SQLite, ≥ 4,000/s on
    /// PostgreSQL).
    pub fn row(&self) -> crate::bench::report::Row {
        use crate::bench::report::{Row, figures};
        let target = if self.backend == "sqlite" {
            8_000.0
        } else {
            4_000.0
        };
        let ratio = self.delivered_per_second / self.baseline_per_second.max(1.0);
        Row {
            scenario: "delivery",
            backend: self.backend,
            load: format!(
                "{} leads, {} in flight, limits off",
                self.leads, self.concurrency
            ),
            measured: figures(&[("delivered_per_second", self.delivered_per_second)]),
            baseline: Some(figures(&[(
                "plain_requests_per_second",
                self.baseline_per_second,
            )])),
            ratio: Some(ratio),
            target: format!("≥ {target:.0} deliveries/s"),
            met: self.delivered_per_second >= target,
            cells: (
                format!(
                    "{:.0} plain requests/s to the sandbox",
                    self.baseline_per_second
                ),
                format!(
                    "**{:.0} deliveries/s** ({:.0}% of baseline)",
                    self.delivered_per_second,
                    100.0 * ratio
                ),
            ),
            details: None,
        }
    }

    /// As a Markdown table row block.
    pub fn markdown(&self) -> String {
        format!(
            "| delivery ({}) | {} leads, {} in flight | baseline: {:.0} plain requests/s to the sandbox | **{:.0} deliveries/s** ({:.0}% of baseline) |",
            self.backend,
            self.leads,
            self.concurrency,
            self.baseline_per_second,
            self.delivered_per_second,
            100.0 * self.delivered_per_second / self.baseline_per_second.max(1.0)
        )
    }
}

/// Runs the delivery benchmark.
pub async fn run(
    leads: usize,
    concurrency: usize,
    postgres_admin_url: Option<&str>,
) -> anyhow::Result<DeliveryReport> {
    let sandbox = crate::bench::support::start_sandbox(KEY).await?;
    crate::acculynx::client::install_tls_provider();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let baseline = baseline(&http, &sandbox.url(), leads, concurrency).await?;
    sandbox.clear();

    let database = BenchDatabase::create(postgres_admin_url)?;
    let master_key = MasterKey::generate();
    let mut settings = Settings::for_database(database.url.clone(), master_key.clone());
    settings.acculynx_base_url = url::Url::parse(&sandbox.url())?;
    settings.rate_per_key = 1_000_000;
    settings.rate_global = 1_000_000;
    settings.delivery_concurrency = concurrency;
    settings.pool_size = (concurrency as u32 + 4).min(32);
    let pool = crate::startup::open_database(&settings).await?;
    let backend = database.url.backend_name();
    {
        let pool = pool.clone();
        let key = master_key.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = pool.get()?;
            let (company, location) = seed_location(&mut conn, &key, KEY)?;
            seed_queued_leads(&mut conn, &company, &location, leads)
        })
        .await??;
    }
    let writer = crate::startup::start_writer(&settings);
    let started = Instant::now();
    let worker = crate::startup::start_worker(
        &settings,
        &pool,
        &writer,
        &master_key,
        Arc::new(tokio::sync::Notify::new()),
        Arc::new(crate::telemetry::metrics::Metrics::default()),
    )?;
    // Watching the sandbox costs nothing; counting rows in the database while the worker
    // runs would take the database's time from it. The count runs for the last few only.
    while sandbox.accepted_count() < leads {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "delivery did not finish in 10 minutes ({} of {leads} sent)",
            sandbox.accepted_count()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    loop {
        let pool = pool.clone();
        let delivered = tokio::task::spawn_blocking(move || -> anyhow::Result<i64> {
            count_status(&mut *pool.get()?, LeadStatus::Delivered)
        })
        .await??;
        if delivered as usize >= leads {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "delivery did not finish in 10 minutes ({delivered} of {leads})"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let elapsed = started.elapsed();
    worker.stop().await;
    anyhow::ensure!(
        sandbox.accepted_count() >= leads,
        "the sandbox did not receive every lead"
    );
    Ok(DeliveryReport {
        leads,
        concurrency,
        backend,
        baseline_per_second: baseline,
        delivered_per_second: leads as f64 / elapsed.as_secs_f64(),
    })
}

/// Plain POSTs of a valid lead to the sandbox, `concurrency` at a time; requests/s.
async fn baseline(
    http: &reqwest::Client,
    url: &str,
    requests: usize,
    concurrency: usize,
) -> anyhow::Result<f64> {
    let url = format!("{url}/api/v1/leads");
    let body = serde_json::json!({"firstName": "Bench", "lastName": "Baseline"}).to_string();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (http, url, body, next) = (http.clone(), url.clone(), body.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < requests {
                let response = http
                    .post(&url)
                    .bearer_auth(KEY)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await?;
                anyhow::ensure!(
                    response.status() == 202,
                    "the sandbox answered {}",
                    response.status()
                );
            }
            Ok::<(), anyhow::Error>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(requests as f64 / started.elapsed().as_secs_f64())
}
