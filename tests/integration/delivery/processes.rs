//! Worker processes: a crash mid-delivery loses nothing; two workers on one PostgreSQL
//! database send each lead exactly once.

use std::time::Duration;

use leadrelay::sandbox::{Sandbox, SandboxConfig, SandboxKey};

use crate::support::delivery::{GOOD_KEY, count_with_status, lead_body, seed_leads, set_key};
use crate::support::fixtures::seed_company;
use crate::support::helpers::{spawn_app, wait_until};
use crate::support::processes::{leased, start_worker};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_delivery_loses_no_lead_once_restarted() {
    let sandbox = Sandbox::start(
        SandboxConfig {
            keys: vec![SandboxKey::new(GOOD_KEY, "North")],
            rate_limits: false,
            latency: Duration::from_millis(150),
            ..SandboxConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let app = spawn_app().await;
    let company = seed_company(&app, "alpha");
    set_key(&app, &company.location_id, GOOD_KEY);
    let bodies: Vec<_> = (0..60).map(lead_body).collect();
    seed_leads(&app, &company, &company.location_id, &bodies);

    let mut first = start_worker(&app, &sandbox.url(), 4);
    wait_until("some deliveries", Duration::from_secs(30), || async {
        count_with_status(&app, "delivered") >= 8
    })
    .await;
    wait_until("deliveries in flight", Duration::from_secs(10), || async {
        leased(&app) > 0
    })
    .await;
    first.kill().unwrap(); // SIGKILL: no chance to give anything back
    first.wait().unwrap();
    assert!(leased(&app) > 0, "the killed worker left leases behind");
    assert!(count_with_status(&app, "delivered") < 60);

    let mut second = start_worker(&app, &sandbox.url(), 4);
    wait_until("every lead delivered", Duration::from_secs(60), || async {
        count_with_status(&app, "delivered") == 60
    })
    .await;
    assert_eq!(leased(&app), 0, "no lead stays leased");
    second.kill().unwrap();
    second.wait().unwrap();
    // At least once: every lead reached AccuLynx (those in flight at the crash may twice).
    let accepted: std::collections::HashSet<String> = sandbox
        .accepted()
        .iter()
        .map(|l| l.body["crossReference"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(accepted.len(), 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_postgresql_database_send_each_lead_exactly_once() {
    let app = spawn_app().await;
    if !app.test_db.is_postgres() {
        eprintln!(
            "skipped: several instances need PostgreSQL ({})",
            crate::support::helpers::TEST_DATABASE_ENV
        );
        return;
    }
    let sandbox = crate::sandbox::start_unlimited(&[(GOOD_KEY, "North")]).await;
    let company = seed_company(&app, "alpha");
    set_key(&app, &company.location_id, GOOD_KEY);
    let bodies: Vec<_> = (0..2000).map(lead_body).collect();
    seed_leads(&app, &company, &company.location_id, &bodies);
    let mut workers = [
        start_worker(&app, &sandbox.url(), 16),
        start_worker(&app, &sandbox.url(), 16),
    ];
    wait_until("2,000 deliveries", Duration::from_secs(120), || async {
        count_with_status(&app, "delivered") == 2000
    })
    .await;
    for worker in &mut workers {
        worker.kill().unwrap();
        worker.wait().unwrap();
    }
    let requests = sandbox.requests();
    assert_eq!(requests.len(), 2000, "each lead was sent once");
    let mut seen: Vec<String> = sandbox
        .accepted()
        .iter()
        .map(|l| l.body["crossReference"].as_str().unwrap().to_string())
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 2000);
}
