//! Mapping one lead: source fields in, AccuLynx lead, warnings and errors out.
//! The rules it follows are in [`super::mapping`]'s documentation.

use crate::acculynx::{AccuLynxLead, LeadField};
use crate::domain::text::clean_line;

use super::aliases::Target;
use super::mapping::{CompiledMapping, FieldError, MappedLead};
use super::names::split_full_name;
use super::normalize::{self, EnumValue, UsedInstead};

/// A normalised value, before it is stored.
enum Candidate {
    Text(String),
    Phone(String, Option<String>),
    Enum(EnumValue),
}

impl Candidate {
    fn as_str(&self) -> &str {
        match self {
            Candidate::Text(text) | Candidate::Phone(text, _) => text,
            Candidate::Enum(value) => value.as_str(),
        }
    }
}

enum Outcome {
    Empty,
    Value(Candidate),
    /// Cannot be sent; the warning says why.
    Invalid(String),
    /// An enum value nobody recognised.
    Unknown,
}

/// The lead being built.
pub(super) struct Draft<'m, 'f> {
    mapping: &'m CompiledMapping,
    lead: AccuLynxLead,
    /// Source (key, original value) of each phone, for the notes.
    phone_sources: [Option<(&'f str, &'f str)>; 3],
    inline_extensions: [Option<String>; 3],
    /// Which phone types came from the location's defaults.
    default_phone_types: [bool; 3],
    full_name: Option<(&'f str, &'f str)>,
    unknown: Vec<(LeadField, &'f str, &'f str)>,
    notes: String,
    lines: String,
    warnings: Vec<String>,
}

impl<'m, 'f> Draft<'m, 'f> {
    pub(super) fn new(mapping: &'m CompiledMapping) -> Self {
        Draft {
            mapping,
            lead: AccuLynxLead::default(),
            phone_sources: [None; 3],
            inline_extensions: [None, None, None],
            default_phone_types: [false; 3],
            full_name: None,
            unknown: Vec::new(),
            notes: String::new(),
            lines: String::new(),
            warnings: Vec::new(),
        }
    }

    /// A source field whose key maps to `target`.
    pub(super) fn take(&mut self, target: Target, key: &'f str, value: &'f str) {
        match target {
            Target::FullName if clean_line(value).is_empty() => {}
            Target::FullName if self.full_name.is_none() => self.full_name = Some((key, value)),
            Target::FullName => self.note_line(key, value),
            Target::Field(LeadField::Notes) => {
                if let Some(part) = normalize::notes_part(value) {
                    if !self.notes.is_empty() {
                        self.notes.push('\n');
                    }
                    self.notes.push_str(&part);
                }
            }
            Target::Field(field) => self.take_field(field, key, value),
        }
    }

    /// A source field whose key maps to nothing.
    pub(super) fn unmapped(&mut self, key: &str, value: &str) {
        if self.mapping.unmapped_to_notes {
            self.note_line(key, value);
        }
    }

    fn take_field(&mut self, field: LeadField, key: &'f str, value: &'f str) {
        let mut warnings = Vec::new();
        let outcome = self.normalise(field, value, &mut warnings);
        // Owned so the warnings below can borrow the draft; allocates only for a second value.
        let current = self.lead.get(field).map(str::to_owned);
        match (outcome, current.as_deref()) {
            (Outcome::Empty, _) => {}
            (Outcome::Unknown, _) => self.unknown.push((field, key, value)),
            (Outcome::Invalid(warning), None) => {
                self.warnings.push(warning);
                self.note_line(key, value);
            }
            (Outcome::Invalid(_), Some(current)) => {
                let warning = normalize::second_value_warning(field, current, &clean_line(value));
                self.warnings.push(warning);
                self.note_line(key, value);
            }
            (Outcome::Value(candidate), Some(current)) => {
                if candidate.as_str() != current {
                    let warning =
                        normalize::second_value_warning(field, current, &clean_line(value));
                    self.warnings.push(warning);
                    self.note_line(key, value);
                }
            }
            (Outcome::Value(candidate), None) => {
                self.warnings.append(&mut warnings);
                self.store(field, candidate, key, value);
            }
        }
    }

