//! Every answer of SPEC §6.

use std::time::Duration;

use serde_json::json;

use crate::support::fixtures::{login, seed_world};
use crate::support::helpers::{spawn_app, spawn_app_with};
use crate::support::intake::{answer_of, give_key, hook_url, lead_count, set_mapping, stored};

#[tokio::test]
async fn a_valid_lead_is_committed_and_answered_202_queued() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    give_key(&app, &world.a);
    let response = app
        .client
        .post(hook_url(&app, &world.a.location_id))
        .header("x-access-token", "clienttether-static-secret")
        .header("user-agent", "ClientTether-Webhook/1.0")
        .json(&json!({"firstName": "Jane", "lastName": "Doe", "phone": "(303) 555-0100 ext. 12", "email": "jane@EXAMPLE.com "}))
        .send()
        .await
        .unwrap();
    let (status, body) = answer_of(response).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (202, Some("queued")),
        "{body}"
    );
    // Stored before the answer: readable at once.
    let lead = stored(&app, body["lead_id"].as_str().unwrap());
    assert_eq!(lead.status, "queued");
    assert_eq!(lead.content_type, "application/json");
    assert!(lead.raw_body.unwrap().contains("(303) 555-0100 ext. 12"));
    let mapped: serde_json::Value = serde_json::from_str(&lead.mapped_body.unwrap()).unwrap();
    assert_eq!(
        mapped,
        json!({"firstName": "Jane", "lastName": "Doe", "phoneNumber1": "3035550100", "phoneExtension1": "12",
               "phoneType1": "Mobile", "emailAddress": "jane@example.com", "country": "US"})
    );
    assert_eq!(lead.phone_digits.as_deref(), Some("3035550100"));
    assert!(lead.request_headers.contains("ClientTether-Webhook/1.0"));
    assert!(
        !lead.request_headers.contains("clienttether-static-secret"),
        "credentials are never stored"
    );
}

