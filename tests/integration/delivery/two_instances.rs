//! Two `leadrelay serve` processes, each with its worker as a real deployment runs them, on
//! one PostgreSQL database and one AccuLynx: leads posted to both, by several senders at
//! once, are each delivered exactly once. CI posts 1,000 leads;
//! `LEADRELAY_TWO_INSTANCE_LEADS=10000` runs the count, whose figures are in
//! `docs/reliability.md`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::delivery::{GOOD_KEY, count_with_status, lead_body, set_key};
use crate::support::fixtures::seed_company;
use crate::support::helpers::{TEST_DATABASE_ENV, spawn_app, wait_until};
use crate::support::intake::post_json;
use crate::support::ledger::{assert_every_lead_settled_once, sandbox_copies};
use crate::support::processes::Server;
use crate::support::secrets::url_signer_of;

/// Senders posting at once, alternating between the two instances.
const SENDERS: usize = 8;

fn two_instance_leads() -> usize {
    std::env::var("LEADRELAY_TWO_INSTANCE_LEADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgresql_database_deliver_each_lead_posted_across_both_once() {
    // Creates and migrates the database and seeds the company; its own worker stays off.
    let app = spawn_app().await;
    if !app.test_db.is_postgres() {
        // SPEC: several instances need PostgreSQL; a SQLite file belongs to one instance.
        eprintln!("skipped: several instances need PostgreSQL ({TEST_DATABASE_ENV})");
        return;
    }
    let total = two_instance_leads();
    let sandbox = crate::sandbox::start_unlimited(&[(GOOD_KEY, "North")]).await;
    let company = seed_company(&app, "alpha");
    set_key(&app, &company.location_id, GOOD_KEY);
    let path = format!(
        "/hooks/{}/{}",
        company.location_id,
        url_signer_of(&app).token(&company.location_id, 1)
    );

    let database = app.test_db.url_text();
    let master_key = app.master_key().to_base64();
    let sandbox_url = sandbox.url();
    let vars = [
        ("LEADRELAY_DATABASE_URL", database.as_str()),
        ("LEADRELAY_MASTER_KEY", master_key.as_str()),
        ("LEADRELAY_ACCULYNX_BASE_URL", sandbox_url.as_str()),
        ("LEADRELAY_ACCULYNX_RATE_PER_KEY", "100000"),
        ("LEADRELAY_ACCULYNX_RATE_GLOBAL", "100000"),
        ("LEADRELAY_INTAKE_RATE", "1000000"),
        ("LEADRELAY_DELIVERY_CONCURRENCY", "16"),
        ("LEADRELAY_RETRY_SCHEDULE", "200ms,200ms,200ms"),
        ("LEADRELAY_LOG", "warn,leadrelay::startup=info"),
    ];
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let servers: Vec<Server> = dirs
        .iter()
        .map(|d| Server::start(d.path(), &vars))
        .collect();
    let urls: Arc<Vec<String>> = Arc::new(servers.iter().map(|s| s.url.clone() + &path).collect());

    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let senders: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (next, urls) = (next.clone(), urls.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        break;
                    }
                    let (status, answer) = post_json(&client, &urls[n % 2], &lead_body(n)).await;
                    assert_eq!(status, 202, "lead {n}: {answer}");
                }
            })
        })
        .collect();
    for sender in senders {
        sender.await.unwrap();
    }
    let posted = started.elapsed();
    let settle = Duration::from_secs(60 + total as u64 / 20);
    wait_until("every lead delivered", settle, || async {
        count_with_status(&app, "delivered") == total as i64
    })
    .await;
    let delivered = started.elapsed();
    // Both instances still answer after the run.
    for server in &servers {
        assert_eq!(server.get("/readyz"), 200);
    }
    drop(servers);

    let settled = assert_every_lead_settled_once(&app, &sandbox);
    assert_eq!(settled.len(), total, "every posted lead is stored once");
    let copies = sandbox_copies(&sandbox);
    assert_eq!(copies.len(), total, "AccuLynx holds every lead");
    let doubled: Vec<_> = copies.iter().filter(|(_, t)| t.len() > 1).collect();
    assert!(doubled.is_empty(), "leads delivered twice: {doubled:?}");
    assert_eq!(sandbox.requests().len(), total, "each lead was sent once");
    println!(
        "two instances: {total} leads posted by {SENDERS} senders across both in {:.1} s \
         ({:.0} leads/s), all delivered after {:.1} s ({:.0} leads/s end to end); \
         AccuLynx holds {} leads, 0 twice; {} requests",
        posted.as_secs_f64(),
        total as f64 / posted.as_secs_f64(),
        delivered.as_secs_f64(),
        total as f64 / delivered.as_secs_f64(),
        copies.len(),
        sandbox.requests().len(),
    );
}
