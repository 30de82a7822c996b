//! Deliveries start when something makes leads due — a lead arriving, a location resumed, a
//! key saved — not at the worker's next poll. The poll is set to an hour here, so a lead that
//! waited for it would not be delivered within the test.

use std::time::Duration;

use serde_json::json;

use crate::support::delivery::{GOOD_KEY, rig, status_of, wait_for_status};
use crate::support::fixtures::login;
use crate::support::intake::hook_url;

const HOUR: Duration = Duration::from_secs(3600);
const WAIT: Duration = Duration::from_secs(10);

async fn post_lead(url: &str, n: usize) -> String {
    let response = reqwest::Client::new()
        .post(url)
        .json(&json!({"first_name": "Jane", "last_name": format!("Doe {n}"), "email": format!("jane{n}@example.com")}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(status.is_success(), "{status} {body}");
    body["lead_id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resuming_a_location_delivers_its_held_leads_without_waiting_for_a_poll() {
    let rig = rig(false, |s| s.worker_poll = HOUR).await;
    let location = rig.company.location_id.clone();
    let admin = login(&rig.app, &rig.company.admin.email).await;
    let path = format!("/locations/{location}");
    assert_eq!(
        admin.post(&format!("{path}/pause"), &[]).await.status(),
        303
    );

    let url = hook_url(&rig.app, &location);
    let held = [post_lead(&url, 1).await, post_lead(&url, 2).await];
    for id in &held {
        assert_eq!(status_of(&rig.app, id), "held");
    }
    assert!(
        rig.sandbox.requests().is_empty(),
        "a paused location sends nothing"
    );

    assert_eq!(
        admin.post(&format!("{path}/resume"), &[]).await.status(),
        303
    );
    for id in &held {
        wait_for_status(&rig.app, id, "delivered", WAIT).await;
    }
    assert_eq!(rig.sandbox.accepted().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_a_key_delivers_the_leads_held_for_want_of_one_without_waiting_for_a_poll() {
    let rig = rig(false, |s| s.worker_poll = HOUR).await;
    let location = rig.company.location_id.clone();
    // No key: leads are held.
    {
        use diesel::prelude::*;
        use leadrelay::db::schema::locations;
        diesel::update(locations::table.find(&location))
            .set((
                locations::acculynx_key.eq(None::<Vec<u8>>),
                locations::key_status.eq("missing"),
            ))
            .execute(&mut *rig.app.conn())
            .unwrap();
    }
    let url = hook_url(&rig.app, &location);
    let held = post_lead(&url, 3).await;
    assert_eq!(status_of(&rig.app, &held), "held");

    let admin = login(&rig.app, &rig.company.admin.email).await;
    let saved = admin
        .post(
            &format!("/locations/{location}/key"),
            &[("acculynx_key", GOOD_KEY)],
        )
        .await;
    assert_eq!(saved.status(), 303);
    wait_for_status(&rig.app, &held, "delivered", WAIT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_arriving_is_delivered_without_waiting_for_a_poll() {
    let rig = rig(false, |s| s.worker_poll = HOUR).await;
    let url = hook_url(&rig.app, &rig.company.location_id);
    // Let the worker fall asleep first: it finds nothing due at start.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let id = post_lead(&url, 4).await;
    wait_for_status(&rig.app, &id, "delivered", WAIT).await;
}
