//! PostgreSQL stopped hard (`pg_ctl stop -m immediate`) under a running `leadrelay serve` and
//! a sender posting leads without pause, kept down a few seconds, then started again.
//!
//! It runs only in the PostgreSQL pass of the suite (`LEADRELAY_TEST_DATABASE_URL` set), so CI
//! runs it once: it makes a cluster of its own and never touches the shared server, so the
//! SQLite pass would only run the same test a second time.

use std::collections::HashMap;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use leadrelay::db::DatabaseUrl;
use leadrelay::db::schema::leads;
use leadrelay::sandbox::{SandboxConfig, SandboxKey};

use super::cluster::{self, PrivateCluster};
use super::sender::{
    LeadSender, lead_id, neither_accepted_nor_unavailable, wait_until_accepted_delivered,
    with_status,
};
use crate::support::delivery::{GOOD_KEY, set_key};
use crate::support::fixtures::{login_at, page, seed_company};
use crate::support::helpers::{
    TEST_DATABASE_ENV, TestApp, TestDb, leadrelay_command, postgres_admin_url, spawn_app_on,
    wait_until,
};
use crate::support::intake::hook_url;

/// How long the database stays down.
const OUTAGE: Duration = Duration::from_secs(4);

/// `leadrelay serve` (with its worker) on a port of its own, killed on drop.
struct Serve {
    child: Child,
    address: String,
    log: tempfile::NamedTempFile,
}

