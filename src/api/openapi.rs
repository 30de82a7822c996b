//! The API's OpenAPI 3.1 document, generated from the handlers' annotations and served at
//! `GET /api/openapi.json` (tests parse it and check it lists exactly the API's routes).

use actix_web::HttpResponse;
use actix_web::http::header::CACHE_CONTROL;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::error::ErrorBody;
use crate::api::leads::{ResendBody, Resent};
use crate::api::shapes::{FieldProblem, LeadDetail, LeadList, LeadSummary, TimelineEntry};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "leadrelay API",
        description = "A company's leads for scripts: list and filter them, read one lead's delivery timeline, resend a lead. Authenticate with a company API token: `Authorization: Bearer lr_…` (made by a company admin on the portal's API tokens page).",
    ),
    paths(
        crate::api::leads::list_leads,
        crate::api::leads::show_lead,
        crate::api::leads::resend_lead,
    ),
    components(schemas(
        ErrorBody,
        LeadList,
        LeadSummary,
        LeadDetail,
        TimelineEntry,
        FieldProblem,
        ResendBody,
        Resent,
    )),
    modifiers(&BearerToken),
    tags((name = "leads", description = "A company's leads and their deliveries")),
)]
pub struct ApiDoc;

/// Declares the `token` security scheme the paths name.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("lr_<id>_<secret>")
                    .description(Some("A company API token"))
                    .build(),
            ),
        );
    }
}

/// The document with this build's version.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc
}

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "public, max-age=300"))
        .json(document())
}
