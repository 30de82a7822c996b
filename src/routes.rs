//! The one route table of the product. Every URL is here; handlers live in their features.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::{history, http, ops};

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(ops::healthz))
        .route("/readyz", web::get().to(ops::readyz))
        .route(
            "/static/{path:.*}",
            web::get().to(http::static_files::serve_static),
        )
        .route("/", web::get().to(history::handlers::dashboard));
}

/// Every unknown URL: the 404 page.
pub async fn not_found() -> HttpResponse {
    crate::error::error_page(
        StatusCode::NOT_FOUND,
        "We could not find that page. It may have been removed, or the link is mistyped.",
    )
}
