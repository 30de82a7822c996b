//! AccuLynx v2 in real headless Chromium (issue 15, acceptance 6): a company admin switches a
//! location to v2, reads AccuLynx's lists, picks a work type from them, and sees the job id a
//! delivered lead produced on its page.

use leadrelay::sandbox::{Sandbox, SandboxConfig, SandboxKey};

use crate::delivery::v2::{DANA, KEY_A, post_form};
use crate::support::browser::Browser;
use crate::support::delivery::{set_key, status_of};
use crate::support::fixtures::{PASSWORD, seed_company};
use crate::support::helpers::spawn_app_with;

#[tokio::test]
async fn an_admin_switches_a_location_to_v2_picks_a_work_type_and_sees_the_job_id() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let sandbox = Sandbox::start(
        SandboxConfig {
            keys: vec![SandboxKey::new(KEY_A, "Summit Roofing Denver")],
            rate_limits: false,
            ..SandboxConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let url = sandbox.url();
    let app = spawn_app_with(|s| s.acculynx_base_url = url::Url::parse(&url).unwrap()).await;
    let company = seed_company(&app, "alpha");
    set_key(&app, &company.location_id, KEY_A);

    browser.goto(&app.url("/login")).await;
    browser.fill("#email", &company.admin.email).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text(&company.admin.email).await;

    // The location delivers through v1 (it was made before v2 existed); switch it.
    browser
        .goto(&app.url(&format!("/locations/{}", company.location_id)))
        .await;
    browser.wait_for_text("v1 leads").await;
    browser
        .click("#acculynx-api-choice option[value='v2']")
        .await;
    browser.click("#acculynx-api button[type=submit]").await;
    browser.wait_for_text("Leads now go to AccuLynx v2").await;

    // Read AccuLynx's lists and pick a work type from them.
    browser
        .goto(&app.url(&format!("/locations/{}/mapping", company.location_id)))
        .await;
    browser
        .wait_for_text("AccuLynx's lists have not been read yet")
        .await;
    browser.click("#refresh-lists").await;
    browser.wait_for_text("AccuLynx's lists were read").await;
    browser
        .click("#v2-work_type option[value='Gutter Repair']")
        .await;
    browser.click("#v2-defaults-form button[type=submit]").await;
    browser
        .wait_for_text("The AccuLynx v2 defaults were saved")
        .await;

    // A lead arrives and is delivered; its page names the job.
    let lead = post_form(&app, &company.location_id, DANA).await;
    for _ in 0..3 {
        app.deliver_due().await;
    }
    assert_eq!(status_of(&app, &lead), "delivered");
    let jobs = sandbox.jobs();
    assert_eq!(jobs.len(), 1);
    let gutter = leadrelay::sandbox::seed()
        .work_types
        .iter()
        .find(|w| w.name == "Gutter Repair")
        .unwrap()
        .id;
    assert_eq!(jobs[0].work_type_id, Some(gutter), "the picked work type");
    browser.goto(&app.url(&format!("/leads/{lead}"))).await;
    browser.wait_for("#acculynx-job-id").await;
    assert_eq!(
        browser.text("#acculynx-job-id").await,
        jobs[0].id.to_string()
    );
    assert!(browser.console_errors().await.is_empty());
    browser.close().await;
}
