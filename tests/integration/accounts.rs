//! Accounts: first-run setup, sign-in, lockout, throttling, sessions, users, the CLI, audit.

use diesel::prelude::*;
use leadrelay::db::schema::{sessions, users};

use crate::fixtures::{
    PASSWORD, anonymous, csrf_of, login, login_with, new_client, seed_company, seed_user,
    seed_world, try_login,
};
use crate::helpers::{leadrelay_command, spawn_app, spawn_app_with};

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
        crate::helpers::captured_logs().contains(&link),
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
        s.public_url = Some(url::Url::parse("https://relay.example.com").unwrap())
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

#[tokio::test]
async fn an_admin_adds_a_user_who_can_sign_in_with_the_password_shown_once() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let admin = login(&app, &world.a.admin.email).await;
    let path = format!("/companies/{}/users", world.a.slug);
    let page = admin
        .post(
            &path,
            &[("email", "New.Person@Alpha.example"), ("role", "viewer")],
        )
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let marker = "id=\"new-password\" type=\"text\" readonly value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    let password = html[start..].split('"').next().unwrap().to_string();
    assert_eq!(password.len(), 20);
    let person = login_with(&app, "new.person@alpha.example", &password).await;
    assert_eq!(
        person
            .get(&format!("/companies/{}", world.a.slug))
            .await
            .status(),
        200
    );
    // A duplicate is refused with a sentence.
    let duplicate = admin
        .post(
            &path,
            &[("email", "new.person@alpha.example"), ("role", "viewer")],
        )
        .await;
    assert_eq!(duplicate.status(), 422);
    assert!(
        duplicate
            .text()
            .await
            .unwrap()
            .contains("already has an account")
    );
    // A role that is not a company role is refused.
    let platform = admin
        .post(
            &path,
            &[("email", "boss@alpha.example"), ("role", "platform-admin")],
        )
        .await;
    assert_eq!(platform.status(), 422);
}

#[tokio::test]
async fn changing_a_role_resetting_and_removing_take_effect_at_once() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let admin = login(&app, &world.a.admin.email).await;
    let viewer = login(&app, &world.a.viewer.email).await;
    let id = world.a.viewer.id.clone();
    assert_eq!(
        admin
            .post(&format!("/users/{id}/role"), &[("role", "company-admin")])
            .await
            .status(),
        303
    );
    assert_eq!(
        viewer.get("/account").await.status(),
        303,
        "a role change signs the user out"
    );
    let promoted = login(&app, &world.a.viewer.email).await;
    assert_eq!(
        promoted
            .get(&format!("/companies/{}/edit", world.a.slug))
            .await
            .status(),
        200
    );
    // Nobody demotes or removes themselves.
    let own = admin
        .post(
            &format!("/users/{}/role", world.a.admin.id),
            &[("role", "viewer")],
        )
        .await;
    assert_eq!(own.status(), 303);
    assert_eq!(
        admin
            .get(&format!("/companies/{}/edit", world.a.slug))
            .await
            .status(),
        200,
        "still an admin"
    );
    let reset = admin
        .post(&format!("/users/{id}/reset-password"), &[])
        .await;
    assert_eq!(reset.status(), 200);
    assert_eq!(
        promoted.get("/account").await.status(),
        303,
        "a reset signs the user out"
    );
    assert_eq!(
        try_login(&anonymous(&app).await, &world.a.viewer.email, PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        admin
            .post(&format!("/users/{id}/remove"), &[])
            .await
            .status(),
        303
    );
    let left: i64 = users::table
        .filter(users::id.eq(&id))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_audit_page_shows_who_did_what_from_where() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let _ = try_login(
        &anonymous(&app).await,
        &world.a.admin.email,
        "wrong password!",
    )
    .await;
    let admin = login(&app, &world.a.admin.email).await;
    admin
        .post(
            &format!("/companies/{}/locations", world.a.slug),
            &[("name", "Boulder")],
        )
        .await;
    let html = admin.get("/audit").await.text().await.unwrap();
    for needle in [
        "Failed sign-in",
        "Signed in",
        "Added a location",
        "Boulder",
        "admin@alpha.example",
        "127.0.0.1",
    ] {
        assert!(html.contains(needle), "{needle} in the audit page");
    }
    assert!(
        !html.contains("bravo"),
        "another company's entries are not shown"
    );
    // Platform admins see every company and can filter by one.
    let platform = login(&app, &world.platform.email).await;
    let all = platform.get("/audit").await.text().await.unwrap();
    assert!(all.contains("Company alpha") && all.contains("Company bravo"));
    let only_b = platform
        .get("/audit?company=bravo")
        .await
        .text()
        .await
        .unwrap();
    assert!(!only_b.contains("Boulder"));
    assert_eq!(platform.get("/audit?company=nope").await.status(), 404);
}

