//! Page templates of the tenants feature.

use askama::Template;
use askama_web::WebTemplate;

use crate::http::pages::Chrome;
use crate::http::time::ShownTime;
use crate::tenants::model::{Company, Location};
use crate::tenants::webhook_urls::Grace;

/// All companies (platform admin).
#[derive(Template, WebTemplate)]
#[template(path = "tenants/company_list.html")]
pub struct CompanyListPage {
    /// Layout data.
    pub chrome: Chrome,
    /// The companies.
    pub companies: Vec<Company>,
}

/// The create / edit form of a company.
#[derive(Template, WebTemplate)]
#[template(path = "tenants/company_form.html")]
pub struct CompanyFormPage {
    /// Layout data.
    pub chrome: Chrome,
    /// `None` when creating; the slug when editing.
    pub editing: Option<String>,
    /// Name typed.
    pub name: String,
    /// Slug typed (creating only).
    pub slug: String,
    /// Time zone chosen.
    pub time_zone: String,
    /// Zones to offer.
    pub time_zones: &'static [&'static str],
    /// What went wrong.
    pub error: Option<String>,
}

/// A location as listed on its company's page.
pub struct LocationRow {
    /// The location.
    pub location: Location,
    /// Status code (badge class).
    pub status: &'static str,
    /// Status words.
    pub status_label: &'static str,
    /// Key state in words.
    pub key_label: String,
}

/// A company's page: its locations.
#[derive(Template, WebTemplate)]
#[template(path = "tenants/company.html")]
pub struct CompanyPage {
    /// Layout data.
    pub chrome: Chrome,
    /// The company.
    pub company: Company,
    /// Its locations.
    pub locations: Vec<LocationRow>,
    /// Whether the viewer may change things.
    pub can_manage: bool,
    /// Name typed in the new-location form after an error.
    pub new_name: String,
    /// What went wrong.
    pub error: Option<String>,
}

/// A location's AccuLynx key as its page shows it: never the key, only its end and state.
pub struct KeyView {
    /// Whether a key is saved.
    pub saved: bool,
    /// Its last four characters (empty for a key too short to show any).
    pub last4: String,
    /// When it was saved.
    pub set_at: Option<ShownTime>,
    /// Status code (badge class).
    pub status: &'static str,
    /// Status words.
    pub status_label: &'static str,
    /// When it was last tested.
    pub checked_at: Option<ShownTime>,
    /// The outcome of that test, in words.
    pub check_message: Option<String>,
    /// The network stack's own words, when the test could not reach AccuLynx.
    pub check_detail: Option<String>,
}

/// A location's page.
#[derive(Template, WebTemplate)]
#[template(path = "tenants/location.html")]
pub struct LocationPage {
    /// Layout data.
    pub chrome: Chrome,
    /// Company.
    pub company: Company,
    /// The location.
    pub location: Location,
    /// Status code.
    pub status: &'static str,
    /// Its state as shown (status with what its key allows).
    pub shown: crate::tenants::shown_status::ShownStatus,
    /// Whether the viewer may change things.
    pub can_manage: bool,
    /// When it was created.
    pub created: ShownTime,
    /// The webhook URL, for admins of a location that is not deleted.
    pub webhook_url: Option<String>,
    /// Until when the previous webhook URL still works, if it does.
    pub previous_url_until: Option<ShownTime>,
    /// Grace periods offered when rotating the URL.
    pub graces: &'static [Grace],
    /// The AccuLynx key's state.
    pub key: KeyView,
    /// Which AccuLynx API its leads go to.
    pub api: crate::tenants::model::AccuLynxApi,
    /// AccuLynx's rate-limit window its leads wait for, or the last one hit, in a sentence.
    pub rate_limit: Option<String>,
    /// The webhook calls refused lately, newest first.
    pub refused: Vec<RefusedRow>,
    /// The test lead just sent from this page: its id, to link to.
    pub test_lead: Option<String>,
    /// What went wrong.
    pub error: Option<String>,
}

/// A refused webhook call as the location page lists it.
pub struct RefusedRow {
    /// When.
    pub at: ShownTime,
    /// The status answered.
    pub status: i32,
    /// Why, in words.
    pub reason: String,
    /// The request's content type (empty when none was sent).
    pub content_type: String,
    /// The body's size in words.
    pub size: String,
}
