//! The skeleton: health, readiness, the layout, headers, static assets, isolation.

use diesel::prelude::*;
use leadrelay::db::schema::instance_secrets;

use crate::support::helpers::spawn_app;

#[tokio::test]
async fn healthz_and_readyz_answer_200() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn the_start_page_is_a_real_page_in_the_layout_with_security_headers() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let body = response.text().await.unwrap();
    assert!(body.starts_with("<!doctype html>"));
    assert!(body.contains("/static/css/app.css"), "uses the layout");
    assert!(!body.contains("<script>"), "no inline script");
}

#[tokio::test]
async fn static_assets_are_served_from_the_binary() {
    let app = spawn_app().await;
    let css = app.get("/static/css/app.css").await;
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.text().await.unwrap().contains(".badge"));
    assert_eq!(app.get("/static/../Cargo.toml").await.status(), 404);
    assert_eq!(app.get("/static/nothing.js").await.status(), 404);
}

#[tokio::test]
async fn an_unknown_url_gets_the_404_page_in_the_layout() {
    let app = spawn_app().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    let body = response.text().await.unwrap();
    assert!(body.contains("Not Found") && body.contains("/static/css/app.css"));
}

#[tokio::test]
async fn readyz_answers_503_when_the_database_refuses_connections() {
    let app = spawn_app().await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    let Some(admin) = crate::support::helpers::postgres_admin_url() else {
        // An open SQLite file cannot be taken away from a running process.
        eprintln!(
            "skipped: needs PostgreSQL ({})",
            crate::support::helpers::TEST_DATABASE_ENV
        );
        return;
    };
    let name = app
        .test_db
        .url_text()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let mut conn = diesel::PgConnection::establish(&admin).unwrap();
    let admin_sql = |conn: &mut diesel::PgConnection, sql: String| {
        diesel::connection::SimpleConnection::batch_execute(conn, &sql).unwrap();
    };
    admin_sql(
        &mut conn,
        format!(
            "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"
        ),
    );
    assert_eq!(app.get("/readyz").await.status(), 503);
    admin_sql(
        &mut conn,
        format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"),
    );
    crate::support::helpers::wait_until(
        "readyz to recover",
        std::time::Duration::from_secs(10),
        || async { app.get("/readyz").await.status() == 200 },
    )
    .await;
}

#[tokio::test]
async fn two_tests_running_at_once_never_see_each_others_data() {
    let (first, second) = tokio::join!(spawn_app(), spawn_app());
    let now = chrono::Utc::now().naive_utc();
    diesel::insert_into(instance_secrets::table)
        .values((
            instance_secrets::name.eq("only-in-the-first"),
            instance_secrets::ciphertext.eq(vec![1u8, 2, 3]),
            instance_secrets::created_at.eq(now),
            instance_secrets::updated_at.eq(now),
        ))
        .execute(&mut *first.conn())
        .unwrap();
    let count = |app: &crate::support::helpers::TestApp| -> i64 {
        instance_secrets::table
            .filter(instance_secrets::name.eq("only-in-the-first"))
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(count(&first), 1);
    assert_eq!(count(&second), 0);
}

#[tokio::test]
async fn each_application_names_itself_in_every_log_line_it_writes() {
    let one = crate::support::helpers::spawn_app().await;
    let two = crate::support::helpers::spawn_app().await;
    assert_ne!(one.instance, two.instance);
    assert_eq!(one.get("/no-such-page-one").await.status(), 404);
    assert_eq!(two.get("/no-such-page-two").await.status(), 404);
    crate::support::helpers::wait_until(
        "both request lines to be logged",
        std::time::Duration::from_secs(5),
        || async {
            one.logs().contains("/no-such-page-one") && two.logs().contains("/no-such-page-two")
        },
    )
    .await;
    assert!(!one.logs().contains("/no-such-page-two"));
    assert!(!two.logs().contains("/no-such-page-one"));
    assert!(
        one.logs()
            .lines()
            .all(|line| line.contains(&format!("instance={}", one.instance))),
        "every line of the instance's own logs names it"
    );
}
