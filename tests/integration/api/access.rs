//! Every API route of the route table walked with every kind of caller: no token, a
//! malformed, unknown or revoked token, a portal session cookie, another company's token,
//! and a read token on a resend route. A new API route cannot escape these checks.

use leadrelay::routes::{Access, ROUTES, Route};

use super::{json_of, seed_token};
use crate::support::fixtures::{login, seed_world};
use crate::support::helpers::{TestApp, spawn_app};
use crate::support::lead_fixtures::*;

fn api_routes() -> impl Iterator<Item = &'static Route> {
    ROUTES.iter().filter(|route| route.access.is_api())
}

async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    route: &Route,
    lead: &str,
    token: Option<&str>,
) -> (u16, serde_json::Value) {
    let url = app.url(&route.path.replace("{id}", lead));
    let mut request = match route.method {
        "get" => client.get(url),
        _ => client.post(url).json(&serde_json::json!({"confirm": true})),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    json_of(request.send().await.unwrap()).await
}

#[tokio::test]
async fn every_api_route_refuses_callers_without_a_live_token_of_the_company() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let lead = insert_lead(
        &app,
        &LeadSeed::new(&world.a.id, &world.a.location_id).status("failed"),
    );
    let (revoked_id, revoked) = seed_token(&app, &world.a.id, "resend");
    leadrelay::api::queries::revoke(
        &mut app.conn(),
        &leadrelay::domain::scope::CompanyScope::All,
        &revoked_id,
        now(),
    )
    .unwrap();
    let (_, good) = seed_token(&app, &world.a.id, "resend");
    let unknown = leadrelay::api::token::mint().text;
    let wrong_secret = format!("{}{}", &good[..good.len() - 4], "AAAA");
    let (_, foreign) = seed_token(&app, &world.b.id, "resend");
    let (_, reader) = seed_token(&app, &world.a.id, "read");
    let plain = reqwest::Client::new();
    let mut walked = 0;
    for route in api_routes() {
        walked += 1;
        let what = format!("{} {}", route.method, route.path);
        for token in [
            None,
            Some("not-a-token"),
            Some(unknown.as_str()),
            Some(wrong_secret.as_str()),
            Some(revoked.as_str()),
        ] {
            let (status, body) = call(&app, &plain, route, &lead, token).await;
            assert_eq!(status, 401, "{what} with {token:?}: {body}");
            assert!(body["error"].is_string());
        }
        // Another company's token: the lead does not exist for it.
        let (status, body) = call(&app, &plain, route, &lead, Some(&foreign)).await;
        if route.path.contains("{id}") {
            assert_eq!(status, 404, "{what} with company B's token: {body}");
        } else {
            assert_eq!(status, 200, "{what}");
            assert!(
                !body.to_string().contains(&lead),
                "{what} lists only B's leads"
            );
        }
        if route.access == Access::ApiResend {
            let (status, _) = call(&app, &plain, route, &lead, Some(&reader)).await;
            assert_eq!(status, 403, "{what} with a read token");
        }
    }
    assert_eq!(walked, 3, "every API route is walked");
    assert_eq!(
        lead_state(&app, &lead).status,
        "failed",
        "nothing was resent"
    );

    // A signed-in admin's browser (session cookie, CSRF token) is not an API caller.
    let admin = login(&app, &world.a.admin.email).await;
    for route in api_routes() {
        let (status, _) = call(&app, &admin.client, route, &lead, None).await;
        assert_eq!(
            status, 401,
            "{} {} with a session cookie",
            route.method, route.path
        );
    }
    // The WWW-Authenticate header names the scheme.
    let response = plain.get(app.url("/api/v1/leads")).send().await.unwrap();
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"leadrelay\""
    );
    // The live token of the company works on every route.
    for route in api_routes() {
        let (status, body) = call(&app, &plain, route, &lead, Some(&good)).await;
        assert!(
            matches!(status, 200 | 202),
            "{} {}: {body}",
            route.method,
            route.path
        );
    }
}
