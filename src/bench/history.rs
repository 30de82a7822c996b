//! Lead history at scale: `--history-leads` leads (1,000,000 by default) seeded in bulk, then a
//! signed-in company admin fetches the lead list, a status filter, a search and the dashboard
//! from a `leadrelay serve` child process; p95 of each, rendering included. Baseline: `/healthz`
//! of the same server (what one HTTP round trip costs on this machine).

use std::time::{Duration, Instant};

use crate::bench::child::{ChildServer, SignedIn};
use crate::bench::report::{Row, figures, millis};
use crate::bench::seed::{RARE_NAME, insert_leads};
use crate::bench::support::{BenchDatabase, PASSWORD, ms, percentile, prepare_portal};
use crate::crypto::master_key::MasterKey;

/// Requests per page (after one unmeasured request that warms caches)…
const REQUESTS: usize = 30;
/// …unless a page is so slow that they would take longer than this (then at least
/// [`MIN_REQUESTS`] are made), which keeps `bench all` within minutes.
const PAGE_BUDGET: Duration = Duration::from_secs(8);
const MIN_REQUESTS: usize = 5;

/// Runs the scenario with `leads` leads.
pub async fn run(leads: usize, postgres_admin_url: Option<&str>) -> anyhow::Result<Row> {
    let database = BenchDatabase::create(postgres_admin_url)?;
    let master_key = MasterKey::generate();
    let (pool, company, email) = prepare_portal(&database, &master_key).await?;
    let seeding = Instant::now();
    {
        let (company_id, location) = (company.company_id.clone(), company.location_id.clone());
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = pool.get()?;
            insert_leads(&mut conn, &company_id, &[location], leads, crate::db::now())
        })
        .await??;
    }
    let seed_seconds = seeding.elapsed().as_secs_f64();
    let server = ChildServer::start(&database.url, &master_key, false).await?;
    let user = SignedIn::login(&server.base, &email, PASSWORD).await?;
    let list = format!("/companies/{}/leads", company.slug);
    let pages = [
        ("list", list.clone(), Duration::from_millis(30)),
        (
            "filter",
            format!("{list}?status=failed"),
            Duration::from_millis(30),
        ),
        (
            "search",
            format!("{list}?q={}", RARE_NAME.to_lowercase()),
            Duration::from_millis(100),
        ),
        ("dashboard", "/".to_string(), Duration::from_millis(100)),
    ];
    let (healthz, _) = p95(&user, "/healthz").await?;
    let mut measured = vec![("seed_seconds", seed_seconds)];
    let mut met = true;
    let mut cells = Vec::new();
    let mut samples = Vec::new();
    for (name, path, target) in &pages {
        let (p95, requests) = p95(&user, path).await?;
        met &= p95 <= *target;
        measured.push((*name, millis(p95)));
        samples.push(requests as f64);
        cells.push(format!("{name} {}", ms(p95)));
    }
    drop(server);
    let mut measured = figures(&measured);
    // Names of the figures say what they are.
    for name in ["list", "filter", "search", "dashboard"] {
        if let Some(value) = measured.remove(name) {
            measured.insert(format!("{name}_p95_ms"), value);
        }
    }
    measured.insert("requests_per_page".to_string(), serde_json::json!(samples));
    Ok(Row {
        scenario: "history",
        backend: database.url.backend_name(),
        load: format!(
            "{leads} leads (seeded in {seed_seconds:.0} s), up to {REQUESTS} requests per page"
        ),
        measured,
        baseline: Some(figures(&[("healthz_p95_ms", millis(healthz))])),
        ratio: None,
        target: "p95 ≤ 30 / 30 / 100 / 100 ms".to_string(),
        met,
        cells: (
            format!("`/healthz` p95 {}", ms(healthz)),
            format!("p95: **{}**", cells.join(", ")),
        ),
        details: None,
    })
}

/// The 95th percentile of sequential GETs of `path` (see [`REQUESTS`]) and how many were made.
async fn p95(user: &SignedIn, path: &str) -> anyhow::Result<(Duration, usize)> {
    user.get(path).await?;
    let started = Instant::now();
    let mut times = Vec::with_capacity(REQUESTS);
    while times.len() < REQUESTS && (times.len() < MIN_REQUESTS || started.elapsed() < PAGE_BUDGET)
    {
        times.push(user.get(path).await?.1);
    }
    times.sort();
    Ok((percentile(&times, 95.0), times.len()))
}
