//! Each answer of AccuLynx and what it does to a lead (SPEC §7).

use std::time::Duration;

use leadrelay::sandbox::Fault;
use serde_json::json;

use crate::support::delivery::{
    GOOD_KEY, attempts_of, count_with_status, last_error_of, lead_body, rig, seed_leads, set_key,
    status_of, wait_for_status,
};

const WAIT: Duration = Duration::from_secs(15);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_202_delivers_the_lead_and_records_the_attempt() {
    let rig = rig(false, |_| {}).await;
    let body = lead_body(1);
    let ids = seed_leads(
        &rig.app,
        &rig.company,
        &rig.company.location_id,
        std::slice::from_ref(&body),
    );
    rig.app.wake_worker.notify_one();
    wait_for_status(&rig.app, &ids[0], "delivered", WAIT).await;
    let accepted = rig.sandbox.accepted();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].key, GOOD_KEY);
    assert_eq!(accepted[0].body, body);
    let attempts = attempts_of(&rig.app, &ids[0]);
    assert_eq!(attempts.len(), 1);
    assert_eq!(
        (attempts[0].1, attempts[0].2.as_str()),
        (Some(202), "delivered")
    );
    assert!(last_error_of(&rig.app, &ids[0]).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_400_fails_the_lead_with_acculynxs_message_in_a_plain_sentence() {
    let rig = rig(false, |_| {}).await;
    let too_long = json!({"firstName": "Jane", "lastName": "x".repeat(60)});
    let ids = seed_leads(
        &rig.app,
        &rig.company,
        &rig.company.location_id,
        &[too_long],
    );
    wait_for_status(&rig.app, &ids[0], "failed", WAIT).await;
    assert_eq!(
        last_error_of(&rig.app, &ids[0]).unwrap(),
        "AccuLynx rejected the lead: The field lastName must be a string with a maximum length of 50."
    );
    assert_eq!(
        attempts_of(&rig.app, &ids[0]).len(),
        1,
        "a 400 is not retried"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_holds_the_locations_leads_until_a_new_key_is_saved() {
    let rig = rig(false, |_| {}).await;
    let location = rig.company.location_id.clone();
    set_key(&rig.app, &location, "a-key-acculynx-does-not-know");
    let ids = seed_leads(
        &rig.app,
        &rig.company,
        &location,
        &[lead_body(1), lead_body(2)],
    );
    for id in &ids {
        wait_for_status(&rig.app, id, "held", WAIT).await;
    }
    assert!(
        last_error_of(&rig.app, &ids[0])
            .unwrap()
            .contains("rejected the API key (401)")
    );
    let key_status: String = {
        use diesel::prelude::*;
        leadrelay::db::schema::locations::table
            .find(&location)
            .select(leadrelay::db::schema::locations::key_status)
            .first(&mut *rig.app.conn())
            .unwrap()
    };
    assert_eq!(key_status, "rejected");
    // Held leads are not retried on their own: a worker pass takes none of them.
    assert_eq!(rig.app.deliver_due().await, 0);
    let requests = rig.sandbox.requests().len();
    assert!(
        requests <= 2,
        "held leads are not sent again: {requests} requests"
    );

    // A new key re-queues them.
    set_key(&rig.app, &location, GOOD_KEY);
    let requeued = leadrelay::leads::queue::requeue_held(&mut rig.app.conn(), &location).unwrap();
    assert_eq!(requeued, 2);
    rig.app.wake_worker.notify_one();
    for id in &ids {
        wait_for_status(&rig.app, id, "delivered", WAIT).await;
    }
    assert_eq!(rig.sandbox.accepted().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_503s_then_a_202_deliver_with_three_attempts_recorded() {
    let rig = rig(false, |_| {}).await;
    rig.sandbox
        .program(GOOD_KEY, [Fault::Status(503), Fault::Status(503)]);
    let ids = seed_leads(
        &rig.app,
        &rig.company,
        &rig.company.location_id,
        &[lead_body(1)],
    );
    wait_for_status(&rig.app, &ids[0], "delivered", WAIT).await;
    let attempts = attempts_of(&rig.app, &ids[0]);
    let seen: Vec<(i32, Option<i32>, &str)> =
        attempts.iter().map(|a| (a.0, a.1, a.2.as_str())).collect();
    assert_eq!(
        seen,
        vec![
            (1, Some(503), "retrying"),
            (2, Some(503), "retrying"),
            (3, Some(202), "delivered")
        ]
    );
    assert!(
        attempts[0].3.contains("server error (503)"),
        "{}",
        attempts[0].3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_2_waits_at_least_2_seconds() {
    // A 429 uses no step of the schedule, but must fit in its span (here 30 s).
    let rig = rig(false, |s| {
        s.retry_schedule = vec![Duration::from_secs(10); 3];
    })
    .await;
    rig.sandbox.program(
        GOOD_KEY,
        [Fault::RateLimited {
            retry_after: Some("2".to_string()),
        }],
    );
    let ids = seed_leads(
        &rig.app,
        &rig.company,
        &rig.company.location_id,
        &[lead_body(1)],
    );
    wait_for_status(&rig.app, &ids[0], "delivered", WAIT).await;
    let attempts = attempts_of(&rig.app, &ids[0]);
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].2, "rate_limited");
    let gap = attempts[1].4 - attempts[0].4;
    assert!(gap >= chrono::TimeDelta::seconds(2), "retried after {gap}");
    let requests = rig.sandbox.requests();
    assert!(requests[1].at.duration_since(requests[0].at) >= Duration::from_secs(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_is_retried() {
    let rig = rig(false, |s| s.delivery_timeout = Duration::from_millis(500)).await;
    rig.sandbox
        .program(GOOD_KEY, [Fault::Delay(Duration::from_secs(2))]);
    let ids = seed_leads(
        &rig.app,
        &rig.company,
        &rig.company.location_id,
        &[lead_body(1)],
    );
    wait_for_status(&rig.app, &ids[0], "delivered", WAIT).await;
    let attempts = attempts_of(&rig.app, &ids[0]);
    assert_eq!(attempts.len(), 2);
    assert_eq!((attempts[0].1, attempts[0].2.as_str()), (None, "retrying"));
    assert!(
        attempts[0].3.contains("did not answer in time"),
        "{}",
        attempts[0].3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_schedule_is_exhausted_the_lead_fails() {
    let rig = rig(false, |_| {}).await;
    rig.sandbox
        .program(GOOD_KEY, std::iter::repeat_n(Fault::Status(500), 6));
    let ids = seed_leads(
        &rig.app,
        &rig.company,
        &rig.company.location_id,
        &[lead_body(1)],
    );
    wait_for_status(&rig.app, &ids[0], "failed", WAIT).await;
    let attempts = attempts_of(&rig.app, &ids[0]);
    assert_eq!(attempts.len(), 4, "the first attempt and 3 retries");
    assert!(
        last_error_of(&rig.app, &ids[0])
            .unwrap()
            .contains("Gave up after 4 attempts")
    );
    assert_eq!(status_of(&rig.app, &ids[0]), "failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_location_holds_its_leads_and_resuming_sends_them() {
    let rig = rig(false, |_| {}).await;
    let location = rig.company.location_id.clone();
    let admin = crate::support::fixtures::login(&rig.app, &rig.company.admin.email).await;
    assert_eq!(
        admin
            .post(&format!("/locations/{location}/pause"), &[])
            .await
            .status(),
        303
    );
    let ids = seed_leads(&rig.app, &rig.company, &location, &[lead_body(1)]);
    wait_for_status(&rig.app, &ids[0], "held", WAIT).await;
    assert!(last_error_of(&rig.app, &ids[0]).unwrap().contains("paused"));
    assert_eq!(
        admin
            .post(&format!("/locations/{location}/resume"), &[])
            .await
            .status(),
        303
    );
    wait_for_status(&rig.app, &ids[0], "delivered", WAIT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graceful_stop_gives_back_the_leads_not_yet_sent() {
    use diesel::prelude::*;
    // One request per second for the key: most claimed leads are waiting for their turn.
    let mut rig = rig(false, |s| {
        s.rate_per_key = 1;
        s.delivery_concurrency = 8;
    })
    .await;
    let ids = seed_leads(
        &rig.app,
        &rig.company,
        &rig.company.location_id,
        &(0..8).map(lead_body).collect::<Vec<_>>(),
    );
    rig.app.wake_worker.notify_one();
    // Stop right after the first delivery, whichever lead it was (leads due at the same
    // moment are claimed in no particular order).
    crate::support::helpers::wait_until("a first delivery", WAIT, || async {
        count_with_status(&rig.app, "delivered") >= 1
    })
    .await;
    rig.app.stop().await;
    let leased: i64 = leadrelay::db::schema::leads::table
        .filter(leadrelay::db::schema::leads::lease_owner.is_not_null())
        .count()
        .get_result(&mut *rig.app.conn())
        .unwrap();
    assert_eq!(leased, 0, "every lease was given back");
    let queued = ids
        .iter()
        .filter(|id| status_of(&rig.app, id) == "queued")
        .count();
    let delivered = ids
        .iter()
        .filter(|id| status_of(&rig.app, id) == "delivered")
        .count();
    assert_eq!(queued + delivered, 8);
    // One a second: whatever the machine's load, some were still waiting their turn.
    assert!(
        queued >= 1,
        "the unsent ones wait for the next start: {queued}"
    );
    assert_eq!(
        rig.sandbox.accepted().len(),
        delivered,
        "nothing sent twice or lost"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_worker_pass_delivers_what_is_due_before_it_returns() {
    // No worker runs: only the explicit pass sends anything.
    let rig = rig(false, |s| s.run_worker = false).await;
    let location = rig.company.location_id.clone();
    let ids = seed_leads(
        &rig.app,
        &rig.company,
        &location,
        &[lead_body(1), lead_body(2), lead_body(3)],
    );
    assert!(rig.sandbox.requests().is_empty());
    assert_eq!(rig.app.deliver_due().await, 3);
    for id in &ids {
        assert_eq!(
            crate::support::delivery::status_of(&rig.app, id),
            "delivered"
        );
    }
    assert_eq!(rig.sandbox.accepted().len(), 3);
    assert_eq!(rig.app.deliver_due().await, 0, "nothing is due any more");
}
