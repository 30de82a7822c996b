//! The README's screenshots of the dashboard, a lead list and a lead's timeline, taken in
//! real headless Chromium from a company that looks like a real one.

use chrono::Duration;
use serde_json::json;

use crate::history_browser::sign_in;
use crate::support::browser::Browser;
use crate::support::helpers::{TestApp, spawn_app};
use crate::support::lead_fixtures::*;

/// A Chrome DevTools command through chromedriver (`goog/cdp/execute`).
#[derive(Debug)]
struct Cdp(serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (reqwest::Method, Option<String>) {
        (reqwest::Method::POST, Some(self.0.to_string()))
    }
}

/// A PNG of the page from its top, as tall as the page (at most `most` pixels).
async fn full_page_png(browser: &Browser, most: u64) -> Vec<u8> {
    use base64::Engine;
    let height = browser
        .client
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap()
        .min(most);
    let shot = browser
        .client
        .issue_cmd(Cdp(json!({"cmd": "Page.captureScreenshot", "params": {
            "format": "png",
            "captureBeyondViewport": true,
            "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1},
        }})))
        .await
        .unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().unwrap())
        .unwrap()
}

/// Seeds a company that looks like a real one, for the README's screenshots.
fn seed_showcase(app: &TestApp) -> (String, String) {
    let mut conn = app.conn();
    let actor = leadrelay::audit::Actor::command_line();
    leadrelay::tenants::companies::add_company(
        &mut conn,
        &actor,
        "Peak Roofing",
        "peak-roofing",
        "America/Denver",
    )
    .unwrap();
    drop(conn);
    let company = leadrelay::tenants::queries::find_company_by_slug(
        &mut app.conn(),
        &leadrelay::domain::scope::CompanyScope::All,
        "peak-roofing",
    )
    .unwrap();
    crate::support::fixtures::seed_user(
        app,
        "office@peakroofing.example",
        leadrelay::accounts::model::Role::CompanyAdmin,
        Some(&company.id),
    );
    let mut locations = Vec::new();
    for (name, key) in [
        ("North Denver", "valid"),
        ("Boulder", "valid"),
        ("Colorado Springs", "rejected"),
    ] {
        let id = add_location(app, &company.id, name);
        set_location(app, &id, key, now() - Duration::days(40));
        locations.push(id);
    }
    let names = [
        ("Maria", "Garcia"),
        ("James", "Smith"),
        ("Linda", "Johnson"),
        ("Robert", "Brown"),
        ("Patricia", "Miller"),
        ("Michael", "Davis"),
        ("Jennifer", "Wilson"),
        ("David", "Moore"),
        ("Susan", "Taylor"),
        ("Daniel", "Anderson"),
        ("Karen", "Thomas"),
        ("Paul", "Jackson"),
    ];
    for i in 0..140_i64 {
        if i == 4 {
            continue;
        }
        let (first, last) = names[i as usize % names.len()];
        let status = match i % 23 {
            3 => "failed",
            11 => "rejected",
            0 => "retrying",
            7 if i < 20 => "queued",
            _ => "delivered",
        };
        let location = &locations[usize::from(i % 9 == 0)];
        let email = format!(
            "{}.{}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        );
        let seed = LeadSeed::new(&company.id, location)
            .person(
                if status == "rejected" { "" } else { first },
                last,
                &email,
                &format!("303555{:04}", 100 + i),
            )
            .status(status)
            .ago(Duration::minutes(i * i * 5 + 17));
        insert_lead(app, &seed);
    }
    // One lead with a whole story: AccuLynx busy, then unreachable, replayed, delivered.
    let mut seed = LeadSeed::new(&company.id, &locations[0])
        .mapped(json!({
            "firstName": "Patricia", "lastName": "Miller", "emailAddress": "patricia.miller@example.com",
            "phoneNumber1": "3035550104", "phoneType1": "Mobile", "street": "1450 Larimer St",
            "city": "Denver", "state": "CO", "zip": "80202", "country": "US",
            "jobCategory": "Residential", "workType": "Insurance",
            "notes": "Hail damage on the north slope; prefers mornings.\nLead source: Website form",
        }))
        .ago(Duration::minutes(97));
    seed.content_type = "application/x-www-form-urlencoded".into();
    seed.raw_body = Some(
        "First+Name=Patricia&Last+Name=Miller&Phone+Cell=%28303%29+555-0104&Email=patricia.miller%40example.com&Address=1450+Larimer+St&City=Denver&State=CO&Zip=80202&Whiteboard=Hail+damage+on+the+north+slope%3B+prefers+mornings.&Lead+Source=Website+form".into(),
    );
    seed.request_headers =
        json!({"user-agent": "ClientTether-Webhook/1.0", "content-length": "236"});
    seed.warnings =
        vec!["\"Lead Source\" is not an AccuLynx field; it was added to the notes.".into()];
    seed.attempts = 3;
    let received = seed.received_at;
    seed.delivered_at = Some(received + Duration::minutes(20));
    let story = insert_lead(app, &seed);
    let sent = seed.mapped.as_ref().map(std::string::ToString::to_string);
    let mut busy = AttemptSeed::delivered(1, received + Duration::milliseconds(40));
    busy.request_body = sent.clone();
    busy.http_status = Some(503);
    busy.duration_ms = 1840;
    busy.outcome = "retrying";
    busy.response_body = Some("Service Unavailable".into());
    busy.summary =
        "AccuLynx was unavailable (HTTP 503); leadrelay tried again 10 seconds later.".into();
    insert_attempt(app, &story, &busy);
    let mut timeout = AttemptSeed::delivered(2, received + Duration::seconds(11));
    timeout.request_body = sent.clone();
    timeout.http_status = None;
    timeout.duration_ms = 15000;
    timeout.outcome = "failed";
    timeout.response_body = None;
    timeout.response_headers = json!({});
    timeout.error = Some("operation timed out".into());
    timeout.summary =
        "AccuLynx did not answer within 15 seconds, and the retry schedule was used up.".into();
    insert_attempt(app, &story, &timeout);
    insert_event(
        app,
        &story,
        "replayed",
        "office@peakroofing.example",
        r#"{"previous_status":"failed"}"#,
        received + Duration::minutes(20),
    );
    let mut delivered = AttemptSeed::delivered(3, received + Duration::minutes(20));
    delivered.request_body = sent;
    insert_attempt(app, &story, &delivered);
    (company.slug, story)
}

#[tokio::test]
async fn screenshots_of_the_dashboard_lead_list_and_timeline() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app().await;
    let (slug, story) = seed_showcase(&app);
    sign_in(&browser, &app, "office@peakroofing.example").await;
    // `LEADRELAY_UPDATE_SCREENSHOTS=1` refreshes the README's pictures; otherwise they are
    // taken (and checked) in a temporary directory, so a test run leaves the tree clean.
    let scratch = tempfile::tempdir().unwrap();
    let dir = if std::env::var_os("LEADRELAY_UPDATE_SCREENSHOTS").is_some() {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots")
    } else {
        scratch.path().to_path_buf()
    };
    std::fs::create_dir_all(&dir).unwrap();
    for (name, path, ready, most) in [
        ("dashboard", "/".to_string(), "Newest failures", 1500),
        (
            "lead-list",
            format!("/companies/{slug}/leads"),
            "Export CSV",
            1000,
        ),
        (
            "lead-timeline",
            format!("/leads/{story}"),
            "Attempt 3",
            2400,
        ),
    ] {
        browser.goto(&app.url(&path)).await;
        browser.wait_for_text(ready).await;
        let png = full_page_png(&browser, most).await;
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 20_000,
            "{name}.png"
        );
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
    assert!(browser.console_errors().await.is_empty());
    browser.close().await;
}
