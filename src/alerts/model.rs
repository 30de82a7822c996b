//! Rows of `alert_settings` and `notifications`, and the kinds of alert.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{alert_settings, notifications};

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// AccuLynx rejected a location's key.
    KeyRejected,
    /// Leads failed for good.
    LeadFailed,
    /// No lead arrived at a location for N days.
    Silent,
    /// Leads have waited longer than N minutes.
    Backlog,
    /// The daily summary.
    Digest,
    /// "Send test notification".
    Test,
}

impl Kind {
    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::KeyRejected => "key_rejected",
            Kind::LeadFailed => "lead_failed",
            Kind::Silent => "silent",
            Kind::Backlog => "backlog",
            Kind::Digest => "digest",
            Kind::Test => "test",
        }
    }

    /// Words for the log.
    pub fn label_of(code: &str) -> &'static str {
        match code {
            "key_rejected" => "Key rejected",
            "lead_failed" => "Leads failed",
            "silent" => "No leads arriving",
            "backlog" => "Delivery backlog",
            "digest" => "Daily digest",
            "test" => "Test",
            _ => "Other",
        }
    }
}

/// A company's alert settings.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = alert_settings, treat_none_as_null = true)]
pub struct AlertSettings {
    /// The company.
    pub company_id: String,
    /// Recipients, one per line.
    pub emails: String,
    /// The incoming-webhook URL, sealed (context: `alert-webhook:` + company id).
    pub webhook_url: Option<Vec<u8>>,
    /// The webhook's host, to show which one is saved without showing the URL.
    pub webhook_host: Option<String>,
    /// A location with no lead for this many days is "silent".
    pub silent_days: i32,
    /// Leads waiting longer than this are a backlog.
    pub backlog_minutes: i32,
    /// At most one message per kind and location per this many minutes.
    pub cooldown_minutes: i32,
    /// Whether a daily digest is sent.
    pub daily_digest: bool,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

impl AlertSettings {
    /// The defaults of a company that has saved nothing yet.
    pub fn defaults(company_id: &str) -> Self {
        Self {
            company_id: company_id.to_string(),
            emails: String::new(),
            webhook_url: None,
            webhook_host: None,
            silent_days: 7,
            backlog_minutes: 30,
            cooldown_minutes: 360,
            daily_digest: false,
            updated_at: crate::db::now(),
        }
    }

    /// The recipients.
    pub fn recipients(&self) -> Vec<String> {
        split_recipients(&self.emails)
    }

    /// Whether anyone would be told.
    pub fn has_channel(&self) -> bool {
        self.webhook_url.is_some() || !self.recipients().is_empty()
    }

    /// The sealing context of the webhook URL.
    pub fn webhook_context(company_id: &str) -> Vec<u8> {
        format!("alert-webhook:{company_id}").into_bytes()
    }
}

/// Email addresses as typed: one per line, or separated by commas or semicolons.
pub fn split_recipients(text: &str) -> Vec<String> {
    text.split([',', '\n', ';'])
        .map(str::trim)
        .filter(|email| !email.is_empty())
        .map(str::to_string)
        .collect()
}

/// A notification sent or tried.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    /// Increasing id.
    pub id: i64,
    /// The company.
    pub company_id: String,
    /// The location concerned, if one.
    pub location_id: Option<String>,
    /// [`Kind`] code.
    pub kind: String,
    /// `email` or `webhook`.
    pub channel: String,
    /// The addresses, or the webhook's host.
    pub recipient: String,
    /// The subject line.
    pub subject: String,
    /// `sent`, `failed`, or `sending` while under way.
    pub result: String,
    /// Why it failed.
    pub detail: String,
    /// When.
    pub created_at: NaiveDateTime,
}

/// A notification to record.
#[derive(Debug, Insertable)]
#[diesel(table_name = notifications)]
pub struct NewNotification<'a> {
    /// The company.
    pub company_id: &'a str,
    /// The location.
    pub location_id: Option<&'a str>,
    /// Kind code.
    pub kind: &'a str,
    /// Channel.
    pub channel: &'a str,
    /// Recipient.
    pub recipient: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// Result.
    pub result: &'a str,
    /// Detail.
    pub detail: &'a str,
    /// When.
    pub created_at: NaiveDateTime,
}
