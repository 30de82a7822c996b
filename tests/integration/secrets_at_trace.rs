//! With `leadrelay=trace` logging (the test subscriber's filter), a webhook delivery, a key
//! save, an API call with a token and a two-factor sign-in leave no AccuLynx key, webhook
//! token, API token secret, TOTP secret or password in this instance's logs.

use std::time::Duration;

use serde_json::json;

use crate::api::{api_get, make_token};
use crate::support::fixtures::{PASSWORD, login, seed_world};
use crate::support::helpers::{spawn_app_with, wait_until};
use crate::support::intake::stored;
use crate::support::secrets::{new_key, page, sandbox_knowing, save_key, webhook_url_in};
use crate::two_factor::{after_password, enrol, sign_in_with};

#[tokio::test]
async fn no_secret_appears_in_trace_logs() {
    let key = new_key();
    let (_sandbox, acculynx) = sandbox_knowing(&[(&key, "Trace Check")]).await;
    let app = spawn_app_with(|s| {
        s.acculynx_base_url = acculynx;
        s.run_worker = true;
    })
    .await;
    let world = seed_world(&app);
    let id = world.a.location_id.clone();
    let admin = login(&app, &world.a.admin.email).await;

    save_key(&admin, &id, &key).await;
    let url = webhook_url_in(&page(&admin, &format!("/locations/{id}")).await).unwrap();
    let token = url.rsplit('/').next().unwrap().to_string();
    let response = app
        .client
        .post(&url)
        .json(&json!({"firstName": "Trace", "email": "trace@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let lead_id = response.json::<serde_json::Value>().await.unwrap()["lead_id"]
        .as_str()
        .unwrap()
        .to_string();
    app.wake_worker.notify_one();
    wait_until("the lead is delivered", Duration::from_secs(8), || async {
        stored(&app, &lead_id).status == "delivered"
    })
    .await;

    let api_token = make_token(&admin, &world.a.slug, "Trace", "read").await;
    let (status, _) = api_get(&app, Some(&api_token), "/api/v1/leads").await;
    assert_eq!(status, 200);
    let (_, api_secret) = leadrelay::api::token::split(&api_token).unwrap();

    let email = world.a.viewer.email.clone();
    let enrolled = enrol(&login(&app, &email).await).await;
    let signed_in = sign_in_with(
        after_password(&app, &email).await,
        &enrolled.code(enrolled.step + 1),
    )
    .await;
    assert_eq!(signed_in.get("/account").await.status(), 200);

    let logs = app.logs();
    // The logs were captured, delivery and sign-in included.
    assert!(logs.contains(&lead_id), "{logs}");
    assert!(logs.contains("/api/v1/leads"), "{logs}");
    assert!(logs.contains("/login/two-factor"), "{logs}");
    for (what, secret) in [
        ("the AccuLynx key", key.as_str()),
        ("the webhook token", token.as_str()),
        ("the API token", api_token.as_str()),
        ("the API token secret", api_secret),
        ("the TOTP secret", enrolled.base32.as_str()),
        ("the password", PASSWORD),
    ] {
        assert!(!logs.contains(secret), "{what} is in the logs");
    }
    for code in &enrolled.recovery {
        assert!(
            !logs.contains(code.as_str()),
            "a recovery code is in the logs"
        );
    }
}
