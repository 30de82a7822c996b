//! The names of the lead's fields, their labels for people and AccuLynx's length limits.

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
/// people, length limit in UTF-16 units where AccuLynx sets one).
const TABLE: [(LeadField, &str, &str, Option<usize>); LeadField::COUNT] = [
    (LeadField::FirstName, "firstName", "First name", Some(50)),
    (LeadField::LastName, "lastName", "Last name", Some(50)),
    (
        LeadField::CompanyName,
        "companyName",
        "Company name",
        Some(100),
    ),
    (LeadField::PhoneNumber1, "phoneNumber1", "Phone 1", Some(30)),
    (
        LeadField::PhoneExtension1,
        "phoneExtension1",
        "Phone 1 extension",
        Some(100),
    ),
    (LeadField::PhoneType1, "phoneType1", "Phone 1 type", None),
    (LeadField::PhoneNumber2, "phoneNumber2", "Phone 2", Some(30)),
    (
        LeadField::PhoneExtension2,
        "phoneExtension2",
        "Phone 2 extension",
        Some(100),
    ),
    (LeadField::PhoneType2, "phoneType2", "Phone 2 type", None),
    (LeadField::PhoneNumber3, "phoneNumber3", "Phone 3", Some(30)),
    (
        LeadField::PhoneExtension3,
        "phoneExtension3",
        "Phone 3 extension",
        Some(100),
    ),
    (LeadField::PhoneType3, "phoneType3", "Phone 3 type", None),
    (
        LeadField::EmailAddress,
        "emailAddress",
        "Email address",
        Some(100),
    ),
    (
        LeadField::CrossReference,
        "crossReference",
        "Cross reference",
        Some(250),
    ),
    (LeadField::JobCategory, "jobCategory", "Job category", None),
    (LeadField::WorkType, "workType", "Work type", None),
    (LeadField::Street, "street", "Street", Some(250)),
    (LeadField::Street2, "street2", "Street line 2", Some(50)),
    (LeadField::City, "city", "City", Some(50)),
    (LeadField::State, "state", "State", Some(50)),
    (LeadField::Zip, "zip", "ZIP code", Some(50)),
    (LeadField::Country, "country", "Country", Some(50)),
    (LeadField::Priority, "priority", "Priority", None),
    (LeadField::Notes, "notes", "Notes", Some(1000)),
    (
        LeadField::SalesPerson,
        "salesPerson",
        "Sales person",
        Some(100),
    ),
    (
        LeadField::InitialAppointmentDate,
        "initialAppointmentDate",
        "Appointment date",
        None,
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

    /// AccuLynx's length limit in UTF-16 units, for text fields.
    pub fn max_len(self) -> Option<usize> {
        TABLE[self.index()].3
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
        let schema: Vec<&str> = crate::sandbox::schema::FIELDS
            .iter()
            .map(|spec| spec.name)
            .collect();
        let ours: Vec<&str> = LeadField::all().map(LeadField::name).collect();
        assert_eq!(ours, schema);
    }
}
