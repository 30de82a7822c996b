//! The browser harness against the real application: the layout's stylesheet and script load
//! from /static under the Content-Security-Policy, in real Chromium.

use serde_json::json;

use crate::support::browser::Browser;
use crate::support::helpers::spawn_app;

#[tokio::test]
async fn the_start_page_renders_with_its_stylesheet_and_script_in_chromium() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app().await;
    browser.goto(&app.url("/")).await;

    assert_eq!(browser.text("h1").await, "leadrelay is running");
    assert_eq!(browser.current_path().await, "/");

    // app.css sets the page background to #f6f7f9; without it the body is transparent.
    let background = browser
        .client
        .execute(
            "return getComputedStyle(document.body).backgroundColor;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(background, json!("rgb(246, 247, 249)"));

    // The script was fetched from /static (one blocked by the CSP shows status 0) …
    let script_statuses = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource')
                 .filter(entry => new URL(entry.name).pathname === '/static/js/app.js')
                 .map(entry => entry.responseStatus);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(script_statuses, json!([200]));

    // … and runs: its handler asks before submitting a form marked data-confirm.
    browser
        .client
        .execute(
            "const form = document.createElement('form');
             form.action = '/healthz';
             form.dataset.confirm = 'Really send it?';
             form.innerHTML = '<button type=\"submit\" id=\"probe\">Send</button>';
             document.querySelector('main').append(form);",
            vec![],
        )
        .await
        .unwrap();
    browser.click("#probe").await;
    assert_eq!(
        browser.client.get_alert_text().await.unwrap(),
        "Really send it?"
    );
    browser.client.dismiss_alert().await.unwrap();
    assert_eq!(browser.current_path().await, "/", "dismissing cancels");

    assert_eq!(browser.console_errors().await, Vec::<String>::new());

    // The console check can fail: an inline script is refused under the policy, and says so.
    browser
        .client
        .execute(
            "const script = document.createElement('script');
             script.textContent = 'document.title = \"inline ran\"';
             document.head.append(script);",
            vec![],
        )
        .await
        .unwrap();
    let errors = browser.console_errors().await;
    assert!(
        errors
            .iter()
            .any(|error| error.contains("Content Security Policy")),
        "{errors:?}"
    );
    assert_ne!(browser.client.title().await.unwrap(), "inline ran");

    browser.close().await;
}
