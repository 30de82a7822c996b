//! Enrolment and the second sign-in step.

use crate::support::fixtures::{PASSWORD, audit_entries, login, page, seed_world, try_login};
use crate::support::helpers::spawn_app;
use crate::support::secrets::assert_database_never_holds;

use super::{after_password, enrol, sign_in_with, type_code};

#[tokio::test]
async fn an_enrolled_user_signs_in_with_a_code_once_and_never_twice() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let email = world.a.viewer.email.clone();
    let session = login(&app, &email).await;
    let enrolled = enrol(&session).await;
    assert_eq!(audit_entries(&app, "user.two_factor_enabled").len(), 1);

    // The password alone opens nothing now.
    let pending = after_password(&app, &email).await;
    assert_eq!(pending.get("/account").await.status(), 303);
    let form = pending.get("/login/two-factor").await;
    assert_eq!(form.status(), 200);
    // The code that confirmed the enrolment was used: it does not work again.
    let replay = type_code(&pending, &enrolled.code(enrolled.step)).await;
    assert_eq!(replay.status(), 401);
    let signed_in = sign_in_with(pending, &enrolled.code(enrolled.step + 1)).await;
    assert_eq!(signed_in.get("/account").await.status(), 200);
    let succeeded = audit_entries(&app, "login.succeeded");
    assert!(
        succeeded
            .last()
            .is_some_and(|(_, _, detail)| detail == "with an authenticator code"),
        "{succeeded:?}"
    );

    // The same code again, at a new sign-in: refused (replay protection).
    let again = after_password(&app, &email).await;
    assert_eq!(
        type_code(&again, &enrolled.code(enrolled.step + 1))
            .await
            .status(),
        401
    );
    let failed = audit_entries(&app, "login.second_factor_failed");
    assert_eq!(failed.len(), 2, "{failed:?}");
}

#[tokio::test]
async fn sign_in_keeps_next_through_the_second_step() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let email = world.a.admin.email.clone();
    let enrolled = enrol(&login(&app, &email).await).await;
    let session = crate::support::fixtures::anonymous(&app).await;
    let response = session
        .post(
            "/login",
            &[
                ("email", email.as_str()),
                ("password", PASSWORD),
                ("next", "/companies/alpha"),
            ],
        )
        .await;
    assert_eq!(response.headers()["location"], "/login/two-factor");
    let response = type_code(&session, &enrolled.code(enrolled.step + 1)).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/companies/alpha");
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_then_it_is_spent() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let email = world.a.viewer.email.clone();
    let enrolled = enrol(&login(&app, &email).await).await;
    let code = enrolled.recovery[3].clone();

    let signed_in = sign_in_with(after_password(&app, &email).await, &code.to_uppercase()).await;
    let html = page(&signed_in, "/account/two-factor").await;
    assert!(
        html.contains("<strong>9</strong> unused recovery codes"),
        "{html}"
    );

    let spent = after_password(&app, &email).await;
    let response = type_code(&spent, &code).await;
    assert_eq!(response.status(), 401, "a spent recovery code");
    let other = sign_in_with(spent, &enrolled.recovery[4]).await;
    assert_eq!(other.get("/account").await.status(), 200);
}

#[tokio::test]
async fn five_wrong_codes_lock_the_account_like_wrong_passwords() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let email = world.a.viewer.email.clone();
    let enrolled = enrol(&login(&app, &email).await).await;

    // One wrong password and four wrong codes: the fifth failure in a row locks; the right
    // password in between does not clear the count.
    let wrong = try_login(
        &crate::support::fixtures::anonymous(&app).await,
        &email,
        "nope",
    )
    .await;
    assert_eq!(wrong.status(), 401);
    let pending = after_password(&app, &email).await;
    for attempt in 1..=4 {
        let response = type_code(&pending, "000000").await;
        if attempt < 4 {
            assert_eq!(response.status(), 401, "attempt {attempt}");
        } else {
            assert_eq!(response.status(), 303, "locked: back to the login page");
            assert_eq!(response.headers()["location"], "/login");
        }
    }
    // Locked: the right password and a right code do not sign in.
    let locked = crate::support::fixtures::anonymous(&app).await;
    assert_eq!(try_login(&locked, &email, PASSWORD).await.status(), 401);
    assert_eq!(
        type_code(&pending, &enrolled.code(enrolled.step + 1))
            .await
            .status(),
        303
    );
    assert_eq!(
        pending.get("/account").await.status(),
        303,
        "still not signed in"
    );
    let failed = audit_entries(&app, "login.second_factor_failed");
    assert_eq!(failed.len(), 4, "{failed:?}");
    assert!(failed[3].2.contains("account locked"), "{failed:?}");
}

