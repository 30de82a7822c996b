//! Static assets, embedded in the binary so a single file is the whole product.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

/// (path under /static/, content type, bytes)
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "css/app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/css/app.css"),
    ),
    (
        "js/app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/js/app.js"),
    ),
    (
        "img/logo.svg",
        "image/svg+xml",
        include_bytes!("../../static/img/logo.svg"),
    ),
];

/// `GET /static/{path}`.
pub async fn serve_static(path: web::Path<String>) -> HttpResponse {
    match FILES.iter().find(|(name, _, _)| *name == path.as_str()) {
        Some((_, content_type, bytes)) => HttpResponse::Ok()
            .content_type(*content_type)
            // Asset URLs carry the version (`?v=`), so a day of caching is safe.
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(*bytes),
        None => crate::error::error_page(
            actix_web::http::StatusCode::NOT_FOUND,
            "There is no such file.",
        ),
    }
}
