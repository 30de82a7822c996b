//! The error policy of request handlers.
//!
//! - Queries return `diesel::QueryResult`; code outside requests uses `anyhow` with
//!   `.context("while …")`; handlers return `Result<_, AppError>`.
//! - [`AppError`] maps to a status in one `match` ([`AppError::status_code`]) and renders the
//!   error page. The webhook endpoint answers JSON and builds its own answers.
//! - `diesel::NotFound` is a 404; a unique violation is a `Conflict`; anything else is
//!   `Unexpected`: logged in full, shown to the user only as a generic sentence, so no
//!   internal detail (or secret) reaches a page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::http::pages::ErrorPage;

/// What can go wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not signed in: redirect to the login page, then back to this path.
    #[error("Please sign in.")]
    Unauthenticated(String),
    /// Signed in, but the company requires two-factor sign-in and the user has not enrolled:
    /// redirect to the enrolment page.
    #[error("Set up two-factor sign-in first.")]
    TwoFactorEnrolmentRequired,
    /// The thing does not exist, or belongs to another company (SPEC §3: same answer).
    #[error("We could not find that page. It may have been removed, or the link is mistyped.")]
    NotFound,
    /// Signed in, but the role does not allow it.
    #[error("Your role does not allow this. Ask an admin of your company.")]
    Forbidden,
    /// The request's CSRF token is missing or wrong.
    #[error(
        "This form has expired or did not come from leadrelay. Go back, reload the page and try again."
    )]
    Csrf,
    /// Input that cannot be accepted; the message says what to change.
    #[error("{0}")]
    Validation(String),
    /// The change conflicts with existing data (a duplicate name, say).
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; the message says when to retry.
    #[error("{0}")]
    TooManyRequests(String),
    /// The database cannot be reached or its disk is full: nothing is wrong with the request,
    /// it can be made again once the operator has fixed the database (503).
    #[error(
        "{}. Nothing was changed. Try again in a few minutes; if it keeps happening, tell your administrator.",
        capitalised(.0.sentence())
    )]
    Unavailable(crate::db::outage::Outage),
    /// A fault of ours; details are logged, not shown.
    #[error(
        "Something went wrong on our side. Please try again; if it keeps happening, tell your administrator."
    )]
    Unexpected(#[source] anyhow::Error),
}

impl AppError {
    /// A validation error with a message for the user.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::Validation(message.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        Self::Unexpected(err)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => Self::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::Conflict("That already exists.".to_string())
            }
            other => match crate::db::outage::outage_of(&other) {
                Some(outage) => {
                    tracing::error!(error = %other, "database unavailable");
                    Self::Unavailable(outage)
                }
                None => Self::Unexpected(anyhow::Error::new(other).context("database query")),
            },
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(err: r2d2::Error) -> Self {
        // The pool gives up only when no connection can be made (or all stay busy).
        let message = err.to_string();
        tracing::error!(error = %message, "no database connection available");
        Self::Unavailable(crate::db::outage::outage_of_message(&message))
    }
}

/// `text` with its first letter upper-case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::Unexpected(anyhow::anyhow!("blocking task failed: {err}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthenticated(_) | Self::TwoFactorEnrolmentRequired => StatusCode::SEE_OTHER,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Unexpected(err) = self {
            tracing::error!(error = format!("{err:#}"), "request failed");
        }
        if let Self::TwoFactorEnrolmentRequired = self {
            return HttpResponse::SeeOther()
                .insert_header((
                    actix_web::http::header::LOCATION,
                    crate::accounts::two_factor::ENROL_PATH,
                ))
                .finish();
        }
        if let Self::Unauthenticated(next) = self {
            let target = if next == "/" {
                "/login".to_string()
            } else {
                let encoded: String =
                    url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
                format!("/login?next={encoded}")
            };
            return HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, target))
                .finish();
        }
        error_page(self.status_code(), &self.to_string())
    }
}

/// Renders the error page with this status and message.
pub fn error_page(status: StatusCode, message: &str) -> HttpResponse {
    let page = ErrorPage::new(status, message);
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(err) => {
            tracing::error!(error = %err, "error page failed to render");
            HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(message.to_string())
        }
    }
}
