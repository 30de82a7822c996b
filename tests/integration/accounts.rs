//! Accounts: first-run setup, sign-in, lockout, throttling, sessions, password changes.

use diesel::prelude::*;
use leadrelay::db::schema::{sessions, users};

use crate::support::fixtures::{
    PASSWORD, anonymous, csrf_of, login, login_with, new_client, seed_world, try_login,
};
use crate::support::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn the_setup_link_creates_the_first_admin_once_and_then_is_dead() {
    let app = spawn_app().await;
    let base = url::Url::parse(&app.address).unwrap();
    let link = leadrelay::accounts::setup::announce_setup_link(&app.db, &base)
        .unwrap()
        .unwrap();
    assert!(link.starts_with(&format!("{}/setup/", app.address)));
    let path = link.trim_start_matches(&app.address).to_string();
    assert!(
        crate::support::helpers::captured_logs().contains(&link),
        "the link is logged"
    );

    // A fresh installation's start page says what to do.
    let welcome = app.get("/").await.text().await.unwrap();
    assert!(welcome.contains("setup link"));

    let client = new_client();
    let form = client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let csrf = csrf_of(&form.text().await.unwrap());
    let short = client
        .post(app.url(&path))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "owner@agency.example"),
            ("password", "short"),
            ("confirm_password", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), 422);
    assert!(
        short
            .text()
            .await
            .unwrap()
            .contains("at least 12 characters")
    );
    let created = client
        .post(app.url(&path))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "Owner@Agency.example"),
            ("password", PASSWORD),
            ("confirm_password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 303);
    // Signed in as the new platform admin.
    let companies = client.get(app.url("/companies")).send().await.unwrap();
    assert_eq!(companies.status(), 200);
    assert!(companies.text().await.unwrap().contains("No companies yet"));

    // The link is dead now, and no new one is made.
    assert_eq!(
        new_client()
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert!(
        leadrelay::accounts::setup::announce_setup_link(&app.db, &base)
            .unwrap()
            .is_none()
    );
    assert_eq!(app.get("/setup/made-up-token").await.status(), 404);
    let admin: String = users::table
        .select(users::role)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(admin, "platform-admin");
}

#[tokio::test]
async fn five_failed_sign_ins_lock_the_account_for_15_minutes() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let email = world.a.admin.email.clone();
    let visitor = anonymous(&app).await;
    for attempt in 1..=5 {
        let response = try_login(&visitor, &email, "wrong password!").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
        assert!(response.text().await.unwrap().contains("do not match"));
    }
    // The right password no longer works…
    let refused = try_login(&visitor, &email, PASSWORD).await;
    assert_eq!(refused.status(), 401);
    let locked_until: Option<chrono::NaiveDateTime> = users::table
        .filter(users::email.eq(&email))
        .select(users::locked_until)
        .first(&mut *app.conn())
        .unwrap();
    let minutes = (locked_until.unwrap() - leadrelay::db::now()).num_minutes();
    assert!((14..=15).contains(&minutes), "locked for {minutes} min");
    // …until the lock ends.
    diesel::update(users::table.filter(users::email.eq(&email)))
        .set(users::locked_until.eq(Some(leadrelay::db::now() - chrono::Duration::seconds(1))))
        .execute(&mut *app.conn())
        .unwrap();
    assert_eq!(try_login(&visitor, &email, PASSWORD).await.status(), 303);
    // An unknown email gets the same answer as a wrong password.
    let unknown = try_login(&anonymous(&app).await, "nobody@nowhere.example", PASSWORD).await;
    assert_eq!(unknown.status(), 401);
}

#[tokio::test]
async fn too_many_attempts_from_one_ip_are_throttled() {
    let app = spawn_app_with(|s| s.login_attempts_per_minute = 3).await;
    let visitor = anonymous(&app).await;
    for _ in 0..3 {
        assert_eq!(
            try_login(&visitor, "x@y.example", "wrong").await.status(),
            401
        );
    }
    let throttled = try_login(&visitor, "x@y.example", "wrong").await;
    assert_eq!(throttled.status(), 429);
    assert!(
        throttled
            .text()
            .await
            .unwrap()
            .contains("Too many sign-in attempts")
    );
}

#[tokio::test]
async fn sign_in_sets_a_fresh_httponly_lax_session_cookie() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let visitor = anonymous(&app).await;
    let response = try_login(&visitor, &world.a.admin.email, PASSWORD).await;
    assert_eq!(response.status(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("lr_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http here: {cookie}");
    // A second sign-in in the same browser replaces the session (new id, old one gone).
    let first_id: String = sessions::table
        .select(sessions::id)
        .first(&mut *app.conn())
        .unwrap();
    let html = visitor.get("/account").await.text().await.unwrap();
    let mut again = visitor;
    again.csrf = csrf_of(&html);
    assert_eq!(
        try_login(&again, &world.a.admin.email, PASSWORD)
            .await
            .status(),
        303
    );
    let ids: Vec<String> = sessions::table
        .select(sessions::id)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(ids.len(), 1);
    assert_ne!(ids[0], first_id);
}

#[tokio::test]
async fn the_session_cookie_is_secure_behind_an_https_public_url() {
    let app = spawn_app_with(|s| {
        s.public_url = Some(url::Url::parse("https://relay.example.com").unwrap());
    })
    .await;
    let world = seed_world(&app);
    let response = try_login(&anonymous(&app).await, &world.a.admin.email, PASSWORD).await;
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("lr_session=") && c.contains("Secure")),
        "{cookies:?}"
    );
}

#[tokio::test]
async fn logout_ends_the_session_for_good() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let session = login(&app, &world.a.admin.email).await;
    let token = session.token.clone().expect("a session cookie");
    assert_eq!(session.post("/logout", &[]).await.status(), 303);
    assert_eq!(session.get("/account").await.status(), 303);
    // Replaying the old cookie does not work either.
    let replay = new_client()
        .get(app.url("/account"))
        .header("cookie", format!("lr_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 303);
    assert_eq!(
        sessions::table
            .count()
            .get_result::<i64>(&mut *app.conn())
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_password_change_ends_every_session_of_that_user() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let email = world.a.admin.email.clone();
    let laptop = login(&app, &email).await;
    let phone = login(&app, &email).await;
    let other_user = login(&app, &world.a.viewer.email).await;
    let new_password = "a brand new passphrase";
    let mismatch = laptop
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
                ("confirm_password", "different one!!"),
            ],
        )
        .await;
    assert_eq!(mismatch.status(), 422);
    let wrong = laptop
        .post(
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let changed = laptop
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(
        laptop.get("/account").await.status(),
        303,
        "this session ended"
    );
    assert_eq!(
        phone.get("/account").await.status(),
        303,
        "the other session ended"
    );
    assert_eq!(
        other_user.get("/account").await.status(),
        200,
        "other users are untouched"
    );
    assert_eq!(
        try_login(&anonymous(&app).await, &email, PASSWORD)
            .await
            .status(),
        401
    );
    login_with(&app, &email, new_password).await;
}
