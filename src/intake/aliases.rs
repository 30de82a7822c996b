//! Which source keys name which AccuLynx field: the default alias table of SPEC §6.1 and the
//! key folding that makes `Phone Cell`, `phone_cell` and `phoneCell` one key.

use crate::acculynx::LeadField;

/// The mappable AccuLynx fields, in schema order (for the mapping page).
pub fn acculynx_fields() -> &'static [&'static str] {
    &[
        "firstName",
        "lastName",
        "companyName",
        "phoneNumber1",
        "phoneExtension1",
        "phoneType1",
        "phoneNumber2",
        "phoneExtension2",
        "phoneType2",
        "phoneNumber3",
        "phoneExtension3",
        "phoneType3",
        "emailAddress",
        "crossReference",
        "jobCategory",
        "workType",
        "street",
        "street2",
        "city",
        "state",
        "zip",
        "country",
        "priority",
        "notes",
        "salesPerson",
        "initialAppointmentDate",
    ]
}

/// The source keys that map to `field` out of the box (SPEC §6.1), the field's own name first;
/// empty for a name that is not a field.
pub fn default_aliases(field: &str) -> &'static [&'static str] {
    match field {
        "firstName" => &["firstName", "first", "fname", "givenName"],
        "lastName" => &["lastName", "last", "lname", "surname"],
        "companyName" => &["companyName", "company", "compName", "business"],
        "phoneNumber1" => &[
            "phoneNumber1",
            "phoneCell",
            "cellPhone",
            "cell",
            "mobile",
            "mobilePhone",
            "phone",
        ],
        "phoneNumber2" => &["phoneNumber2", "phoneHome", "homePhone"],
        "phoneNumber3" => &["phoneNumber3", "phoneWork", "workPhone"],
        "phoneExtension1" => &["phoneExtension1"],
        "phoneExtension2" => &["phoneExtension2"],
        "phoneExtension3" => &["phoneExtension3"],
        "phoneType1" => &["phoneType1"],
        "phoneType2" => &["phoneType2"],
        "phoneType3" => &["phoneType3"],
        "emailAddress" => &["emailAddress", "email"],
        "crossReference" => &["crossReference", "contactId", "clientId"],
        "jobCategory" => &["jobCategory"],
        "workType" => &["workType"],
        "street" => &["street", "address", "address1", "streetAddress"],
        "street2" => &["street2", "address2", "apt", "suite", "unit"],
        "city" => &["city"],
        "state" => &["state", "province", "region"],
        "zip" => &["zip", "zipCode", "postalCode", "postcode"],
        "country" => &["country"],
        "priority" => &["priority"],
        "notes" => &[
            "notes",
            "note",
            "comments",
            "whiteboard",
            "jobNotes",
            "message",
        ],
        "salesPerson" => &["salesPerson", "salesRep", "assignedTo"],
        "initialAppointmentDate" => &[
            "initialAppointmentDate",
            "appointmentDate",
            "appointment",
            "nextAppointment",
        ],
        _ => &[],
    }
}

/// Source keys holding a whole name ("Jane Doe"), split into first and last name when those
/// are not sent on their own.
pub const FULL_NAME_KEYS: &[&str] = &["name", "fullName", "contactName"];

/// Folds a source key for matching: lower case, without whitespace, `_`, `-` and `.`.
/// Appends to `out` so one buffer serves a whole lead.
pub fn fold_key_into(key: &str, out: &mut String) {
    out.clear();
    if key.is_ascii() {
        for byte in key.bytes() {
            match byte {
                b'_' | b'-' | b'.' => {}
                byte if byte.is_ascii_whitespace() => {}
                byte => out.push(char::from(byte.to_ascii_lowercase())),
            }
        }
        return;
    }
    for c in key.chars() {
        match c {
            '_' | '-' | '.' => {}
            c if c.is_ascii() => {
                if !c.is_ascii_whitespace() {
                    out.push(c.to_ascii_lowercase());
                }
            }
            c if c.is_whitespace() => {}
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// [`fold_key_into`] into a new string.
pub fn fold_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    fold_key_into(key, &mut out);
    out
}

/// FNV-1a for the alias table. The table is fixed when a mapping is compiled and only looked
/// up afterwards, so hostile keys cannot degrade it, and short keys hash several times faster
/// than with the default SipHash.
#[derive(Debug, Clone, Copy)]
pub struct KeyHasher(u64);

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Builds [`KeyHasher`]s.
pub type BuildKeyHasher = std::hash::BuildHasherDefault<KeyHasher>;

/// Where a source key's value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An AccuLynx field.
    Field(LeadField),
    /// A whole name, to split into first and last name.
    FullName,
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn keys_fold_case_spaces_underscores_dashes_and_dots() {
        for key in [
            "Phone Cell",
            "phone_cell",
            "phoneCell",
            "PHONE-CELL",
            "phone.cell",
            " phone\tcell ",
        ] {
            assert_eq!(fold_key(key), "phonecell", "{key:?}");
        }
        assert_eq!(fold_key("Código Postal"), "códigopostal");
        assert_eq!(fold_key("ÉMAIL"), "émail");
    }

    #[test]
    fn every_field_has_its_own_name_first_and_no_alias_names_two_fields() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for field in acculynx_fields() {
            assert!(LeadField::from_name(field).is_some(), "{field}");
            let aliases = default_aliases(field);
            assert_eq!(aliases.first(), Some(field));
            for alias in aliases.iter().chain(if *field == "firstName" {
                FULL_NAME_KEYS
            } else {
                &[]
            }) {
                let previous = seen.insert(fold_key(alias), field);
                assert!(
                    previous.is_none(),
                    "{alias} maps to {previous:?} and {field}"
                );
            }
        }
        let names: Vec<&str> = LeadField::all().map(LeadField::name).collect();
        assert_eq!(acculynx_fields(), names.as_slice());
        assert!(default_aliases("favouriteColour").is_empty());
    }
}
