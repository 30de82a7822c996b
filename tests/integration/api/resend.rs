//! `POST /api/v1/leads/{id}/resend`: only with the resend scope, a delivered lead only when
//! confirmed, recorded as the token, and bodies that cannot be read refused precisely.

use serde_json::json;

use super::{api_post, json_of, seed_token};
use crate::support::fixtures::{audit_entries, seed_world};
use crate::support::helpers::spawn_app;
use crate::support::lead_fixtures::*;

#[tokio::test]
async fn a_read_token_cannot_resend_and_changes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let (_, token) = seed_token(&app, &world.a.id, "read");
    let lead = insert_lead(
        &app,
        &LeadSeed::new(&world.a.id, &world.a.location_id).status("failed"),
    );
    let (status, body) = api_post(
        &app,
        Some(&token),
        &format!("/api/v1/leads/{lead}/resend"),
        None,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body["error"].as_str().unwrap().contains("read and resend"));
    assert_eq!(lead_state(&app, &lead).status, "failed");
    assert!(events(&app, &lead).is_empty());
}

#[tokio::test]
async fn a_resend_token_requeues_a_failed_lead_and_is_recorded_as_the_token() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let (id, token) = seed_token(&app, &world.a.id, "resend");
    let lead = insert_lead(
        &app,
        &LeadSeed::new(&world.a.id, &world.a.location_id).status("failed"),
    );
    let (status, body) = api_post(
        &app,
        Some(&token),
        &format!("/api/v1/leads/{lead}/resend"),
        None,
    )
    .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(
        body,
        json!({"lead_id": lead, "status": "queued", "previous_status": "failed"})
    );
    assert_eq!(lead_state(&app, &lead).status, "queued");
    let actor = format!("API token \"test script\" ({id})");
    assert_eq!(events(&app, &lead)[0].1, actor);
    assert_eq!(audit_entries(&app, "lead.replayed")[0].0, actor);

    // Now queued: a second resend is refused, with the reason.
    let (status, body) = api_post(
        &app,
        Some(&token),
        &format!("/api/v1/leads/{lead}/resend"),
        None,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("already waiting"),
        "{body}"
    );
    assert_eq!(events(&app, &lead).len(), 1);
}

#[tokio::test]
async fn a_delivered_lead_is_sent_again_only_with_confirm() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let (_, token) = seed_token(&app, &world.a.id, "resend");
    let lead = insert_lead(&app, &LeadSeed::new(&world.a.id, &world.a.location_id));
    let path = format!("/api/v1/leads/{lead}/resend");
    for body in [None, Some(json!({})), Some(json!({"confirm": false}))] {
        let (status, answer) = api_post(&app, Some(&token), &path, body.clone()).await;
        assert_eq!(status, 409, "{body:?}: {answer}");
        assert!(
            answer["error"]
                .as_str()
                .unwrap()
                .contains("{\"confirm\": true}")
        );
    }
    assert_eq!(lead_state(&app, &lead).status, "delivered");
    let (status, answer) =
        api_post(&app, Some(&token), &path, Some(json!({"confirm": true}))).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["previous_status"], "delivered");
    assert_eq!(lead_state(&app, &lead).status, "queued");
}

#[tokio::test]
async fn a_resend_body_that_cannot_be_read_is_refused_precisely() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let (_, token) = seed_token(&app, &world.a.id, "resend");
    let lead = insert_lead(
        &app,
        &LeadSeed::new(&world.a.id, &world.a.location_id).status("failed"),
    );
    let url = app.url(&format!("/api/v1/leads/{lead}/resend"));
    let client = reqwest::Client::new();
    for (content_type, body, status, expected) in [
        ("text/plain", "confirm", 415, "application/json"),
        (
            "application/x-www-form-urlencoded",
            "confirm=true",
            415,
            "application/json",
        ),
        (
            "application/json",
            "{\"confirm\": tru",
            400,
            "not a resend request",
        ),
        (
            "application/json",
            "{\"confirm\": true, \"all\": 1}",
            400,
            "unknown field `all`",
        ),
        ("application/json", "[1, 2]", 400, "not a resend request"),
    ] {
        let response = client
            .post(&url)
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let (got, answer) = json_of(response).await;
        assert_eq!(got, status, "{content_type} {body}: {answer}");
        assert!(
            answer["error"].as_str().unwrap().contains(expected),
            "{answer}"
        );
    }
    let huge = format!("{{\"confirm\": true, \"pad\": \"{}\"}}", "x".repeat(5000));
    let response = client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let (got, answer) = json_of(response).await;
    assert_eq!(got, 400, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("at most 1024"));
    assert_eq!(
        lead_state(&app, &lead).status,
        "failed",
        "nothing was resent"
    );
}
