//! What every page shares: the layout's "chrome" (who is signed in, the CSRF token for the
//! logout form, a flash message) and the error page.

use actix_web::http::StatusCode;
use askama::Template;

/// Version shown in the footer and appended to asset URLs.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The signed-in person, as the layout shows them.
#[derive(Debug, Clone)]
pub struct ChromeUser {
    /// Their email.
    pub email: String,
    /// Their role, as words ("Company admin").
    pub role_label: String,
    /// Whether to show the platform-admin navigation.
    pub is_platform_admin: bool,
    /// Whether to show company-admin navigation.
    pub is_company_admin: bool,
    /// Slug of their company (none for platform admins).
    pub company_slug: Option<String>,
}

/// A one-time message shown at the top of the next page ("Location created").
#[derive(Debug, Clone)]
pub struct Flash {
    /// `success` or `error`: styles the message (the text says it too).
    pub kind: &'static str,
    /// The message.
    pub message: String,
}

/// Layout data every page carries.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    /// Who is signed in, if anyone.
    pub user: Option<ChromeUser>,
    /// The session's CSRF token, for forms in the layout (logout).
    pub csrf_token: String,
    /// A message from the previous action.
    pub flash: Option<Flash>,
}

impl Chrome {
    /// The chrome of a page seen by someone not signed in.
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// The product version, for the footer and asset URLs.
    pub fn version(&self) -> &'static str {
        VERSION
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Layout data.
    pub chrome: Chrome,
    /// HTTP status code.
    pub status: u16,
    /// Short title ("Not found").
    pub title: String,
    /// What happened and what to do.
    pub message: String,
}

impl ErrorPage {
    /// An error page for this status and message.
    pub fn new(status: StatusCode, message: &str) -> Self {
        Self {
            chrome: Chrome::anonymous(),
            status: status.as_u16(),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            message: message.to_string(),
        }
    }
}

/// A rendered page with this status (a 422 that shows the form again, say), plus a cookie
/// when one must be set (the anonymous CSRF cookie of the login and setup pages).
pub fn render_page(
    status: StatusCode,
    page: &impl Template,
    cookie: Option<actix_web::cookie::Cookie<'static>>,
) -> Result<actix_web::HttpResponse, crate::error::AppError> {
    let html = page.render().map_err(anyhow::Error::from)?;
    let mut response = actix_web::HttpResponse::build(status);
    if let Some(cookie) = cookie {
        response.cookie(cookie);
    }
    Ok(response.content_type("text/html; charset=utf-8").body(html))
}