#[tokio::test]
async fn a_lead_for_a_location_without_a_key_or_paused_is_held() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let url = hook_url(&app, &world.a.location_id);
    let (status, body) = answer_of(
        app.client
            .post(&url)
            .json(&json!({"firstName": "Ann"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (202, Some("held")));
    let lead = stored(&app, body["lead_id"].as_str().unwrap());
    assert!(lead.last_error.unwrap().contains("No AccuLynx API key"));

    give_key(&app, &world.a);
    let admin = login(&app, &world.a.admin.email).await;
    admin
        .post(&format!("/locations/{}/pause", world.a.location_id), &[])
        .await;
    let (status, body) = answer_of(
        app.client
            .post(&url)
            .json(&json!({"firstName": "Bea"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (202, Some("held")));
    assert!(
        stored(&app, body["lead_id"].as_str().unwrap())
            .last_error
            .unwrap()
            .contains("paused")
    );
}

#[tokio::test]
async fn the_same_lead_twice_is_a_duplicate_linked_to_the_original_unless_dedupe_is_off() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    give_key(&app, &world.a);
    let url = hook_url(&app, &world.a.location_id);
    let lead = json!({"firstName": "Jane", "phone": "303-555-0100"});
    let (_, first) = answer_of(app.client.post(&url).json(&lead).send().await.unwrap()).await;
    // Spelled differently, the same lead once mapped.
    let (status, second) = answer_of(
        app.client
            .post(&url)
            .form(&[("First Name", " Jane "), ("phone_cell", "1 (303) 555-0100")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["status"], "duplicate");
    assert_eq!(second["duplicate_of"], first["lead_id"]);
    assert_ne!(
        second["lead_id"], first["lead_id"],
        "recorded as a lead of its own"
    );
    let row = stored(&app, second["lead_id"].as_str().unwrap());
    assert_eq!(
        (row.status.as_str(), row.duplicate_of.as_deref()),
        ("duplicate", first["lead_id"].as_str())
    );

    set_mapping(
        &app,
        &world.a.location_id,
        json!({"dedupe_window_hours": 0}),
    );
    crate::support::helpers::wait_until(
        "the new mapping to be used",
        Duration::from_secs(5),
        || async {
            app.client
                .post(&url)
                .json(&lead)
                .send()
                .await
                .unwrap()
                .status()
                == 202
        },
    )
    .await;
}

#[tokio::test]
async fn a_lead_without_a_first_name_is_recorded_and_answered_422_rejected() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    give_key(&app, &world.a);
    let (status, body) = answer_of(
        app.client
            .post(hook_url(&app, &world.a.location_id))
            .json(&json!({"lastName": "Doe", "email": "d@example.com"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["status"], "rejected");
    assert_eq!(
        body["errors"],
        json!([{"field": "firstName", "message": "The firstName field is required."}])
    );
    let row = stored(&app, body["lead_id"].as_str().unwrap());
    assert_eq!(row.status, "rejected");
    assert!(row.errors.contains("firstName"));
}

#[tokio::test]
async fn bad_urls_deleted_locations_and_other_methods_get_404_410_and_405() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let url = hook_url(&app, &world.a.location_id);
    let foreign = format!(
        "{}/hooks/{}/{}",
        app.address,
        world.b.location_id,
        url.rsplit('/').next().unwrap()
    );
    for bad in [format!("{url}x"), foreign, app.url("/hooks/nope/nope")] {
        let (status, body) = answer_of(
            app.client
                .post(&bad)
                .json(&json!({"firstName": "X"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, body), (404, json!({"error": "not_found"})));
    }
    let (status, body) = answer_of(app.client.get(&url).send().await.unwrap()).await;
    assert_eq!(status, 405);
    assert!(body["error"].is_string());
    let admin = login(&app, &world.a.admin.email).await;
    admin
        .post(
            &format!("/locations/{}/delete", world.a.location_id),
            &[("confirm", "yes")],
        )
        .await;
    let (status, body) = answer_of(
        app.client
            .post(&url)
            .json(&json!({"firstName": "X"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (410, Some("gone")));
    assert_eq!(lead_count(&app), 0, "nothing was stored for any of them");
}

#[tokio::test]
async fn bodies_that_cannot_be_read_get_413_415_and_400_with_a_message() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let url = hook_url(&app, &world.a.location_id);
    let post = |content_type: &'static str, body: Vec<u8>| {
        app.client
            .post(&url)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let big = format!("firstName=Jane&notes={}", "x".repeat(70 * 1024)).into_bytes();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("application/x-www-form-urlencoded", big, 413, "64 KiB"),
        ("text/plain", b"firstName=Jane".to_vec(), 415, ""),
        (
            "application/json",
            b"{\"firstName\": \"Jane\",".to_vec(),
            400,
            "not valid JSON",
        ),
        ("application/json", b"[1, 2]".to_vec(), 400, "array"),
        ("application/json", vec![b'{', 0xff, 0xfe, b'}'], 400, ""),
    ];
    for (content_type, body, expected, needle) in cases {
        let (status, answer) = answer_of(post(content_type, body).await.unwrap()).await;
        assert_eq!(status, expected, "{content_type}: {answer}");
        let message = answer["message"].as_str().unwrap();
        assert!(
            message.contains(needle),
            "{message:?} should mention {needle:?}"
        );
        assert!(answer["error"].is_string());
    }
    assert_eq!(lead_count(&app), 0);
}

#[tokio::test]
async fn over_the_intake_rate_a_location_gets_429_with_retry_after() {
    let app = spawn_app_with(|s| s.intake_rate = 2).await;
    let world = seed_world(&app);
    let url = hook_url(&app, &world.a.location_id);
    let mut statuses = Vec::new();
    for n in 0..12 {
        let response = app
            .client
            .post(&url)
            .json(&json!({"firstName": format!("Lead {n}")}))
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            let retry_after: u64 = response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=1).contains(&retry_after), "{retry_after}");
        }
        statuses.push(response.status().as_u16());
    }
    // A burst of 5 × 2 per second, then refused.
    assert_eq!(
        statuses.iter().filter(|s| **s == 202).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(statuses[10..], [429, 429]);
    assert_eq!(lead_count(&app), 10);
    // Other locations are not affected.
    let other = hook_url(&app, &world.b.location_id);
    assert_eq!(
        app.client
            .post(&other)
            .json(&json!({"firstName": "B"}))
            .send()
            .await
            .unwrap()
            .status(),
        202
    );
}

#[tokio::test]
async fn a_body_with_a_nul_byte_is_stored_on_either_database() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    give_key(&app, &world.a);
    let response = app
        .client
        .post(hook_url(&app, &world.a.location_id))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"firstName=Jane\x00Doe&notes=call\x00me".to_vec())
        .send()
        .await
        .unwrap();
    let (status, body) = answer_of(response).await;
    assert_eq!(status, 202, "{body}");
    let lead = stored(&app, body["lead_id"].as_str().unwrap());
    assert!(lead.raw_body.unwrap().contains("Jane\u{FFFD}Doe"));
    assert!(!lead.mapped_body.unwrap().contains('\u{0}'));
}
