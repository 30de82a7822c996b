//! `GET`/`DELETE /sandbox/contacts` and `/sandbox/jobs` (no key needed, like
//! `/sandbox/leads`): what the v2 surface holds across keys, oldest first, each with its
//! `companyId` (never the key).

use actix_web::{HttpResponse, web};

use crate::sandbox::server::SandboxState;

/// `GET /sandbox/contacts`.
pub(crate) async fn list_contacts(state: web::Data<SandboxState>) -> HttpResponse {
    HttpResponse::Ok().json(state.v2.contacts())
}

/// `DELETE /sandbox/contacts`: forgets the contacts (jobs stay).
pub(crate) async fn clear_contacts(state: web::Data<SandboxState>) -> HttpResponse {
    state.v2.clear_contacts();
    HttpResponse::NoContent().finish()
}

/// `GET /sandbox/jobs`.
pub(crate) async fn list_jobs(state: web::Data<SandboxState>) -> HttpResponse {
    HttpResponse::Ok().json(state.v2.jobs())
}

/// `DELETE /sandbox/jobs`: forgets the jobs (contacts stay).
pub(crate) async fn clear_jobs(state: web::Data<SandboxState>) -> HttpResponse {
    state.v2.clear_jobs();
    HttpResponse::NoContent().finish()
}
