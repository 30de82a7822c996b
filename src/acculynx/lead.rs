//! The lead as AccuLynx's `POST /api/v1/leads` takes it (reference/acculynx-v1-leads.md).

use sha2::{Digest, Sha256};

pub use crate::acculynx::enums::{JobCategory, PhoneType, Priority, WorkType};
pub use crate::acculynx::fields::LeadField;

/// A lead body for AccuLynx. Serialises to exactly the JSON AccuLynx expects: camelCase names,
/// enums in AccuLynx's spelling, absent fields left out (never `null`, never `""`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccuLynxLead {
    /// Required; at most 50 UTF-16 units.
    pub first_name: String,
    /// At most 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// At most 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// Digits with an optional leading `+`; at most 30.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number1: Option<String>,
    /// At most 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_extension1: Option<String>,
    /// The kind of phone 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_type1: Option<PhoneType>,
    /// Digits with an optional leading `+`; at most 30.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number2: Option<String>,
    /// At most 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_extension2: Option<String>,
    /// The kind of phone 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_type2: Option<PhoneType>,
    /// Digits with an optional leading `+`; at most 30.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number3: Option<String>,
    /// At most 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_extension3: Option<String>,
    /// The kind of phone 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_type3: Option<PhoneType>,
    /// `local@domain.tld`; at most 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    /// The contact's id in the sending CRM; at most 250.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_reference: Option<String>,
    /// The job category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_category: Option<JobCategory>,
    /// The work type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_type: Option<WorkType>,
    /// At most 250.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Apartment, suite, unit; at most 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street2: Option<String>,
    /// At most 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State, county, province or region; at most 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// At most 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// At most 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Saved by AccuLynx as a comment on the lead; line breaks kept; at most 1000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Login email of an active AccuLynx user; at most 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sales_person: Option<String>,
    /// `YYYY-MM-DDTHH:MM:SSZ` (UTC) or `YYYY-MM-DDTHH:MM:SS` (AccuLynx's company time zone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_appointment_date: Option<String>,
}

impl AccuLynxLead {
    /// The value of `field` as AccuLynx receives it (enums in AccuLynx's spelling); `None` when
    /// absent. The first name is `None` when empty.
    pub fn get(&self, field: LeadField) -> Option<&str> {
        use LeadField::*;
        match field {
            FirstName => Some(self.first_name.as_str()).filter(|name| !name.is_empty()),
            PhoneType1 => self.phone_type1.as_ref().map(PhoneType::as_str),
            PhoneType2 => self.phone_type2.as_ref().map(PhoneType::as_str),
            PhoneType3 => self.phone_type3.as_ref().map(PhoneType::as_str),
            JobCategory => self.job_category.as_ref().map(super::JobCategory::as_str),
            WorkType => self.work_type.as_ref().map(super::WorkType::as_str),
            Priority => self.priority.as_ref().map(super::Priority::as_str),
            field => self.text_slot(field).and_then(Option::as_deref),
        }
    }

    fn text_slot(&self, field: LeadField) -> Option<&Option<String>> {
        use LeadField::*;
        Some(match field {
            LastName => &self.last_name,
            CompanyName => &self.company_name,
            PhoneNumber1 => &self.phone_number1,
            PhoneExtension1 => &self.phone_extension1,
            PhoneNumber2 => &self.phone_number2,
            PhoneExtension2 => &self.phone_extension2,
            PhoneNumber3 => &self.phone_number3,
            PhoneExtension3 => &self.phone_extension3,
            EmailAddress => &self.email_address,
            CrossReference => &self.cross_reference,
            Street => &self.street,
            Street2 => &self.street2,
            City => &self.city,
            State => &self.state,
            Zip => &self.zip,
            Country => &self.country,
            Notes => &self.notes,
            SalesPerson => &self.sales_person,
            InitialAppointmentDate => &self.initial_appointment_date,
            FirstName | PhoneType1 | PhoneType2 | PhoneType3 | JobCategory | WorkType
            | Priority => return None,
        })
    }

