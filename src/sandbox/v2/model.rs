//! What the sandbox holds of the v2 surface, as tests and `GET /sandbox/contacts|jobs` see it:
//! one record per contact and per job, with every field that was sent and the company (the
//! key's location id, never the key) it belongs to.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// A contact created through `POST /api/v2/contacts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Contact {
    /// Its id, as answered.
    #[serde(serialize_with = "self::uuid_text::one")]
    pub id: Uuid,
    /// The location id of the key it was created with.
    pub company_id: String,
    /// `firstName`.
    pub first_name: Option<String>,
    /// `lastName`.
    pub last_name: Option<String>,
    /// `companyName`.
    pub company_name: Option<String>,
    /// `companyJobTitle`.
    pub company_job_title: Option<String>,
    /// `crossReference`.
    pub cross_reference: Option<String>,
    /// `note`.
    pub note: Option<String>,
    /// `contactTypeIds`, in the order sent.
    #[serde(serialize_with = "self::uuid_text::many")]
    pub contact_type_ids: Vec<Uuid>,
    /// `emailAddresses`, in the order sent.
    pub emails: Vec<V2Email>,
    /// `phoneNumbers`, in the order sent.
    pub phones: Vec<V2Phone>,
    /// `mailingAddress`.
    pub mailing_address: Option<V2ContactAddress>,
    /// `billingAddress`.
    pub billing_address: Option<V2ContactAddress>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
}

/// One email address of a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Email {
    /// Its id.
    #[serde(serialize_with = "self::uuid_text::one")]
    pub id: Uuid,
    /// `address`.
    pub address: String,
    /// `type` (`Personal`, `Work` or `Other`), when sent.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `primary`.
    pub primary: bool,
}

/// One phone number of a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Phone {
    /// Its id.
    #[serde(serialize_with = "self::uuid_text::one")]
    pub id: Uuid,
    /// Exactly ten digits.
    pub number: String,
    /// `Home`, `Mobile` or `Work`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `ext`.
    pub ext: Option<String>,
    /// `primary`.
    pub primary: bool,
}

/// A contact's mailing or billing address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V2ContactAddress {
    /// `street1`.
    pub street1: Option<String>,
    /// `street2`.
    pub street2: Option<String>,
    /// `city`.
    pub city: Option<String>,
    /// `zipCode`.
    pub zip_code: Option<String>,
    /// `state.id` (a seeded state).
    pub state_id: Option<i64>,
    /// `country.id` (a seeded country).
    pub country_id: Option<i64>,
}

/// A job created through `POST /api/v2/jobs`, with what later calls added to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Job {
    /// Its id, as answered.
    #[serde(serialize_with = "self::uuid_text::one")]
    pub id: Uuid,
    /// The location id of the key it was created with.
    pub company_id: String,
    /// `contact.id`.
    #[serde(serialize_with = "self::uuid_text::one")]
    pub contact_id: Uuid,
    /// `locationAddress`.
    pub location_address: Option<V2JobAddress>,
    /// `priority` (`Urgent`, `High` or `Normal`).
    pub priority: Option<String>,
    /// `jobCategory.id`.
    pub job_category_id: Option<i64>,
    /// `workType.id`.
    pub work_type_id: Option<i64>,
    /// `leadSource.id`.
    #[serde(serialize_with = "self::uuid_text::maybe")]
    pub lead_source_id: Option<Uuid>,
    /// `tradeTypes[].id`, in the order sent.
    #[serde(serialize_with = "self::uuid_text::many")]
    pub trade_type_ids: Vec<Uuid>,
    /// `notes`.
    pub notes: Option<String>,
    /// Always `Lead`: the sandbox never moves a job on.
    pub current_milestone: String,
    /// Every `POST /jobs/external-references` for it, duplicates included, oldest first.
    pub external_references: Vec<V2ExternalReference>,
    /// The last `PUT /jobs/{id}/initial-appointment`.
    pub initial_appointment: Option<V2Appointment>,
    /// The last `POST /jobs/{id}/representatives/sales-owner`.
    #[serde(serialize_with = "self::uuid_text::maybe")]
    pub sales_owner_id: Option<Uuid>,
    /// Every `POST /jobs/{id}/messages`, oldest first.
    pub messages: Vec<V2Message>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
}

/// A job's `locationAddress`, as sent (free strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V2JobAddress {
    /// `street1`.
    pub street1: String,
    /// `street2`.
    pub street2: Option<String>,
    /// `city`.
    pub city: String,
    /// `state`, e.g. `CO`.
    pub state: String,
    /// `country`, e.g. `US`.
    pub country: String,
    /// `zipCode`.
    pub zip_code: String,
}

/// One external reference of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V2ExternalReference {
    /// `source`, as sent.
    pub source: String,
    /// `projectId`, as sent.
    pub project_id: String,
    /// When it was recorded.
    pub created_date: DateTime<Utc>,
}

/// A job's initial appointment, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Appointment {
    /// `startDate` (UTC with a trailing `Z`).
    pub start_date: Option<String>,
    /// `endDate` (UTC with a trailing `Z`).
    pub end_date: Option<String>,
    /// `notes`.
    pub notes: Option<String>,
}

/// A message posted on a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Message {
    /// Its id, as answered (`messageId`).
    #[serde(serialize_with = "self::uuid_text::one")]
    pub id: Uuid,
    /// `message`.
    pub message: String,
    /// When it was posted.
    pub created_date: DateTime<Utc>,
}

/// Uuids as their hyphenated text (the `uuid` crate is built without serde here).
pub(crate) mod uuid_text {
    use serde::Serializer;
    use uuid::Uuid;

    pub(crate) fn one<S: Serializer>(id: &Uuid, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(id)
    }

    pub(crate) fn maybe<S: Serializer>(
        id: &Option<Uuid>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match id {
            Some(id) => serializer.collect_str(id),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn many<S: Serializer>(ids: &[Uuid], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(ids.iter().map(Uuid::to_string))
    }
}
