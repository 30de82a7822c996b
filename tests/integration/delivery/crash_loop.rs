//! A worker process killed with SIGKILL again and again while it delivers, restarted after
//! each kill: no lead is lost, none is sent twice on the success path, and a lead AccuLynx
//! holds twice is one whose earlier copy was cut off by a kill before its answer was recorded
//! (at-least-once, SPEC §7). CI runs 100 leads and 5 kills; `LEADRELAY_CRASH_LEADS=200` runs
//! the 200 leads and 10 kills (one kill per 20 leads), whose figures are in
//! `docs/reliability.md`.

use std::time::Duration;

use leadrelay::sandbox::{SandboxConfig, SandboxKey};

use crate::support::delivery::{GOOD_KEY, count_with_status, lead_body, set_key};
use crate::support::fixtures::seed_company;
use crate::support::helpers::{server_panics, spawn_app_with, wait_until};
use crate::support::intake::{hook_url, post_json};
use crate::support::ledger::{assert_every_lead_settled_once, attempt_count, sandbox_copies};
use crate::support::processes::{kill, leased, start_worker};

/// Parallel sends of each worker.
const CONCURRENCY: usize = 4;
/// The most sends one kill can cut off before their answer is recorded: those sending, and
/// those answered and waiting to be recorded (the worker keeps 4 × the concurrency of them).
const CUT_PER_KILL: usize = CONCURRENCY * 5;

fn crash_leads() -> usize {
    std::env::var("LEADRELAY_CRASH_LEADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_again_and_again_while_it_delivers_loses_no_lead() {
    let started = std::time::Instant::now();
    let total = crash_leads();
    let kills = (total / 20).max(1);
    let sandbox = crate::sandbox::start(SandboxConfig {
        keys: vec![SandboxKey::new(GOOD_KEY, "North")],
        rate_limits: false,
        // Long enough that each kill finds sends in flight; one answer in ten a 500.
        latency: Duration::from_millis(100),
        fail_rate: 0.1,
        ..SandboxConfig::default()
    })
    .await;
    // The application takes the leads (its own worker off); worker processes deliver them.
    let app = spawn_app_with(|s| s.intake_rate = 1_000_000).await;
    let company = seed_company(&app, "alpha");
    set_key(&app, &company.location_id, GOOD_KEY);
    let url = hook_url(&app, &company.location_id);
    for n in 0..total {
        let (status, answer) = post_json(&app.client, &url, &lead_body(n)).await;
        assert_eq!(status, 202, "{answer}");
    }

    let mut worker = start_worker(&app, &sandbox.url(), CONCURRENCY);
    let mut killed_at = Vec::new();
    for round in 0..kills {
        // Spread over the run: kill number i once i/(kills + 2) of the leads are delivered,
        // a varying few milliseconds later, while sends are in flight.
        let due = ((round + 1) * total / (kills + 2)) as i64;
        wait_until(
            "deliveries before the next kill",
            Duration::from_secs(60),
            || async { count_with_status(&app, "delivered") >= due },
        )
        .await;
        tokio::time::sleep(Duration::from_millis((round * 37 % 100) as u64)).await;
        wait_until("sends in flight", Duration::from_secs(30), || async {
            leased(&app) > 0
        })
        .await;
        kill(&mut worker);
        killed_at.push(chrono::Utc::now());
        assert!(
            count_with_status(&app, "delivered") < total as i64,
            "kill {round} came while leads were still to deliver"
        );
        worker = start_worker(&app, &sandbox.url(), CONCURRENCY);
    }
    wait_until("every lead settled", Duration::from_secs(120), || async {
        count_with_status(&app, "delivered") + count_with_status(&app, "failed") == total as i64
    })
    .await;
    kill(&mut worker);

    let settled = assert_every_lead_settled_once(&app, &sandbox);
    assert_eq!(settled.len(), total, "every posted lead is stored");
    let copies = sandbox_copies(&sandbox);
    for (reference, status) in &settled {
        if status == "delivered" {
            assert!(
                copies.contains_key(reference),
                "{reference} reached AccuLynx"
            );
        }
    }
    // A copy is sent again only after a kill cut off its answer: between any two copies of a
    // lead a worker was killed.
    let mut extra_copies = 0;
    for (reference, times) in &copies {
        for pair in times.windows(2) {
            assert!(
                killed_at.iter().any(|at| pair[0] <= *at && *at <= pair[1]),
                "{reference} was sent again with no kill in between: {times:?}, kills {killed_at:?}"
            );
            extra_copies += 1;
        }
    }
    // Sends whose answer was never recorded are the ones a kill cut off: at most the sends in
    // flight at each kill, and every extra copy is one of them.
    let requests = sandbox.requests().len() as i64;
    let recorded = attempt_count(&app);
    let cut = requests - recorded;
    assert!(
        cut >= 0,
        "{requests} requests, {recorded} attempts recorded"
    );
    assert!(
        cut <= (kills * CUT_PER_KILL) as i64,
        "{cut} sends without a recorded answer after {kills} kills of at most {CUT_PER_KILL} in flight"
    );
    assert!(
        extra_copies <= cut,
        "{extra_copies} extra copies, {cut} cut"
    );
    assert_eq!(server_panics(), 0);
    let delivered = count_with_status(&app, "delivered");
    println!(
        "crash loop: {total} leads, {kills} SIGKILLs: {delivered} delivered, {} failed with a reason, \
         0 lost; {requests} sends, {recorded} attempts recorded, {cut} cut by kills; AccuLynx holds \
         {} copies ({extra_copies} extra, each after a kill); {:.1} s",
        total as i64 - delivered,
        copies.values().map(Vec::len).sum::<usize>(),
        started.elapsed().as_secs_f64(),
    );
}