impl Serve {
    fn start(app: &TestApp, database_url: &str, sandbox_url: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = tempfile::NamedTempFile::new().unwrap();
        let child = leadrelay_command()
            .arg("serve")
            .env("LEADRELAY_DATABASE_URL", database_url)
            .env("LEADRELAY_MASTER_KEY", app.master_key().to_base64())
            .env("LEADRELAY_BIND", format!("127.0.0.1:{port}"))
            .env("LEADRELAY_ACCULYNX_BASE_URL", sandbox_url)
            .env("LEADRELAY_RETRY_SCHEDULE", "200ms,200ms,200ms")
            .env("LEADRELAY_ACCULYNX_RATE_PER_KEY", "100000")
            .env("LEADRELAY_ACCULYNX_RATE_GLOBAL", "100000")
            .env("LEADRELAY_INTAKE_RATE", "100000")
            .env("LEADRELAY_DELIVERY_TIMEOUT", "2s")
            .env("LEADRELAY_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log.reopen().unwrap())
            .spawn()
            .unwrap();
        Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET {address}/readyz`: status and body.
async fn readyz(client: &reqwest::Client, address: &str) -> (u16, serde_json::Value) {
    match client.get(format!("{address}/readyz")).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            (status, response.json().await.unwrap_or_default())
        }
        Err(_) => (0, serde_json::Value::Null),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_stopped_hard_mid_run_answers_503_then_recovers_by_itself_and_loses_no_lead() {
    if postgres_admin_url().is_none() {
        eprintln!(
            "skipped: runs in the PostgreSQL pass only ({TEST_DATABASE_ENV}); it uses a cluster of its own"
        );
        return;
    }
    assert!(
        cluster::available(),
        "initdb is missing: install PostgreSQL 15's server binaries"
    );
    let cluster = PrivateCluster::start();
    let sandbox = crate::sandbox::start(SandboxConfig {
        keys: vec![SandboxKey::new(GOOD_KEY, "North")],
        rate_limits: false,
        // Deliveries are in flight when the database stops: their results wait for it.
        latency: Duration::from_millis(300),
        ..SandboxConfig::default()
    })
    .await;
    // In-process, for seeding and reading the database; `leadrelay serve` takes the leads.
    let db = TestDb::existing(DatabaseUrl::parse(&cluster.url()).unwrap());
    let app = spawn_app_on(db, |_| {}).await;
    let company = seed_company(&app, "alpha");
    set_key(&app, &company.location_id, GOOD_KEY);
    let serve = Serve::start(&app, &cluster.url(), &sandbox.url());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    wait_until(
        "leadrelay serve to be ready",
        Duration::from_secs(60),
        || async { readyz(&client, &serve.address).await.0 == 200 },
    )
    .await;
    let hook = hook_url(&app, &company.location_id).replace(&app.address, &serve.address);
    let sender = LeadSender::start(hook, Duration::from_millis(20));
    wait_until("leads answered 202", Duration::from_secs(30), || async {
        with_status(&sender.answers(), 202).len() >= 30
    })
    .await;

    cluster.stop_immediately();
    let stopped = Instant::now();
    wait_until(
        "a 503 from the webhook",
        Duration::from_secs(15),
        || async { sender.first_after(stopped, 503).is_some() },
    )
    .await;
    let first_503 = sender.first_after(stopped, 503).unwrap().at - stopped;
    wait_until("/readyz to answer 503", Duration::from_secs(15), || async {
        readyz(&client, &serve.address).await.0 == 503
    })
    .await;
    let down = readyz(&client, &serve.address).await;
    assert_eq!(down.1["reason"], "database unreachable", "{}", down.1);
    tokio::time::sleep(OUTAGE.saturating_sub(stopped.elapsed())).await;

    cluster.start_server();
    let back = Instant::now();
    wait_until(
        "a 202 once PostgreSQL is back",
        Duration::from_secs(30),
        || async { sender.first_after(back, 202).is_some() },
    )
    .await;
    let intake_recovered = sender.first_after(back, 202).unwrap().at - back;
    wait_until(
        "/readyz to answer 200 again",
        Duration::from_secs(30),
        || async { readyz(&client, &serve.address).await.0 == 200 },
    )
    .await;
    let ready_recovered = back.elapsed();
    sender
        .wait_for_accepted_after("more leads after the outage", back, 30)
        .await;
    let answers = sender.stop().await;

    // Only 202s and 503s, and each 503 says why.
    let odd = neither_accepted_nor_unavailable(&answers);
    assert!(
        odd.is_empty(),
        "answers other than 202/503: {odd:?}\nleadrelay's log:\n{}",
        serve.log()
    );
    let refused = with_status(&answers, 503);
    for answer in &refused {
        let message = answer.body["message"].as_str().unwrap_or_default();
        assert!(
            answer.body["error"] == "unavailable" && message.contains("cannot reach its database"),
            "a clear 503: {:?}",
            answer.body
        );
    }
    // Every lead answered 202 is stored and delivered exactly once.
    wait_until_accepted_delivered(&app, &answers).await;
    let accepted = with_status(&answers, 202);
    let stored: i64 = leads::table.count().get_result(&mut *app.conn()).unwrap();
    wait_until(
        "every stored lead delivered",
        Duration::from_secs(60),
        || async {
            let delivered: i64 = leads::table
                .filter(leads::status.eq("delivered"))
                .count()
                .get_result(&mut *app.conn())
                .unwrap();
            delivered == stored
        },
    )
    .await;
    let mut copies: HashMap<String, usize> = HashMap::new();
    for lead in sandbox.accepted() {
        let reference = lead.body["crossReference"].as_str().unwrap().to_string();
        *copies.entry(reference).or_default() += 1;
    }
    for answer in &accepted {
        let reference = format!("ct-{}", answer.n);
        assert_eq!(
            copies.get(&reference),
            Some(&1),
            "lead {reference} answered 202 reaches AccuLynx exactly once"
        );
    }
    let twice = copies.values().filter(|&&n| n > 1).count();
    assert_eq!(twice, 0, "no lead reaches AccuLynx twice");

    // The portal works again: sign in, open a lead from before and one from after the outage.
    let session = login_at(&serve.address, &company.admin.email).await;
    for answer in [accepted[0], *accepted.last().unwrap()] {
        let html = page(&session, &format!("/leads/{}", lead_id(answer))).await;
        assert!(html.contains(&format!("Doe {}", answer.n)), "lead page");
    }
    println!(
        "postgres restart: {} answered 202, {} answered 503 ({} stored anyway, answered 503 when the commit's answer was lost), \
         first 503 {first_503:?} after the stop, outage {OUTAGE:?}, first 202 {intake_recovered:?} and /readyz 200 {ready_recovered:?} after the start, \
         {} stored, all delivered, 0 lost, 0 delivered twice",
        accepted.len(),
        refused.len(),
        stored - accepted.len() as i64,
        stored,
    );
}
