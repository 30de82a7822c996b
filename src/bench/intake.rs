//! Intake throughput and latency: concurrent senders post ClientTether-style form bodies to a
//! location's webhook URL; every answer comes after its lead is committed. The baseline is a
//! bare actix handler that reads the same bodies and answers 202, driven by the same client
//! in the same run (SPEC targets on 2 cores: ≥ 15,000 leads/s on SQLite, ≥ 8,000/s on
//! PostgreSQL, p99 ≤ 20 ms at 64 senders).
//!
//! A second phase measures how soon after its intake answer a lead's first delivery attempt
//! reaches the sandbox (target: p95 ≤ 50 ms).

use std::time::{Duration, Instant, SystemTime};

use actix_web::{App, HttpResponse, HttpServer, web};

use crate::bench::load::{self, LoadResult};
use crate::bench::support::{BenchDatabase, ms, percentile, seed_location};
use crate::config::Settings;
use crate::crypto::master_key::MasterKey;
use crate::leads::LeadStatus;
use crate::sandbox::Sandbox;
use crate::startup::Application;

const KEY: &str = "bench-intake-key-0001";

/// The measured numbers.
#[derive(Debug, Clone)]
pub struct IntakeReport {
    /// Which database.
    pub backend: &'static str,
    /// Requests per run.
    pub requests: usize,
    /// Concurrent senders.
    pub senders: usize,
    /// The bare handler.
    pub baseline: LoadResult,
    /// leadrelay's webhook.
    pub intake: LoadResult,
    /// Intake answer → first attempt at the sandbox, p50 and p95.
    pub first_attempt: (Duration, Duration),
}

impl IntakeReport {
    /// As a result row; the target of the table (a share of the bare handler, p99
    /// ≤ 20 ms).
    pub fn row(&self) -> crate::bench::report::Row {
        use crate::bench::report::{Row, figures, millis};
        let share = if self.backend == "sqlite" { 0.18 } else { 0.12 };
        let ratio = self.intake.per_second / self.baseline.per_second.max(1.0);
        let baseline_cell = format!(
            "bare handler: {:.0} req/s, p50 {}, p99 {}",
            self.baseline.per_second,
            ms(self.baseline.p50),
            ms(self.baseline.p99)
        );
        let intake_cell = format!(
            "**{:.0} leads/s** ({:.0}% of baseline), p50 {}, p99 {}",
            self.intake.per_second,
            100.0 * ratio,
            ms(self.intake.p50),
            ms(self.intake.p99)
        );
        let details = format!(
            "\nFirst attempt after the intake answer ({}, 1,000 leads at 200/s, worker on): p50 {}, p95 {}.\n",
            self.backend,
            ms(self.first_attempt.0),
            ms(self.first_attempt.1)
        );
        Row {
            scenario: "intake",
            backend: self.backend,
            load: format!("{} leads, {} senders", self.requests, self.senders),
            measured: figures(&[
                ("per_second", self.intake.per_second),
                ("p50_ms", millis(self.intake.p50)),
                ("p99_ms", millis(self.intake.p99)),
                ("first_attempt_p50_ms", millis(self.first_attempt.0)),
                ("first_attempt_p95_ms", millis(self.first_attempt.1)),
            ]),
            baseline: Some(figures(&[
                ("per_second", self.baseline.per_second),
                ("p50_ms", millis(self.baseline.p50)),
                ("p99_ms", millis(self.baseline.p99)),
            ])),
            ratio: Some(ratio),
            target: format!("≥ {:.0}% of the bare handler, p99 ≤ 20 ms", share * 100.0),
            met: ratio >= share && self.intake.p99 <= Duration::from_millis(20),
            cells: (baseline_cell, intake_cell),
            details: Some(details),
        }
    }

    /// As Markdown table rows.
    pub fn markdown(&self) -> String {
        format!(
            "| intake ({b}) | {n} leads, {s} senders | bare handler: {bl:.0} req/s, p50 {bp50}, p99 {bp99} | **{il:.0} leads/s** ({pct:.0}% of baseline), p50 {ip50}, p99 {ip99} |\n\
             | first attempt ({b}) | 1,000 leads at 200/s | — | p50 {f50}, **p95 {f95}** after the intake answer |",
            b = self.backend,
            n = self.requests,
            s = self.senders,
            bl = self.baseline.per_second,
            bp50 = ms(self.baseline.p50),
            bp99 = ms(self.baseline.p99),
            il = self.intake.per_second,
            pct = 100.0 * self.intake.per_second / self.baseline.per_second.max(1.0),
            ip50 = ms(self.intake.p50),
            ip99 = ms(self.intake.p99),
            f50 = ms(self.first_attempt.0),
            f95 = ms(self.first_attempt.1),
        )
    }
}

/// A ClientTether-style form body; `n` makes it a lead of its own.
pub fn form_body(n: usize) -> String {
    format!(
        "firstName=Jane&lastName=Doe{n}&phone=%28303%29+555-{:04}&email=jane{n}%40example.com&address=1450+Larimer+St\
         &city=Denver&state=CO&zip=80202&compName=Doe+Household&whiteboard=Hail+damage+on+the+north+side&contactId=ct-{n}",
        n % 10_000
    )
}

