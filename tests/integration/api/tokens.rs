//! API tokens on the portal: made by an admin and shown once, stored hashed, listed with
//! their last use, revoked behind a confirmation, audited; viewers cannot touch them.

use diesel::prelude::*;
use leadrelay::db::schema::api_tokens;

use super::{api_get, make_token};
use crate::support::fixtures::{audit_entries, login, page, seed_world};
use crate::support::helpers::spawn_app;

#[tokio::test]
async fn an_admin_makes_a_token_that_is_shown_once_and_stored_only_as_a_hash() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let a = &world.a;
    let admin = login(&app, &a.admin.email).await;
    let company = page(&admin, &format!("/companies/{}", a.slug)).await;
    assert!(company.contains(&format!("/companies/{}/api-tokens", a.slug)));
    let empty = page(&admin, &format!("/companies/{}/api-tokens", a.slug)).await;
    assert!(empty.contains("No API tokens yet"), "{empty}");

    let token = make_token(&admin, &a.slug, "Nightly report", "read").await;
    assert!(token.starts_with("lr_") && token.len() == 63, "{token}");
    let (id, secret) = leadrelay::api::token::split(&token).unwrap();
    let stored: Vec<(String, String, String, String)> = api_tokens::table
        .select((
            api_tokens::id,
            api_tokens::company_id,
            api_tokens::scope,
            api_tokens::secret_hash,
        ))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (
            stored[0].0.as_str(),
            stored[0].1.as_str(),
            stored[0].2.as_str()
        ),
        (id, a.id.as_str(), "read")
    );
    assert_eq!(stored[0].3, leadrelay::api::token::hash_secret(secret));
    assert!(!stored[0].3.contains(secret));

    let list = page(&admin, &format!("/companies/{}/api-tokens", a.slug)).await;
    assert!(list.contains("Nightly report") && list.contains(&format!("lr_{id}_…")));
    assert!(!list.contains(secret), "the secret is never shown again");
    assert!(list.contains("never"), "not used yet");
    assert!(!app.logs().contains(secret), "the secret is never logged");

    let (status, _) = api_get(&app, Some(&token), "/api/v1/leads").await;
    assert_eq!(status, 200);
    let list = page(&admin, &format!("/companies/{}/api-tokens", a.slug)).await;
    assert!(!list.contains(">never<"), "the last use is shown: {list}");
    let used: Option<chrono::NaiveDateTime> = api_tokens::table
        .select(api_tokens::last_used_at)
        .first(&mut app.conn())
        .unwrap();
    assert!(used.is_some());

    assert_eq!(
        audit_entries(&app, "api_token.created"),
        [(
            a.admin.email.clone(),
            "Nightly report".to_string(),
            format!("lr_{id}_…, read leads")
        )]
    );
}

#[tokio::test]
async fn a_token_form_that_cannot_be_accepted_says_why_and_makes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let a = &world.a;
    let admin = login(&app, &a.admin.email).await;
    let path = format!("/companies/{}/api-tokens", a.slug);
    let long = "x".repeat(81);
    for (name, scope, expected) in [
        ("   ", "read", "Give the token a name"),
        (long.as_str(), "read", "80 characters"),
        ("two\nlines", "read", "line breaks"),
        ("Report", "admin", "Choose what the token may do"),
        ("Report", "", "Choose what the token may do"),
    ] {
        let response = admin.post(&path, &[("name", name), ("scope", scope)]).await;
        assert_eq!(response.status(), 422, "{name:?} {scope:?}");
        let html = response.text().await.unwrap();
        assert!(html.contains(expected), "{name:?} {scope:?}: {html}");
    }
    let count: i64 = api_tokens::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn viewers_cannot_see_or_make_tokens() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let a = &world.a;
    let viewer = login(&app, &a.viewer.email).await;
    let path = format!("/companies/{}/api-tokens", a.slug);
    assert_eq!(viewer.get(&path).await.status(), 403);
    let response = viewer
        .post(&path, &[("name", "mine"), ("scope", "resend")])
        .await;
    assert_eq!(response.status(), 403);
    let company = page(&viewer, &format!("/companies/{}", a.slug)).await;
    assert!(!company.contains("/api-tokens"), "no link for viewers");
    let count: i64 = api_tokens::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_revoked_token_gets_401_and_revoking_asks_first() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let a = &world.a;
    let admin = login(&app, &a.admin.email).await;
    let token = make_token(&admin, &a.slug, "Zapier", "resend").await;
    let (id, _) = leadrelay::api::token::split(&token).unwrap();
    let revoke = format!("/api-tokens/{id}/revoke");

    // Without the confirmation: a page saying what will happen, nothing revoked.
    let response = admin.post(&revoke, &[]).await;
    assert_eq!(response.status(), 200);
    let confirm = response.text().await.unwrap();
    assert!(
        confirm.contains("Revoke the API token Zapier?"),
        "{confirm}"
    );
    assert!(confirm.contains("name=\"confirm\" value=\"yes\""));
    assert_eq!(api_get(&app, Some(&token), "/api/v1/leads").await.0, 200);

    let response = admin.post(&revoke, &[("confirm", "yes")]).await;
    assert_eq!(response.status(), 303);
    let (status, body) = api_get(&app, Some(&token), "/api/v1/leads").await;
    assert_eq!(status, 401);
    assert!(
        body["error"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
    let list = page(&admin, &format!("/companies/{}/api-tokens", a.slug)).await;
    assert!(list.contains("Revoked"), "{list}");
    assert!(!list.contains(&format!("action=\"{revoke}\"")));

    let again = admin.post(&revoke, &[("confirm", "yes")]).await;
    assert_eq!(again.status(), 303);
    assert_eq!(
        audit_entries(&app, "api_token.revoked"),
        [(
            a.admin.email.clone(),
            "Zapier".to_string(),
            format!("lr_{id}_…")
        )],
        "one entry, though revoked twice"
    );

    // Another company's admin cannot revoke it (404), nor see it.
    let other = login(&app, &world.b.admin.email).await;
    let fresh = make_token(&admin, &a.slug, "Second", "read").await;
    let (fresh_id, _) = leadrelay::api::token::split(&fresh).unwrap();
    let response = other
        .post(
            &format!("/api-tokens/{fresh_id}/revoke"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(api_get(&app, Some(&fresh), "/api/v1/leads").await.0, 200);
}
