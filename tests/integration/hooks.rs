//! Webhook URLs (SPEC §5, §6): which URLs are accepted, which answer 404/405/410, rotation
//! with a grace period, and that a bad token is refused without reading the database.

use std::time::Duration;

use diesel::prelude::*;
use leadrelay::db::schema::locations;
use serde_json::{Value, json};

use crate::support::fixtures::{login, seed_world};
use crate::support::helpers::{TestApp, spawn_app};
use crate::support::secrets::{
    flash_in, location_row, page, post_and_follow, url_signer_of, webhook_url_in,
};

/// A small lead, different each time (identical ones would be answered as duplicates).
fn unique_lead() -> Value {
    json!({"firstName": "Dana", "phone": "303-555-0100", "contactId": uuid::Uuid::new_v4().to_string()})
}

/// POSTs a small JSON lead to a URL; returns (status, JSON body).
async fn post_lead(app: &TestApp, url: &str) -> (u16, Value) {
    let response = app
        .client
        .post(url)
        .json(&unique_lead())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "{url}: {content_type}"
    );
    (status, response.json().await.unwrap())
}

/// The answer to every URL that does not lead to a live location.
fn not_found() -> Value {
    json!({"error": "not_found"})
}

/// A token with one character of its MAC changed.
fn tampered(token: &str) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let last = chars.len() - 1;
    chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}

fn split(url: &str) -> (String, String) {
    let (base, token) = url.rsplit_once('/').unwrap();
    (base.to_string(), token.to_string())
}

#[tokio::test]
async fn the_url_on_the_location_page_accepts_a_lead() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let admin = login(&app, &world.a.admin.email).await;
    let html = page(&admin, &format!("/locations/{}", world.a.location_id)).await;
    let url = webhook_url_in(&html).expect("the page shows the webhook URL");
    assert!(url.starts_with(&format!("{}/hooks/{}/", app.address, world.a.location_id)));
    assert!(
        html.contains("data-copy-target=\"webhook-url\""),
        "a copy button"
    );
    let (status, body) = post_lead(&app, &url).await;
    // No AccuLynx key is saved yet: accepted and held until one is.
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "held");
    assert!(body["lead_id"].as_str().is_some_and(|id| id.len() == 36));
}

#[tokio::test]
async fn tampered_truncated_foreign_and_unknown_tokens_answer_404() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let signer = url_signer_of(&app);
    let a = &world.a.location_id;
    let b = &world.b.location_id;
    let good = signer.token(a, 1);
    let base = &app.address;
    let cases = [
        ("tampered", format!("{base}/hooks/{a}/{}", tampered(&good))),
        (
            "truncated",
            format!("{base}/hooks/{a}/{}", &good[..good.len() - 1]),
        ),
        ("extended", format!("{base}/hooks/{a}/{good}A")),
        (
            "another location's token",
            format!("{base}/hooks/{a}/{}", signer.token(b, 1)),
        ),
        (
            "this token on another location",
            format!("{base}/hooks/{b}/{good}"),
        ),
        (
            "a version not issued yet",
            format!("{base}/hooks/{a}/{}", signer.token(a, 2)),
        ),
        (
            "a location that does not exist",
            format!(
                "{base}/hooks/{}/{}",
                "0d6c8c1e-1111-4222-8333-944444444444",
                signer.token("0d6c8c1e-1111-4222-8333-944444444444", 1)
            ),
        ),
        ("no token", format!("{base}/hooks/{a}/")),
        ("random", format!("{base}/hooks/{a}/not-a-token-at-all")),
    ];
    for (what, url) in &cases {
        assert_eq!(post_lead(&app, url).await, (404, not_found()), "{what}");
    }
    // The control: the genuine token is accepted.
    assert_eq!(
        post_lead(&app, &format!("{base}/hooks/{a}/{good}")).await.0,
        202
    );
}

#[tokio::test]
async fn other_methods_on_a_webhook_url_answer_405_json() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let url = format!(
        "{}/hooks/{}/{}",
        app.address,
        world.a.location_id,
        url_signer_of(&app).token(&world.a.location_id, 1)
    );
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        let response = app
            .client
            .request(method.clone(), &url)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(response.headers()["allow"], "POST");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "method_not_allowed", "{method}");
    }
}

