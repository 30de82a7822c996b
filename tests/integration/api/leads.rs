//! `GET /api/v1/leads` and `GET /api/v1/leads/{id}`: the portal list's filters read
//! strictly, a keyset cursor that walks every lead once, and one lead's whole story.

use chrono::Duration;
use serde_json::{Value, json};

use super::{api_get, seed_token};
use crate::support::fixtures::{add_location, seed_world};
use crate::support::helpers::spawn_app;
use crate::support::lead_fixtures::*;

fn ids(body: &Value) -> Vec<String> {
    body["leads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|lead| lead["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_list_filters_like_the_portal_and_the_cursor_walks_every_lead_once() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let a = &world.a;
    let second = add_location(&app, &a.id, "South");
    let (_, token) = seed_token(&app, &a.id, "read");
    let mut all = Vec::new();
    for minutes in 0..7 {
        let status = if minutes % 2 == 0 {
            "failed"
        } else {
            "delivered"
        };
        let location = if minutes < 5 { &a.location_id } else { &second };
        let seed = LeadSeed::new(&a.id, location)
            .status(status)
            .ago(Duration::minutes(10 + minutes));
        all.push(insert_lead(&app, &seed));
    }
    let smith = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id)
            .person("Ann", "Smith", "ann@example.com", "(720) 555-0199")
            .ago(Duration::minutes(1)),
    );
    let old = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id).ago(Duration::days(20)),
    );
    // Company B's lead is never listed.
    let foreign = insert_lead(&app, &LeadSeed::new(&world.b.id, &world.b.location_id));

    let (status, body) = api_get(&app, Some(&token), "/api/v1/leads").await;
    assert_eq!(status, 200, "{body}");
    let listed = ids(&body);
    assert_eq!(listed.len(), 9);
    assert_eq!(listed[0], smith, "newest first");
    assert_eq!(listed[8], old);
    assert!(!listed.contains(&foreign));
    assert_eq!(body["next_cursor"], Value::Null);
    let first = &body["leads"][0];
    assert_eq!(first["first_name"], "Ann");
    assert_eq!(first["status"], "delivered");
    assert_eq!(first["portal_path"], format!("/leads/{smith}"));
    assert!(first["received_at"].as_str().unwrap().ends_with('Z'));

    // Pages of 2, walked by cursor: every lead once, in order.
    let mut walked = Vec::new();
    let mut path = "/api/v1/leads?limit=2".to_string();
    loop {
        let (status, body) = api_get(&app, Some(&token), &path).await;
        assert_eq!(status, 200, "{body}");
        let page = ids(&body);
        assert!(page.len() <= 2);
        walked.extend(page);
        match body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/leads?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(walked, listed);

    let (_, failed) = api_get(&app, Some(&token), "/api/v1/leads?status=failed").await;
    assert_eq!(ids(&failed).len(), 4);
    assert!(
        failed["leads"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["status"] == "failed")
    );
    let (_, south) = api_get(
        &app,
        Some(&token),
        &format!("/api/v1/leads?location={second}"),
    )
    .await;
    assert_eq!(ids(&south), vec![all[5].clone(), all[6].clone()]);
    for q in [
        "smith",
        "720-555-0199",
        "(720)%20555%200199",
        smith.as_str(),
    ] {
        let (_, found) = api_get(&app, Some(&token), &format!("/api/v1/leads?q={q}")).await;
        assert_eq!(ids(&found), vec![smith.clone()], "q={q}");
    }
    let (_, recent) = api_get(&app, Some(&token), "/api/v1/leads?period=7d").await;
    assert_eq!(ids(&recent).len(), 8, "the 20-day-old lead is left out");
    // Days are the company's (America/Denver).
    let day = leadrelay::history::filter::today_in("America/Denver", now() - Duration::days(20))
        .format("%Y-%m-%d")
        .to_string();
    let (_, that_day) = api_get(
        &app,
        Some(&token),
        &format!("/api/v1/leads?from={day}&to={day}"),
    )
    .await;
    assert_eq!(ids(&that_day), vec![old.clone()]);
}

