//! First run: while no user exists, `serve` logs a one-time link (valid 24 h) whose page
//! creates the first platform admin. Once anyone exists, every setup link is dead (404).

use crate::http::pages::render_page;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::accounts::model::{NewUser, Role, SetupToken, is_plausible_email, normalize_email};
use crate::accounts::pages::SetupPage;
use crate::accounts::{passwords, queries, session};
use crate::audit::{self, Action, Actor};
use crate::crypto::{password, sha256_hex};
use crate::db::DbPool;
use crate::error::AppError;
use crate::http::extractors::client_ip;
use crate::http::pages::Chrome;
use crate::http::{csrf, with_db};
use crate::state::AppState;

/// How long a setup link works.
const VALID_FOR: chrono::Duration = chrono::Duration::hours(24);

/// When the database has no user, makes a new setup link, logs it once, and returns it.
pub fn announce_setup_link(pool: &DbPool, public_url: &url::Url) -> anyhow::Result<Option<String>> {
    let mut conn = pool.get()?;
    if queries::any_user_exists(&mut conn)? {
        return Ok(None);
    }
    let token = crate::crypto::random_token();
    let now = crate::db::now();
    queries::replace_setup_token(
        &mut conn,
        &SetupToken {
            token_hash: sha256_hex(token.as_bytes()),
            expires_at: now + VALID_FOR,
            used_at: None,
            created_at: now,
        },
    )?;
    let link = format!(
        "{}/setup/{token}",
        public_url.as_str().trim_end_matches('/')
    );
    tracing::warn!(
        "No administrator exists yet. Within 24 hours, open this one-time link to create the \
         first platform admin: {link}"
    );
    Ok(Some(link))
}

/// `GET /setup/{token}`.
pub async fn setup_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let hash = sha256_hex(token.as_bytes());
    let live = with_db(&state.db, move |conn| {
        Ok(queries::setup_token_is_live(conn, &hash)?)
    })
    .await?;
    if !live {
        return Err(AppError::NotFound);
    }
    render(
        &req,
        &state,
        &token,
        String::new(),
        None,
        actix_web::http::StatusCode::OK,
    )
}

fn render(
    req: &HttpRequest,
    state: &AppState,
    token: &str,
    email: String,
    error: Option<String>,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, AppError> {
    let (csrf_token, cookie) = csrf::anonymous_token(req, &state.csrf_key, state.secure_cookies);
    let page = SetupPage {
        chrome: Chrome {
            csrf_token,
            ..Chrome::anonymous()
        },
        action: format!("/setup/{token}"),
        email,
        error,
    };
    render_page(status, &page, cookie)
}

/// The setup form.
#[derive(Debug, Deserialize)]
pub struct SetupForm {
    email: String,
    password: String,
    confirm_password: String,
}

/// `POST /setup/{token}`: creates the first platform admin and signs them in.
pub async fn complete_setup(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let form = form.into_inner();
    let email = normalize_email(&form.email);
    let problem = if !is_plausible_email(&email) {
        Some("Enter a valid email address, like you@example.com.".to_string())
    } else if form.password != form.confirm_password {
        Some("The two passwords are not the same.".to_string())
    } else {
        password::check_policy(&form.password).err()
    };
    if let Some(problem) = problem {
        return render(
            &req,
            &state,
            &token,
            email,
            Some(problem),
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let hash = passwords::hash(form.password.clone()).await?;
    let ip = client_ip(&req);
    let user_agent = session::user_agent(&req);
    let secure = state.secure_cookies;
    let token_hash = sha256_hex(token.as_bytes());
    let opened = with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            let id = uuid::Uuid::new_v4().to_string();
            let now = crate::db::now();
            let admin = NewUser {
                id: &id,
                company_id: None,
                email: &email,
                password_hash: &hash,
                role: Role::PlatformAdmin.as_str(),
                created_at: now,
                updated_at: now,
            };
            if !queries::complete_setup(conn, &token_hash, &admin)? {
                return Err(AppError::NotFound);
            }
            let actor = Actor {
                user_id: Some(id.clone()),
                label: email.clone(),
                ip: ip.clone(),
            };
            audit::record(conn, &actor, None, Action::SetupCompleted, &email, "")?;
            Ok(session::open(conn, None, &id, &ip, &user_agent, secure)?)
        })
    })
    .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, "/"))
        .cookie(opened.cookie)
        .finish())
}
