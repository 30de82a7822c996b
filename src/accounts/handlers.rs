//! Sign-in, sign-out and the user's own password.

use crate::http::pages::render_page;
use std::net::IpAddr;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::accounts::model::{User, normalize_email};
use crate::accounts::pages::{AccountPage, LoginPage};
use crate::accounts::{passwords, queries, session, two_factor};
use crate::audit::{self, Action, Actor};
use crate::crypto::password;
use crate::db::DbConn;
use crate::error::AppError;
use crate::http::extractors::{CurrentUser, client_ip};
use crate::http::flash::{self, FlashKind};
use crate::http::pages::Chrome;
use crate::http::{csrf, with_db};
use crate::state::AppState;

/// Consecutive failures (wrong passwords and wrong two-factor codes alike) that lock an
/// account (SPEC §3).
pub const MAX_FAILURES: i32 = 5;
/// How long a locked account stays locked.
pub const LOCK_FOR: chrono::Duration = chrono::Duration::minutes(15);
/// The answer to every failed sign-in: it never says whether the account exists.
const WRONG_CREDENTIALS: &str = "That email and password do not match. After 5 failed attempts an \
     account is locked for 15 minutes.";

/// Query of the login page.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /login`.
pub async fn login_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    render_login(
        &req,
        &state,
        String::new(),
        next,
        None,
        actix_web::http::StatusCode::OK,
    )
}

fn render_login(
    req: &HttpRequest,
    state: &AppState,
    email: String,
    next: String,
    error: Option<String>,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, AppError> {
    let (token, cookie) = csrf::anonymous_token(req, &state.csrf_key, state.secure_cookies);
    let page = LoginPage {
        chrome: Chrome {
            csrf_token: token,
            flash: flash::take(req),
            ..Chrome::anonymous()
        },
        email,
        next,
        error,
    };
    render_page(status, &page, cookie)
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// What a sign-in attempt came to.
enum LoginOutcome {
    Success(session::OpenedSession),
    /// The password was right; the code comes next (the cookie carries the sign-in there).
    SecondStep(actix_web::cookie::Cookie<'static>),
    Refused,
}

/// The per-IP throttle of the sign-in forms (SPEC §3): password and two-factor code alike.
pub fn check_throttle(req: &HttpRequest, state: &AppState) -> Result<(), AppError> {
    if let Ok(addr) = client_ip(req).parse::<IpAddr>()
        && let Err(wait) = state.login_throttle.check(addr)
    {
        let seconds = wait.as_secs().max(1);
        return Err(AppError::TooManyRequests(format!(
            "Too many sign-in attempts from your network. Wait {seconds} seconds and try again."
        )));
    }
    Ok(())
}

/// `POST /login`.
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    check_throttle(&req, &state)?;
    let ip = client_ip(&req);
    let email = normalize_email(&form.email);
    let actor_ip = ip.clone();
    let old_session = session::token_of(&req);
    let user_agent = session::user_agent(&req);
    let secure = state.secure_cookies;
    let typed_email = email.clone();
    let pending_next = next.clone();
    // Three steps, so argon2 runs on the blocking pool and holds no connection: read the
    // account, check the password, record what happened.
    let lookup = email.clone();
    let user = with_db(&state.db, move |conn| {
        Ok(queries::find_by_email(conn, &lookup)?)
    })
    .await?;
    let matches = passwords::verify(
        form.password.clone(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    let outcome = with_db(&state.db, move |conn| {
        let Some(user) = user else {
            let actor = Actor {
                user_id: None,
                label: email.clone(),
                ip: actor_ip,
            };
            audit::record(
                conn,
                &actor,
                None,
                Action::LoginFailed,
                &email,
                "no such user",
            )?;
            return Ok(LoginOutcome::Refused);
        };
        let second_step = matches && two_factor::queries::is_enabled(conn, &user.id)?;
        let next_step = |conn: &mut DbConn, actor: &Actor| {
            if second_step {
                two_factor::sign_in::begin(conn, &user.id, &pending_next, secure)
                    .map(LoginOutcome::SecondStep)
            } else {
                session::open(conn, old_session, &user.id, &actor.ip, &user_agent, secure)
                    .map(LoginOutcome::Success)
            }
        };
        record_attempt(conn, &user, actor_ip, matches, second_step, next_step)
    })
    .await?;
    match outcome {
        LoginOutcome::Success(opened) => Ok(HttpResponse::SeeOther()
            .insert_header((actix_web::http::header::LOCATION, next))
            .cookie(opened.cookie)
            .finish()),
        LoginOutcome::SecondStep(cookie) => Ok(HttpResponse::SeeOther()
            .insert_header((
                actix_web::http::header::LOCATION,
                two_factor::sign_in::SECOND_STEP_PATH,
            ))
            .cookie(cookie)
            .finish()),
        LoginOutcome::Refused => render_login(
            &req,
            &state,
            typed_email,
            next,
            Some(WRONG_CREDENTIALS.to_string()),
            actix_web::http::StatusCode::UNAUTHORIZED,
        ),
    }
}

/// Records a sign-in attempt of an existing account: refused while locked, a failure counted
/// toward the lock, or a success that goes on through `next_step`: a session, or (with
/// `second_step`) the two-factor step, which neither clears the failure count nor counts as a
/// sign-in yet, so a known password cannot reset the count that guards the codes.
fn record_attempt(
    conn: &mut DbConn,
    user: &User,
    ip: String,
    matches: bool,
    second_step: bool,
    next_step: impl FnOnce(&mut DbConn, &Actor) -> diesel::QueryResult<LoginOutcome>,
) -> Result<LoginOutcome, AppError> {
    let actor = Actor {
        user_id: Some(user.id.clone()),
        label: user.email.clone(),
        ip,
    };
    let company = user.company_id.as_deref();
    let locked = user
        .locked_until
        .is_some_and(|until| until > crate::db::now());
    let refusal = if locked {
        Some("account locked")
    } else if !matches {
        let now_locked = queries::record_failed_login(conn, &user.id, MAX_FAILURES, LOCK_FOR)?;
        Some(if now_locked {
            "wrong password; account locked for 15 minutes"
        } else {
            "wrong password"
        })
    } else {
        None
    };
    if let Some(detail) = refusal {
        audit::record(
            conn,
            &actor,
            company,
            Action::LoginFailed,
            &user.email,
            detail,
        )?;
        return Ok(LoginOutcome::Refused);
    }
    if second_step {
        return Ok(next_step(conn, &actor)?);
    }
    crate::db::write_transaction(conn, |conn| {
        queries::record_login(conn, &user.id)?;
        let opened = next_step(conn, &actor)?;
        audit::record(
            conn,
            &actor,
            company,
            Action::LoginSucceeded,
            &user.email,
            "",
        )?;
        Ok(opened)
    })
}

/// `POST /logout`.
pub async fn logout(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let actor = Actor::user(&user);
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            queries::delete_session(conn, &user.session_id)?;
            audit::record(
                conn,
                &actor,
                user.company_id.as_deref(),
                Action::Logout,
                &user.email,
                "",
            )
        })?;
        Ok(())
    })
    .await?;
    let mut response = flash::redirect_with("/login", FlashKind::Success, "You are signed out.");
    response
        .add_cookie(&session::removal_cookie())
        .map_err(anyhow::Error::from)?;
    Ok(response)
}