    fn normalise(&self, field: LeadField, value: &str, warnings: &mut Vec<String>) -> Outcome {
        let cleaned = clean_line(value);
        if cleaned.is_empty() {
            return Outcome::Empty;
        }
        let result = match field {
            LeadField::PhoneNumber1 | LeadField::PhoneNumber2 | LeadField::PhoneNumber3 => {
                normalize::phone(&cleaned).map(|phone| {
                    let (number, extension) = phone.into_parts();
                    Candidate::Phone(number, extension)
                })
            }
            LeadField::EmailAddress | LeadField::SalesPerson => {
                normalize::email(field, &cleaned).map(Candidate::Text)
            }
            LeadField::InitialAppointmentDate => {
                normalize::appointment(&cleaned, self.mapping.defaults.time_zone, warnings)
                    .map(Candidate::Text)
            }
            LeadField::PhoneType1
            | LeadField::PhoneType2
            | LeadField::PhoneType3
            | LeadField::JobCategory
            | LeadField::WorkType
            | LeadField::Priority => {
                return match normalize::enum_value(field, &cleaned) {
                    Some(value) => Outcome::Value(Candidate::Enum(value)),
                    None => Outcome::Unknown,
                };
            }
            _ => match normalize::text(field, &cleaned, warnings) {
                Some(text) => Ok(Candidate::Text(text)),
                None => return Outcome::Empty,
            },
        };
        match result {
            Ok(candidate) => Outcome::Value(candidate),
            Err(warning) => Outcome::Invalid(warning),
        }
    }

    fn store(&mut self, field: LeadField, candidate: Candidate, key: &'f str, value: &'f str) {
        let lead = &mut self.lead;
        match candidate {
            Candidate::Phone(number, extension) => {
                if let Some(slot) = field.phone_slot() {
                    self.phone_sources[slot] = Some((key, value));
                    self.inline_extensions[slot] = extension;
                }
                if let Some(target) = lead.text_slot_mut(field) {
                    *target = Some(number);
                }
            }
            Candidate::Enum(EnumValue::PhoneType(value)) => match field {
                LeadField::PhoneType1 => lead.phone_type1 = Some(value),
                LeadField::PhoneType2 => lead.phone_type2 = Some(value),
                _ => lead.phone_type3 = Some(value),
            },
            Candidate::Enum(EnumValue::JobCategory(value)) => lead.job_category = Some(value),
            Candidate::Enum(EnumValue::WorkType(value)) => lead.work_type = Some(value),
            Candidate::Enum(EnumValue::Priority(value)) => lead.priority = Some(value),
            Candidate::Text(text) if field == LeadField::FirstName => lead.first_name = text,
            Candidate::Text(text) => {
                if let Some(target) = lead.text_slot_mut(field) {
                    *target = Some(text);
                }
            }
        }
    }

    /// Appends `key: value` to the notes lines, folded onto one line.
    fn note_line(&mut self, key: &str, value: &str) {
        let value = clean_line(value);
        if value.is_empty() {
            return;
        }
        if !self.lines.is_empty() {
            self.lines.push('\n');
        }
        let key = clean_line(key);
        if !key.is_empty() {
            self.lines.push_str(&key);
            self.lines.push_str(": ");
        }
        self.lines.push_str(&value);
    }

    pub(super) fn finish(mut self) -> MappedLead {
        if let Some((key, value)) = self.full_name {
            self.apply_full_name(key, value);
        }
        let mut errors = Vec::new();
        if self.lead.first_name.is_empty() {
            match &self.mapping.defaults.first_name_fallback {
                Some(fallback) => {
                    self.warnings.push(format!(
                        "No first name was sent; {} was used, as this location's mapping says.",
                        normalize::quoted(fallback)
                    ));
                    self.lead.first_name = fallback.clone();
                }
                None => errors.push(FieldError {
                    field: LeadField::FirstName.name().to_string(),
                    message: "The firstName field is required.".to_string(),
                }),
            }
        }
        self.finish_phones();
        self.finish_enums();
        if self.lead.country.is_none() {
            self.lead.country = self.mapping.defaults.country.clone();
        }
        self.finish_notes();
        MappedLead {
            lead: self.lead,
            warnings: self.warnings,
            errors,
        }
    }

