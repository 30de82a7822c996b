//! The v2 request bodies leadrelay sends and the parts of the answers it reads, with
//! AccuLynx's field names (camelCase; absent fields left out, never `null`).

use serde::{Deserialize, Serialize};

/// `{ "id": … }`, as v2 links resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRef<T> {
    /// The id.
    pub id: T,
}

/// `contactPost` (§3.4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactPost {
    /// At least one contact type id.
    pub contact_type_ids: Vec<String>,
    /// ≤ 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// ≤ 50, never empty.
    pub last_name: String,
    /// ≤ 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// ≤ 250: the sending CRM's id of the person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_reference: Option<String>,
    /// Exactly 10 digits each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phone_numbers: Vec<PhonePost>,
    /// The lead's email, if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email_addresses: Vec<EmailPost>,
    /// The lead's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mailing_address: Option<ContactAddress>,
}

/// `contactPhoneNumber`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhonePost {
    /// `^\d{10}$`.
    pub number: String,
    /// `Home` | `Mobile` | `Work`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext: Option<String>,
    /// The first number is the primary one.
    pub primary: bool,
}

/// `contactEmailAddress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmailPost {
    /// The address.
    pub address: String,
    /// Always true: one email per lead.
    pub primary: bool,
    /// `Personal`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// `contactAddress`: free text plus state and country **ids**.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactAddress {
    /// Street.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street1: Option<String>,
    /// Apartment, suite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street2: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// ZIP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
    /// From the company's states.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<IdRef<i64>>,
    /// From the company's countries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<IdRef<i64>>,
}

/// `jobPost` (§3.8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobPost {
    /// The contact.
    pub contact: IdRef<String>,
    /// All five parts, or left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_address: Option<JobAddress>,
    /// `Urgent` | `High` | `Normal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<&'static str>,
    /// Integer id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_category: Option<IdRef<i64>>,
    /// Integer id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_type: Option<IdRef<i64>>,
    /// Uuid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_source: Option<IdRef<String>>,
    /// Uuids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trade_types: Vec<IdRef<String>>,
    /// ≤ 1000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `jobAddressPost`: strings, each required once the address is present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobAddress {
    /// ≤ 250.
    pub street1: String,
    /// ≤ 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street2: Option<String>,
    /// ≤ 50.
    pub city: String,
    /// ≤ 50, e.g. `CO`.
    pub state: String,
    /// ≤ 50, e.g. `US`.
    pub country: String,
    /// ≤ 10 (the stricter of POST and PUT).
    pub zip_code: String,
}

/// `createExternalReferenceBodyPost`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalReferencePost {
    /// The job.
    pub job_id: String,
    /// [`super::SOURCE`].
    pub source: &'static str,
    /// The lead's id.
    pub project_id: String,
}

/// `initialAppointmentPut`: UTC with a trailing `Z`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentPut {
    /// Start.
    pub start_date: String,
    /// Start + the location's appointment length.
    pub end_date: String,
}

/// `POST /jobs/{id}/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessagePost {
    /// The text (saved as a comment).
    pub message: String,
}

/// `contactSearchPost`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactSearch {
    /// Matched against first, last and company name.
    pub search_term: String,
    /// Creation-date range start.
    pub start_date: String,
    /// Creation-date range end.
    pub end_date: String,
    /// Newest first.
    pub sort: SearchSort,
}

/// `contactSort`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchSort {
    /// `Descending`.
    pub sort_direction: &'static str,
    /// `CreatedDate`.
    pub sort_column: &'static str,
}

/// A 201 answer's `{ id, _link }`.
#[derive(Debug, Clone, Deserialize)]
pub struct Created {
    /// The new resource's id.
    pub id: String,
}

/// A collection answer's items.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Collection<T> {
    /// Total count, when given.
    #[serde(default)]
    pub count: Option<u64>,
    /// The page.
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
}

/// An item that is only a link (`{ id, _link }`).
#[derive(Debug, Clone, Deserialize)]
pub struct Linked {
    /// Its id.
    pub id: String,
}

/// `externalReference`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalReference {
    /// The job it names.
    pub job_id: String,
    /// Its source.
    #[serde(default)]
    pub source: String,
    /// Its project id.
    #[serde(default)]
    pub project_id: String,
}

/// `emailAddress` of `GET /contacts/{id}/email-addresses`.
#[derive(Debug, Clone, Deserialize)]
pub struct EmailAddress {
    /// The address.
    #[serde(default)]
    pub address: Option<String>,
}

/// `phoneNumber` of `GET /contacts/{id}/phone-numbers`.
#[derive(Debug, Clone, Deserialize)]
pub struct PhoneNumber {
    /// Ten digits.
    #[serde(default)]
    pub number: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_use_acculynx_names_and_leave_absent_fields_out() {
        let job = JobPost {
            contact: IdRef { id: "c-1".into() },
            location_address: None,
            priority: Some("High"),
            job_category: Some(IdRef { id: 2 }),
            work_type: None,
            lead_source: None,
            trade_types: vec![],
            notes: None,
        };
        assert_eq!(
            serde_json::to_value(&job).unwrap(),
            serde_json::json!({"contact": {"id": "c-1"}, "priority": "High", "jobCategory": {"id": 2}})
        );
        let phone = PhonePost {
            number: "3035550100".into(),
            kind: "Mobile",
            ext: None,
            primary: true,
        };
        assert_eq!(
            serde_json::to_value(&phone).unwrap(),
            serde_json::json!({"number": "3035550100", "type": "Mobile", "primary": true})
        );
        let refs: Vec<ExternalReference> = serde_json::from_str(
            r#"[{"jobId":"j","companyId":"x","source":"leadrelay","projectId":"p"}]"#,
        )
        .unwrap();
        assert_eq!(refs[0].job_id, "j");
    }
}