#[tokio::test]
async fn a_query_part_that_cannot_be_read_is_a_400_saying_which() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let (_, token) = seed_token(&app, &world.a.id, "read");
    let foreign = insert_lead(&app, &LeadSeed::new(&world.b.id, &world.b.location_id));
    for (query, expected) in [
        ("status=lost", "`status` \"lost\" is not a lead status"),
        ("period=fortnight", "`period` must be 24h or 7d"),
        ("from=yesterday", "`from` must be a date"),
        ("to=2026-13-01", "`to` must be a date"),
        ("from=2026-11-02&to=2026-11-01", "`to` is before `from`"),
        ("limit=0", "`limit` must be a whole number from 1 to 200"),
        ("limit=201", "`limit` must be a whole number from 1 to 200"),
        ("limit=ten", "`limit` must be a whole number"),
        ("colour=red", "unknown field `colour`"),
        (
            &format!("cursor={foreign}"),
            "`cursor` is not from this list",
        ),
    ] {
        let (status, body) = api_get(&app, Some(&token), &format!("/api/v1/leads?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        let error = body["error"].as_str().unwrap();
        assert!(error.contains(expected), "{query}: {error}");
    }
    let (status, body) = api_get(
        &app,
        Some(&token),
        &format!("/api/v1/leads?location={}", world.b.location_id),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    assert!(body["error"].as_str().unwrap().contains("location"));
    let (status, body) = api_get(&app, Some(&token), "/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("/api/openapi.json")
    );
}

#[tokio::test]
async fn one_lead_comes_with_what_was_received_sent_and_its_timeline_in_order() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let a = &world.a;
    let (_, token) = seed_token(&app, &a.id, "read");
    let received = now() - Duration::hours(2);
    let mut seed = LeadSeed::new(&a.id, &a.location_id)
        .status("failed")
        .at(received);
    seed.warnings = vec!["The phone number was cut to 10 digits.".to_string()];
    seed.attempts = 2;
    let lead = insert_lead(&app, &seed);
    let mut first = AttemptSeed::delivered(1, received + Duration::seconds(1));
    first.http_status = Some(500);
    first.outcome = "retrying";
    first.summary = "AccuLynx answered 500.".to_string();
    insert_attempt(&app, &lead, &first);
    insert_event(
        &app,
        &lead,
        "replayed",
        "admin@alpha.example",
        r#"{"previous_status":"failed"}"#,
        received + Duration::minutes(5),
    );
    let mut second = AttemptSeed::delivered(2, received + Duration::minutes(5));
    second.http_status = Some(400);
    second.outcome = "failed";
    second.response_body = Some(r#"{"message":"bad"}"#.to_string());
    insert_attempt(&app, &lead, &second);

    let (status, body) = api_get(&app, Some(&token), &format!("/api/v1/leads/{lead}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], lead);
    assert_eq!(body["status"], "failed");
    assert_eq!(body["content_type"], "application/json");
    assert!(
        body["received_body"]
            .as_str()
            .unwrap()
            .contains("\"first\":\"Jane\"")
    );
    assert_eq!(body["sent"]["firstName"], "Jane");
    assert_eq!(
        body["warnings"],
        json!(["The phone number was cut to 10 digits."])
    );
    let kinds: Vec<&str> = body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["received", "attempt", "replayed", "attempt"]);
    let timeline = &body["timeline"];
    assert_eq!(timeline[1]["http_status"], 500);
    assert_eq!(timeline[1]["outcome"], "retrying");
    assert_eq!(timeline[2]["actor"], "admin@alpha.example");
    assert_eq!(timeline[2]["previous_status"], "failed");
    assert_eq!(timeline[3]["number"], 2);
    assert_eq!(timeline[3]["response_body"], r#"{"message":"bad"}"#);

    let rejected = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id).status("rejected"),
    );
    let (_, body) = api_get(&app, Some(&token), &format!("/api/v1/leads/{rejected}")).await;
    assert_eq!(
        body["errors"],
        json!([{"field": "firstName", "message": "No first name was found in the lead."}])
    );

    let foreign = insert_lead(&app, &LeadSeed::new(&world.b.id, &world.b.location_id));
    for id in [foreign.as_str(), "not-a-lead"] {
        let (status, body) = api_get(&app, Some(&token), &format!("/api/v1/leads/{id}")).await;
        assert_eq!(status, 404, "{id}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("No lead with that id")
        );
    }
}
