//! The Field mapping page's dry run in real headless Chromium (issue 6, acceptance 4): a
//! company admin tries the example, pastes a ClientTether body, sees the AccuLynx JSON and a
//! warning, adds an alias, saves, and the dry run then maps that field.

use crate::support::browser::Browser;
use crate::support::fixtures::{PASSWORD, seed_world};
use crate::support::helpers::spawn_app;

/// What a ClientTether Action Plan posts, with a field ("Alt Phone") leadrelay does not know
/// and an email address without a domain ending (a warning).
const CLIENTTETHER_BODY: &str = "firstName=Jane&lastName=Doe&Phone+Cell=(303)+555-0100\
&Alt+Phone=720-555-0143&Email=jane.doe%40example&Zip_code=80202&Whiteboard=Hail+damage";

#[tokio::test]
async fn an_admin_checks_a_sample_with_the_dry_run_adds_an_alias_and_sees_it_mapped() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app().await;
    let world = seed_world(&app);

    browser.goto(&app.url("/login")).await;
    browser.fill("#email", &world.a.admin.email).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text(&world.a.admin.email).await;

    // From the location page to its field mapping.
    browser
        .goto(&app.url(&format!("/locations/{}", world.a.location_id)))
        .await;
    browser.click("a[href$='/mapping']").await;
    browser.wait_for_text("Field mapping of alpha North").await;

    // A new user presses "Try an example" and sees it work at once.
    browser.click("#try-example").await;
    browser.wait_for_text("Where each field went").await;
    let json = browser.text("#dry-run-json").await;
    assert!(json.contains("\"firstName\": \"Jane\""), "{json}");

    // Their own ClientTether body: JSON and a warning; "Alt Phone" only in the notes.
    browser.fill("#sample", CLIENTTETHER_BODY).await;
    browser.click("#run-dry-run").await;
    browser.wait_for_text("Alt Phone: 720-555-0143").await;
    let json = browser.text("#dry-run-json").await;
    assert!(json.contains("\"phoneNumber1\": \"3035550100\""), "{json}");
    assert!(!json.contains("phoneNumber2"), "{json}");
    let warnings = browser.text("#dry-run-warnings").await;
    assert!(warnings.contains("jane.doe@example"), "{warnings}");
    let verdict = browser.text("#dry-run-verdict").await;
    assert!(verdict.contains("202"), "{verdict}");

    // Add the alias and save.
    browser.fill("#alias-phoneNumber2", "Alt Phone").await;
    browser.click("#save-mapping").await;
    browser.wait_for_text("was saved").await;
    assert_eq!(
        browser.current_path().await,
        format!("/locations/{}/mapping", world.a.location_id)
    );

    // The same body now fills phone 2.
    browser.fill("#sample", CLIENTTETHER_BODY).await;
    browser.click("#run-dry-run").await;
    browser.wait_for_text("Where each field went").await;
    let json = browser.text("#dry-run-json").await;
    assert!(json.contains("\"phoneNumber2\": \"7205550143\""), "{json}");
    assert!(!json.contains("Alt Phone:"), "{json}");
    let routes = browser.text("#dry-run-routes").await;
    assert!(routes.contains("Phone 2 (phoneNumber2)"), "{routes}");

    // A sample over 64 KiB is stopped in the browser with a message, before it is sent.
    browser
        .client
        .execute(
            "document.getElementById('sample').value = 'firstName=Jane&notes=' + 'a'.repeat(70000);",
            vec![],
        )
        .await
        .unwrap();
    browser.click("#run-dry-run").await;
    browser.wait_for_text("Shorten it to run the dry run").await;
    let message = browser.text("#sample-size").await;
    assert!(message.contains("at most 64 KiB"), "{message}");
    assert!(browser.console_errors().await.is_empty());
    browser.close().await;
}
