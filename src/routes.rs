//! The one route table of the product. Every URL is here, with who may use it; handlers
//! live in their features. The table is also a value ([`ROUTES`]) so tests can walk every
//! route (access rules, CSRF) without a list that drifts from the real one.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::{accounts, alerts, api, audit, bulk, history, http, intake, ops, tenants};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (the route checks what it needs itself: setup tokens, webhook signatures).
    Public,
    /// Any signed-in user, about themselves.
    User,
    /// Company admins (their company) and platform admins (all companies).
    Admin,
    /// Platform admins only.
    Platform,
    /// A company's resource named in the path: its users may read (GET), its admins may
    /// change (POST); other companies' users get 404.
    Company,
    /// The JSON API, reading: any live API token of the company (`Authorization: Bearer`);
    /// other companies' leads answer 404.
    ApiRead,
    /// The JSON API, resending: a token with the resend scope.
    ApiResend,
}

impl Access {
    /// Whether the route is the JSON API's (a token, never a session).
    pub fn is_api(self) -> bool {
        matches!(self, Access::ApiRead | Access::ApiResend)
    }
}

/// Where the JSON API's routes start (exempt from CSRF: no cookie is ever accepted there).
pub const API_PREFIX: &str = "/api/v1/";

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// Who may use it.
    pub access: Access,
    /// `get`, `post`, or `route` (every method not matched by an earlier row of the path).
    pub method: &'static str,
    /// The actix path pattern.
    pub path: &'static str,
}

macro_rules! route_table {
    ($( $access:ident $method:ident $path:literal => $handler:path, )*) => {
        /// Registers every route.
        pub fn configure(cfg: &mut web::ServiceConfig) {
            $( cfg.route($path, web::$method().to($handler)); )*
        }

        /// Every route, in registration order.
        pub const ROUTES: &[Route] = &[
            $( Route { access: Access::$access, method: stringify!($method), path: $path }, )*
        ];
    };
}

