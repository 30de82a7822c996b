//! The delivery history in real headless Chromium: finding a lead by a phone number typed
//! another way, its timeline, replay (with the confirmation of a delivered lead), edit and
//! resend, the CSV export, the keyboard alone, a 360 px screen, and the screenshots of the
//! README.

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use fantoccini::Locator;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::json;

use crate::history::{Setup, setup};
use crate::support::browser::Browser;
use crate::support::fixtures::PASSWORD;
use crate::support::helpers::TestApp;
use crate::support::lead_fixtures::*;

pub async fn sign_in(browser: &Browser, app: &TestApp, email: &str) {
    browser.goto(&app.url("/login")).await;
    browser.fill("#email", email).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("Dashboard").await;
}

async fn press(browser: &Browser, key: Key) {
    let key: char = key.into();
    let keys = KeyActions::new("keyboard".to_string())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    browser.client.perform_actions(keys).await.unwrap();
}

/// The focused element's `id` and `href` (empty when absent).
async fn focused(browser: &Browser) -> (String, String) {
    let element = browser.client.active_element().await.unwrap();
    (
        element.attr("id").await.unwrap().unwrap_or_default(),
        element.attr("href").await.unwrap().unwrap_or_default(),
    )
}

/// Presses Tab until the focused element matches, at most `limit` times.
async fn tab_to(browser: &Browser, what: &str, limit: usize, found: impl Fn(&str, &str) -> bool) {
    for _ in 0..limit {
        press(browser, Key::Tab).await;
        let (id, href) = focused(browser).await;
        if found(&id, &href) {
            return;
        }
    }
    panic!("Tab never reached {what}");
}

async fn rows(browser: &Browser) -> usize {
    browser
        .client
        .find_all(Locator::Css("#leads tbody tr"))
        .await
        .unwrap()
        .len()
}

async fn wait_for_path(browser: &Browser, path: &str) {
    let deadline = Instant::now() + StdDuration::from_secs(10);
    while browser.current_path().await != path {
        assert!(Instant::now() < deadline, "never reached {path}");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

/// The text of the browser's confirmation dialog, once it is open.
pub async fn dialog_text(browser: &Browser) -> String {
    let deadline = Instant::now() + StdDuration::from_secs(10);
    loop {
        if let Ok(text) = browser.client.get_alert_text().await {
            return text;
        }
        assert!(Instant::now() < deadline, "no confirmation dialog opened");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn office_staff_find_a_lead_by_phone_open_its_timeline_and_replay_it() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let seed = LeadSeed::new(&a.id, &a.location_id)
        .person("Jane", "Doe", "jane.doe@example.com", "3035550100")
        .status("failed")
        .ago(Duration::hours(2));
    let lead = insert_lead(&app, &seed);
    let mut failure = AttemptSeed::delivered(1, seed.received_at + Duration::seconds(1));
    failure.http_status = Some(400);
    failure.outcome = "failed";
    failure.summary = "AccuLynx rejected the lead: The firstName field is required.".into();
    insert_attempt(&app, &lead, &failure);
    insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id).person("John", "Roe", "jr@example.com", "7205550100"),
    );
    sign_in(&browser, &app, &a.admin.email).await;

    browser.click("nav.mainnav a[href$='/leads']").await;
    browser.wait_for_text("Leads of Company alpha").await;
    assert_eq!(rows(&browser).await, 2);
    browser.fill("#q", "(303) 555-0100").await;
    browser.click("form[role=search] button[type=submit]").await;
    let deadline = Instant::now() + StdDuration::from_secs(10);
    while rows(&browser).await != 1 {
        assert!(
            Instant::now() < deadline,
            "the search did not narrow the list"
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    assert!(browser.text("#leads").await.contains("Jane Doe"));

    browser.click("#leads a[href^='/leads/']").await;
    wait_for_path(&browser, &format!("/leads/{lead}")).await;
    browser.wait_for_text("Attempt 1").await;
    assert!(
        browser
            .text("#timeline")
            .await
            .contains("AccuLynx rejected the lead")
    );

    browser.click("#replay").await;
    browser.wait_for_text("queued to be sent again").await;
    assert!(
        browser
            .text("#timeline")
            .await
            .contains("Replayed by admin@alpha.example")
    );
    assert_eq!(lead_state(&app, &lead).status, "queued");

    // The worker sends it; the page shows the new attempt.
    deliver_as_worker(&app, &lead);
    browser.client.refresh().await.unwrap();
    browser.wait_for_text("Attempt 2").await;
    assert!(browser.text(".tl-now").await.contains("Delivered"));

    // Delivered now: sending it again asks first. "Cancel" changes nothing…
    browser.click("#replay").await;
    assert!(
        dialog_text(&browser)
            .await
            .contains("already delivered to AccuLynx")
    );
    browser.client.dismiss_alert().await.unwrap();
    assert_eq!(lead_state(&app, &lead).status, "delivered");
    // …"OK" sends it.
    browser.click("#replay").await;
    dialog_text(&browser).await;
    browser.client.accept_alert().await.unwrap();
    browser.wait_for_text("queued to be sent again").await;
    assert_eq!(lead_state(&app, &lead).status, "queued");
    assert!(browser.console_errors().await.is_empty());
    browser.close().await;
}

#[tokio::test]
async fn an_admin_edits_and_resends_a_rejected_lead() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let lead = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id)
            .mapped(json!({"lastName": "Doe", "phoneNumber1": "3035550100"}))
            .status("rejected"),
    );
    sign_in(&browser, &app, &a.admin.email).await;
    browser.goto(&app.url(&format!("/leads/{lead}"))).await;
    browser.wait_for_text("Rejected on arrival").await;
    browser.fill("#f-firstName", "Jane").await;
    browser.fill("#f-emailAddress", "jane-at-example").await;
    browser
        .wait_for("#f-priority")
        .await
        .select_by_value("High")
        .await
        .unwrap();
    browser.click("#resend").await;
    browser
        .wait_for_text("Email address must be an email address")
        .await;
    let first = browser.wait_for("#f-firstName").await;
    assert_eq!(first.prop("value").await.unwrap().as_deref(), Some("Jane"));
    browser.fill("#f-emailAddress", "jane@example.com").await;
    browser.click("#resend").await;
    browser.wait_for_text("Your changes are saved").await;
    let timeline = browser.text("#timeline").await;
    assert!(
        timeline.contains("Edited and resent by admin@alpha.example"),
        "{timeline}"
    );
    assert!(
        timeline.contains("Changed: First name, Email address, Priority."),
        "{timeline}"
    );
    assert!(browser.text("h1").await.contains("Jane Doe"));
    let state = lead_state(&app, &lead);
    assert_eq!(state.status, "queued");
    assert!(state.mapped_body.unwrap().contains("\"priority\":\"High\""));
    browser.close().await;
}

