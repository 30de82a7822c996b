//! The refused-request log: webhook calls the intake turned away, per location, in words;
//! never the body, never the token; bounded per location.

use std::time::Duration;

use diesel::prelude::*;
use leadrelay::db::schema::refused_requests;
use leadrelay::intake::refused_queries::{self, KEPT_PER_LOCATION, NewRefusedRequest};
use serde_json::json;

use crate::history::{Setup, setup};
use crate::support::fixtures::{login, page};
use crate::support::helpers::{TestApp, wait_until};
use crate::support::intake::{give_key, hook_url};
use crate::support::lead_fixtures::now;

fn count(app: &TestApp, location_id: &str) -> i64 {
    refused_requests::table
        .filter(refused_requests::location_id.eq(location_id))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

fn total(app: &TestApp) -> i64 {
    refused_requests::table
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

#[tokio::test]
async fn refused_webhook_calls_are_listed_on_the_location_page_without_body_or_token() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let id = &a.location_id;
    give_key(&app, a);
    let url = hook_url(&app, id);
    let post = |to: String, content_type: &'static str, body: Vec<u8>| {
        let client = app.client.clone();
        async move {
            client
                .post(to)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let secret_body = br#"{"first": "SECRET-BODY-123""#.to_vec();
    assert_eq!(
        post(url.clone(), "application/json", secret_body).await,
        400
    );
    assert_eq!(
        post(url.clone(), "text/plain", b"first=Jane".to_vec()).await,
        415
    );
    assert_eq!(
        post(url.clone(), "application/json", vec![b' '; 70 * 1024]).await,
        413
    );
    let bad_token = "AAAAbadtokenbadtokenbadtokenAA";
    assert_eq!(
        post(
            app.url(&format!("/hooks/{id}/{bad_token}")),
            "application/json",
            b"{}".to_vec()
        )
        .await,
        404
    );
    // An id of no location: answered alike, kept nowhere.
    let made_up = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        post(
            app.url(&format!("/hooks/{made_up}/{bad_token}")),
            "application/json",
            b"{}".to_vec()
        )
        .await,
        404
    );
    // Accepted leads leave no trace here.
    let accepted = app
        .client
        .post(&url)
        .json(&json!({"first": "Jane"}))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 202);
    wait_until(
        "the refusals to be written",
        Duration::from_secs(10),
        || async { count(&app, id) >= 4 },
    )
    .await;
    // The made-up id went through the same queue, before the accepted call.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        total(&app),
        4,
        "nothing for an id of no location, nothing for accepted leads"
    );

    let viewer = login(&app, &a.viewer.email).await;
    let html = page(&viewer, &format!("/locations/{id}")).await;
    let section = &html[html.find("id=\"refused-requests\"").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    for expected in [
        "<td>400</td><td>The body is not valid JSON",
        "<td>415</td>",
        "<td>413</td><td>The body was larger than 64 KiB.</td>",
        "token does not belong to this location",
        "text/plain",
        "Refused requests",
    ] {
        assert!(section.contains(expected), "{expected} in {section}");
    }
    assert!(section.contains("<td>404</td>"));
    assert!(section.contains("bytes"), "sizes are shown");
    assert!(!html.contains("SECRET-BODY-123"), "never the body");
    assert!(!html.contains(bad_token), "never the token");
    // Newest first: the 404 was the last refusal of this location.
    let first_row = &section[section.find("<tbody>").unwrap()..];
    assert!(first_row[..first_row.find("</tr>").unwrap()].contains("<td>404</td>"));
    // Another company's admin cannot read it.
    let other = login(&app, &world.b.admin.email).await;
    assert_eq!(other.get(&format!("/locations/{id}")).await.status(), 404);
}

#[tokio::test]
async fn the_log_keeps_the_newest_hundred_refusals_per_location() {
    let Setup { app, world } = setup().await;
    let (a, b) = (&world.a.location_id, &world.b.location_id);
    let row = |location_id: &str, n: usize| NewRefusedRequest {
        location_id: location_id.to_string(),
        received_at: now(),
        http_status: 400,
        reason: format!("refusal {n}"),
        content_type: "application/json".into(),
        body_size: Some(n as i64),
    };
    let mut conn = app.conn();
    for n in 0..105 {
        assert!(refused_queries::insert(&mut conn, &row(a, n)).unwrap());
    }
    assert!(refused_queries::insert(&mut conn, &row(b, 0)).unwrap());
    assert!(!refused_queries::insert(&mut conn, &row("no-such-location", 0)).unwrap());
    drop(conn);
    assert_eq!(count(&app, a), KEPT_PER_LOCATION);
    assert_eq!(count(&app, b), 1, "another location's log is its own");
    let oldest: String = refused_requests::table
        .filter(refused_requests::location_id.eq(a))
        .order(refused_requests::id.asc())
        .select(refused_requests::reason)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(oldest, "refusal 5", "the oldest were trimmed");
}

#[tokio::test]
async fn a_flood_of_refused_calls_is_answered_and_stays_bounded() {
    let Setup { app, world } = setup().await;
    let id = &world.a.location_id;
    let bad = app.url(&format!("/hooks/{id}/AAAAbadtokenbadtokenbadtokenAA"));
    for _ in 0..150 {
        let status = app
            .client
            .post(&bad)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 404);
    }
    wait_until(
        "some refusals to be written",
        Duration::from_secs(10),
        || async { count(&app, id) > 0 },
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(count(&app, id) <= KEPT_PER_LOCATION, "{}", count(&app, id));
}

#[tokio::test]
async fn calls_over_the_intake_rate_and_to_a_deleted_location_are_listed_too() {
    let app = crate::support::helpers::spawn_app_with(|s| s.intake_rate = 1).await;
    let world = crate::support::fixtures::seed_world(&app);
    let a = &world.a;
    give_key(&app, a);
    let url = hook_url(&app, &a.location_id);
    let mut limited = 0;
    for n in 0..20 {
        let status = app
            .client
            .post(&url)
            .json(&json!({"first": "Jane", "last": format!("Doe {n}")}))
            .send()
            .await
            .unwrap()
            .status();
        if status == 429 {
            limited += 1;
        }
    }
    assert!(limited > 0, "the rate was passed");
    wait_until(
        "the 429s to be written",
        Duration::from_secs(10),
        || async { count(&app, &a.location_id) >= limited },
    )
    .await;
    let admin = login(&app, &a.admin.email).await;
    let html = page(&admin, &format!("/locations/{}", a.location_id)).await;
    assert!(html.contains("<td>429</td><td>Too many leads at once for this location"));

    let deleted = admin
        .post(
            &format!("/locations/{}/delete", a.location_id),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(deleted.status(), 303);
    let status = app
        .client
        .post(&url)
        .json(&json!({"first": "Jane"}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 410);
    wait_until("the 410 to be written", Duration::from_secs(10), || async {
        refused_requests::table
            .filter(refused_requests::http_status.eq(410))
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap()
            == 1
    })
    .await;
    let html = page(&admin, &format!("/locations/{}", a.location_id)).await;
    assert!(
        html.contains("<td>410</td><td>This location was deleted"),
        "the deleted location's page keeps its log"
    );
}