/// Runs the intake benchmark.
pub async fn run(
    requests: usize,
    senders: usize,
    postgres_admin_url: Option<&str>,
) -> anyhow::Result<IntakeReport> {
    crate::acculynx::client::install_tls_provider();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(senders)
        .build()?;
    let baseline_server = bare_server()?;
    let baseline = load(&baseline_server.0, requests, senders, 0).await?;
    baseline_server.1.stop(true).await;

    let database = BenchDatabase::create(postgres_admin_url)?;
    let backend = database.url.backend_name();
    let master_key = MasterKey::generate();
    let sandbox = crate::bench::support::start_sandbox(KEY).await?;
    let mut settings = Settings::for_database(database.url.clone(), master_key.clone());
    settings.bind = "127.0.0.1:0".parse()?;
    settings.intake_rate = 1_000_000;
    settings.run_worker = false;
    settings.pool_size = 16;
    settings.acculynx_base_url = url::Url::parse(&sandbox.url())?;
    let app = Application::build(settings.clone()).await?;
    let url = webhook_url(&app, &master_key).await?;
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    let intake = load(&url, requests, senders, 0).await?;
    handle.stop(true).await;
    let _ = server.await;

    // Phase two, on a database of its own (no backlog from phase one): the worker on, a
    // steady trickle of leads, time from each answer to its first attempt.
    let second_database = BenchDatabase::create(postgres_admin_url)?;
    settings.database_url = second_database.url.clone();
    settings.run_worker = true;
    settings.rate_per_key = 1_000_000;
    settings.rate_global = 1_000_000;
    let app = Application::build(settings).await?;
    let url = webhook_url(&app, &master_key).await?;
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    let first_attempt =
        first_attempt_latency(&http, &url, &sandbox, 1_000, 200, requests + 1).await?;
    handle.stop(true).await;
    let _ = server.await;
    Ok(IntakeReport {
        backend,
        requests,
        senders,
        baseline,
        intake,
        first_attempt,
    })
}

/// A location with a key in the app's database, and its webhook URL.
async fn webhook_url(app: &Application, master_key: &MasterKey) -> anyhow::Result<String> {
    webhook_url_with_key(app, master_key, KEY).await
}

/// A location whose AccuLynx key is `key` in the app's database, and its webhook URL.
pub async fn webhook_url_with_key(
    app: &Application,
    master_key: &MasterKey,
    key: &str,
) -> anyhow::Result<String> {
    let state = app.state().clone();
    let (master_key, key) = (master_key.clone(), key.to_string());
    tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let mut conn = state.db.get()?;
        let (_, location) = seed_location(&mut conn, &master_key, &key)?;
        Ok(crate::tenants::webhook_urls::webhook_url(
            &state.public_url,
            &state.url_signer,
            &location,
            1,
        ))
    })
    .await?
}

/// A bare actix server that reads a body and answers 202 with a small JSON.
fn bare_server() -> anyhow::Result<(String, actix_web::dev::ServerHandle)> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/hooks/bare", listener.local_addr()?);
    let server = HttpServer::new(|| {
        App::new().route(
            "/hooks/bare",
            web::post().to(|body: web::Bytes| async move {
                HttpResponse::Accepted()
                    .json(serde_json::json!({"lead_id": body.len(), "status": LeadStatus::Queued.as_str()}))
            }),
        )
    })
    .listen(listener)?
    .workers(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
    .disable_signals()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok((url, handle))
}

/// `requests` form posts from `senders` concurrent senders, each answered 202.
async fn load(
    url: &str,
    requests: usize,
    senders: usize,
    offset: usize,
) -> anyhow::Result<LoadResult> {
    let url = url::Url::parse(url)?;
    let target = url.clone();
    load::run(&url, requests, senders, 202, move |n| {
        load::form_post(&target, &form_body(offset + n))
    })
    .await
}

/// Posts `count` leads at `per_second`; for each, the time from its answer to its arrival at
/// the sandbox. Returns (p50, p95).
async fn first_attempt_latency(
    http: &reqwest::Client,
    url: &str,
    sandbox: &Sandbox,
    count: usize,
    per_second: u64,
    offset: usize,
) -> anyhow::Result<(Duration, Duration)> {
    sandbox.clear();
    let mut answered = std::collections::HashMap::new();
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / per_second));
    for n in 0..count {
        ticker.tick().await;
        let response = http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(offset + n))
            .send()
            .await?;
        anyhow::ensure!(
            response.status() == 202,
            "the webhook answered {}",
            response.status()
        );
        answered.insert(format!("ct-{}", offset + n), SystemTime::now());
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while sandbox.accepted_count() < count {
        anyhow::ensure!(
            Instant::now() < deadline,
            "not every lead reached the sandbox"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut delays: Vec<Duration> = sandbox
        .accepted()
        .iter()
        .filter_map(|lead| {
            let answered_at = answered.get(lead.body["crossReference"].as_str()?)?;
            let arrived: SystemTime = lead.received_at.into();
            Some(
                arrived
                    .duration_since(*answered_at)
                    .unwrap_or(Duration::ZERO),
            )
        })
        .collect();
    delays.sort();
    Ok((percentile(&delays, 50.0), percentile(&delays, 95.0)))
}
