//! The entries of the seeded lookup lists ([`super::seed::V2Seed`]), one type per list, with
//! the ids a client sends back to AccuLynx.

use serde::Serialize;
use uuid::Uuid;

/// A contact type (`contactType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedContactType {
    /// Its id, for `contactTypeIds`.
    #[serde(serialize_with = "super::model::uuid_text::one")]
    pub id: Uuid,
    /// E.g. `Customer`.
    pub name: String,
    /// Whether it is the company's default type.
    pub is_default: bool,
}

/// A job category (`jobCategory`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeedJobCategory {
    /// Its id, for `jobPost.jobCategory.id`.
    pub id: i64,
    /// E.g. `Residential`.
    pub name: String,
}

/// A work type (`workType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedWorkType {
    /// Its id, for `jobPost.workType.id`.
    pub id: i64,
    /// E.g. `Replacement`.
    pub name: String,
    /// Whether it is AccuLynx's built-in default.
    pub system_default: bool,
}

/// A trade type (`tradeType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedTradeType {
    /// Its id (`tradeId`), for `jobPost.tradeTypes[].id`.
    #[serde(serialize_with = "super::model::uuid_text::one")]
    pub trade_id: Uuid,
    /// E.g. `Roofing`.
    pub name: String,
}

/// A lead source (`leadSource`) and its children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeedLeadSource {
    /// Its id, for `jobPost.leadSource.id`.
    #[serde(serialize_with = "super::model::uuid_text::one")]
    pub id: Uuid,
    /// E.g. `ClientTether`.
    pub name: String,
    /// Its sub-sources (listed as `children: null` when there are none).
    pub children: Vec<SeedLeadSourceChild>,
}

/// A sub-source of a lead source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedLeadSourceChild {
    /// Its id (also accepted in `jobPost.leadSource.id`).
    #[serde(serialize_with = "super::model::uuid_text::one")]
    pub id: Uuid,
    /// E.g. `Customer Referral`.
    pub name: String,
    /// The id of its parent source.
    #[serde(serialize_with = "super::model::uuid_text::one")]
    pub parent_id: Uuid,
}

/// A country the company works in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeedCountry {
    /// Its id, for `contactAddress.country.id`.
    pub id: i64,
    /// E.g. `United States`.
    pub name: String,
    /// Two letters, e.g. `US`.
    pub abbreviation: String,
    /// Its states or provinces.
    pub states: Vec<SeedState>,
}

/// A state or province.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeedState {
    /// Its id, for `contactAddress.state.id`.
    pub id: i64,
    /// E.g. `Colorado`.
    pub name: String,
    /// Two letters, e.g. `CO`.
    pub abbreviation: String,
}

/// A user of the company (`companyUser`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedUser {
    /// Its id, for `POST /jobs/{id}/representatives/sales-owner`.
    #[serde(serialize_with = "super::model::uuid_text::one")]
    pub id: Uuid,
    /// E.g. `Alex Morgan`.
    pub display_name: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// E.g. `AM`.
    pub initials: String,
    /// Role id (1 Company Administrator … 6 Crew).
    pub role_id: i64,
    /// Role name, e.g. `Sales`.
    pub role_name: String,
    /// `Active` or `Inactive`.
    pub status: String,
    /// Ten digits.
    pub phone: String,
    /// Ten digits.
    pub mobile_phone: String,
    /// Lower case.
    pub email: String,
}

impl SeedUser {
    /// Whether the user is Active (only Active users can own a job's sales).
    pub fn is_active(&self) -> bool {
        self.status == "Active"
    }
}