/// `GET /account`.
pub async fn account_page(user: CurrentUser) -> AccountPage {
    AccountPage::of(&user, None)
}

/// The password change form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// `POST /account/password`: changes the password and ends every session of the user,
/// this one included.
pub async fn change_password(
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let refuse = |message: &str| -> Result<HttpResponse, AppError> {
        let page = AccountPage::of(&user, Some(message.to_string()));
        render_page(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            &page,
            None,
        )
    };
    if form.new_password != form.confirm_password {
        return refuse("The two new passwords are not the same.");
    }
    if let Err(message) = password::check_policy(&form.new_password) {
        return refuse(&message);
    }
    let actor = Actor::user(&user);
    let (user_id, company_id, email) =
        (user.id.clone(), user.company_id.clone(), user.email.clone());
    let lookup = email.clone();
    let stored = with_db(&state.db, move |conn| {
        queries::find_by_email(conn, &lookup)?.ok_or(AppError::NotFound)
    })
    .await?;
    let changed =
        passwords::verify(form.current_password.clone(), Some(stored.password_hash)).await?;
    if changed {
        let hash = passwords::hash(form.new_password.clone()).await?;
        with_db(&state.db, move |conn| {
            Ok(crate::db::write_transaction(conn, |conn| {
                queries::set_password(conn, &user_id, &hash)?;
                audit::record(
                    conn,
                    &actor,
                    company_id.as_deref(),
                    Action::PasswordChanged,
                    &email,
                    "",
                )
            })?)
        })
        .await?;
    }
    if !changed {
        return refuse("Your current password is not right.");
    }
    let mut response = flash::redirect_with(
        "/login",
        FlashKind::Success,
        "Your password was changed and every session was signed out. Sign in with the new password.",
    );
    response
        .add_cookie(&session::removal_cookie())
        .map_err(anyhow::Error::from)?;
    Ok(response)
}

/// Only local paths are followed after sign-in (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/locations/1")), "/locations/1");
        for bad in ["//evil.example", "https://evil.example", "/\\evil", "evil"] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
