//! The second step of signing in: after a right password, an enrolled user types a code from
//! their authenticator app, or a recovery code, within 5 minutes. Only then is a session
//! opened. Wrong codes count toward the account's lockout like wrong passwords.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::accounts::handlers::{LOCK_FOR, MAX_FAILURES, check_throttle};
use crate::accounts::model::User;
use crate::accounts::two_factor::check::{CodeCheck, check_code};
use crate::accounts::two_factor::pages::SecondFactorPage;
use crate::accounts::two_factor::queries::{self as two_factor, CHALLENGE_LIFETIME, Challenge};
use crate::accounts::{queries, session};
use crate::audit::{self, Action, Actor};
use crate::db::DbConn;
use crate::domain::scope::CompanyScope;
use crate::error::AppError;
use crate::http::extractors::client_ip;
use crate::http::flash::{self, FlashKind};
use crate::http::pages::{Chrome, render_page};
use crate::http::{csrf, with_db};
use crate::state::AppState;

/// Cookie holding the token of a sign-in waiting for its code.
pub const CHALLENGE_COOKIE: &str = "lr_2fa";
/// Where the second step is.
pub const SECOND_STEP_PATH: &str = "/login/two-factor";

const EXPIRED: &str = "That sign-in took longer than 5 minutes or was already finished. \
     Sign in again.";
const WRONG_CODE: &str = "That code is not right, or was already used. Type the code your app \
     shows now, or an unused recovery code. After 5 failed attempts the account is locked for \
     15 minutes.";
const LOCKED: &str = "Too many failed attempts: the account is locked for 15 minutes.";

/// Records a sign-in whose password was right and returns the cookie that carries it to the
/// second step.
pub fn begin(
    conn: &mut DbConn,
    user_id: &str,
    next: &str,
    secure: bool,
) -> diesel::QueryResult<Cookie<'static>> {
    let token = crate::crypto::random_token();
    let at = crate::db::now();
    two_factor::insert_challenge(
        conn,
        &Challenge {
            id: crate::crypto::sha256_hex(token.as_bytes()),
            user_id: user_id.to_string(),
            next: next.to_string(),
            expires_at: at + CHALLENGE_LIFETIME,
            created_at: at,
        },
    )?;
    Ok(challenge_cookie(token, secure))
}

fn challenge_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(CHALLENGE_COOKIE, token)
        .path("/login")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::minutes(5))
        .finish()
}

fn removal_cookie() -> Cookie<'static> {
    let mut cookie = Cookie::build(CHALLENGE_COOKIE, "").path("/login").finish();
    cookie.make_removal();
    cookie
}

fn challenge_id(req: &HttpRequest) -> Option<String> {
    req.cookie(CHALLENGE_COOKIE)
        .map(|cookie| crate::crypto::sha256_hex(cookie.value().as_bytes()))
}

fn start_again(message: &str) -> Result<HttpResponse, AppError> {
    let mut response = flash::redirect_with("/login", FlashKind::Error, message);
    response
        .add_cookie(&removal_cookie())
        .map_err(anyhow::Error::from)?;
    Ok(response)
}

fn render_form(
    req: &HttpRequest,
    state: &AppState,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (token, cookie) = csrf::anonymous_token(req, &state.csrf_key, state.secure_cookies);
    let page = SecondFactorPage {
        chrome: Chrome {
            csrf_token: token,
            flash: flash::take(req),
            ..Chrome::anonymous()
        },
        error,
    };
    render_page(status, &page, cookie)
}

/// `GET /login/two-factor`.
pub async fn second_factor_form(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let Some(id) = challenge_id(&req) else {
        return start_again(EXPIRED);
    };
    let live = with_db(&state.db, move |conn| {
        Ok(two_factor::find_challenge(conn, &id)?)
    })
    .await?;
    if live.is_none() {
        return start_again(EXPIRED);
    }
    render_form(&req, &state, None, StatusCode::OK)
}

/// The code form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// What the second step came to.
enum Outcome {
    SignedIn(Box<session::OpenedSession>, String),
    Wrong,
    Locked,
    Expired,
}

/// `POST /login/two-factor`.
pub async fn verify_second_factor(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    check_throttle(&req, &state)?;
    let Some(id) = challenge_id(&req) else {
        return start_again(EXPIRED);
    };
    let ip = client_ip(&req);
    let old_session = session::token_of(&req);
    let user_agent = session::user_agent(&req);
    let secure = state.secure_cookies;
    let secret_box = state.secret_box.clone();
    let typed = form.into_inner().code;
    let outcome = with_db(&state.db, move |conn| {
        let Some(challenge) = two_factor::find_challenge(conn, &id)? else {
            return Ok(Outcome::Expired);
        };
        let user = queries::find(conn, &CompanyScope::All, &challenge.user_id)?;
        let actor = Actor {
            user_id: Some(user.id.clone()),
            label: user.email.clone(),
            ip,
        };
        let row = two_factor::find(conn, &user.id)?.filter(|row| row.enabled_at.is_some());
        let Some(row) = row else {
            // Reset by an admin meanwhile: the sign-in starts over.
            two_factor::delete_challenge(conn, &id)?;
            return Ok(Outcome::Expired);
        };
        if user
            .locked_until
            .is_some_and(|until| until > crate::db::now())
        {
            two_factor::delete_challenge(conn, &id)?;
            refuse(conn, &actor, &user, "account locked")?;
            return Ok(Outcome::Locked);
        }
        let checked = check_code(conn, &secret_box, &row, &typed, true)?;
        if !checked.accepted() {
            let now_locked = queries::record_failed_login(conn, &user.id, MAX_FAILURES, LOCK_FOR)?;
            if now_locked {
                two_factor::delete_challenge(conn, &id)?;
                refuse(
                    conn,
                    &actor,
                    &user,
                    "wrong code; account locked for 15 minutes",
                )?;
                return Ok(Outcome::Locked);
            }
            refuse(conn, &actor, &user, "wrong code")?;
            return Ok(Outcome::Wrong);
        }
        let company = user.company_id.clone();
        let detail = if checked == CodeCheck::Recovery {
            let left = two_factor::recovery_codes_left(conn, &user.id)?;
            format!("{}; {left} left", checked.words())
        } else {
            checked.words().to_string()
        };
        crate::db::write_transaction(conn, |conn| {
            two_factor::delete_challenge(conn, &id)?;
            queries::record_login(conn, &user.id)?;
            let opened =
                session::open(conn, old_session, &user.id, &actor.ip, &user_agent, secure)?;
            audit::record(
                conn,
                &actor,
                company.as_deref(),
                Action::LoginSucceeded,
                &user.email,
                &detail,
            )?;
            Ok(Outcome::SignedIn(Box::new(opened), challenge.next))
        })
    })
    .await?;
    match outcome {
        Outcome::SignedIn(opened, next) => {
            let mut response = HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, next))
                .cookie(opened.cookie)
                .finish();
            response
                .add_cookie(&removal_cookie())
                .map_err(anyhow::Error::from)?;
            Ok(response)
        }
        Outcome::Wrong => render_form(
            &req,
            &state,
            Some(WRONG_CODE.to_string()),
            StatusCode::UNAUTHORIZED,
        ),
        Outcome::Locked => start_again(LOCKED),
        Outcome::Expired => start_again(EXPIRED),
    }
}

/// Audits a refused second step.
fn refuse(conn: &mut DbConn, actor: &Actor, user: &User, detail: &str) -> diesel::QueryResult<()> {
    audit::record(
        conn,
        actor,
        user.company_id.as_deref(),
        Action::SecondFactorFailed,
        &user.email,
        detail,
    )
}
