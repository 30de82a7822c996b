//! What admins do: require two factors for a company, reset a user's.

use crate::support::fixtures::{PASSWORD, anonymous, audit_entries, login, page, try_login};
use crate::support::helpers::spawn_app;

use super::{after_password, enrol, sign_in_with};

#[tokio::test]
async fn a_company_that_requires_two_factors_sends_an_unenrolled_user_to_enrolment() {
    let app = spawn_app().await;
    let world = crate::support::fixtures::seed_world(&app);
    let admin = login(&app, &world.a.admin.email).await;
    let viewer = login(&app, &world.a.viewer.email).await;
    let response = viewer
        .post("/companies/alpha/two-factor", &[("require", "yes")])
        .await;
    assert_eq!(response.status(), 403, "viewers cannot change it");
    let response = admin
        .post("/companies/alpha/two-factor", &[("require", "yes")])
        .await;
    assert_eq!(response.status(), 303);
    let changed = audit_entries(&app, "company.two_factor_changed");
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].2, "required");

    // Signing in with the password lands on enrolment; nothing else opens.
    let session = anonymous(&app).await;
    let response = try_login(&session, &world.a.viewer.email, PASSWORD).await;
    assert_eq!(response.status(), 303);
    for path in [
        "/",
        "/account",
        "/companies/alpha",
        "/companies/alpha/leads",
        "/audit",
    ] {
        let response = session.get(path).await;
        assert_eq!(response.status(), 303, "GET {path}");
        assert_eq!(
            response.headers()["location"],
            "/account/two-factor",
            "GET {path}"
        );
    }
    let html = page(&session, "/account/two-factor").await;
    assert!(
        html.contains("Your company requires two-factor sign-in"),
        "{html}"
    );
    // Sessions opened before the requirement are held back too.
    assert_eq!(
        viewer.get("/").await.headers()["location"],
        "/account/two-factor"
    );
    // Other companies are not concerned.
    let other = login(&app, &world.b.viewer.email).await;
    assert_eq!(other.get("/").await.status(), 200);

    // Once enrolled, everything opens.
    let mut session = session;
    session.csrf = crate::support::fixtures::csrf_of(&html);
    enrol(&session).await;
    assert_eq!(session.get("/").await.status(), 200);
    assert_eq!(session.get("/companies/alpha").await.status(), 200);

    // Platform admins can change it too.
    let platform = login(&app, &world.platform.email).await;
    let response = platform
        .post("/companies/alpha/two-factor", &[("require", "no")])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(viewer.get("/").await.status(), 200, "no longer required");
}

#[tokio::test]
async fn a_platform_admin_resets_a_users_two_factors_and_it_is_audited() {
    let app = spawn_app().await;
    let world = crate::support::fixtures::seed_world(&app);
    let email = world.a.viewer.email.clone();
    let user_session = login(&app, &email).await;
    let enrolled = enrol(&user_session).await;
    let path = format!("/users/{}/two-factor/reset", world.a.viewer.id);

    // Another company's admin: 404; the user's own company admin: 403.
    let outsider = login(&app, &world.b.admin.email).await;
    let response = outsider.post(&path, &[("confirm", "yes")]).await;
    assert_eq!(response.status(), 404);
    let company_admin = login(&app, &world.a.admin.email).await;
    let response = company_admin.post(&path, &[("confirm", "yes")]).await;
    assert_eq!(response.status(), 403);
    assert!(audit_entries(&app, "user.two_factor_reset").is_empty());

    let platform = login(&app, &world.platform.email).await;
    let users = page(&platform, "/companies/alpha/users").await;
    assert!(users.contains(&path), "a reset button on the users page");
    // Without confirmation: a confirm page, nothing changed.
    let response = platform.post(&path, &[]).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Reset the two-factor sign-in of"), "{html}");
    assert!(html.contains("name=\"confirm\" value=\"yes\""));
    assert!(audit_entries(&app, "user.two_factor_reset").is_empty());
    let response = platform.post(&path, &[("confirm", "yes")]).await;
    assert_eq!(response.status(), 303);
    let reset = audit_entries(&app, "user.two_factor_reset");
    assert_eq!(reset.len(), 1);
    assert_eq!(reset[0].0, world.platform.email);
    assert_eq!(reset[0].1, email);

    // The user was signed out and signs in with the password alone.
    assert_eq!(user_session.get("/account").await.status(), 303);
    let response = try_login(&anonymous(&app).await, &email, PASSWORD).await;
    assert_eq!(response.headers()["location"], "/");
    let _ = enrolled;
}

#[tokio::test]
async fn a_reset_during_the_second_step_sends_the_sign_in_back_to_the_start() {
    let app = spawn_app().await;
    let world = crate::support::fixtures::seed_world(&app);
    let email = world.a.viewer.email.clone();
    let enrolled = enrol(&login(&app, &email).await).await;
    let pending = after_password(&app, &email).await;
    let platform = login(&app, &world.platform.email).await;
    let path = format!("/users/{}/two-factor/reset", world.a.viewer.id);
    assert_eq!(
        platform.post(&path, &[("confirm", "yes")]).await.status(),
        303
    );
    let response = super::type_code(&pending, &enrolled.code(enrolled.step + 1)).await;
    assert_eq!(response.headers()["location"], "/login");
    let _ = sign_in_with;
}
