//! Rows of `bulk_resend_jobs` and `bulk_resend_items`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{bulk_resend_items, bulk_resend_jobs};

/// A job that is still putting its leads back in the queue.
pub const RUNNING: &str = "running";
/// A job that has dealt with every lead it took.
pub const FINISHED: &str = "finished";

/// A lead the job has not dealt with yet.
pub const ITEM_PENDING: &str = "pending";
/// A lead the job put back in the queue.
pub const ITEM_QUEUED: &str = "queued";
/// A lead the job could not send again (the reason says why).
pub const ITEM_SKIPPED: &str = "skipped";

/// A bulk resend.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bulk_resend_jobs)]
pub struct ResendJob {
    /// UUID.
    pub id: String,
    /// The company whose leads it sends.
    pub company_id: String,
    /// One location's leads, or the whole company's.
    pub location_id: Option<String>,
    /// The status the leads had (`failed` or `held`).
    pub lead_status: String,
    /// The filter, in words ("failed leads of North Denver received from …").
    pub filter_words: String,
    /// The lead list the job was made from (path and query).
    pub list_href: String,
    /// Leads taken.
    pub total: i32,
    /// Leads put back in the queue.
    pub done: i32,
    /// Leads that could not be sent again.
    pub failed: i32,
    /// Who confirmed it (an email, or "command line").
    pub created_by: String,
    /// Their user id, when a person in the portal confirmed it.
    pub created_by_user_id: Option<String>,
    /// [`RUNNING`] or [`FINISHED`].
    pub state: String,
    /// Confirmed.
    pub created_at: NaiveDateTime,
    /// Last progress.
    pub updated_at: NaiveDateTime,
    /// When the last lead was dealt with.
    pub finished_at: Option<NaiveDateTime>,
}

impl ResendJob {
    /// Whether leads are still to be queued.
    pub fn is_running(&self) -> bool {
        self.state == RUNNING
    }
}

/// A new job.
#[derive(Debug, Insertable)]
#[diesel(table_name = bulk_resend_jobs)]
pub struct NewResendJob<'a> {
    /// UUID.
    pub id: &'a str,
    /// Company.
    pub company_id: &'a str,
    /// Location, if one.
    pub location_id: Option<&'a str>,
    /// `failed` or `held`.
    pub lead_status: &'a str,
    /// The filter in words.
    pub filter_words: &'a str,
    /// The list it was made from.
    pub list_href: &'a str,
    /// Leads taken.
    pub total: i32,
    /// Who.
    pub created_by: &'a str,
    /// Their user id.
    pub created_by_user_id: Option<&'a str>,
    /// [`RUNNING`].
    pub state: &'a str,
    /// Now.
    pub created_at: NaiveDateTime,
    /// Now.
    pub updated_at: NaiveDateTime,
}

/// A lead a job took.
#[derive(Debug, Insertable)]
#[diesel(table_name = bulk_resend_items)]
pub struct NewResendItem<'a> {
    /// The job.
    pub job_id: &'a str,
    /// The lead.
    pub lead_id: &'a str,
    /// [`ITEM_PENDING`].
    pub state: &'a str,
}
