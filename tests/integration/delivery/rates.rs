//! AccuLynx's rate limits, measured by the sandbox that enforces them (SPEC §7: never more
//! than 10 requests per key or 30 in all within any sliding second).

use std::time::{Duration, Instant};

use leadrelay::audit::Actor;
use leadrelay::tenants::locations::add_location;

use crate::support::delivery::{count_with_status, lead_body, rig_with_keys, seed_leads, set_key};
use crate::support::helpers::wait_until;

/// Most requests within any window of one second.
fn busiest_second(mut times: Vec<Instant>) -> usize {
    times.sort();
    (0..times.len())
        .map(|i| {
            times[i..]
                .iter()
                .take_while(|t| t.duration_since(times[i]) < Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_leads_for_one_key_go_out_at_ten_per_second_without_a_429() {
    let rig = rig_with_keys(&["rate-key-one"], true, |s| {
        s.rate_per_key = 10;
        s.rate_global = 30;
    })
    .await;
    let bodies: Vec<_> = (0..200).map(lead_body).collect();
    seed_leads(&rig.app, &rig.company, &rig.company.location_id, &bodies);
    rig.app.wake_worker.notify_one();
    wait_until("200 deliveries", Duration::from_secs(60), || async {
        count_with_status(&rig.app, "delivered") == 200
    })
    .await;
    let requests = rig.sandbox.requests();
    assert_eq!(
        requests.iter().filter(|r| r.status == 429).count(),
        0,
        "no 429 at all"
    );
    assert_eq!(requests.len(), 200, "each lead sent once");
    let busiest = busiest_second(requests.iter().map(|r| r.at).collect());
    assert!(
        busiest <= 10,
        "{busiest} requests within one second for one key"
    );
    assert!(busiest >= 8, "and not needlessly slow: {busiest}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_locations_share_thirty_requests_per_second() {
    let keys = ["rate-key-a", "rate-key-b", "rate-key-c"];
    let rig = rig_with_keys(&keys, true, |s| {
        s.rate_per_key = 10;
        s.rate_global = 30;
    })
    .await;
    let mut locations = vec![rig.company.location_id.clone()];
    for (n, key) in keys.iter().enumerate().skip(1) {
        let location = add_location(
            &mut rig.app.conn(),
            &Actor::command_line(),
            &rig.company.id,
            &format!("Extra {n}"),
            leadrelay::tenants::model::AccuLynxApi::V1,
        )
        .unwrap();
        set_key(&rig.app, &location.id, key);
        locations.push(location.id);
    }
    for (n, location) in locations.iter().enumerate() {
        let bodies: Vec<_> = (0..100).map(|i| lead_body(n * 1000 + i)).collect();
        seed_leads(&rig.app, &rig.company, location, &bodies);
    }
    rig.app.wake_worker.notify_one();
    wait_until("300 deliveries", Duration::from_secs(60), || async {
        count_with_status(&rig.app, "delivered") == 300
    })
    .await;
    let requests = rig.sandbox.requests();
    assert_eq!(
        requests.iter().filter(|r| r.status == 429).count(),
        0,
        "no 429 at all"
    );
    let busiest = busiest_second(requests.iter().map(|r| r.at).collect());
    assert!(
        busiest <= 30,
        "{busiest} requests within one second overall"
    );
    for key in keys {
        let per_key = busiest_second(
            requests
                .iter()
                .filter(|r| r.key.as_deref() == Some(key))
                .map(|r| r.at)
                .collect(),
        );
        assert!(
            per_key <= 10,
            "{per_key} requests within one second for one key"
        );
    }
}
