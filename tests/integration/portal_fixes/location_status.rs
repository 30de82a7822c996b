//! A location without an AccuLynx key says so, and says what happens to its leads: they are
//! received and held, and sent once a key is saved (which is what the intake and the key page
//! do).

use serde_json::json;

use crate::history::{Setup, setup};
use crate::support::fixtures::{login, page};
use crate::support::intake::{answer_of, hook_url, stored};

const NO_KEY: &str =
    "No AccuLynx key yet: leads are received and held, and will be sent once a key is saved.";

#[tokio::test]
async fn a_location_without_a_key_says_its_leads_are_held_until_a_key_is_saved() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let id = &a.location_id;
    let viewer = login(&app, &a.viewer.email).await;
    let html = page(&viewer, &format!("/locations/{id}")).await;
    assert!(
        html.contains(&format!("<dd id=\"location-status\">{NO_KEY}</dd>")),
        "{html}"
    );
    assert!(html.contains("<span class=\"badge badge-held\">No AccuLynx key yet</span>"));
    assert!(!html.contains("Receiving and delivering leads"));
    let list = page(&viewer, &format!("/companies/{}", a.slug)).await;
    assert!(
        list.contains("<span class=\"badge badge-held\">No AccuLynx key yet</span>"),
        "{list}"
    );
    assert!(!list.contains("badge-active"));

    // What it says is what happens: the lead is held…
    let (status, answer) = answer_of(
        app.client
            .post(hook_url(&app, id))
            .json(&json!({"first": "Jane", "last": "Doe"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, answer["status"].as_str()), (202, Some("held")));
    let lead = answer["lead_id"].as_str().unwrap().to_string();
    // …and queued to be sent once a key is saved.
    let admin = login(&app, &a.admin.email).await;
    let saved = admin
        .post(
            &format!("/locations/{id}/key"),
            &[("acculynx_key", "sandbox-key-good-0001")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(stored(&app, &lead).status, "queued");
    let html = page(&viewer, &format!("/locations/{id}")).await;
    assert!(html.contains("<dd id=\"location-status\">Receiving and delivering leads.</dd>"));
    assert!(html.contains("<span class=\"badge badge-active\">Active</span>"));
}