#[tokio::test]
async fn the_filtered_list_exports_as_csv() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let failed = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id)
            .person("Fay", "Failed", "fay@example.com", "3035550111")
            .status("failed"),
    );
    insert_lead(&app, &LeadSeed::new(&a.id, &a.location_id));
    sign_in(&browser, &app, &a.viewer.email).await;
    browser
        .goto(&app.url(&format!("/locations/{}/leads", a.location_id)))
        .await;
    browser
        .wait_for("#status")
        .await
        .select_by_value("failed")
        .await
        .unwrap();
    browser.click("form[role=search] button[type=submit]").await;
    let deadline = Instant::now() + StdDuration::from_secs(10);
    while rows(&browser).await != 1 {
        assert!(Instant::now() < deadline, "the filter did not apply");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    let link = browser.wait_for("a.button[href*='leads.csv']").await;
    let href = link.attr("href").await.unwrap().unwrap();
    assert!(href.ends_with("/leads.csv?status=failed"), "{href}");
    // Fetched by the page itself, with its session, as the link would download it.
    let csv = browser
        .client
        .execute(
            "return fetch(arguments[0]).then(r => r.text().then(t => [r.headers.get('content-type'), t]))",
            vec![json!(href)],
        )
        .await
        .unwrap();
    assert_eq!(csv[0], "text/csv; charset=utf-8");
    let text = csv[1].as_str().unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().len(), 11);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].iter().take(7).collect::<Vec<_>>(),
        [
            failed.as_str(),
            &records[0][1],
            "failed",
            "Fay",
            "Failed",
            "fay@example.com",
            "3035550111"
        ]
    );
    browser.close().await;
}

#[tokio::test]
async fn the_lead_list_works_with_the_keyboard_alone() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let jane = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id)
            .person("Jane", "Doe", "jane@example.com", "3035550100")
            .status("failed"),
    );
    insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id).person("John", "Roe", "jr@example.com", "7205550100"),
    );
    sign_in(&browser, &app, &a.viewer.email).await;
    browser
        .goto(&app.url(&format!("/companies/{}/leads", a.slug)))
        .await;
    browser.wait_for("#leads").await;

    // From the top of the page: the skip link comes first, then on to the search box.
    press(&browser, Key::Tab).await;
    assert!(
        focused(&browser).await.1.ends_with("#main"),
        "the skip link is first"
    );
    tab_to(&browser, "the search box", 20, |id, _| id == "q").await;
    let outline: String = browser
        .client
        .execute(
            "return getComputedStyle(document.activeElement).outlineStyle",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(outline, "solid", "focus is visible");
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys("303 555 0100")
        .await
        .unwrap();
    press(&browser, Key::Enter).await;
    let deadline = Instant::now() + StdDuration::from_secs(10);
    while rows(&browser).await != 1 {
        assert!(Instant::now() < deadline, "Enter did not search");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    // On through the filters and counts to the lead, opened with Enter.
    tab_to(&browser, "the lead", 40, |_, href| {
        href.starts_with("/leads/")
    })
    .await;
    press(&browser, Key::Enter).await;
    wait_for_path(&browser, &format!("/leads/{jane}")).await;
    browser.wait_for_text("Timeline").await;
    browser.close().await;
}

#[tokio::test]
async fn the_pages_fit_a_360_px_wide_screen() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let mut seed = LeadSeed::new(&a.id, &a.location_id).status("failed");
    seed.raw_body = Some(format!("{{\"notes\":\"{}\"}}", "x".repeat(400)));
    let lead = insert_lead(&app, &seed);
    sign_in(&browser, &app, &a.admin.email).await;
    browser.client.set_window_size(360, 800).await.unwrap();
    let width: u64 = browser
        .client
        .execute("return window.innerWidth", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    assert!(width <= 400, "the window is narrow: {width}px");
    for path in [
        "/".to_string(),
        format!("/companies/{}/leads", a.slug),
        format!("/leads/{lead}"),
    ] {
        browser.goto(&app.url(&path)).await;
        browser.wait_for("main h1").await;
        let overflow = browser
            .client
            .execute(
                "return document.documentElement.scrollWidth - window.innerWidth",
                vec![],
            )
            .await
            .unwrap()
            .as_i64()
            .unwrap();
        assert!(
            overflow <= 0,
            "{path} is {overflow}px wider than the screen"
        );
    }
    browser.close().await;
}
