//! The audit page.

use askama::Template;
use askama_web::WebTemplate;

use crate::http::pages::Chrome;
use crate::http::time::ShownTime;

/// One entry as shown.
pub struct AuditRow {
    /// When.
    pub when: ShownTime,
    /// Who.
    pub actor: String,
    /// What, in words.
    pub action: &'static str,
    /// The stored code (for scripts and tests).
    pub code: String,
    /// To what.
    pub target: String,
    /// Details.
    pub detail: String,
    /// From where.
    pub ip: String,
    /// Company name, on the platform-wide view.
    pub company: String,
}

/// The audit log page.
#[derive(Template, WebTemplate)]
#[template(path = "audit/audit.html")]
pub struct AuditPage {
    /// Layout data.
    pub chrome: Chrome,
    /// Entries, newest first.
    pub rows: Vec<AuditRow>,
    /// Whether the company column is shown (platform view).
    pub show_company: bool,
    /// The company filter of the platform view.
    pub company_filter: String,
    /// Companies to filter by (platform view): (slug, name).
    pub companies: Vec<(String, String)>,
    /// Link to the next (older) page.
    pub older: Option<String>,
    /// Actions present, to filter by: (words, code, chosen).
    pub actions: Vec<(&'static str, String, bool)>,
    /// Actors present, to filter by: (who, chosen).
    pub actors: Vec<(String, bool)>,
    /// Whether a filter is applied.
    pub filtered: bool,
}
