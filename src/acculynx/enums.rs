//! The closed value sets of the AccuLynx lead (phone type, job category, work type, priority),
//! spelled exactly as AccuLynx expects them, each with a forgiving reader for what CRMs send.

/// Lower-cases ASCII `text` into `buf`, skipping spaces, `_`, `-`, `.` and `/`, so
/// "Cell Phone", "cell_phone" and "CELL-PHONE" read alike. `None` for anything longer than the
/// buffer or not ASCII: no synonym is either.
fn loose_key<'b>(text: &str, buf: &'b mut [u8; 32]) -> Option<&'b str> {
    let mut len = 0;
    for byte in text.bytes() {
        match byte {
            b' ' | b'\t' | b'\r' | b'\n' | b'_' | b'-' | b'.' | b'/' => {}
            0x80.. => return None,
            _ => {
                *buf.get_mut(len)? = byte.to_ascii_lowercase();
                len += 1;
            }
        }
    }
    std::str::from_utf8(buf.get(..len)?).ok()
}

macro_rules! lead_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $spelling:literal
                [ $($synonym:literal),* $(,)? ] ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $spelling)] $variant, )+
        }

        impl $name {
            /// Every spelling, in AccuLynx's order (the field table's allowed values).
            pub const NAMES: &'static [&'static str] = &[$($spelling),+];

            /// Every value, in AccuLynx's order.
            pub fn all() -> &'static [Self] {
                &[$(Self::$variant),+]
            }

            /// The exact spelling AccuLynx expects.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $spelling),+
                }
            }

            /// Reads a value the way people type it: case, spaces, `_`, `-`, `.` and `/` are
            /// ignored, and common synonyms are understood. `None` when nothing matches.
            pub fn parse_loose(text: &str) -> Option<Self> {
                let mut buf = [0u8; 32];
                let key = loose_key(text.trim(), &mut buf)?;
                $(
                    if [$($synonym),*].contains(&key) {
                        return Some(Self::$variant);
                    }
                )+
                None
            }

            /// The values as AccuLynx spells them, joined for a sentence ("Home, Mobile, Work").
            pub fn listed() -> String {
                Self::all().iter().map(Self::as_str).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

// Synonyms are written already folded (lower case, no separators). Each list starts with the
// value's own spelling.
lead_enum! {
    /// The kind of a phone number.
    PhoneType {
        /// A home (landline) phone.
        Home = "Home" ["home", "homephone", "phonehome", "house", "landline", "residence", "h"],
        /// A cell phone.
        Mobile = "Mobile" [
            "mobile", "mobilephone", "phonemobile", "cell", "cellphone", "phonecell",
            "cellular", "mobil", "wireless", "iphone", "sms", "text", "m", "c",
        ],
        /// A work or office phone.
        Work = "Work" [
            "work", "workphone", "phonework", "office", "officephone", "business",
            "businessphone", "w", "o", "b",
        ],
    }
}

lead_enum! {
    /// The category of the job the lead may become.
    JobCategory {
        /// A homeowner's job.
        Residential = "Residential" ["residential", "residence", "res", "resi", "home", "homeowner", "house"],
        /// A repair job.
        Repair = "Repair" ["repair", "repairs"],
        /// A job for a property manager.
        PropertyManagement = "Property Management" [
            "propertymanagement", "propertymanager", "propertymgmt", "propertymgt", "property", "pm",
        ],
    }
}

lead_enum! {
    /// The kind of work the lead asks for.
    WorkType {
        /// Paid through an insurance claim.
        Insurance = "Insurance" ["insurance", "insuranceclaim", "insurancejob", "claim", "ins"],
        /// A repair.
        Repair = "Repair" ["repair", "repairs", "fix"],
        /// Paid by the customer.
        Retail = "Retail" ["retail", "retailsale", "cash", "selfpay", "outofpocket"],
        /// Warranty work.
        Warranty = "Warranty" ["warranty", "warrantyclaim", "warrantywork"],
        /// New construction.
        New = "New" ["new", "newconstruction", "newbuild", "construction"],
        /// An inspection.
        Inspection = "Inspection" ["inspection", "inspect", "freeinspection", "roofinspection"],
        /// Service or maintenance.
        Service = "Service" ["service", "servicecall", "maintenance"],
    }
}

lead_enum! {
    /// How urgent the lead is.
    Priority {
        /// Normal priority.
        Normal = "Normal" ["normal", "medium", "med", "standard", "regular", "routine", "low"],
        /// High priority.
        High = "High" ["high", "hi", "important"],
        /// Urgent.
        Urgent = "Urgent" ["urgent", "emergency", "asap", "critical", "highest", "rush"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_serialise_with_acculynx_spelling() {
        assert_eq!(
            serde_json::to_string(&JobCategory::PropertyManagement).unwrap(),
            "\"Property Management\""
        );
        assert_eq!(
            serde_json::to_string(&PhoneType::Mobile).unwrap(),
            "\"Mobile\""
        );
        let back: JobCategory = serde_json::from_str("\"Property Management\"").unwrap();
        assert_eq!(back, JobCategory::PropertyManagement);
    }

    #[test]
    fn loose_parsing_ignores_case_and_separators_and_knows_synonyms() {
        assert_eq!(PhoneType::parse_loose("cell"), Some(PhoneType::Mobile));
        assert_eq!(
            PhoneType::parse_loose(" Cell Phone "),
            Some(PhoneType::Mobile)
        );
        assert_eq!(PhoneType::parse_loose("HOME"), Some(PhoneType::Home));
        assert_eq!(PhoneType::parse_loose("office"), Some(PhoneType::Work));
        assert_eq!(PhoneType::parse_loose("pager"), None);
        assert_eq!(
            JobCategory::parse_loose("property-management"),
            Some(JobCategory::PropertyManagement)
        );
        assert_eq!(
            WorkType::parse_loose("Insurance Claim"),
            Some(WorkType::Insurance)
        );
        assert_eq!(
            WorkType::parse_loose("new construction"),
            Some(WorkType::New)
        );
        assert_eq!(Priority::parse_loose("ASAP"), Some(Priority::Urgent));
        assert_eq!(Priority::parse_loose("médium"), None);
        assert_eq!(Priority::parse_loose(&"x".repeat(40)), None);
        assert_eq!(Priority::parse_loose(""), None);
    }

    #[test]
    fn every_spelling_reads_back_as_itself() {
        for value in PhoneType::all() {
            assert_eq!(PhoneType::parse_loose(value.as_str()), Some(*value));
        }
        for value in JobCategory::all() {
            assert_eq!(JobCategory::parse_loose(value.as_str()), Some(*value));
        }
        for value in WorkType::all() {
            assert_eq!(WorkType::parse_loose(value.as_str()), Some(*value));
        }
        for value in Priority::all() {
            assert_eq!(Priority::parse_loose(value.as_str()), Some(*value));
        }
        assert_eq!(PhoneType::listed(), "Home, Mobile, Work");
    }
}
