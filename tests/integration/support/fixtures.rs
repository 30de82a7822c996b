//! Seeded tenants and signed-in clients for portal tests.

#![allow(dead_code)]

use diesel::prelude::*;
use leadrelay::accounts::model::{NewUser, Role};
use leadrelay::accounts::queries;
use leadrelay::audit::Actor;
use leadrelay::crypto::password::hash_password;
use leadrelay::db::schema::locations;
use leadrelay::tenants::companies::add_company;
use leadrelay::tenants::locations::add_location as store_location;

use crate::support::helpers::TestApp;

/// The password every seeded user has.
pub const PASSWORD: &str = "correct horse battery staple";

/// A seeded user.
#[derive(Debug, Clone)]
pub struct SeededUser {
    pub id: String,
    pub email: String,
}

/// One company with a location and a user of each company role.
#[derive(Debug, Clone)]
pub struct SeededCompany {
    pub id: String,
    pub slug: String,
    pub location_id: String,
    pub admin: SeededUser,
    pub viewer: SeededUser,
}

/// Two companies and a platform admin.
pub struct World {
    pub platform: SeededUser,
    pub a: SeededCompany,
    pub b: SeededCompany,
}

fn password_hash() -> String {
    use std::sync::OnceLock;
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password(PASSWORD).unwrap())
        .clone()
}

/// Adds a user directly in the database.
pub fn seed_user(app: &TestApp, email: &str, role: Role, company_id: Option<&str>) -> SeededUser {
    let id = uuid::Uuid::new_v4().to_string();
    let now = leadrelay::db::now();
    queries::insert(
        &mut app.conn(),
        &NewUser {
            id: &id,
            company_id,
            email,
            password_hash: &password_hash(),
            role: role.as_str(),
            created_at: now,
            updated_at: now,
        },
    )
    .unwrap();
    SeededUser {
        id,
        email: email.to_string(),
    }
}

/// Adds a company with one location and an admin and a viewer.
pub fn seed_company(app: &TestApp, slug: &str) -> SeededCompany {
    let mut conn = app.conn();
    add_company(
        &mut conn,
        &Actor::command_line(),
        &format!("Company {slug}"),
        slug,
        "America/Denver",
    )
    .unwrap();
    let company = leadrelay::tenants::queries::find_company_by_slug(
        &mut conn,
        &leadrelay::domain::scope::CompanyScope::All,
        slug,
    )
    .unwrap();
    let location = store_location(
        &mut conn,
        &Actor::command_line(),
        &company.id,
        &format!("{slug} North"),
        leadrelay::tenants::model::AccuLynxApi::V1,
    )
    .unwrap();
    drop(conn);
    SeededCompany {
        admin: seed_user(
            app,
            &format!("admin@{slug}.example"),
            Role::CompanyAdmin,
            Some(&company.id),
        ),
        viewer: seed_user(
            app,
            &format!("viewer@{slug}.example"),
            Role::Viewer,
            Some(&company.id),
        ),
        id: company.id,
        slug: slug.to_string(),
        location_id: location.id,
    }
}

/// The usual world of tenancy tests.
pub fn seed_world(app: &TestApp) -> World {
    World {
        platform: seed_user(app, "platform@leadrelay.example", Role::PlatformAdmin, None),
        a: seed_company(app, "alpha"),
        b: seed_company(app, "bravo"),
    }
}

/// A client with its own cookie jar that does not follow redirects.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// The CSRF token a page's forms carry.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("the page has a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// A signed-in session.
pub struct Session {
    pub client: reqwest::Client,
    pub csrf: String,
    pub base: String,
    /// The session cookie's token, once signed in.
    pub token: Option<String>,
}

impl Session {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// POSTs a form with this session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &self.csrf));
        self.client
            .post(format!("{}{path}", self.base))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// POSTs a form without any CSRF token.
    pub async fn post_without_csrf(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap()
    }
}

/// Anonymous visitor with the login page's CSRF token.
pub async fn anonymous(app: &TestApp) -> Session {
    anonymous_at(&app.address).await
}

/// A visitor of the application at `address` (any process), with the login page's CSRF token.
pub async fn anonymous_at(address: &str) -> Session {
    let client = new_client();
    let html = client
        .get(format!("{address}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    Session {
        csrf: csrf_of(&html),
        client,
        base: address.to_string(),
        token: None,
    }
}

/// Tries to sign in; returns the response of `POST /login`.
pub async fn try_login(session: &Session, email: &str, password: &str) -> reqwest::Response {
    session
        .post("/login", &[("email", email), ("password", password)])
        .await
}

/// Signs in and returns the session (panics if it fails).
pub async fn login(app: &TestApp, email: &str) -> Session {
    login_with(app, email, PASSWORD).await
}

/// Signs in with this password.
pub async fn login_with(app: &TestApp, email: &str, password: &str) -> Session {
    login_at_with(&app.address, email, password).await
}

/// Signs in at another running application (same database as a test app).
pub async fn login_at(address: &str, email: &str) -> Session {
    login_at_with(address, email, PASSWORD).await
}

/// Signs in at a running application (any process) with this password.
pub async fn login_at_with(address: &str, email: &str, password: &str) -> Session {
    let mut session = anonymous_at(address).await;
    let response = try_login(&session, email, password).await;
    assert_eq!(
        response.status(),
        303,
        "sign-in of {email} at {address} should succeed"
    );
    session.token = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix("lr_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_string());
    let html = session.get("/account").await.text().await.unwrap();
    session.csrf = csrf_of(&html);
    session
}

/// GETs a page that must answer 200 and returns its HTML.
pub async fn page(session: &Session, path: &str) -> String {
    let response = session.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.text().await.unwrap()
}

/// The audit entries of an action: (actor, target, detail).
pub fn audit_entries(app: &TestApp, action: &str) -> Vec<(String, String, String)> {
    use leadrelay::db::schema::audit_events;
    audit_events::table
        .filter(audit_events::action.eq(action))
        .order(audit_events::id.asc())
        .select((
            audit_events::actor,
            audit_events::target,
            audit_events::detail,
        ))
        .load(&mut app.conn())
        .unwrap()
}

/// Sets a location's key status (missing | untested | valid | rejected) and creation time.
pub fn set_location(
    app: &TestApp,
    location_id: &str,
    key_status: &str,
    created_at: chrono::NaiveDateTime,
) {
    diesel::update(locations::table.find(location_id))
        .set((
            locations::key_status.eq(key_status),
            locations::created_at.eq(created_at),
        ))
        .execute(&mut app.conn())
        .unwrap();
}

/// Adds a location to a company; returns its id.
pub fn add_location(app: &TestApp, company_id: &str, name: &str) -> String {
    leadrelay::tenants::locations::add_location(
        &mut app.conn(),
        &leadrelay::audit::Actor::command_line(),
        company_id,
        name,
        leadrelay::tenants::model::AccuLynxApi::V1,
    )
    .unwrap()
    .id
}