#[tokio::test]
async fn the_secret_is_sealed_and_never_shown_or_logged_after_enrolment() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let email = world.a.admin.email.clone();
    let session = login(&app, &email).await;
    let enrolled = enrol(&session).await;
    let signed_in = sign_in_with(
        after_password(&app, &email).await,
        &enrolled.code(enrolled.step + 1),
    )
    .await;
    let mut pages = vec![page(&signed_in, "/account/two-factor").await];
    for path in [
        "/",
        "/account",
        "/audit",
        "/companies/alpha",
        "/companies/alpha/users",
    ] {
        pages.push(page(&signed_in, path).await);
    }
    let platform = login(&app, &world.platform.email).await;
    pages.push(page(&platform, "/companies/alpha/users").await);
    pages.push(page(&platform, "/audit").await);
    for html in &pages {
        assert!(!html.contains(&enrolled.base32), "the secret on a page");
        assert!(!html.contains("two-factor-qr"), "the QR code on a page");
        for code in &enrolled.recovery {
            assert!(!html.contains(code.as_str()), "a recovery code on a page");
        }
    }
    assert!(pages[0].contains("is <strong>on</strong>"));
    let logs = app.logs();
    assert!(
        logs.contains("/account/two-factor"),
        "the requests were logged"
    );
    assert!(!logs.contains(&enrolled.base32), "the secret in the logs");
    assert!(
        !logs
            .to_lowercase()
            .contains(&enrolled.base32.to_lowercase())
    );
    let recovery: Vec<&str> = enrolled.recovery.iter().map(String::as_str).collect();
    let mut secrets = recovery.clone();
    secrets.push(&enrolled.base32);
    assert_database_never_holds(&app.test_db, &secrets);
}

#[tokio::test]
async fn turning_it_off_needs_the_password_and_a_code() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let email = world.a.viewer.email.clone();
    let session = login(&app, &email).await;
    let enrolled = enrol(&session).await;
    let code = enrolled.code(enrolled.step + 1);
    let response = session
        .post(
            "/account/two-factor/disable",
            &[("password", "wrong password"), ("code", &code)],
        )
        .await;
    assert_eq!(response.status(), 422);
    let response = session
        .post(
            "/account/two-factor/disable",
            &[("password", PASSWORD), ("code", "123")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let response = session
        .post(
            "/account/two-factor/disable",
            &[("password", PASSWORD), ("code", &code)],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(audit_entries(&app, "user.two_factor_disabled").len(), 1);
    // The password alone signs in again.
    assert_eq!(
        try_login(
            &crate::support::fixtures::anonymous(&app).await,
            &email,
            PASSWORD
        )
        .await
        .headers()["location"],
        "/"
    );
}

#[tokio::test]
async fn new_recovery_codes_replace_the_old_ones() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let email = world.a.viewer.email.clone();
    let session = login(&app, &email).await;
    let enrolled = enrol(&session).await;
    let response = session
        .post(
            "/account/two-factor/recovery-codes",
            &[("code", &enrolled.recovery[0])],
        )
        .await;
    assert_eq!(response.status(), 200);
    let fresh = super::recovery_codes_on(&response.text().await.unwrap());
    assert_eq!(fresh.len(), 10);
    assert_eq!(audit_entries(&app, "user.recovery_codes_renewed").len(), 1);
    let old = after_password(&app, &email).await;
    assert_eq!(type_code(&old, &enrolled.recovery[1]).await.status(), 401);
    sign_in_with(old, &fresh[0]).await;
}