#[tokio::test]
async fn a_rotated_url_works_during_its_grace_period_only() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    let first = webhook_url_in(&page(&admin, &format!("/locations/{id}")).await).unwrap();

    let html = post_and_follow(
        &admin,
        &format!("/locations/{id}/rotate-url"),
        &[("grace", "1h"), ("confirm", "yes")],
    )
    .await;
    let flash = flash_in(&html).unwrap();
    assert!(flash.contains("keeps working until"), "{flash}");
    assert!(html.contains("The previous URL keeps working until"));
    let second = webhook_url_in(&html).unwrap();
    assert_ne!(first, second);
    assert_eq!(split(&first).0, split(&second).0, "only the token changes");
    assert_eq!(
        post_lead(&app, &first).await.0,
        202,
        "the old URL in its grace period"
    );
    assert_eq!(post_lead(&app, &second).await.0, 202);

    // The grace period ends.
    let past = leadrelay::db::now() - chrono::Duration::seconds(1);
    diesel::update(locations::table.find(id))
        .set(locations::previous_url_valid_until.eq(Some(past)))
        .execute(&mut *app.conn())
        .unwrap();
    // Written behind the application's back: seen once its location cache entry expires.
    crate::support::helpers::wait_until(
        "the ended grace period",
        Duration::from_secs(5),
        || async { post_lead(&app, &first).await == (404, not_found()) },
    )
    .await;
    assert_eq!(post_lead(&app, &second).await.0, 202);
    assert!(
        !page(&admin, &format!("/locations/{id}"))
            .await
            .contains("The previous URL")
    );

    // No grace: the old URL stops at once.
    let html = post_and_follow(
        &admin,
        &format!("/locations/{id}/rotate-url"),
        &[("grace", "0"), ("confirm", "yes")],
    )
    .await;
    assert!(
        flash_in(&html)
            .unwrap()
            .contains("the old one no longer works")
    );
    let third = webhook_url_in(&html).unwrap();
    assert_eq!(post_lead(&app, &second).await, (404, not_found()));
    assert_eq!(post_lead(&app, &first).await, (404, not_found()));
    assert_eq!(post_lead(&app, &third).await.0, 202);
    let row = location_row(&app, id);
    assert_eq!((row.url_version, row.previous_url_version), (3, None));

    // Each rotation is in the audit log, without the token.
    let audit = page(&admin, "/audit").await;
    assert_eq!(
        audit
            .matches("<tr data-action=\"location.url_rotated\">")
            .count(),
        2,
        "{audit}"
    );
    for url in [&first, &second, &third] {
        assert!(!audit.contains(&split(url).1));
    }
}

#[tokio::test]
async fn a_deleted_location_answers_410_and_its_page_has_no_url_and_no_key_form() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    let url = webhook_url_in(&page(&admin, &format!("/locations/{id}")).await).unwrap();
    assert_eq!(
        admin
            .post(&format!("/locations/{id}/delete"), &[("confirm", "yes")])
            .await
            .status(),
        303
    );
    let (status, body) = post_lead(&app, &url).await;
    assert_eq!(status, 410);
    assert_eq!(body["error"], "gone");
    let html = page(&admin, &format!("/locations/{id}")).await;
    assert!(webhook_url_in(&html).is_none());
    assert!(!html.contains(&split(&url).1), "no token on the page");
    assert!(!html.contains("acculynx_key") && !html.contains("rotate-url"));
    // A forged token still gets the 404 of any bad token.
    let (base, token) = split(&url);
    assert_eq!(
        post_lead(&app, &format!("{base}/{}", tampered(&token))).await,
        (404, not_found())
    );
}

#[tokio::test]
async fn a_tampered_token_answers_404_while_the_database_is_unreachable() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = world.a.location_id.clone();
    let good = format!(
        "{}/hooks/{id}/{}",
        app.address,
        url_signer_of(&app).token(&id, 1)
    );
    let bad = format!(
        "{}/hooks/{id}/{}",
        app.address,
        tampered(&url_signer_of(&app).token(&id, 1))
    );
    assert_eq!(post_lead(&app, &good).await.0, 202);
    let other = &world.b.location_id;
    let unread = format!(
        "{}/hooks/{other}/{}",
        app.address,
        url_signer_of(&app).token(other, 1)
    );

    let outage = DatabaseOutage::begin(&app);
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    let answer = quick.post(&bad).json(&unique_lead()).send().await.unwrap();
    assert_eq!(answer.status(), 404);
    assert_eq!(answer.json::<Value>().await.unwrap(), not_found());
    // The control: a genuine token of a location not read yet needs the database, so it
    // cannot be accepted now.
    let genuine = quick.post(&unread).json(&unique_lead()).send().await;
    assert!(
        genuine.as_ref().map_or(true, |r| r.status() != 202),
        "the database is really out of reach: {genuine:?}"
    );
    drop(outage);
    crate::support::helpers::wait_until(
        "the database to be back",
        Duration::from_secs(20),
        || async {
            app.client
                .post(&good)
                .json(&unique_lead())
                .send()
                .await
                .is_ok_and(|r| r.status() == 202)
        },
    )
    .await;
}

/// Makes the app's database unreachable until dropped: on PostgreSQL every connection to it
/// is ended and new ones are refused; on SQLite (a file cannot be taken from an open process)
/// every connection of the app's pool is held, so no request can get one.
enum DatabaseOutage {
    Postgres { admin: String, name: String },
    Sqlite(#[allow(dead_code)] Vec<r2d2::PooledConnection<leadrelay::db::pool::ConnectionManager>>),
}

impl DatabaseOutage {
    fn begin(app: &TestApp) -> Self {
        match crate::support::helpers::postgres_admin_url() {
            Some(admin) => {
                let name = app
                    .test_db
                    .url_text()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string();
                admin_sql(
                    &admin,
                    &format!(
                        "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false; \
                         SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"
                    ),
                );
                DatabaseOutage::Postgres { admin, name }
            }
            None => {
                let size = app.settings.pool_size as usize;
                DatabaseOutage::Sqlite((0..size).map(|_| app.db.get().unwrap()).collect())
            }
        }
    }
}

impl Drop for DatabaseOutage {
    fn drop(&mut self) {
        if let DatabaseOutage::Postgres { admin, name } = self {
            admin_sql(
                admin,
                &format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"),
            );
        }
    }
}

fn admin_sql(admin: &str, sql: &str) {
    let mut conn = diesel::PgConnection::establish(admin).unwrap();
    diesel::connection::SimpleConnection::batch_execute(&mut conn, sql).unwrap();
}