    fn apply_full_name(&mut self, key: &str, value: &str) {
        let name = clean_line(value);
        let (first, last) = split_full_name(&name);
        let sent_first = self.lead.get(LeadField::FirstName).map(str::to_owned);
        let sent_last = self.lead.last_name.clone();
        let same = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
        let consistent = match (&sent_first, &sent_last) {
            (None, None) => {
                self.fill_name(LeadField::FirstName, &first);
                if let Some(last) = &last {
                    self.fill_name(LeadField::LastName, last);
                }
                true
            }
            (None, Some(sent_last)) => {
                // A single word beside a last name is the first name.
                let matches = last.as_deref().is_none_or(|last| same(last, sent_last));
                self.fill_name(LeadField::FirstName, &first);
                matches
            }
            (Some(sent_first), None) => {
                let matches = same(&first, sent_first);
                if let (true, Some(last)) = (matches, &last) {
                    self.fill_name(LeadField::LastName, last);
                }
                matches
            }
            (Some(sent_first), Some(sent_last)) => {
                same(&first, sent_first)
                    && last.as_deref().is_some_and(|last| same(last, sent_last))
            }
        };
        if !consistent {
            self.note_line(key, value);
        }
    }

    fn fill_name(&mut self, field: LeadField, raw: &str) {
        let mut warnings = Vec::new();
        if let Outcome::Value(candidate) = self.normalise(field, raw, &mut warnings) {
            self.warnings.append(&mut warnings);
            self.store(field, candidate, "", "");
        }
    }

    fn finish_phones(&mut self) {
        const EXTENSIONS: [LeadField; 3] = [
            LeadField::PhoneExtension1,
            LeadField::PhoneExtension2,
            LeadField::PhoneExtension3,
        ];
        let defaults = self.mapping.defaults.phone_types;
        for (slot, extension_field) in EXTENSIONS.into_iter().enumerate() {
            let has_number = self.lead.phone(slot).is_some();
            let phone_type = match slot {
                0 => &mut self.lead.phone_type1,
                1 => &mut self.lead.phone_type2,
                _ => &mut self.lead.phone_type3,
            };
            self.default_phone_types[slot] = has_number && phone_type.is_none();
            *phone_type = has_number.then(|| phone_type.unwrap_or(defaults[slot]));
            let Some(inline) = self.inline_extensions[slot].take() else {
                continue;
            };
            let explicit = self.lead.get(extension_field).map(str::to_owned);
            match explicit {
                None => {
                    let mut warnings = Vec::new();
                    if let Outcome::Value(candidate) =
                        self.normalise(extension_field, &inline, &mut warnings)
                    {
                        self.warnings.append(&mut warnings);
                        self.store(extension_field, candidate, "", "");
                    }
                }
                Some(explicit) if explicit != inline => {
                    let number = self.lead.phone(slot).unwrap_or_default();
                    self.warnings.push(format!(
                        "Phone {number} was sent with extension {inline}, but the extension \
                         field says {explicit}; {explicit} was used and the phone as sent was \
                         kept in the notes."
                    ));
                    if let Some((key, value)) = self.phone_sources[slot] {
                        self.note_line(key, value);
                    }
                }
                Some(_) => {}
            }
        }
    }

    fn finish_enums(&mut self) {
        let defaults = &self.mapping.defaults;
        let mut defaulted = [false; 3];
        if self.lead.job_category.is_none() {
            self.lead.job_category = defaults.job_category;
            defaulted[0] = true;
        }
        if self.lead.work_type.is_none() {
            self.lead.work_type = defaults.work_type;
            defaulted[1] = true;
        }
        if self.lead.priority.is_none() {
            self.lead.priority = defaults.priority;
            defaulted[2] = true;
        }
        for (field, key, value) in std::mem::take(&mut self.unknown) {
            let used = self.lead.get(field);
            let from_default = match field {
                LeadField::JobCategory => defaulted[0],
                LeadField::WorkType => defaulted[1],
                LeadField::Priority => defaulted[2],
                // Phone types: sent only with a number; a type for a missing phone needs no
                // warning, its text just goes to the notes.
                _ if used.is_none() => {
                    self.note_line(key, value);
                    continue;
                }
                _ => self.default_phone_types[field.phone_slot().unwrap_or(0)],
            };
            let used = match used {
                None => UsedInstead::Nothing,
                Some(value) if from_default => UsedInstead::Default(value),
                Some(value) => UsedInstead::OtherField(value),
            };
            let warning = normalize::unknown_enum_warning(field, &clean_line(value), used);
            self.warnings.push(warning);
            self.note_line(key, value);
        }
    }

    fn finish_notes(&mut self) {
        let mut notes = std::mem::take(&mut self.notes);
        if !self.lines.is_empty() {
            if !notes.is_empty() {
                notes.push('\n');
            }
            notes.push_str(&self.lines);
        }
        if !notes.is_empty() {
            normalize::cut_notes(&mut notes, &mut self.warnings);
            self.lead.notes = Some(notes);
        }
    }
}
