//! AccuLynx's field table of `POST /api/v1/leads` (reference/acculynx-v1-leads.md): each
//! field's camelCase name, its label for people, and what it may hold (length limits in UTF-16
//! units, the allowed values of enums). The mapper, the portal's labels and edit form, the
//! portal's check of an edited lead and the sandbox's validator all read this one table.

use crate::acculynx::enums::{JobCategory, PhoneType, Priority, WorkType};

/// What a field may hold, as AccuLynx publishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A string or null of at most this many UTF-16 units.
    Text(usize),
    /// Like `Text`, and when not empty an email address.
    Email(usize),
    /// One of these values, spelled exactly.
    Enum(&'static [&'static str]),
    /// A date-time (ISO 8601), with or without a zone, or null.
    DateTime,
}

use FieldKind::{DateTime, Email, Enum, Text};

/// Names one field of the lead; each variant is AccuLynx's camelCase name in PascalCase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LeadField {
    FirstName,
    LastName,
    CompanyName,
    PhoneNumber1,
    PhoneExtension1,
    PhoneType1,
    PhoneNumber2,
    PhoneExtension2,
    PhoneType2,
    PhoneNumber3,
    PhoneExtension3,
    PhoneType3,
    EmailAddress,
    CrossReference,
    JobCategory,
    WorkType,
    Street,
    Street2,
    City,
    State,
    Zip,
    Country,
    Priority,
    Notes,
    SalesPerson,
    InitialAppointmentDate,
}

/// Every field, in the order of AccuLynx's schema table: (field, camelCase name, label for
/// people, what it may hold).
const TABLE: [(LeadField, &str, &str, FieldKind); LeadField::COUNT] = [
    (LeadField::FirstName, "firstName", "First name", Text(50)),
    (LeadField::LastName, "lastName", "Last name", Text(50)),
    (
        LeadField::CompanyName,
        "companyName",
        "Company name",
        Text(100),
    ),
    (LeadField::PhoneNumber1, "phoneNumber1", "Phone 1", Text(30)),
    (
        LeadField::PhoneExtension1,
        "phoneExtension1",
        "Phone 1 extension",
        Text(100),
    ),
    (
        LeadField::PhoneType1,
        "phoneType1",
        "Phone 1 type",
        Enum(PhoneType::NAMES),
    ),
    (LeadField::PhoneNumber2, "phoneNumber2", "Phone 2", Text(30)),
    (
        LeadField::PhoneExtension2,
        "phoneExtension2",
        "Phone 2 extension",
        Text(100),
    ),
    (
        LeadField::PhoneType2,
        "phoneType2",
        "Phone 2 type",
        Enum(PhoneType::NAMES),
    ),
    (LeadField::PhoneNumber3, "phoneNumber3", "Phone 3", Text(30)),
    (
        LeadField::PhoneExtension3,
        "phoneExtension3",
        "Phone 3 extension",
        Text(100),
    ),
    (
        LeadField::PhoneType3,
        "phoneType3",
        "Phone 3 type",
        Enum(PhoneType::NAMES),
    ),
    (
        LeadField::EmailAddress,
        "emailAddress",
        "Email address",
        Email(100),
    ),
    (
        LeadField::CrossReference,
        "crossReference",
        "Cross reference",
        Text(250),
    ),
    (
        LeadField::JobCategory,
        "jobCategory",
        "Job category",
        Enum(JobCategory::NAMES),
    ),
    (
        LeadField::WorkType,
        "workType",
        "Work type",
        Enum(WorkType::NAMES),
    ),
    (LeadField::Street, "street", "Street", Text(250)),
    (LeadField::Street2, "street2", "Street line 2", Text(50)),
    (LeadField::City, "city", "City", Text(50)),
    (LeadField::State, "state", "State", Text(50)),
    (LeadField::Zip, "zip", "ZIP code", Text(50)),
    (LeadField::Country, "country", "Country", Text(50)),
    (
        LeadField::Priority,
        "priority",
        "Priority",
        Enum(Priority::NAMES),
    ),
    (LeadField::Notes, "notes", "Notes", Text(1000)),
    (
        LeadField::SalesPerson,
        "salesPerson",
        "Sales person",
        Email(100),
    ),
    (
        LeadField::InitialAppointmentDate,
        "initialAppointmentDate",
        "Appointment date",
        DateTime,
    ),
];

impl LeadField {
    /// How many fields the lead has.
    pub const COUNT: usize = 26;

    /// Every field, in the order of AccuLynx's schema table.
    pub fn all() -> impl Iterator<Item = LeadField> {
        TABLE.iter().map(|row| row.0)
    }

    /// Position in [`LeadField::all`], for per-field arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The camelCase name AccuLynx uses.
    pub fn name(self) -> &'static str {
        TABLE[self.index()].1
    }

    /// How the field is called in sentences for people ("Phone 1").
    pub fn label(self) -> &'static str {
        TABLE[self.index()].2
    }

    /// What the field may hold.
    pub fn kind(self) -> FieldKind {
        TABLE[self.index()].3
    }

    /// AccuLynx's length limit in UTF-16 units, for text fields.
    pub fn max_len(self) -> Option<usize> {
        match self.kind() {
            Text(max) | Email(max) => Some(max),
            Enum(_) | DateTime => None,
        }
    }

    /// The field with this camelCase name.
    pub fn from_name(name: &str) -> Option<LeadField> {
        TABLE.iter().find(|row| row.1 == name).map(|row| row.0)
    }

    /// For phone fields (number, extension, type): which phone, 0-based.
    pub fn phone_slot(self) -> Option<usize> {
        use LeadField::*;
        match self {
            PhoneNumber1 | PhoneExtension1 | PhoneType1 => Some(0),
            PhoneNumber2 | PhoneExtension2 | PhoneType2 => Some(1),
            PhoneNumber3 | PhoneExtension3 | PhoneType3 => Some(2),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_table_follows_the_enum_order_and_the_schema() {
        for (index, field) in LeadField::all().enumerate() {
            assert_eq!(field.index(), index);
            assert_eq!(LeadField::from_name(field.name()), Some(field));
        }
        assert_eq!(LeadField::FirstName.kind(), Text(50));
        assert_eq!(LeadField::EmailAddress.kind(), Email(100));
        assert_eq!(LeadField::Notes.max_len(), Some(1000));
        assert_eq!(LeadField::WorkType.kind(), Enum(WorkType::NAMES));
        assert_eq!(LeadField::InitialAppointmentDate.max_len(), None);
    }
}
