//! The company's Alerts page: its settings form and the notifications sent.

use askama::Template;
use askama_web::WebTemplate;

use crate::alerts::model::{AlertSettings, Kind, Notification};
use crate::http::pages::Chrome;
use crate::http::time::{ShownTime, show_time};

/// A notification in the log.
#[derive(Debug, Clone)]
pub struct SentRow {
    /// When.
    pub at: ShownTime,
    /// What, in words.
    pub kind: &'static str,
    /// The subject.
    pub subject: String,
    /// `email` / `webhook`.
    pub channel: String,
    /// To whom.
    pub recipient: String,
    /// `sent` / `failed` / `sending`.
    pub result: String,
    /// Why it failed.
    pub detail: String,
}

impl SentRow {
    /// A stored notification, its time in `zone`.
    pub fn new(row: &Notification, zone: &str) -> Self {
        Self {
            at: show_time(row.created_at, zone),
            kind: Kind::label_of(&row.kind),
            subject: row.subject.clone(),
            channel: row.channel.clone(),
            recipient: row.recipient.clone(),
            result: row.result.clone(),
            detail: row.detail.clone(),
        }
    }
}

/// What the form shows (as saved, or as typed when refused).
#[derive(Debug, Clone)]
pub struct AlertForm {
    /// Recipients, one per line.
    pub emails: String,
    /// The saved webhook's host, if one is saved.
    pub webhook_host: Option<String>,
    /// Days.
    pub silent_days: String,
    /// Minutes.
    pub backlog_minutes: String,
    /// Minutes.
    pub cooldown_minutes: String,
    /// Whether the digest is on.
    pub daily_digest: bool,
}

impl AlertForm {
    /// The form of saved settings.
    pub fn of(settings: &AlertSettings) -> Self {
        Self {
            emails: settings.recipients().join("\n"),
            webhook_host: settings.webhook_host.clone(),
            silent_days: settings.silent_days.to_string(),
            backlog_minutes: settings.backlog_minutes.to_string(),
            cooldown_minutes: settings.cooldown_minutes.to_string(),
            daily_digest: settings.daily_digest,
        }
    }
}

/// `GET /companies/{slug}/alerts`.
#[derive(Template, WebTemplate)]
#[template(path = "alerts/alerts.html")]
pub struct AlertsPage {
    /// Layout data.
    pub chrome: Chrome,
    /// Company slug.
    pub slug: String,
    /// Company name.
    pub company_name: String,
    /// The form.
    pub form: AlertForm,
    /// Whether this server can send email.
    pub can_email: bool,
    /// Whether anyone would be told.
    pub has_channel: bool,
    /// Why the form was refused.
    pub error: Option<String>,
    /// The newest notifications.
    pub sent: Vec<SentRow>,
}
