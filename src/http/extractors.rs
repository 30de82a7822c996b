//! Who is asking: [`CurrentUser`] (a signed-in person, from the session cookie) and the
//! [`CompanyScope`] every company-owned query takes, so a request for another company's data
//! finds nothing (404) by construction (SPEC §3).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use crate::accounts::model::Role;
use crate::accounts::queries::{self, SessionUser};
use crate::domain::scope::CompanyScope;
use crate::error::AppError;
use crate::http::csrf;
use crate::http::flash;
use crate::http::pages::{Chrome, ChromeUser, Flash};
use crate::state::AppState;

/// A signed-in person, extracted from the session cookie; anonymous requests are sent to
/// the login page.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// User id.
    pub id: String,
    /// Email.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Company id (none for platform admins).
    pub company_id: Option<String>,
    /// Company slug (none for platform admins).
    pub company_slug: Option<String>,
    /// The time zone (IANA) every time is shown in: the one chosen on the account page, else
    /// the company's, else (platform admins) UTC.
    pub time_zone: String,
    /// The time zone chosen on the account page, if any.
    pub own_time_zone: Option<String>,
    /// The zone followed when none is chosen: the company's, or UTC.
    pub default_time_zone: String,
    /// SHA-256 of the session token (the session's row id).
    pub session_id: String,
    /// CSRF token for this session's forms.
    pub csrf_token: String,
    /// Message from the previous action.
    pub flash: Option<Flash>,
    /// Client IP, for the audit log.
    pub ip: String,
    /// Whether the user's company requires two-factor sign-in.
    pub two_factor_required: bool,
}

impl CurrentUser {
    /// What this user may see.
    pub fn scope(&self) -> CompanyScope {
        match (&self.role, &self.company_id) {
            (Role::PlatformAdmin, _) | (_, None) => CompanyScope::All,
            (_, Some(company_id)) => CompanyScope::Company(company_id.clone()),
        }
    }

    /// Whether the user manages companies (SPEC §3: platform admin).
    pub fn is_platform_admin(&self) -> bool {
        self.role == Role::PlatformAdmin
    }

    /// Whether the user may change things of their company (locations, keys, users…).
    pub fn is_admin(&self) -> bool {
        matches!(self.role, Role::PlatformAdmin | Role::CompanyAdmin)
    }

    /// 403 unless the user may change things.
    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// 403 unless a platform admin.
    pub fn require_platform_admin(&self) -> Result<(), AppError> {
        if self.is_platform_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The layout data for a page shown to this user.
    pub fn chrome(&self) -> Chrome {
        Chrome {
            user: Some(ChromeUser {
                email: self.email.clone(),
                role_label: self.role.label().to_string(),
                is_platform_admin: self.is_platform_admin(),
                is_company_admin: self.role == Role::CompanyAdmin,
                company_slug: self.company_slug.clone(),
            }),
            csrf_token: self.csrf_token.clone(),
            flash: self.flash.clone(),
        }
    }
}

/// The client's IP address: the socket's peer, or what a trusted proxy says in
/// `X-Forwarded-For` (`LEADRELAY_TRUSTED_PROXIES`, see [`crate::domain::proxies`]). Empty
/// when the peer is unknown.
pub fn client_ip(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|addr| addr.ip()) else {
        return String::new();
    };
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return peer.to_string();
    };
    let proxies = &state.settings.trusted_proxies;
    if proxies.is_empty() {
        return peer.to_string();
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok());
    proxies.client_ip(peer, forwarded).to_string()
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let unauthenticated = || AppError::Unauthenticated(login_return_path(&req));
            let token = req
                .cookie(csrf::SESSION_COOKIE)
                .map(|cookie| cookie.value().to_string())
                .ok_or_else(unauthenticated)?;
            let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| {
                AppError::Unexpected(anyhow::anyhow!("application state missing"))
            })?;
            let session_id = crate::crypto::sha256_hex(token.as_bytes());
            let lookup_id = session_id.clone();
            let found = crate::http::with_db(&state.db, move |conn| {
                Ok(queries::find_live_session(conn, &lookup_id)?)
            })
            .await?;
            let found = found.ok_or_else(unauthenticated)?;
            // SPEC §3 / issue 12: until they enrol, a user whose company requires two factors
            // can reach nothing but the enrolment page and sign-out.
            if found.must_enrol
                && !crate::accounts::two_factor::allowed_before_enrolment(req.path())
            {
                return Err(AppError::TwoFactorEnrolmentRequired);
            }
            let SessionUser {
                user,
                company_slug,
                company_zone,
                own_zone,
                two_factor_required,
                ..
            } = found;
            let default_time_zone = company_zone.unwrap_or_else(|| "UTC".to_string());
            // A stored name chrono-tz no longer knows falls back to the default, never to a
            // page that cannot show times.
            let own_time_zone = own_zone.filter(|zone| crate::http::time::is_time_zone(zone));
            Ok(CurrentUser {
                role: user.role(),
                id: user.id,
                email: user.email,
                company_id: user.company_id,
                company_slug,
                time_zone: own_time_zone
                    .clone()
                    .unwrap_or_else(|| default_time_zone.clone()),
                own_time_zone,
                default_time_zone,
                session_id,
                csrf_token: csrf::token_for_session(&state.csrf_key, &token),
                flash: flash::take(&req),
                ip: client_ip(&req),
                two_factor_required,
            })
        })
    }
}

/// Where to come back to after signing in: this page for a GET, else the start page.
fn login_return_path(req: &HttpRequest) -> String {
    if req.method() == actix_web::http::Method::GET {
        let uri = req.uri();
        uri.path_and_query()
            .map_or_else(|| "/".to_string(), |pq| pq.as_str().to_string())
    } else {
        "/".to_string()
    }
}
