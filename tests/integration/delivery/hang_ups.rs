//! Senders that hang up before reading the answer: each writes a whole valid webhook request
//! on a raw TCP connection and closes it at once — a third plainly, a third after shutting
//! its side down, a third with a reset (SO_LINGER 0). Whatever leadrelay stored of them is
//! stored whole and delivered once, and the server still answers. CI runs 300 senders;
//! `LEADRELAY_HANG_UP_SENDERS=1000` runs the count, whose figures are in
//! `docs/reliability.md`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use leadrelay::db::schema::leads;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::support::delivery::{lead_body, rig, wait_for_status};
use crate::support::helpers::{TestApp, server_panics};
use crate::support::intake::{hook_url, lead_count, post_json};
use crate::support::ledger::{assert_every_lead_settled_once, sandbox_copies};

/// Senders connected at once.
const AT_ONCE: usize = 200;

fn hang_up_senders() -> usize {
    std::env::var("LEADRELAY_HANG_UP_SENDERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300)
}

/// A whole webhook request for `body`.
fn request(path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Writes the request and hangs up without reading: `n % 3` picks how.
async fn send_and_hang_up(port: u16, bytes: Vec<u8>, n: usize) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream.write_all(&bytes).await.unwrap();
    match n % 3 {
        0 => {}
        1 => stream.shutdown().await.unwrap(),
        _ => stream.set_zero_linger().unwrap(),
    }
    drop(stream);
}

/// Waits until the stored leads stop growing and every one of them has settled.
async fn wait_until_quiet(app: &TestApp, limit: Duration) -> i64 {
    let deadline = Instant::now() + limit;
    let (mut last, mut quiet_since) = (-1, Instant::now());
    loop {
        let stored = lead_count(app);
        let unsettled: i64 = leads::table
            .filter(leads::status.ne("delivered"))
            .filter(leads::status.ne("failed"))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        if stored != last || unsettled > 0 {
            (last, quiet_since) = (stored, Instant::now());
        } else if quiet_since.elapsed() > Duration::from_secs(2) {
            return stored;
        }
        assert!(
            Instant::now() < deadline,
            "still {unsettled} of {stored} leads unsettled"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn senders_that_hang_up_before_the_answer_leave_each_stored_lead_whole_and_delivered_once() {
    let started = Instant::now();
    let total = hang_up_senders();
    let rig = rig(false, |s| {
        s.intake_rate = 1_000_000;
        s.rate_per_key = 100_000;
        s.rate_global = 100_000;
        s.delivery_concurrency = 16;
    })
    .await;
    let app = &rig.app;
    let url = hook_url(app, &rig.company.location_id);
    let path = url::Url::parse(&url).unwrap().path().to_string();
    let bodies: Vec<String> = (0..total).map(|n| lead_body(n).to_string()).collect();

    let gate = Arc::new(tokio::sync::Semaphore::new(AT_ONCE));
    let senders: Vec<_> = bodies
        .iter()
        .enumerate()
        .map(|(n, body)| {
            let (gate, bytes, port) = (gate.clone(), request(&path, body), app.port);
            tokio::spawn(async move {
                let _turn = gate.acquire_owned().await.unwrap();
                send_and_hang_up(port, bytes, n).await;
            })
        })
        .collect();
    for sender in senders {
        sender.await.unwrap();
    }
    let stored = wait_until_quiet(app, Duration::from_secs(120)).await;
    assert!(stored <= total as i64);

    // Stored whole: the body as sent, under its own reference, once.
    let sent: HashMap<String, &String> = bodies
        .iter()
        .enumerate()
        .map(|(n, body)| (format!("ct-{n}"), body))
        .collect();
    let raw: Vec<(String, Option<String>)> = leads::table
        .select((leads::id, leads::raw_body))
        .load(&mut *app.conn())
        .unwrap();
    let settled = assert_every_lead_settled_once(app, &rig.sandbox);
    // Stored as the intake stores a lead: counted and logged, even when its sender was gone
    // before the store ended (the handler dropped by actix mid-store; regression).
    let logged: HashSet<String> = app
        .logs()
        .lines()
        .filter(|line| line.contains("lead received"))
        .filter_map(|line| {
            Some(
                line.split("lead_id=")
                    .nth(1)?
                    .split(' ')
                    .next()?
                    .to_string(),
            )
        })
        .collect();
    let unlogged: Vec<&String> = raw
        .iter()
        .map(|(id, _)| id)
        .filter(|id| !logged.contains(*id))
        .collect();
    assert!(
        unlogged.is_empty(),
        "{} of {stored} stored leads were never logged as received (their store was cut off \
         half-way): {unlogged:?}",
        unlogged.len()
    );
    for (id, body) in &raw {
        let body = body.as_deref().unwrap_or_default();
        let parsed: serde_json::Value = serde_json::from_str(body).unwrap();
        let reference = parsed["crossReference"].as_str().unwrap();
        assert_eq!(
            sent[reference].as_str(),
            body,
            "lead {id} holds the body as sent"
        );
    }
    // Delivered once each: no lead waits for a sender that hung up, none is sent twice.
    let copies = sandbox_copies(&rig.sandbox);
    for (reference, status) in &settled {
        assert_eq!(status, "delivered", "{reference}");
        assert_eq!(copies.get(reference).map(Vec::len), Some(1), "{reference}");
    }
    assert_eq!(
        copies.len() as i64,
        stored,
        "AccuLynx holds only stored leads"
    );
    let mut by_way = [0; 3];
    for reference in settled.keys() {
        let n: usize = reference.trim_start_matches("ct-").parse().unwrap();
        by_way[n % 3] += 1;
    }

    // The server still answers a sender that waits for its answer.
    assert_eq!(app.get("/healthz").await.status(), 200);
    let (status, answer) = post_json(&app.client, &url, &lead_body(total)).await;
    assert_eq!(status, 202, "{answer}");
    let lead_id = answer["lead_id"].as_str().unwrap();
    wait_for_status(app, lead_id, "delivered", Duration::from_secs(10)).await;
    assert_eq!(server_panics(), 0);
    println!(
        "hang-ups: {total} senders hung up before the answer; {stored} leads stored ({} of those \
         closing, {} of those shutting down first, {} of those resetting), each whole and \
         delivered once; the server answered the next sender; {:.1} s",
        by_way[0],
        by_way[1],
        by_way[2],
        started.elapsed().as_secs_f64()
    );
}

/// Takes the database's write lock (SQLite) or a lock that stops every insert into `leads`
/// (PostgreSQL) on a connection of the test's own, until `COMMIT`.
fn hold_writes(app: &TestApp) -> leadrelay::db::DbConn {
    use diesel::connection::SimpleConnection;
    let mut blocker = app.test_db.connect();
    let lock = if app.test_db.is_postgres() {
        "BEGIN; LOCK TABLE leads IN EXCLUSIVE MODE;"
    } else {
        "BEGIN IMMEDIATE;"
    };
    blocker.batch_execute(lock).unwrap();
    blocker
}

/// The regression, made certain: the lead waits for the database while its sender hangs up,
/// so actix drops the request's handler mid-store. The lead is still stored, logged as
/// received and delivered (before the fix, its store ran inside the handler and the log line,
/// the count and the worker's wake-up were cut off with it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_hanging_up_while_its_lead_waits_for_the_database_still_has_it_stored_and_logged()
{
    use diesel::connection::SimpleConnection;
    let rig = rig(false, |_| {}).await;
    let app = &rig.app;
    let url = hook_url(app, &rig.company.location_id);
    let path = url::Url::parse(&url).unwrap().path().to_string();
    let mut blocker = hold_writes(app);
    let mut stream = TcpStream::connect(("127.0.0.1", app.port)).await.unwrap();
    stream
        .write_all(&request(&path, &lead_body(0).to_string()))
        .await
        .unwrap();
    // Time for the server to read the request and wait for the writer; then a reset, and time
    // for actix to see it.
    tokio::time::sleep(Duration::from_millis(400)).await;
    stream.set_zero_linger().unwrap();
    drop(stream);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(lead_count(app), 0, "the lead waits for the database");
    blocker.batch_execute("COMMIT;").unwrap();
    let stored = wait_until_quiet(app, Duration::from_secs(30)).await;
    assert_eq!(stored, 1, "the lead of the sender that hung up is stored");
    let id: String = leads::table
        .select(leads::id)
        .first(&mut *app.conn())
        .unwrap();
    assert!(
        app.logs()
            .lines()
            .any(|line| line.contains("lead received") && line.contains(&id)),
        "the lead was stored but its store was cut off before it was logged as received"
    );
    assert_eq!(sandbox_copies(&rig.sandbox).len(), 1);
}
