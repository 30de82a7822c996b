//! "Send a test lead": a marked lead through the location's own intake path, delivered like any
//! other; refused in words when it could only be held.

use std::time::Duration;

use crate::history::{Setup, setup};
use crate::history_lead::flash_after;
use crate::support::delivery::{rig, wait_for_status};
use crate::support::fixtures::{login, page};
use crate::support::intake::{give_key, lead_count, stored};

#[tokio::test]
async fn a_test_lead_goes_through_the_intake_and_is_delivered_to_acculynx() {
    let rig = rig(false, |_| {}).await;
    let id = &rig.company.location_id;
    let admin = login(&rig.app, &rig.company.admin.email).await;
    let html = page(&admin, &format!("/locations/{id}")).await;
    assert!(html.contains(&format!("action=\"/locations/{id}/test-lead\"")));

    let response = admin.post(&format!("/locations/{id}/test-lead"), &[]).await;
    assert_eq!(response.status(), 303);
    let to = response.headers()["location"].to_str().unwrap().to_string();
    let prefix = format!("/locations/{id}?test_lead=");
    assert!(to.starts_with(&prefix), "{to}");
    let lead = to[prefix.len()..].split('#').next().unwrap().to_string();
    let html = page(&admin, &to).await;
    assert!(
        html.contains("A test lead (&#34;Test Lead&#34;) was sent")
            || html.contains("A test lead (\"Test Lead\") was sent"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/leads/{lead}\" id=\"test-lead-link\"")));

    let row = stored(&rig.app, &lead);
    assert_eq!(row.content_type, "application/json");
    assert!(row.request_headers.contains("leadrelay portal"));
    wait_for_status(&rig.app, &lead, "delivered", Duration::from_secs(10)).await;
    let accepted = rig.sandbox.accepted();
    assert_eq!(accepted.len(), 1);
    let body = &accepted[0].body;
    assert_eq!(body["firstName"], "Test");
    assert_eq!(body["lastName"], "Lead");
    let notes = body["notes"].as_str().unwrap();
    assert!(
        notes.contains("TEST LEAD")
            && notes.contains("sent from the leadrelay portal by admin@alpha.example"),
        "{notes}"
    );
    // A second one is a lead of its own, not a duplicate of the first.
    let again = admin.post(&format!("/locations/{id}/test-lead"), &[]).await;
    let to = again.headers()["location"].to_str().unwrap().to_string();
    let second = to[prefix.len()..].split('#').next().unwrap().to_string();
    assert_ne!(second, lead);
    assert_ne!(stored(&rig.app, &second).status, "duplicate");
}

#[tokio::test]
async fn a_test_lead_is_refused_in_words_without_a_key_or_while_paused() {
    let Setup { app, world } = setup().await;
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    let response = admin.post(&format!("/locations/{id}/test-lead"), &[]).await;
    let message = flash_after(&admin, response).await;
    assert!(message.contains("has no AccuLynx key yet"), "{message}");
    assert_eq!(lead_count(&app), 0);

    give_key(&app, &world.a);
    let response = admin.post(&format!("/locations/{id}/pause"), &[]).await;
    assert_eq!(response.status(), 303);
    let response = admin.post(&format!("/locations/{id}/test-lead"), &[]).await;
    let message = flash_after(&admin, response).await;
    assert!(message.contains("This location is paused"), "{message}");
    assert_eq!(lead_count(&app), 0);

    let viewer = login(&app, &world.a.viewer.email).await;
    let response = viewer
        .post(&format!("/locations/{id}/test-lead"), &[])
        .await;
    assert_eq!(response.status(), 403);
}
