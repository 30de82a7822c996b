//! Everything a lead carries is shown escaped, on every page (SPEC §3, issue 8).

use chrono::Duration;
use serde_json::json;

use crate::history::{Setup, page, setup};
use crate::support::fixtures::login;
use crate::support::lead_fixtures::*;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

#[tokio::test]
async fn markup_in_a_lead_is_shown_escaped_on_every_page() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let hostile = add_location(&app, &a.id, &format!("Loc {SCRIPT}"));
    set_location(&app, &hostile, "rejected", now() - Duration::days(30));
    let mut seed = LeadSeed::new(&a.id, &hostile)
        .mapped(json!({
            "firstName": SCRIPT, "lastName": IMG, "emailAddress": "x@example.com",
            "phoneNumber1": "3035550100", "notes": format!("{SCRIPT} {IMG}"),
        }))
        .status("failed");
    seed.raw_body = Some(format!("first={SCRIPT}&last={IMG}&notes={IMG}"));
    seed.content_type = "text/plain".into();
    seed.request_headers = json!({ "user-agent": IMG });
    seed.warnings = vec![format!("Dropped {SCRIPT}")];
    seed.last_error = Some(format!("AccuLynx rejected the lead: {IMG}"));
    let lead = insert_lead(&app, &seed);
    let mut attempt = AttemptSeed::delivered(1, now());
    attempt.outcome = "failed";
    attempt.response_body = Some(format!("{SCRIPT}{IMG}"));
    attempt.summary = format!("AccuLynx rejected the lead: {SCRIPT}");
    insert_attempt(&app, &lead, &attempt);
    let edited = insert_lead(&app, &LeadSeed::new(&a.id, &hostile).status("failed"));
    insert_event(
        &app,
        &edited,
        "edited",
        IMG,
        &json!({"firstName": SCRIPT}).to_string(),
        now(),
    );

    let admin = login(&app, &a.admin.email).await;
    let q = url::form_urlencoded::byte_serialize(IMG.as_bytes()).collect::<String>();
    let pages = [
        "/".to_string(),
        format!("/companies/{}/leads", a.slug),
        format!("/locations/{hostile}/leads"),
        format!("/locations/{hostile}/leads?q={q}&status={q}"),
        format!("/leads/{lead}"),
        format!("/leads/{edited}"),
    ];
    for path in &pages {
        let html = page(&admin, path).await;
        for raw in ["<script>alert", "<img src=x", "onerror=alert(1)>"] {
            if let Some(at) = html.find(raw) {
                panic!(
                    "{path} shows {raw:?} unescaped: {}",
                    &html[at.saturating_sub(200)..at + 40]
                );
            }
        }
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
                || html.contains("&#60;img src=x onerror=alert(1)&#62;"),
            "{path} shows the values, escaped"
        );
    }
    // A refused edit shows what was typed, escaped.
    let response = admin
        .post(
            &format!("/leads/{lead}/edit"),
            &[("firstName", ""), ("lastName", IMG)],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(!html.contains("<img src=x") && html.contains("&#34;&#62;&#60;img src=x"));
    // The CSV is plain text: the values as they are, in a file that is not a page.
    let response = admin.get(&format!("/locations/{hostile}/leads.csv")).await;
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let csv = response.text().await.unwrap();
    assert!(csv.contains(SCRIPT) && csv.contains("\"\"\"><img src=x onerror=alert(1)>\""));
}

#[tokio::test]
async fn a_hostile_body_pasted_into_the_mapping_dry_run_is_shown_escaped() {
    let app = crate::support::helpers::spawn_app().await;
    let world = crate::support::fixtures::seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    let hostile = "firstName=<script>alert(1)</script>\
                   &notes=</textarea><img src=x onerror=alert(2)>\
                   &%22%3E%3Csvg%20onload%3Dalert(3)%3E=x";
    let (status, html) = crate::support::mapping::dry_run(&admin, id, &[], hostile, "").await;
    assert_eq!(status, 200);
    for raw in [
        "<script>alert",
        "<img src=x",
        "<svg onload",
        "</textarea><img",
    ] {
        assert!(!html.contains(raw), "{raw} reached the page unescaped");
    }
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    let echoed = crate::support::mapping::element_text(&html, "sample").unwrap();
    assert_eq!(
        echoed.strip_prefix('\n'),
        Some(hostile),
        "the sample comes back as sent"
    );
    // Escaped, it still reads as sent.
    let lead = crate::support::mapping::lead_json(&html);
    assert_eq!(lead["firstName"], "<script>alert(1)</script>");
    let routes = crate::support::mapping::element_text(&html, "dry-run-routes").unwrap();
    assert!(routes.contains("\"><svg onload=alert(3)>"), "{routes}");
}
