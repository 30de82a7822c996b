//! Bulk resend in real headless Chromium: a filtered list of failed leads → "Resend these N
//! leads" → the confirm page → the job page, which reloads itself (no script: CSP) until every
//! lead is delivered.

use std::time::{Duration, Instant};

use crate::history_browser::sign_in;
use crate::support::browser::Browser;
use crate::support::delivery::{lead_body, rig, status_of};
use crate::support::lead_fixtures::{LeadSeed, insert_lead};

#[tokio::test]
async fn an_admin_resends_a_lists_failed_leads_and_watches_the_job_finish() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let rig = rig(false, |s| {
        s.rate_per_key = 1000;
        s.rate_global = 1000;
    })
    .await;
    let (app, company) = (&rig.app, &rig.company);
    let ids: Vec<String> = (0..30)
        .map(|n| {
            insert_lead(
                app,
                &LeadSeed::new(&company.id, &company.location_id)
                    .status("failed")
                    .mapped(lead_body(n)),
            )
        })
        .collect();
    sign_in(&browser, app, &company.admin.email).await;
    browser
        .goto(&app.url(&format!(
            "/locations/{}/leads?status=failed",
            company.location_id
        )))
        .await;
    assert_eq!(browser.text("#match-count").await, "30 leads match");
    browser.click("#resend-these").await;
    browser.wait_for_text("Resend these 30 leads?").await;
    browser.wait_for_text("failed leads of alpha North").await;
    assert!(browser.current_path().await.ends_with("/leads/resend"));
    browser.click("#confirm").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !browser.current_path().await.starts_with("/resend-jobs/") {
        assert!(Instant::now() < deadline, "never reached the job page");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    browser.wait_for_text("Bulk resend").await;
    // The page reloads itself until the job is done and nothing is waiting.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let delivered = browser.text("#job-delivered").await;
        let state = browser.text("#job-state-word").await;
        if delivered == "30" && state == "Finished" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the job page shows {state}, {delivered} delivered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(browser.text("#job-done").await, "30");
    assert!(ids.iter().all(|id| status_of(app, id) == "delivered"));
    assert_eq!(rig.sandbox.accepted_count(), 30);
    assert!(
        browser.console_errors().await.is_empty(),
        "{:?}",
        browser.console_errors().await
    );
    browser.close().await;
}
