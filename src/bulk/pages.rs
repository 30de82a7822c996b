//! Pages of bulk resend: the job page, and the offer a lead list shows.

use askama::Template;
use askama_web::WebTemplate;

use crate::http::pages::Chrome;
use crate::http::time::ShownTime;

/// The "Resend these N leads" button of a lead list (admins, failed or held leads).
#[derive(Debug, Clone)]
pub struct ResendOffer {
    /// Where it posts (`{list path}/resend`).
    pub action: String,
    /// "500 leads" / "1 lead".
    pub count_words: String,
    /// The list's filter, carried as hidden fields.
    pub fields: Vec<(String, String)>,
}

/// A recent job, linked from its list.
#[derive(Debug, Clone)]
pub struct JobLink {
    /// `/resend-jobs/{id}`.
    pub href: String,
    /// When it was confirmed.
    pub created: ShownTime,
    /// "Running" / "Finished".
    pub state: &'static str,
    /// "120 of 500 leads queued".
    pub summary: String,
}

/// `GET /resend-jobs/{id}`.
#[derive(Template, WebTemplate)]
#[template(path = "bulk/resend_job.html")]
pub struct ResendJobPage {
    /// Layout data.
    pub chrome: Chrome,
    /// The job id.
    pub id: String,
    /// The company (slug, name).
    pub company: (String, String),
    /// The location (id, name), when the job is one location's.
    pub location: Option<(String, String)>,
    /// Whether leads are still being queued.
    pub running: bool,
    /// Whether the page reloads itself (running, or leads still waiting to be sent).
    pub refresh: bool,
    /// The filter in words.
    pub filter_words: String,
    /// The list it was made from.
    pub list_href: String,
    /// Who confirmed it.
    pub created_by: String,
    /// When.
    pub created: ShownTime,
    /// When the last lead was queued.
    pub finished: Option<ShownTime>,
    /// Leads taken.
    pub total: i64,
    /// Leads queued again.
    pub done: i64,
    /// Leads not sent again.
    pub failed: i64,
    /// Leads still to queue.
    pub pending: i64,
    /// Of the queued: delivered.
    pub delivered: i64,
    /// Of the queued: waiting to be sent (queued, retrying).
    pub waiting: i64,
    /// Of the queued: failed again.
    pub failed_again: i64,
    /// Of the queued: held (location paused or key missing or rejected).
    pub held: i64,
    /// Leads not sent again, with the reason (the first few).
    pub skipped: Vec<(String, String)>,
}
