//! CSRF protection for every state-changing request (SPEC §3), enforced by one middleware
//! so no form can forget it.
//!
//! The token is stateless: HMAC(csrf key, session token) for a signed-in visitor, or
//! HMAC(csrf key, anonymous cookie) before sign-in (login and first-run setup forms). An
//! attacker's page can neither read the cookies nor compute the HMAC. Webhooks (`/hooks/…`)
//! are exempt: they are authenticated by their signed URL, not a browser session; so is the
//! JSON API (`/api/v1/…`), which accepts only a bearer token and never a cookie.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::AppError;
use crate::state::AppState;

/// Cookie holding the session token.
pub const SESSION_COOKIE: &str = "lr_session";
/// Cookie holding a random value that anchors the token of visitors not signed in.
pub const ANONYMOUS_COOKIE: &str = "lr_csrf";
/// Name of the hidden form field.
pub const FIELD: &str = "csrf_token";
/// Header accepted instead of the form field.
pub const HEADER: &str = "x-csrf-token";

fn token(key: &[u8; 32], kind: &str, basis: &str) -> String {
    let mac = crate::crypto::hmac_sha256(key, format!("csrf:{kind}:{basis}").as_bytes());
    URL_SAFE_NO_PAD.encode(mac)
}

/// The token this request's forms must carry, if the request can carry one at all.
pub fn expected_token(req: &HttpRequest, key: &[u8; 32]) -> Option<String> {
    if let Some(session) = req.cookie(SESSION_COOKIE) {
        return Some(token(key, "session", session.value()));
    }
    req.cookie(ANONYMOUS_COOKIE)
        .map(|anonymous| token(key, "anonymous", anonymous.value()))
}

/// The token for a new session (used right after sign-in, before the cookie round-trips).
pub fn token_for_session(key: &[u8; 32], session_token: &str) -> String {
    token(key, "session", session_token)
}

/// The token for a visitor who is not signed in, and the cookie to set when they had none.
pub fn anonymous_token(
    req: &HttpRequest,
    key: &[u8; 32],
    secure: bool,
) -> (String, Option<Cookie<'static>>) {
    if let Some(expected) = expected_token(req, key) {
        return (expected, None);
    }
    let value = crate::crypto::random_token();
    let cookie = Cookie::build(ANONYMOUS_COOKIE, value.clone())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish();
    (token(key, "anonymous", &value), Some(cookie))
}

fn needs_check(req: &ServiceRequest) -> bool {
    !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && !req.path().starts_with("/hooks/")
        && !req.path().starts_with(crate::routes::API_PREFIX)
}

/// Middleware: a state-changing request without the right token answers 403.
pub async fn verify_csrf(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if needs_check(&req) {
        let key = req
            .app_data::<web::Data<AppState>>()
            .map(|state| state.csrf_key)
            .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("application state missing")))?;
        let expected = expected_token(req.request(), &key);
        let header = req
            .headers()
            .get(HEADER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        let provided = match header {
            Some(value) => Some(value),
            None => {
                // Forms are URL-encoded and small: read the body, find the field, and put
                // the body back for the handler.
                let body = req.extract::<web::Bytes>().await?;
                let field = url::form_urlencoded::parse(&body)
                    .find(|(name, _)| name == FIELD)
                    .map(|(_, value)| value.into_owned());
                req.set_payload(Payload::from(body));
                field
            }
        };
        let matches = match (expected, provided) {
            (Some(expected), Some(provided)) => {
                use subtle::ConstantTimeEq;
                bool::from(expected.as_bytes().ct_eq(provided.as_bytes()))
            }
            _ => false,
        };
        if !matches {
            tracing::info!(path = %req.path(), "refused a request without a valid CSRF token");
            return Err(AppError::Csrf.into());
        }
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn tokens_depend_on_the_key_and_the_session() {
        let key = [7u8; 32];
        let req = TestRequest::default()
            .cookie(Cookie::new(SESSION_COOKIE, "abc"))
            .to_http_request();
        let expected = expected_token(&req, &key).unwrap();
        assert_eq!(expected, token_for_session(&key, "abc"));
        assert_ne!(expected, token_for_session(&key, "abd"));
        assert_ne!(expected, token_for_session(&[8u8; 32], "abc"));
        let anonymous = TestRequest::default().to_http_request();
        assert!(expected_token(&anonymous, &key).is_none());
        let (first, cookie) = anonymous_token(&anonymous, &key, false);
        assert!(cookie.is_some() && !first.is_empty());
    }
}
