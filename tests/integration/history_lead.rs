//! The lead page (SPEC §8) and its actions (SPEC §7): the timeline, replay, edit and resend,
//! who may do what, and escaping of everything a lead carries on every page.

use chrono::Duration;
use serde_json::json;

use crate::history::{Setup, page, setup};
use crate::support::fixtures::login;
use crate::support::lead_fixtures::*;

/// The flash message a redirect leads to.
pub async fn flash_after(
    session: &crate::support::fixtures::Session,
    response: reqwest::Response,
) -> String {
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let html = page(session, &location).await;
    let start = html.find("<p class=\"flash").expect("a flash message");
    let rest = &html[start..];
    rest[rest.find('>').unwrap() + 1..rest.find("</p>").unwrap()].to_string()
}

pub async fn woken(app: &crate::support::helpers::TestApp) -> bool {
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        app.wake_worker.notified(),
    )
    .await
    .is_ok()
}

#[tokio::test]
async fn the_lead_page_tells_the_whole_story_in_order() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let received = now() - Duration::hours(5);
    let mut seed = LeadSeed::new(&a.id, &a.location_id)
        .status("delivered")
        .at(received);
    seed.content_type = "application/x-www-form-urlencoded".to_string();
    seed.raw_body =
        Some("first=Jane&last=Doe&phone=%28303%29+555-0100&Job+Notes=2+skylights".into());
    seed.request_headers =
        json!({"user-agent": "ClientTether-Webhook/1.0", "x-request-id": "ct-77"});
    seed.warnings =
        vec!["\"Job Notes\" is not an AccuLynx field; it was added to the notes.".into()];
    seed.attempts = 3;
    let lead = insert_lead(&app, &seed);
    insert_attempt(
        &app,
        &lead,
        &AttemptSeed {
            number: 1,
            started_at: received + Duration::seconds(1),
            duration_ms: 1200,
            http_status: Some(503),
            response_body: Some("upstream unavailable".into()),
            outcome: "retrying",
            summary: "AccuLynx is unavailable (HTTP 503); leadrelay will try again in 10 seconds."
                .into(),
            ..AttemptSeed::delivered(1, received)
        },
    );
    insert_attempt(
        &app,
        &lead,
        &AttemptSeed {
            number: 2,
            started_at: received + Duration::seconds(12),
            duration_ms: 180,
            http_status: Some(400),
            response_headers: json!({"content-type": "application/problem+json"}),
            response_body: Some(
                r#"{"errors":{"FirstName":["The firstName field is required."]}}"#.into(),
            ),
            outcome: "failed",
            summary: "AccuLynx rejected the lead: The firstName field is required.".into(),
            ..AttemptSeed::delivered(2, received)
        },
    );
    insert_event(
        &app,
        &lead,
        "replayed",
        &a.admin.email,
        r#"{"previous_status":"failed"}"#,
        received + Duration::hours(1),
    );
    insert_attempt(
        &app,
        &lead,
        &AttemptSeed::delivered(3, received + Duration::hours(1)),
    );
    let viewer = login(&app, &a.viewer.email).await;
    let html = page(&viewer, &format!("/leads/{lead}")).await;
    let in_order = [
        "Received from ClientTether",
        "application/x-www-form-urlencoded",
        "x-request-id",
        "Form fields, one per line, decoded",
        "phone: (303) 555-0100",
        "Job Notes: 2 skylights",
        "Turned into an AccuLynx lead",
        "is not an AccuLynx field; it was added to the notes.",
        "Phone 1",
        "Attempt 1",
        "AccuLynx is unavailable (HTTP 503); leadrelay will try again in 10 seconds.",
        "HTTP 503",
        "1.2 s",
        "upstream unavailable",
        "Attempt 2",
        "AccuLynx rejected the lead: The firstName field is required.",
        "HTTP 400",
        "application/problem+json",
        "&#34;FirstName&#34;: [",
        "Replayed by admin@alpha.example",
        "it had failed",
        "Attempt 3",
        "HTTP 202",
        "240 ms",
        // Its mapping warned (a field AccuLynx does not have), so it is told apart from a
        // clean delivery.
        "Now: <span class=\"badge badge-delivered-warnings\">Delivered with warnings</span>",
        "AccuLynx accepted it.",
    ];
    let mut from = 0;
    for needle in in_order {
        let at = html[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} after position {from} in\n{html}"));
        from += at + needle.len();
    }
    // Times in the company's zone (Denver), UTC on hover.
    assert!(html.contains(" MST</time>") || html.contains(" MDT</time>"));
    assert!(html.contains(" UTC\">"));
    // A viewer reads, and is told who can act.
    assert!(!html.contains("/replay\""));
    assert!(html.contains("A company admin can send this lead again"));
}

#[tokio::test]
async fn a_purged_lead_says_so_plainly_and_cannot_be_sent_again() {
    let Setup { app, world } = setup().await;
    let mut seed = LeadSeed::new(&world.a.id, &world.a.location_id).status("failed");
    seed.purged_at = Some(now());
    let lead = insert_lead(&app, &seed);
    let admin = login(&app, &world.a.admin.email).await;
    let html = page(&admin, &format!("/leads/{lead}")).await;
    assert!(html.contains("<strong>Payload purged.</strong>"));
    assert!(html.contains("Body: payload purged."));
    assert!(!html.contains("action=\"/leads/"), "no replay or edit form");
    let response = admin.post(&format!("/leads/{lead}/replay"), &[]).await;
    let message = flash_after(&admin, response).await;
    assert!(
        message.contains("purged under the retention policy"),
        "{message}"
    );
    assert_eq!(lead_state(&app, &lead).status, "failed");
}

#[tokio::test]
async fn viewers_read_the_history_but_get_403_on_replay_and_edit() {
    let Setup { app, world } = setup().await;
    let lead = insert_lead(
        &app,
        &LeadSeed::new(&world.a.id, &world.a.location_id).status("failed"),
    );
    let viewer = login(&app, &world.a.viewer.email).await;
    let html = page(&viewer, &format!("/leads/{lead}")).await;
    assert!(!html.contains("/replay\"") && !html.contains("/edit\""));
    for action in ["replay", "edit"] {
        let response = viewer
            .post(&format!("/leads/{lead}/{action}"), &[("firstName", "Jane")])
            .await;
        assert_eq!(response.status(), 403, "{action}");
    }
    assert_eq!(lead_state(&app, &lead).status, "failed");
    assert!(events(&app, &lead).is_empty());
    assert!(audit_entries(&app, "lead.replayed").is_empty());
}
