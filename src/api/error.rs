//! The API's errors: always JSON `{"error": "<a sentence>"}` with the right status, never an
//! HTML page, never a detail of ours (those are logged).

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, WWW_AUTHENTICATE};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong and what to do, in a sentence.
    #[schema(
        example = "That lead was already delivered; send {\"confirm\": true} to send it again."
    )]
    pub error: String,
}

/// What can go wrong in an API request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No token, a malformed one, an unknown or revoked one.
    #[error("{0}")]
    Unauthorized(String),
    /// The token's scope does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// No such lead (or location) in the token's company.
    #[error("{0}")]
    NotFound(String),
    /// The query or body cannot be read; the sentence says which part.
    #[error("{0}")]
    BadRequest(String),
    /// A body that is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The lead's state does not allow it now.
    #[error("{0}")]
    Conflict(String),
    /// Our fault, or the database is unavailable; details are logged.
    #[error("Something went wrong on our side; try again in a moment.")]
    Unavailable(#[source] AppError),
}

impl ApiError {
    /// The answer for a lead that is not the token's company's.
    pub fn lead_not_found() -> Self {
        Self::NotFound("No lead with that id belongs to this token's company.".to_string())
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound => {
                Self::NotFound("Nothing with that id belongs to this token's company.".to_string())
            }
            other => Self::Unavailable(other),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        AppError::from(err).into()
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unavailable(AppError::Unexpected(err)) if is_pool_timeout(err) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Unavailable(AppError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unavailable(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Unavailable(err) = self {
            let detail = match err {
                AppError::Unexpected(err) => format!("{err:#}"),
                other => other.to_string(),
            };
            tracing::error!(error = detail, "API request failed");
        }
        let mut answer = HttpResponse::build(self.status_code());
        answer.insert_header((CACHE_CONTROL, "no-store"));
        if let Self::Unauthorized(_) = self {
            answer.insert_header((WWW_AUTHENTICATE, "Bearer realm=\"leadrelay\""));
        }
        answer.json(ErrorBody {
            error: self.to_string(),
        })
    }
}

/// Every other URL under `/api/`: a JSON 404 rather than the portal's page.
pub async fn unknown_api_url() -> HttpResponse {
    ApiError::NotFound(
        "There is no such API endpoint; /api/openapi.json lists them all.".to_string(),
    )
    .error_response()
}

fn is_pool_timeout(err: &anyhow::Error) -> bool {
    err.chain()
        .any(<dyn std::error::Error + 'static>::is::<r2d2::Error>)
}
