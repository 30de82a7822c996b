//! What ClientTether may send: form posts, multipart and JSON, mapped alike; and a lead's
//! way on to AccuLynx.

use std::time::Duration;

use serde_json::json;

use crate::support::delivery::{rig, wait_for_status};
use crate::support::fixtures::seed_world;
use crate::support::helpers::spawn_app;
use crate::support::intake::{answer_of, give_key, hook_url, stored};

#[tokio::test]
async fn form_multipart_and_nested_json_bodies_map_to_the_same_lead() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    give_key(&app, &world.a);
    crate::support::intake::set_mapping(
        &app,
        &world.a.location_id,
        json!({"dedupe_window_hours": 0}),
    );
    let url = hook_url(&app, &world.a.location_id);
    let form = app
        .client
        .post(&url)
        .form(&[
            ("fname", "Jane"),
            ("lname", "Doe"),
            ("Phone Cell", "1-720-555-0199"),
            ("Zip_code", "80202"),
            ("whiteboard", "Hail damage"),
        ])
        .send()
        .await
        .unwrap();
    // (reqwest writes a name with a space as RFC 5987 `name*=`; form fields use plain names.)
    let multipart = reqwest::multipart::Form::new()
        .text("fname", "Jane")
        .text("lname", "Doe")
        .text("Phone_Cell", "1-720-555-0199")
        .text("Zip_code", "80202")
        .text("whiteboard", "Hail damage");
    let multipart = app
        .client
        .post(&url)
        .multipart(multipart)
        .send()
        .await
        .unwrap();
    let nested = app
        .client
        .post(&url)
        .json(&json!({"fname": "Jane", "lname": "Doe", "phoneCell": "1-720-555-0199", "zip": "80202", "whiteboard": "Hail damage", "roof": {"age": 22, "material": "asphalt"}}))
        .send()
        .await
        .unwrap();
    let mut bodies = Vec::new();
    for response in [form, multipart] {
        let (status, answer) = answer_of(response).await;
        assert_eq!(status, 202, "{answer}");
        bodies.push(
            stored(&app, answer["lead_id"].as_str().unwrap())
                .mapped_body
                .unwrap(),
        );
    }
    assert_eq!(bodies[0], bodies[1], "form and multipart map alike");
    let mapped: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(mapped["phoneNumber1"], "7205550199");
    assert_eq!(mapped["zip"], "80202");
    assert_eq!(mapped["notes"], "Hail damage");
    // Nested JSON objects are flattened to `roof.age`; fields no alias matches go to the notes.
    let (status, answer) = answer_of(nested).await;
    assert_eq!(status, 202, "{answer}");
    let nested: serde_json::Value = serde_json::from_str(
        &stored(&app, answer["lead_id"].as_str().unwrap())
            .mapped_body
            .unwrap(),
    )
    .unwrap();
    assert_eq!(nested["zip"], "80202");
    assert_eq!(nested["phoneNumber1"], "7205550199");
    let notes = nested["notes"].as_str().unwrap();
    assert!(
        notes.contains("Hail damage")
            && notes.contains("roof.age: 22")
            && notes.contains("roof.material: asphalt"),
        "{notes}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_posted_by_clienttether_reaches_acculynx_at_once() {
    let rig = rig(false, |_| {}).await;
    let url = hook_url(&rig.app, &rig.company.location_id);
    let (status, answer) = answer_of(
        rig.app
            .client
            .post(&url)
            .form(&[
                ("firstName", "Jane"),
                ("lastName", "Doe"),
                ("phone", "303.555.0100"),
                ("appointment", "03/14/2027 2:30 PM"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202, "{answer}");
    let id = answer["lead_id"].as_str().unwrap();
    wait_for_status(&rig.app, id, "delivered", Duration::from_secs(10)).await;
    let accepted = rig.sandbox.accepted();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].body["phoneNumber1"], "3035550100");
    assert_eq!(accepted[0].body["firstName"], "Jane");
}

#[tokio::test]
async fn a_mapping_saved_on_the_page_applies_to_the_very_next_lead() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    give_key(&app, &world.a);
    let url = hook_url(&app, &world.a.location_id);
    let lead = [("firstName", "Jane"), ("Alt Phone", "720-555-0143")];
    // Before: an unknown key, kept in the notes (and the location is now in the cache).
    let (_, before) = answer_of(app.client.post(&url).form(&lead).send().await.unwrap()).await;
    let mapped: serde_json::Value = serde_json::from_str(
        &stored(&app, before["lead_id"].as_str().unwrap())
            .mapped_body
            .unwrap(),
    )
    .unwrap();
    assert!(mapped.get("phoneNumber2").is_none());

    let admin = crate::support::fixtures::login(&app, &world.a.admin.email).await;
    let fields = crate::support::mapping::form(&[
        ("aliases.phoneNumber2", "Alt Phone"),
        ("dedupe_window_hours", "0"),
    ]);
    let saved = admin
        .post(
            &crate::support::mapping::mapping_path(&world.a.location_id),
            &fields,
        )
        .await;
    assert_eq!(saved.status(), 303);

    let (status, after) = answer_of(app.client.post(&url).form(&lead).send().await.unwrap()).await;
    assert_eq!(status, 202, "{after}");
    let mapped: serde_json::Value = serde_json::from_str(
        &stored(&app, after["lead_id"].as_str().unwrap())
            .mapped_body
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        mapped["phoneNumber2"], "7205550143",
        "the saved alias is used at once: {mapped}"
    );
}
