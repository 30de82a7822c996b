//! The first ten minutes of an operator, in real headless Chromium: first-run setup, sign
//! out, sign in, a company, a location, the audit log, sign out.

use crate::support::browser::Browser;
use crate::support::fixtures::PASSWORD;
use crate::support::helpers::spawn_app;

#[tokio::test]
async fn an_operator_sets_up_signs_in_creates_a_company_and_a_location_and_signs_out() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app().await;
    let base = url::Url::parse(&app.address).unwrap();
    let link = leadrelay::accounts::setup::announce_setup_link(&app.db, &base)
        .unwrap()
        .unwrap();

    // First-run setup.
    browser.goto(&link).await;
    browser
        .wait_for_text("Create the first administrator")
        .await;
    browser.fill("#email", "owner@agency.example").await;
    browser.fill("#password", PASSWORD).await;
    browser.fill("#confirm_password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("No companies yet").await;
    assert_eq!(browser.current_path().await, "/", "the dashboard");

    // Sign out, then sign in again.
    browser.click(".whoami button").await;
    browser.wait_for_text("You are signed out.").await;
    assert_eq!(browser.current_path().await, "/login");
    browser.fill("#email", "owner@agency.example").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("No companies yet").await;

    // A company…
    browser.click("a.button[href='/companies/new']").await;
    browser.fill("#name", "Peak Roofing").await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("Peak Roofing was created").await;
    assert_eq!(browser.current_path().await, "/companies/peak-roofing");
    assert!(browser.text("main").await.contains("No locations yet"));

    // …and its first location, listed on the company page.
    browser.fill("#location-name", "North Denver").await;
    browser
        .click("main form[action$='/locations'] button[type=submit]")
        .await;
    browser.wait_for_text("North Denver was added").await;
    assert!(browser.current_path().await.starts_with("/locations/"));
    browser.goto(&app.url("/companies/peak-roofing")).await;
    let table = browser.text("table").await;
    assert!(
        table.contains("North Denver") && table.contains("No AccuLynx key yet"),
        "{table}"
    );

    // The audit log shows each step with who and from where.
    browser.goto(&app.url("/audit")).await;
    let audit = browser.text("#audit").await;
    for action in [
        "Created the first platform admin",
        "Signed out",
        "Signed in",
        "Created the company",
        "Added a location",
    ] {
        assert!(audit.contains(action), "{action} in {audit}");
    }
    assert!(
        audit.contains("owner@agency.example") && audit.contains("127.0.0.1"),
        "{audit}"
    );
    assert!(browser.console_errors().await.is_empty());

    // Sign out for good.
    browser.click(".whoami button").await;
    browser.wait_for_text("You are signed out.").await;
    browser.goto(&app.url("/companies")).await;
    browser.wait_for_text("Sign in").await;
    assert_eq!(browser.current_path().await, "/login");
    browser.close().await;
}
