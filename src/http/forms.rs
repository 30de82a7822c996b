//! What a malformed form, query or path answers: the error page with a sentence that says
//! what was wrong (400), instead of actix's plain-text default.

use actix_web::{HttpRequest, error, web};

use crate::error::AppError;

fn bad(message: String) -> actix_web::Error {
    error::InternalError::from_response(
        message.clone(),
        crate::error::error_page(actix_web::http::StatusCode::BAD_REQUEST, &message),
    )
    .into()
}

/// Form bodies: at most 256 KiB; errors name the problem.
pub fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(256 * 1024)
        .error_handler(|err, _req: &HttpRequest| {
            bad(format!(
                "The form could not be read ({err}). Go back, reload the page and try again."
            ))
        })
}

/// Query strings.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req: &HttpRequest| {
        bad(format!(
            "The address has a parameter we cannot read ({err})."
        ))
    })
}

/// Path segments.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err, _req: &HttpRequest| AppError::NotFound.into())
}
