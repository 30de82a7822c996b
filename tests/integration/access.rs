//! Tenancy and roles over the whole route table (SPEC §3): every portal route, walked from
//! `leadrelay::routes::ROUTES`, so a new route cannot escape these checks.

use leadrelay::routes::{Access, ROUTES, Route};

use crate::support::fixtures::{Session, World, anonymous, login, seed_user, seed_world};
use crate::support::helpers::{TestApp, spawn_app};
use crate::support::lead_fixtures::{LeadSeed, insert_lead};

/// The route's path with company A's identifiers filled in: `{id}` is a user under
/// `/users/`, a lead under `/leads/`, else a location.
pub(crate) fn path_for(route: &Route, f: &Fixture) -> String {
    let world = &f.world;
    route
        .path
        .replace("{slug}", &world.a.slug)
        .replace(
            "{id}",
            if route.path.starts_with("/users/") {
                &f.target_user
            } else if route.path.starts_with("/leads/") {
                &f.lead
            } else if route.path.starts_with("/resend-jobs/") {
                &f.resend_job
            } else if route.path.starts_with("/api-tokens/") {
                &f.api_token
            } else {
                &world.a.location_id
            },
        )
        .replace("{token}", "not-a-token")
        .replace("{path:.*}", "css/app.css")
}

async fn call(session: &Session, route: &Route, path: &str) -> reqwest::Response {
    match route.method {
        "get" => session.get(path).await,
        _ => {
            session
                .post(
                    path,
                    &[("name", "x"), ("role", "viewer"), ("email", "x@y.example")],
                )
                .await
        }
    }
}

pub(crate) struct Fixture {
    pub(crate) app: TestApp,
    pub(crate) world: World,
    target_user: String,
    /// A failed lead of company A (replayable and editable).
    lead: String,
    /// A bulk resend of company A (taking that lead).
    resend_job: String,
    /// An API token of company A (its public id).
    api_token: String,
}

pub(crate) async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let world = seed_world(&app);
    // A user of company A that admin-only routes under /users/{id} act upon.
    let target = seed_user(
        &app,
        "target@alpha.example",
        leadrelay::accounts::model::Role::Viewer,
        Some(&world.a.id),
    );
    let lead = insert_lead(
        &app,
        &LeadSeed::new(&world.a.id, &world.a.location_id).status("failed"),
    );
    let resend_job = crate::bulk_resend::resend_job_of(&app, &world.a.id, &world.a.slug);
    let (api_token, _) = crate::api::seed_token(&app, &world.a.id, "read");
    Fixture {
        api_token,
        app,
        world,
        target_user: target.id,
        lead,
        resend_job,
    }
}

fn portal_routes() -> impl Iterator<Item = &'static Route> {
    // The JSON API answers 401, not the login page: `api::access` walks it.
    ROUTES
        .iter()
        .filter(|route| route.access != Access::Public && !route.access.is_api())
}

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_the_login_page_from_every_portal_route() {
    let f = fixture().await;
    let visitor = anonymous(&f.app).await;
    for route in portal_routes() {
        let path = path_for(route, &f);
        let response = call(&visitor, route, &path).await;
        assert_eq!(response.status(), 303, "{} {path}", route.method);
        let location = response.headers()["location"].to_str().unwrap();
        assert!(
            location.starts_with("/login"),
            "{} {path} → {location}",
            route.method
        );
    }
}

