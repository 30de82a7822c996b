//! The sandbox's AccuLynx v2 surface for the contact → job lead flow, per
//! `reference/acculynx-v2-contact-job.md` (OpenAPI 2.2614.0): seeded lookups, contacts,
//! jobs, external references, the initial appointment, the sales owner and messages.
//!
//! Every request goes through [`crate::sandbox::server::SandboxState::admit_as`] (per-IP
//! limit, key, per-key limit, the write quotas for writes, programmed faults), and data is
//! held per key: what one key created is a 404 for every other key.

mod contact_body;
mod contacts;
mod fields;
mod geography;
mod inspect;
mod items;
mod job_body;
mod jobs;
mod lookups;
mod model;
mod paging;
pub(crate) mod quota;
mod request;
mod seed;
pub(crate) mod store;

use actix_web::web;

pub use model::{
    V2Appointment, V2Contact, V2ContactAddress, V2Email, V2ExternalReference, V2Job, V2JobAddress,
    V2Message, V2Phone,
};
pub use seed::{
    SeedContactType, SeedCountry, SeedJobCategory, SeedLeadSource, SeedLeadSourceChild, SeedState,
    SeedTradeType, SeedUser, SeedWorkType, V2Seed, seed,
};

/// The v2 routes, under `/api/v2`, and their `/sandbox` inspection pages.
pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    const SETTINGS: &str = "/api/v2/company-settings";
    cfg.route("/api/v2/contacts", web::post().to(contacts::create_contact))
        .route(
            "/api/v2/contacts/search",
            web::post().to(contacts::search_contacts),
        )
        .route(
            "/api/v2/contacts/contact-types",
            web::get().to(lookups::contact_types),
        )
        .route(
            "/api/v2/contacts/{contactId}",
            web::get().to(contacts::get_contact),
        )
        .route(
            "/api/v2/contacts/{contactId}/email-addresses",
            web::get().to(contacts::email_addresses),
        )
        .route(
            "/api/v2/contacts/{contactId}/phone-numbers",
            web::get().to(contacts::phone_numbers),
        )
        .route(
            "/api/v2/contacts/{contactId}/jobs",
            web::get().to(contacts::contact_jobs),
        )
        .route(
            &format!("{SETTINGS}/job-file-settings/job-categories"),
            web::get().to(lookups::job_categories),
        )
        .route(
            &format!("{SETTINGS}/job-file-settings/work-types"),
            web::get().to(lookups::work_types),
        )
        .route(
            &format!("{SETTINGS}/job-file-settings/trade-types"),
            web::get().to(lookups::trade_types),
        )
        .route(
            &format!("{SETTINGS}/leads/lead-sources"),
            web::get().to(lookups::lead_sources),
        )
        .route(
            &format!("{SETTINGS}/location-settings/countries"),
            web::get().to(lookups::countries),
        )
        .route(
            &format!("{SETTINGS}/location-settings/countries/{{countryId}}/states"),
            web::get().to(lookups::states),
        )
        .route("/api/v2/users", web::get().to(lookups::users))
        .route("/api/v2/jobs", web::post().to(jobs::create_job))
        .route(
            "/api/v2/jobs/external-references",
            web::get().to(jobs::find_external_references),
        )
        .route(
            "/api/v2/jobs/external-references",
            web::post().to(jobs::add_external_reference),
        )
        .route("/api/v2/jobs/{jobId}", web::get().to(jobs::get_job))
        .route(
            "/api/v2/jobs/{jobId}/initial-appointment",
            web::put().to(jobs::put_initial_appointment),
        )
        .route(
            "/api/v2/jobs/{jobId}/representatives/sales-owner",
            web::post().to(jobs::set_sales_owner),
        )
        .route(
            "/api/v2/jobs/{jobId}/messages",
            web::post().to(jobs::post_message),
        )
        .service(
            web::resource("/sandbox/contacts")
                .route(web::get().to(inspect::list_contacts))
                .route(web::delete().to(inspect::clear_contacts)),
        )
        .service(
            web::resource("/sandbox/jobs")
                .route(web::get().to(inspect::list_jobs))
                .route(web::delete().to(inspect::clear_jobs)),
        );
}
