//! Who is calling the API: [`ApiCaller`], from `Authorization: Bearer lr_…` and nothing
//! else — a portal session cookie is never accepted here, so a page of another site cannot
//! make a signed-in browser call the API (and the API needs no CSRF token).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};

use crate::api::error::ApiError;
use crate::api::model::TokenScope;
use crate::api::{queries, token};
use crate::audit::Actor;
use crate::domain::scope::CompanyScope;
use crate::http::extractors::client_ip;
use crate::state::AppState;

/// A request with a valid, live token.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    /// The token's public id.
    pub token_id: String,
    /// Its name.
    pub token_name: String,
    /// What it may do.
    pub scope: TokenScope,
    /// Its company.
    pub company_id: String,
    /// The company's time zone (IANA), which `from`/`to` days are read in.
    pub time_zone: String,
    /// Client IP, for the audit log.
    pub ip: String,
}

impl ApiCaller {
    /// What the token may see: its company only.
    pub fn company_scope(&self) -> CompanyScope {
        CompanyScope::Company(self.company_id.clone())
    }

    /// Who acted, for the audit log and a lead's timeline.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: None,
            label: format!("API token \"{}\" ({})", self.token_name, self.token_id),
            ip: self.ip.clone(),
        }
    }

    /// 403 unless the token may resend leads.
    pub fn require_resend(&self) -> Result<(), ApiError> {
        if self.scope.may_resend() {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "This token may only read leads; resending needs a token with the \"read and resend\" scope.".to_string(),
            ))
        }
    }
}

const NO_TOKEN: &str = "Send an API token in the Authorization header: \"Authorization: Bearer lr_…\". A company admin makes tokens on the company's API tokens page.";
const BAD_TOKEN: &str = "That API token is not valid: it may have been revoked, or mistyped.";

/// The token text of `Authorization: Bearer <token>` (scheme case-insensitive).
fn bearer(req: &HttpRequest) -> Result<&str, ApiError> {
    let header = req
        .headers()
        .get(AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized(NO_TOKEN.to_string()))?;
    let text = header
        .to_str()
        .map_err(|_| ApiError::Unauthorized(BAD_TOKEN.to_string()))?;
    let (scheme, credentials) = text
        .split_once(' ')
        .ok_or_else(|| ApiError::Unauthorized(NO_TOKEN.to_string()))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::Unauthorized(NO_TOKEN.to_string()));
    }
    Ok(credentials.trim())
}

impl FromRequest for ApiCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let presented = bearer(&req)?;
            let (id, secret) = token::split(presented)
                .ok_or_else(|| ApiError::Unauthorized(BAD_TOKEN.to_string()))?;
            let (id, secret) = (id.to_string(), secret.to_string());
            let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| {
                ApiError::Unavailable(crate::error::AppError::Unexpected(anyhow::anyhow!(
                    "application state missing"
                )))
            })?;
            let found = crate::http::with_db(&state.db, move |conn| {
                let Some(found) = queries::find_live(conn, &id)? else {
                    return Ok(None);
                };
                if !token::secret_matches(&secret, &found.secret_hash) {
                    return Ok(None);
                }
                queries::touch(conn, &found, crate::db::now())?;
                let company = crate::tenants::queries::find_company(conn, &found.company_id)?;
                Ok(Some((found, company.time_zone)))
            })
            .await?;
            let Some((found, time_zone)) = found else {
                tracing::info!(path = req.path(), "API request with an invalid token");
                return Err(ApiError::Unauthorized(BAD_TOKEN.to_string()));
            };
            Ok(ApiCaller {
                scope: found.scope(),
                token_id: found.id,
                token_name: found.name,
                company_id: found.company_id,
                time_zone,
                ip: client_ip(&req),
            })
        })
    }
}