    /// The optional text field `field`, for filling it in; `None` for the first name (a plain
    /// `String`) and the enum fields.
    pub fn text_slot_mut(&mut self, field: LeadField) -> Option<&mut Option<String>> {
        use LeadField::*;
        Some(match field {
            LastName => &mut self.last_name,
            CompanyName => &mut self.company_name,
            PhoneNumber1 => &mut self.phone_number1,
            PhoneExtension1 => &mut self.phone_extension1,
            PhoneNumber2 => &mut self.phone_number2,
            PhoneExtension2 => &mut self.phone_extension2,
            PhoneNumber3 => &mut self.phone_number3,
            PhoneExtension3 => &mut self.phone_extension3,
            EmailAddress => &mut self.email_address,
            CrossReference => &mut self.cross_reference,
            Street => &mut self.street,
            Street2 => &mut self.street2,
            City => &mut self.city,
            State => &mut self.state,
            Zip => &mut self.zip,
            Country => &mut self.country,
            Notes => &mut self.notes,
            SalesPerson => &mut self.sales_person,
            InitialAppointmentDate => &mut self.initial_appointment_date,
            FirstName | PhoneType1 | PhoneType2 | PhoneType3 | JobCategory | WorkType
            | Priority => return None,
        })
    }

    /// The phone number of slot 0..=2 (phoneNumber1..3).
    pub fn phone(&self, slot: usize) -> Option<&str> {
        match slot {
            0 => self.phone_number1.as_deref(),
            1 => self.phone_number2.as_deref(),
            2 => self.phone_number3.as_deref(),
            _ => None,
        }
    }

    /// Identifies "the same lead" for the dedupe window (SPEC §6): the SHA-256 (hex) of a
    /// canonical form — every present field in schema order as `name`, a 0 byte, the value's
    /// byte length (8 bytes, little-endian) and the value — so any difference in any field,
    /// notes included, makes a different key.
    pub fn dedupe_key(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"acculynx-lead-v1\n");
        for field in LeadField::all() {
            if let Some(value) = self.get(field) {
                hasher.update(field.name().as_bytes());
                hasher.update([0u8]);
                hasher.update((value.len() as u64).to_le_bytes());
                hasher.update(value.as_bytes());
            }
        }
        hex::encode(hasher.finalize())
    }

    /// The digits of every phone number, space-separated ("3035550100 7205550199"), for
    /// searching leads by phone.
    pub fn phone_digits(&self) -> String {
        let mut out = String::new();
        for number in (0..3).filter_map(|slot| self.phone(slot)) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(number.chars().filter(char::is_ascii_digit));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_fields_are_left_out_of_the_json() {
        let lead = AccuLynxLead {
            first_name: "Jane".into(),
            phone_number1: Some("3035550100".into()),
            phone_type1: Some(PhoneType::Mobile),
            job_category: Some(JobCategory::PropertyManagement),
            ..AccuLynxLead::default()
        };
        assert_eq!(
            serde_json::to_string(&lead).unwrap(),
            r#"{"firstName":"Jane","phoneNumber1":"3035550100","phoneType1":"Mobile","jobCategory":"Property Management"}"#
        );
        let back: AccuLynxLead =
            serde_json::from_str(&serde_json::to_string(&lead).unwrap()).unwrap();
        assert_eq!(back, lead);
    }

    #[test]
    fn the_dedupe_key_changes_with_any_field_and_only_then() {
        let lead = AccuLynxLead {
            first_name: "Jane".into(),
            last_name: Some("Doe".into()),
            ..AccuLynxLead::default()
        };
        let key = lead.dedupe_key();
        assert_eq!(key.len(), 64);
        assert_eq!(key, lead.clone().dedupe_key());
        let other = AccuLynxLead {
            notes: Some("x".into()),
            ..lead.clone()
        };
        assert_ne!(other.dedupe_key(), key);
        // Moving text between fields is a different lead.
        let moved = AccuLynxLead {
            first_name: "Jane".into(),
            company_name: Some("Doe".into()),
            ..AccuLynxLead::default()
        };
        assert_ne!(moved.dedupe_key(), key);
    }

    #[test]
    fn phone_digits_lists_every_number() {
        let lead = AccuLynxLead {
            first_name: "Jane".into(),
            phone_number1: Some("3035550100".into()),
            phone_number3: Some("+442079460958".into()),
            ..AccuLynxLead::default()
        };
        assert_eq!(lead.phone_digits(), "3035550100 442079460958");
        assert_eq!(AccuLynxLead::default().phone_digits(), "");
    }
}
