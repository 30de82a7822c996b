//! Opening and closing sessions: the cookie and its row.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};

use crate::accounts::model::Session;
use crate::accounts::queries;
use crate::db::DbConn;
use crate::db::now;
use crate::http::csrf::SESSION_COOKIE;

/// A freshly opened session: the cookie to set and the token's CSRF basis.
pub struct OpenedSession {
    /// The `lr_session` cookie.
    pub cookie: Cookie<'static>,
    /// The token in the cookie.
    pub token: String,
}

/// Opens a new session for `user_id` (ending the one the request carried, if any: the id
/// changes at every sign-in).
pub fn open(
    conn: &mut DbConn,
    req_session_cookie: Option<String>,
    user_id: &str,
    ip: &str,
    user_agent: &str,
    secure: bool,
) -> diesel::QueryResult<OpenedSession> {
    if let Some(old) = req_session_cookie {
        queries::delete_session(conn, &crate::crypto::sha256_hex(old.as_bytes()))?;
    }
    queries::delete_idle_sessions(conn)?;
    let token = crate::crypto::random_token();
    let at = now();
    queries::insert_session(
        conn,
        &Session {
            id: crate::crypto::sha256_hex(token.as_bytes()),
            user_id: user_id.to_string(),
            ip: ip.to_string(),
            user_agent: user_agent.chars().take(300).collect(),
            created_at: at,
            last_seen_at: at,
        },
    )?;
    Ok(OpenedSession {
        cookie: session_cookie(token.clone(), secure),
        token,
    })
}

fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// The cookie that removes the session cookie.
pub fn removal_cookie() -> Cookie<'static> {
    let mut cookie = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    cookie.make_removal();
    cookie
}

/// The session token a request carries.
pub fn token_of(req: &HttpRequest) -> Option<String> {
    req.cookie(SESSION_COOKIE).map(|c| c.value().to_string())
}

/// The browser's self-description, for the sessions table.
pub fn user_agent(req: &HttpRequest) -> String {
    req.headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_string()
}