#[tokio::test]
async fn a_company_admin_manages_locations_and_sees_empty_states() {
    let app = spawn_app().await;
    let platform = seed_user(
        &app,
        "root@platform.example",
        leadrelay::accounts::model::Role::PlatformAdmin,
        None,
    );
    let root = login(&app, &platform.email).await;
    let created = root
        .post(
            "/companies",
            &[
                ("name", "Peak Roofing, LLC"),
                ("slug", ""),
                ("time_zone", "America/Denver"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    assert_eq!(created.headers()["location"], "/companies/peak-roofing-llc");
    let empty = root
        .get("/companies/peak-roofing-llc")
        .await
        .text()
        .await
        .unwrap();
    assert!(empty.contains("No locations yet"));
    let taken = root
        .post(
            "/companies",
            &[
                ("name", "Peak"),
                ("slug", "peak-roofing-llc"),
                ("time_zone", "UTC"),
            ],
        )
        .await;
    assert_eq!(taken.status(), 422);
    assert!(taken.text().await.unwrap().contains("taken"));

    let company = seed_company(&app, "summit");
    let admin = login(&app, &company.admin.email).await;
    let added = admin
        .post(
            "/companies/summit/locations",
            &[("name", "  South   Side ")],
        )
        .await;
    assert_eq!(added.status(), 303);
    let location_path = added.headers()["location"].to_str().unwrap().to_string();
    let page = admin.get(&location_path).await.text().await.unwrap();
    assert!(page.contains("South Side"));
    let twice = admin
        .post("/companies/summit/locations", &[("name", "South Side")])
        .await;
    assert_eq!(twice.status(), 422);
    assert_eq!(
        admin
            .post(&format!("{location_path}/pause"), &[])
            .await
            .status(),
        303
    );
    assert!(
        admin
            .get(&location_path)
            .await
            .text()
            .await
            .unwrap()
            .contains("Paused")
    );
    assert_eq!(
        admin
            .post(&format!("{location_path}/resume"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(
        admin
            .post(&format!("{location_path}/rename"), &[("name", "Southside")])
            .await
            .status(),
        303
    );
    assert_eq!(
        admin
            .post(&format!("{location_path}/delete"), &[])
            .await
            .status(),
        303
    );
    let listed = admin.get("/companies/summit").await.text().await.unwrap();
    assert!(listed.contains("Southside") && listed.contains("Deleted"));
}

#[test]
fn the_cli_adds_companies_and_users_with_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db", dir.path().display());
    let run = |args: &[&str], stdin: Option<&str>| {
        use std::io::Write;
        let mut child = leadrelay_command()
            .args(args)
            .env("LEADRELAY_DATABASE_URL", &db)
            .current_dir(dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        let output = child.wait_with_output().unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (code, out, _) = run(&["company", "add", "--name", "Peak Roofing"], None);
    assert_eq!((code, out.trim()), (0, "peak-roofing"));
    let (code, _, err) = run(&["company", "add", "--name", "Peak Roofing"], None);
    assert_eq!(code, 1);
    assert_eq!(
        err.trim(),
        "error: a company with slug \"peak-roofing\" already exists"
    );
    let (code, out, _) = run(
        &[
            "user",
            "add",
            "--email",
            "ops@peak.example",
            "--role",
            "company-admin",
            "--company",
            "peak-roofing",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert_eq!(
        out.trim().len(),
        20,
        "a generated password is printed: {out}"
    );
    let (code, out, _) = run(
        &[
            "user",
            "add",
            "--email",
            "root@agency.example",
            "--role",
            "platform-admin",
            "--password-stdin",
        ],
        Some("a sound passphrase\n"),
    );
    assert_eq!((code, out.as_str()), (0, ""));
    for (args, message) in [
        (
            vec![
                "user",
                "add",
                "--email",
                "ops@peak.example",
                "--role",
                "viewer",
                "--company",
                "peak-roofing",
            ],
            "already has an account",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "x@peak.example",
                "--role",
                "viewer",
                "--company",
                "nope",
            ],
            "no company with slug \"nope\"",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "x@peak.example",
                "--role",
                "boss",
                "--company",
                "peak-roofing",
            ],
            "unknown role",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "x@peak.example",
                "--role",
                "viewer",
            ],
            "needs --company",
        ),
    ] {
        let (code, _, err) = run(&args, None);
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(message), "{message} in {err}");
    }
}