route_table! {
    Public get "/healthz" => ops::healthz,
    Public get "/readyz" => ops::readyz,
    Public get "/metrics" => ops::metrics::show_metrics,
    Public get "/static/{path:.*}" => http::static_files::serve_static,
    Public get "/" => history::dashboard::dashboard,
    Public get "/login" => accounts::handlers::login_form,
    Public post "/login" => accounts::handlers::login,
    Public get "/login/two-factor" => accounts::two_factor::sign_in::second_factor_form,
    Public post "/login/two-factor" => accounts::two_factor::sign_in::verify_second_factor,
    Public get "/setup/{token}" => accounts::setup::setup_form,
    Public post "/setup/{token}" => accounts::setup::complete_setup,
    Public post "/hooks/{location_id}/{token}" => intake::webhook::receive_webhook,
    Public route "/hooks/{location_id}/{token}" => intake::webhook::method_not_allowed,
    Public route "/hooks/{rest:.*}" => intake::webhook::unknown_webhook_url,
    Public get "/api/openapi.json" => api::openapi::openapi_json,

    ApiRead get "/api/v1/leads" => api::leads::list_leads,
    ApiRead get "/api/v1/leads/{id}" => api::leads::show_lead,
    ApiResend post "/api/v1/leads/{id}/resend" => api::leads::resend_lead,
    Public route "/api/{rest:.*}" => api::error::unknown_api_url,

    User post "/logout" => accounts::handlers::logout,
    User get "/account" => accounts::handlers::account_page,
    User post "/account/password" => accounts::handlers::change_password,
    User post "/account/time-zone" => accounts::time_zone::update_time_zone,
    User get "/account/two-factor" => accounts::two_factor::enrol::show_two_factor,
    User post "/account/two-factor/confirm" => accounts::two_factor::enrol::confirm_two_factor,
    User post "/account/two-factor/recovery-codes" => accounts::two_factor::enrol::renew_recovery_codes,
    User post "/account/two-factor/disable" => accounts::two_factor::enrol::disable_two_factor,
    Admin get "/audit" => audit::handlers::show_audit,

    Platform get "/companies" => tenants::companies::list_companies,
    Platform get "/companies/new" => tenants::companies::new_company_form,
    Platform post "/companies" => tenants::companies::create_company,
    Platform get "/leads" => history::all_leads::pick_company_leads,
    Platform post "/users/{id}/two-factor/reset" => accounts::two_factor::admin::reset_two_factor,

    Company get "/companies/{slug}" => tenants::companies::show_company,
    Company post "/companies/{slug}" => tenants::companies::update_company,
    Company get "/companies/{slug}/edit" => tenants::companies::edit_company_form,
    Company post "/companies/{slug}/two-factor" => accounts::two_factor::admin::set_company_requirement,
    Company post "/companies/{slug}/locations" => tenants::locations::create_location,
    Company get "/companies/{slug}/users" => accounts::users::list_users,
    Company post "/companies/{slug}/users" => accounts::users::create_user,
    Company post "/users/{id}/role" => accounts::users::change_role,
    Company post "/users/{id}/reset-password" => accounts::users::reset_password,
    Company post "/users/{id}/remove" => accounts::users::remove_user,
    Company get "/locations/{id}" => tenants::locations::show_location,
    Company post "/locations/{id}/rename" => tenants::locations::rename_location,
    Company post "/locations/{id}/pause" => tenants::locations::pause_location,
    Company post "/locations/{id}/resume" => tenants::locations::resume_location,
    Company post "/locations/{id}/delete" => tenants::locations::delete_location,
    Company post "/locations/{id}/key" => tenants::keys::save_location_key,
    Company post "/locations/{id}/key/test" => tenants::keys::test_location_key,
    Company post "/locations/{id}/rotate-url" => tenants::webhook_urls::rotate_url,
    Company post "/locations/{id}/test-lead" => intake::test_lead::send_test_lead,
    Company post "/locations/{id}/acculynx-api" => tenants::acculynx_api::set_location_api,
    Company post "/locations/{id}/acculynx-lists" => tenants::acculynx_api::refresh_acculynx_lists,
    Company post "/locations/{id}/v2-defaults" => tenants::acculynx_api::save_v2_defaults,
    Company get "/companies/{slug}/leads" => history::lists::list_company_leads,
    Company get "/companies/{slug}/leads.csv" => history::csv::export_company_leads,
    Company get "/locations/{id}/leads" => history::lists::list_location_leads,
    Company get "/locations/{id}/leads.csv" => history::csv::export_location_leads,
    Company get "/leads/{id}" => history::lead_page::show_lead,
    Company post "/leads/{id}/replay" => history::lead_page::replay_lead,
    Company post "/leads/{id}/retry-now" => history::lead_page::retry_lead_now,
    Company post "/leads/{id}/edit" => history::lead_page::edit_lead,
    Company get "/locations/{id}/mapping" => intake::mapping_page::show_mapping,
    Company post "/locations/{id}/mapping" => intake::mapping_page::update_mapping,
    Company post "/locations/{id}/mapping/dry-run" => intake::mapping_page::dry_run_mapping,
    Company post "/companies/{slug}/leads/resend" => bulk::handlers::resend_company_leads,
    Company post "/locations/{id}/leads/resend" => bulk::handlers::resend_location_leads,
    Company get "/resend-jobs/{id}" => bulk::handlers::show_resend_job,
    Company get "/companies/{slug}/api-tokens" => api::tokens::list_tokens,
    Company post "/companies/{slug}/api-tokens" => api::tokens::create_token,
    Company post "/api-tokens/{id}/revoke" => api::tokens::revoke_token,
    Company get "/companies/{slug}/alerts" => alerts::handlers::show_alerts,
    Company post "/companies/{slug}/alerts" => alerts::handlers::save_alerts,
    Company post "/companies/{slug}/alerts/test" => alerts::handlers::send_test_notification,
}

/// Every unknown URL: the 404 page.
pub async fn not_found() -> HttpResponse {
    crate::error::error_page(
        StatusCode::NOT_FOUND,
        "We could not find that page. It may have been removed, or the link is mistyped.",
    )
}
