//! Memory of a `leadrelay serve` child process, read from `/proc/<pid>/status`: `idle_rss`
//! (a second after `/readyz` first answers; target ≤ 40 MB) and `csv_export` (how much the
//! peak resident memory grows while 100,000 leads stream out as CSV; target ≤ 20 MB).

use std::time::Duration;

use crate::bench::child::{ChildServer, SignedIn};
use crate::bench::report::{Row, figures};
use crate::bench::seed::insert_leads;
use crate::bench::support::{BenchDatabase, PASSWORD, prepare_portal};
use crate::crypto::master_key::MasterKey;

const MIB: f64 = 1024.0;

/// Resident memory a second after start, worker on, on an empty database.
pub async fn idle_rss(postgres_admin_url: Option<&str>) -> anyhow::Result<Row> {
    let database = BenchDatabase::create(postgres_admin_url)?;
    let master_key = MasterKey::generate();
    prepare_portal(&database, &master_key).await?;
    let server = ChildServer::start(&database.url, &master_key, true).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let memory = server.memory()?;
    drop(server);
    let rss = memory.rss_kib as f64 / MIB;
    Ok(Row {
        scenario: "idle_rss",
        backend: database.url.backend_name(),
        load: "`leadrelay serve`, 1 s after /readyz".to_string(),
        measured: figures(&[("rss_mib", rss), ("hwm_mib", memory.hwm_kib as f64 / MIB)]),
        baseline: None,
        ratio: None,
        target: "≤ 40 MB".to_string(),
        met: rss <= 40.0,
        cells: ("—".to_string(), format!("**{rss:.1} MiB** resident")),
        details: None,
    })
}

/// The peak resident memory's growth while `rows` leads are exported as CSV.
pub async fn csv_export(rows: usize, postgres_admin_url: Option<&str>) -> anyhow::Result<Row> {
    let database = BenchDatabase::create(postgres_admin_url)?;
    let master_key = MasterKey::generate();
    let (pool, company, email) = prepare_portal(&database, &master_key).await?;
    {
        let (company_id, location) = (company.company_id.clone(), company.location_id.clone());
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = pool.get()?;
            insert_leads(&mut conn, &company_id, &[location], rows, crate::db::now())
        })
        .await??;
    }
    let server = ChildServer::start(&database.url, &master_key, false).await?;
    let user = SignedIn::login(&server.base, &email, PASSWORD).await?;
    // A page first, so the memory every request needs (templates, connections) is counted
    // before the export.
    user.get(&format!("/companies/{}/leads", company.slug))
        .await?;
    let before = server.memory()?;
    let (mut bytes, mut lines, mut pieces, mut sampled) = (0usize, 0usize, 0usize, before.rss_kib);
    let took = user
        .stream(&format!("/companies/{}/leads.csv", company.slug), |piece| {
            bytes += piece.len();
            lines += piece.iter().filter(|b| **b == b'\n').count();
            pieces += 1;
            if pieces % 32 == 0
                && let Ok(now) = server.memory()
            {
                sampled = sampled.max(now.rss_kib);
            }
        })
        .await?;
    let after = server.memory()?;
    drop(server);
    // The peak while streaming: VmHWM if it rose during the export (the start-up peak may
    // be higher than anything the export needed), else the highest VmRSS seen.
    let peak = if after.hwm_kib > before.hwm_kib {
        after.hwm_kib
    } else {
        sampled.max(after.rss_kib)
    };
    anyhow::ensure!(
        lines > rows,
        "the export had {lines} lines for {rows} leads"
    );
    let growth = peak.saturating_sub(before.rss_kib) as f64 / MIB;
    Ok(Row {
        scenario: "csv_export",
        backend: database.url.backend_name(),
        load: format!("{rows} leads as `leads.csv`"),
        measured: figures(&[
            ("rss_before_mib", before.rss_kib as f64 / MIB),
            ("rss_after_mib", after.rss_kib as f64 / MIB),
            ("hwm_before_mib", before.hwm_kib as f64 / MIB),
            ("hwm_after_mib", after.hwm_kib as f64 / MIB),
            ("peak_mib", peak as f64 / MIB),
            ("growth_mib", growth),
            ("csv_mib", bytes as f64 / MIB / MIB),
            ("csv_lines", lines as f64),
            ("seconds", took.as_secs_f64()),
        ]),
        baseline: Some(figures(&[("rss_before_mib", before.rss_kib as f64 / MIB)])),
        ratio: None,
        target: "RSS grows ≤ 20 MB".to_string(),
        met: growth <= 20.0,
        cells: (
            format!("{:.1} MiB resident before", before.rss_kib as f64 / MIB),
            format!(
                "peak **+{growth:.1} MiB** while {:.0} MiB of CSV streamed in {:.1} s",
                bytes as f64 / MIB / MIB,
                took.as_secs_f64()
            ),
        ),
        details: None,
    })
}
