//! AccuLynx's v2 API for leads (reference/acculynx-v2-contact-job.md, OpenAPI 2.2614.0): a
//! lead becomes a Contact (found or created) plus a Job in milestone Lead, with an external
//! reference `source=leadrelay, projectId=<lead id>` as the only dedupe anchor v2 offers.
//!
//! - [`bodies`]: the request and answer shapes leadrelay sends and reads;
//! - [`lookups`]: AccuLynx's name → id lists (contact types, job categories, work types, trade
//!   types, lead sources, states, users), fetched with the location's key;
//! - [`plan`]: the v1 lead turned into those bodies (the reference's §5 mapping table), with a
//!   warning for everything that could not be carried across;
//! - [`V2Defaults`]: what a location's jobs get when a lead does not say.

pub mod bodies;
pub mod lookups;
pub mod plan;

use serde::{Deserialize, Serialize};

pub use lookups::Lookups;
pub use plan::{V2Plan, plan};

/// The external reference's `source` of every job leadrelay creates (≤ 50 characters).
pub const SOURCE: &str = "leadrelay";

/// The longest job note v2 takes (`jobPost.notes`); the rest goes in a job message.
pub const JOB_NOTES_MAX: usize = 1000;

/// Paths of the v2 calls, relative to the AccuLynx base URL.
pub mod paths {
    /// `POST`: create a contact.
    pub const CONTACTS: &str = "/api/v2/contacts";
    /// `POST`: search contacts by name within a creation-date range.
    pub const CONTACT_SEARCH: &str = "/api/v2/contacts/search";
    /// `POST`: create a job.
    pub const JOBS: &str = "/api/v2/jobs";
    /// `GET` (find) and `POST` (create) external references.
    pub const EXTERNAL_REFERENCES: &str = "/api/v2/jobs/external-references";

    /// `GET`: a contact's email addresses.
    pub fn contact_emails(contact_id: &str) -> String {
        format!("/api/v2/contacts/{contact_id}/email-addresses")
    }

    /// `GET`: a contact's phone numbers.
    pub fn contact_phones(contact_id: &str) -> String {
        format!("/api/v2/contacts/{contact_id}/phone-numbers")
    }

    /// `GET`: a contact's jobs (the only read that shows unassigned leads).
    pub fn contact_jobs(contact_id: &str) -> String {
        format!("/api/v2/contacts/{contact_id}/jobs")
    }

    /// `PUT`: a job's initial appointment.
    pub fn appointment(job_id: &str) -> String {
        format!("/api/v2/jobs/{job_id}/initial-appointment")
    }

    /// `POST`: a job's sales owner.
    pub fn sales_owner(job_id: &str) -> String {
        format!("/api/v2/jobs/{job_id}/representatives/sales-owner")
    }

    /// `POST`: a message (comment) on a job.
    pub fn messages(job_id: &str) -> String {
        format!("/api/v2/jobs/{job_id}/messages")
    }
}

/// What a location's v2 jobs get when a lead does not say: names from AccuLynx's own lists
/// (turned into ids at delivery; a name AccuLynx does not have is a warning, never a 400).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct V2Defaults {
    /// Contact type of new contacts (else AccuLynx's default type).
    pub contact_type: Option<String>,
    /// Job category when the lead has none.
    pub job_category: Option<String>,
    /// Work type when the lead has none.
    pub work_type: Option<String>,
    /// Lead source of every job (e.g. "ClientTether").
    pub lead_source: Option<String>,
    /// Trade types of every job.
    pub trade_types: Vec<String>,
    /// Two-letter country of addresses that name none (else `US`).
    pub country: Option<String>,
    /// Length of the initial appointment, in minutes (else 60).
    pub appointment_minutes: Option<u32>,
}

impl V2Defaults {
    /// The country used when a lead has none.
    pub fn country(&self) -> &str {
        self.country
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .unwrap_or("US")
    }

    /// The appointment length.
    pub fn appointment_minutes(&self) -> u32 {
        self.appointment_minutes.unwrap_or(60).clamp(5, 24 * 60)
    }
}
