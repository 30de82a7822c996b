//! A company's people and places: users added, changed and removed, the audit page,
//! locations managed by a company admin, and the `user add` / `company add` commands.

use diesel::prelude::*;
use leadrelay::db::schema::users;

use crate::support::fixtures::{
    PASSWORD, anonymous, login, login_with, seed_company, seed_user, seed_world, try_login,
};
use crate::support::helpers::spawn_app;

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
        .post(
            &format!("/users/{id}/reset-password"),
            &[("confirm", "yes")],
        )
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
            .post(&format!("/users/{id}/remove"), &[("confirm", "yes")])
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
            .post(&format!("{location_path}/delete"), &[("confirm", "yes")])
            .await
            .status(),
        303
    );
    let listed = admin.get("/companies/summit").await.text().await.unwrap();
    assert!(listed.contains("Southside") && listed.contains("Deleted"));
}
