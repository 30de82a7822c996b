//! Session fixation (issue 13): a session cookie planted in a browser before sign-in — a
//! value the attacker chose, or the attacker's own live session — never becomes the signed-in
//! user's session. Sign-in always issues a new token, and the planted one keeps no power.

use std::sync::Arc;

use reqwest::cookie::Jar;

use crate::support::fixtures::{PASSWORD, Session, csrf_of, login, seed_world};
use crate::support::helpers::{TestApp, spawn_app};

/// A browser whose cookie jar already holds `lr_session=planted`, on the login page.
async fn browser_with_planted_cookie(app: &TestApp, planted: &str) -> (Session, reqwest::Response) {
    let jar = Arc::new(Jar::default());
    let url: reqwest::Url = app.address.parse().unwrap();
    jar.add_cookie_str(&format!("lr_session={planted}; Path=/"), &url);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(jar)
        .build()
        .unwrap();
    let page = client
        .get(format!("{}/login", app.address))
        .send()
        .await
        .unwrap();
    let session = Session {
        client,
        csrf: String::new(),
        base: app.address.clone(),
        token: None,
    };
    (session, page)
}

/// Signs `email` in from the login `page` the browser was shown (its CSRF token).
async fn sign_in_from(
    browser: &mut Session,
    page: reqwest::Response,
    email: &str,
) -> reqwest::Response {
    browser.csrf = csrf_of(&page.text().await.unwrap());
    browser
        .post("/login", &[("email", email), ("password", PASSWORD)])
        .await
}

/// The session token a sign-in answer sets.
fn new_session_token(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix("lr_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_string())
        .expect("sign-in sets a session cookie")
}

/// `GET /account` with only this session token: its status and page.
async fn account_with(app: &TestApp, token: &str) -> (u16, String) {
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/account", app.address))
        .header("cookie", format!("lr_session={token}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn a_session_id_chosen_by_an_attacker_is_replaced_at_sign_in_and_stays_powerless() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let planted = "attacker-chosen-session-id-0123456789abcdef";
    let (mut victim, page) = browser_with_planted_cookie(&app, planted).await;
    assert_eq!(
        page.status(),
        200,
        "an unknown session shows the login page"
    );
    let signed_in = sign_in_from(&mut victim, page, &world.a.admin.email).await;
    assert_eq!(signed_in.status(), 303);
    let issued = new_session_token(&signed_in);
    assert_ne!(issued, planted, "sign-in must issue a new session token");
    let (status, _) = account_with(&app, planted).await;
    assert_eq!(status, 303, "the planted value is no session");
    let (status, html) = account_with(&app, &issued).await;
    assert_eq!(status, 200);
    assert!(html.contains(&world.a.admin.email));
}

#[tokio::test]
async fn an_attackers_own_session_planted_in_a_browser_never_becomes_the_victims() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let attacker = login(&app, &world.b.admin.email).await;
    let planted = attacker
        .token
        .clone()
        .expect("the attacker's session token");
    let (mut victim, page) = browser_with_planted_cookie(&app, &planted).await;
    // Signed in already (as the attacker), the login page still lets another user sign in,
    // or sends the visitor on; either way the attacker's session must stay the attacker's.
    if page.status() == 200 {
        let signed_in = sign_in_from(&mut victim, page, &world.a.admin.email).await;
        assert_eq!(signed_in.status(), 303);
        assert_ne!(new_session_token(&signed_in), planted);
    } else {
        assert_eq!(page.status(), 303, "GET /login: {}", page.status());
    }
    let (status, html) = account_with(&app, &planted).await;
    if status == 200 {
        assert!(
            html.contains(&world.b.admin.email),
            "still the attacker's own session"
        );
        assert!(!html.contains(&world.a.admin.email), "never the victim's");
    } else {
        assert_eq!(status, 303, "the planted session was ended");
    }
}