#[tokio::test]
async fn every_role_of_another_company_gets_404_on_every_company_route() {
    let f = fixture().await;
    for email in [&f.world.b.admin.email, &f.world.b.viewer.email] {
        let outsider = login(&f.app, email).await;
        for route in ROUTES
            .iter()
            .filter(|route| route.access == Access::Company)
        {
            let path = path_for(route, &f);
            let response = call(&outsider, route, &path).await;
            assert_eq!(response.status(), 404, "{email}: {} {path}", route.method);
        }
    }
    // Nothing was changed by those attempts.
    let owner = login(&f.app, &f.world.a.admin.email).await;
    let page = owner
        .get(&format!("/companies/{}", f.world.a.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("alpha North"), "the location is still there");
    let users = owner
        .get(&format!("/companies/{}/users", f.world.a.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        users.contains("target@alpha.example"),
        "the user is still there"
    );
}

#[tokio::test]
async fn a_viewer_gets_403_on_every_state_changing_route_of_their_company() {
    let f = fixture().await;
    let viewer = login(&f.app, &f.world.a.viewer.email).await;
    let changing = ROUTES.iter().filter(|route| {
        route.method == "post" && matches!(route.access, Access::Company | Access::Platform)
    });
    let mut checked = 0;
    for route in changing {
        let path = path_for(route, &f);
        let response = call(&viewer, route, &path).await;
        assert_eq!(response.status(), 403, "POST {path}");
        checked += 1;
    }
    assert!(checked >= 10, "walked {checked} routes");
    for route in ROUTES
        .iter()
        .filter(|r| matches!(r.access, Access::Platform | Access::Admin))
    {
        let path = path_for(route, &f);
        assert_eq!(
            call(&viewer, route, &path).await.status(),
            403,
            "{} {path}",
            route.method
        );
    }
    // Reading their own company is allowed.
    for route in ROUTES
        .iter()
        .filter(|r| r.access == Access::Company && r.method == "get")
    {
        let path = path_for(route, &f);
        let status = viewer.get(&path).await.status();
        assert!(status == 200 || status == 403, "GET {path}: {status}");
    }
}

#[tokio::test]
async fn admins_reach_every_page_of_their_company_and_platform_admins_reach_all() {
    let f = fixture().await;
    let admin = login(&f.app, &f.world.a.admin.email).await;
    let platform = login(&f.app, &f.world.platform.email).await;
    for route in ROUTES
        .iter()
        .filter(|r| r.method == "get" && r.access == Access::Company)
    {
        let path = path_for(route, &f);
        assert_eq!(
            admin.get(&path).await.status(),
            200,
            "company admin GET {path}"
        );
        assert_eq!(
            platform.get(&path).await.status(),
            200,
            "platform admin GET {path}"
        );
    }
    for route in ROUTES
        .iter()
        .filter(|r| r.method == "get" && r.access == Access::Platform)
    {
        let path = path_for(route, &f);
        assert_eq!(
            platform.get(&path).await.status(),
            200,
            "platform admin GET {path}"
        );
        assert_eq!(
            admin.get(&path).await.status(),
            403,
            "company admin GET {path}"
        );
    }
    assert_eq!(admin.get("/audit").await.status(), 200);
}

#[tokio::test]
async fn every_post_without_a_csrf_token_is_refused_with_403() {
    let f = fixture().await;
    let admin = login(&f.app, &f.world.a.admin.email).await;
    let visitor = anonymous(&f.app).await;
    let posts: Vec<&Route> = ROUTES
        .iter()
        // Webhooks and the JSON API take no cookie, so no CSRF token (`api::access` checks
        // the API ignores a session cookie).
        .filter(|r| r.method == "post" && !r.path.starts_with("/hooks/") && !r.access.is_api())
        .collect();
    assert!(posts.len() >= 15, "walked {} routes", posts.len());
    for route in posts {
        let path = path_for(route, &f);
        for (who, session) in [("admin", &admin), ("anonymous", &visitor)] {
            let fields = [
                ("name", "x"),
                ("email", "admin@alpha.example"),
                ("password", "x"),
            ];
            let response = session.post_without_csrf(&path, &fields).await;
            assert_eq!(response.status(), 403, "{who}: POST {path} without a token");
            let wrong = [("csrf_token", "forged"), ("name", "x")];
            let response = session.post_without_csrf(&path, &wrong).await;
            assert_eq!(
                response.status(),
                403,
                "{who}: POST {path} with a forged token"
            );
        }
    }
    // The admin's session still works: the refusals changed nothing.
    assert_eq!(admin.get("/account").await.status(), 200);
}
