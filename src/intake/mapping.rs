//! A location's field mapping (SPEC §6.1): extra aliases and defaults, stored as JSON in
//! `locations.mapping`, validated for the mapping page, and compiled once into the lookup table
//! the intake uses for every lead.
//!
//! Decisions where the SPEC is silent:
//! - Job category, work type and priority have no default unless the location sets one; then
//!   the field is left out and AccuLynx applies its own.
//! - Phone types default to Mobile, Home, Work for phones 1, 2, 3; a phone type is sent only
//!   with its phone number.
//! - The country default (`US`) is sent with every lead that has no country; an empty default
//!   sends none. A blank time zone or first-name fallback means "not set".
//! - A location's alias wins over a default alias of another field (a location whose `phone`
//!   is the home phone adds `phone` to phoneNumber2). The mapping page refuses an alias that is
//!   another field's own name, or that is listed under two fields.
//! - The dedupe window is 0 (off) to 8760 hours (a year).
//!
//! Rules beyond SPEC §6.1/§6.2 (where it is silent):
//! - Several source keys for one field: the first non-empty usable value (arrival order) wins.
//!   A later value that normalises to the same thing is ignored; a different one goes to the
//!   notes with a warning. Notes are the exception: every notes source is kept, in order.
//! - A value that cannot be sent (bad phone, email or date) leaves the field free for a later
//!   source key; its original text goes to the notes as `key: value`.
//! - An unknown enum value goes to the notes with a warning; the field then takes a recognised
//!   value from another source key, else the location's default, else is left out.
//! - Full name (`name`, `fullName`, `contactName`) fills first and last name only when they are
//!   not sent on their own: "Doe, Jane" is last-name-first; otherwise the last word is the last
//!   name ("Mary Ann Smith" → "Mary Ann" + "Smith"), keeping a suffix with it ("Jane Doe Jr." →
//!   "Jane" + "Doe Jr."); one word is a first name. A full name that disagrees with the first
//!   and last name sent beside it goes to the notes.
//! - A phone's inline extension fills its extension field unless the lead sends one; when both
//!   differ, the explicit field wins and the phone's original text goes to the notes.
//! - Phone types are sent only with a phone number.
//! - Notes: the notes sources first, then the `key: value` lines (unmapped fields and values that
//!   could not be sent) in arrival order, then lines for unknown enum values; unmapped values are
//!   folded onto one line each. The whole is cut to 1000 UTF-16 units with a warning.

use std::collections::{BTreeMap, HashMap};

use chrono_tz::Tz;

use crate::acculynx::{AccuLynxLead, JobCategory, LeadField, PhoneType, Priority, WorkType};
use crate::domain::text::{clean_line, utf16_len};

use super::aliases::{
    BuildKeyHasher, FULL_NAME_KEYS, Target, default_aliases, fold_key, fold_key_into,
};
use super::body::ParsedBody;
use super::draft::Draft;

/// The longest dedupe window the mapping page accepts, in hours.
pub const MAX_DEDUPE_WINDOW_HOURS: u32 = 8760;

/// The longest alias the mapping page accepts, in characters.
pub const MAX_ALIAS_LEN: usize = 200;

/// A location's field mapping, as stored (`'{}'` = every default).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct LocationMapping {
    /// AccuLynx field (camelCase) → extra source keys that fill it.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Values used when a lead does not carry them.
    pub defaults: MappingDefaults,
    /// Whether source fields that map to nothing are appended to the notes as `key: value`.
    pub unmapped_to_notes: bool,
    /// Hours within which the same mapped lead is a duplicate; 0 turns dedupe off.
    pub dedupe_window_hours: u32,
}

impl Default for LocationMapping {
    fn default() -> Self {
        LocationMapping {
            aliases: BTreeMap::new(),
            defaults: MappingDefaults::default(),
            unmapped_to_notes: true,
            dedupe_window_hours: 24,
        }
    }
}

/// Per-location defaults for what a lead does not say.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct MappingDefaults {
    /// Job category when the lead has none (or an unknown one); `None` leaves it out.
    pub job_category: Option<JobCategory>,
    /// Work type when the lead has none; `None` leaves it out.
    pub work_type: Option<WorkType>,
    /// Priority when the lead has none; `None` leaves it out.
    pub priority: Option<Priority>,
    /// Type of phone 1 (default Mobile).
    pub phone_type1: PhoneType,
    /// Type of phone 2 (default Home).
    pub phone_type2: PhoneType,
    /// Type of phone 3 (default Work).
    pub phone_type3: PhoneType,
    /// Country when the lead has none (default `US`); empty sends none.
    pub country: String,
    /// IANA time zone (`America/Denver`) for appointment times written without one; `None`
    /// sends them without a zone, so AccuLynx applies the company's.
    pub time_zone: Option<String>,
    /// First name for leads that have none (e.g. "Website lead"); `None` rejects them.
    pub first_name_fallback: Option<String>,
}

impl Default for MappingDefaults {
    fn default() -> Self {
        MappingDefaults {
            job_category: None,
            work_type: None,
            priority: None,
            phone_type1: PhoneType::Mobile,
            phone_type2: PhoneType::Home,
            phone_type3: PhoneType::Work,
            country: "US".to_string(),
            time_zone: None,
            first_name_fallback: None,
        }
    }
}

pub use crate::leads::model::FieldError;

/// The result of mapping one lead (serialisable for the mapping page's dry run).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MappedLead {
    /// The AccuLynx body.
    pub lead: AccuLynxLead,
    /// What had to give, in sentences for an office worker.
    pub warnings: Vec<String>,
    /// Why the lead cannot be sent; non-empty means rejected (422).
    pub errors: Vec<FieldError>,
}

impl MappedLead {
    /// Whether the lead cannot be sent.
    pub fn is_rejected(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// Defaults cleaned and checked once, at compile time.
#[derive(Debug, Clone)]
pub(super) struct CompiledDefaults {
    pub job_category: Option<JobCategory>,
    pub work_type: Option<WorkType>,
    pub priority: Option<Priority>,
    pub phone_types: [PhoneType; 3],
    pub country: Option<String>,
    pub time_zone: Option<Tz>,
    pub first_name_fallback: Option<String>,
}

/// A mapping ready to map leads: one hash lookup per source field.
#[derive(Debug, Clone)]
pub struct CompiledMapping {
    targets: HashMap<Box<str>, Target, BuildKeyHasher>,
    pub(super) defaults: CompiledDefaults,
    pub(super) unmapped_to_notes: bool,
    dedupe_window_hours: u32,
}

impl LocationMapping {
    /// Checks the mapping as the mapping page submits it: `(form field, message)` pairs, the
    /// form field being `aliases.<field>`, `defaults.<name>` or `dedupe_window_hours`.
    pub fn validate(&self) -> Result<(), Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut claimed: HashMap<String, &str> = HashMap::new();
        for (field, aliases) in &self.aliases {
            let form_field = format!("aliases.{field}");
            if LeadField::from_name(field).is_none() {
                errors.push((
                    form_field,
                    format!("There is no AccuLynx field called \"{field}\"."),
                ));
                continue;
            }
            for alias in aliases {
                let folded = fold_key(alias);
                if let Some(message) = alias_problem(field, alias, &folded, &claimed) {
                    errors.push((form_field.clone(), message));
                } else {
                    claimed.insert(folded, field);
                }
            }
        }
        let defaults = &self.defaults;
        if let Some(zone) = defaults.time_zone.as_deref().map(str::trim)
            && !zone.is_empty()
            && zone.parse::<Tz>().is_err()
        {
            errors.push((
                "defaults.time_zone".to_string(),
                format!(
                    "\"{zone}\" is not a time zone leadrelay knows; use a name such as \
                     America/Denver or America/New_York."
                ),
            ));
        }
        for (name, value, field) in [
            (
                "country",
                Some(defaults.country.as_str()),
                LeadField::Country,
            ),
            (
                "first_name_fallback",
                defaults.first_name_fallback.as_deref(),
                LeadField::FirstName,
            ),
        ] {
            let max = field.max_len().unwrap_or(50);
            if let Some(value) = value
                && utf16_len(&clean_line(value)) > max
            {
                errors.push((
                    format!("defaults.{name}"),
                    format!("This may be at most {max} characters, as in AccuLynx."),
                ));
            }
        }
        if self.dedupe_window_hours > MAX_DEDUPE_WINDOW_HOURS {
            errors.push((
                "dedupe_window_hours".to_string(),
                format!(
                    "The dedupe window must be between 0 (off) and {MAX_DEDUPE_WINDOW_HOURS} \
                     hours (a year)."
                ),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Builds the lookup table: every default alias, the full-name keys, then this location's
    /// aliases on top. Never fails: unknown fields are skipped, defaults that would not fit
    /// AccuLynx are cleaned and cut, an unknown time zone counts as none.
    pub fn compile(&self) -> CompiledMapping {
        let mut targets = HashMap::with_capacity_and_hasher(96, BuildKeyHasher::default());
        for field in LeadField::all() {
            for alias in default_aliases(field.name()) {
                targets.insert(fold_key(alias).into_boxed_str(), Target::Field(field));
            }
        }
        for key in FULL_NAME_KEYS {
            targets.insert(fold_key(key).into_boxed_str(), Target::FullName);
        }
        let mut folded = String::new();
        for (field, aliases) in &self.aliases {
            let Some(field) = LeadField::from_name(field) else {
                continue;
            };
            for alias in aliases {
                fold_key_into(alias, &mut folded);
                if !folded.is_empty() {
                    targets.insert(folded.as_str().into(), Target::Field(field));
                }
            }
        }
        let defaults = &self.defaults;
        // Defaults that do not fit are cut like any value; the mapping page reports them.
        let mut ignored = Vec::new();
        let clean = |value: &str, field: LeadField, ignored: &mut Vec<String>| {
            super::normalize::text(field, value, ignored)
        };
        CompiledMapping {
            targets,
            defaults: CompiledDefaults {
                job_category: defaults.job_category,
                work_type: defaults.work_type,
                priority: defaults.priority,
                phone_types: [
                    defaults.phone_type1,
                    defaults.phone_type2,
                    defaults.phone_type3,
                ],
                country: clean(&defaults.country, LeadField::Country, &mut ignored),
                time_zone: defaults
                    .time_zone
                    .as_deref()
                    .and_then(|zone| zone.trim().parse::<Tz>().ok()),
                first_name_fallback: defaults
                    .first_name_fallback
                    .as_deref()
                    .and_then(|name| clean(name, LeadField::FirstName, &mut ignored)),
            },
            unmapped_to_notes: self.unmapped_to_notes,
            dedupe_window_hours: self.dedupe_window_hours,
        }
    }
}

fn alias_problem(
    field: &str,
    alias: &str,
    folded: &str,
    claimed: &HashMap<String, &str>,
) -> Option<String> {
    if folded.is_empty() {
        return Some(format!(
            "The alias \"{alias}\" is empty once spaces, _, - and . are ignored."
        ));
    }
    if alias.chars().count() > MAX_ALIAS_LEN {
        return Some(format!(
            "An alias may be at most {MAX_ALIAS_LEN} characters."
        ));
    }
    if let Some(other) = LeadField::all().find(|other| fold_key(other.name()) == folded)
        && other.name() != field
    {
        return Some(format!(
            "\"{alias}\" is the name of the AccuLynx field {}; it cannot also fill {field}.",
            other.name()
        ));
    }
    claimed.get(folded).map(|other| {
        if *other == field {
            format!("\"{alias}\" is listed twice for {field}.")
        } else {
            format!(
                "\"{alias}\" is also listed for {other}; a source field can fill only one \
                 AccuLynx field."
            )
        }
    })
}

impl CompiledMapping {
    /// Maps one lead's source fields (in arrival order) to an AccuLynx lead with warnings, or
    /// errors when it cannot be sent. See `intake::draft` for the rules.
    pub fn map(&self, fields: &[(String, String)]) -> MappedLead {
        let mut draft = Draft::new(self);
        let mut folded = String::with_capacity(32);
        for (key, value) in fields {
            fold_key_into(key, &mut folded);
            match self.targets.get(folded.as_str()) {
                Some(target) => draft.take(*target, key, value),
                None => draft.unmapped(key, value),
            }
        }
        draft.finish()
    }

    /// [`CompiledMapping::map`] over a parsed body, adding a warning for each file part that
    /// was not passed on.
    pub fn map_body(&self, body: &ParsedBody) -> MappedLead {
        let mut mapped = self.map(&body.fields);
        mapped.warnings.extend(body.warnings());
        mapped
    }

    /// Where a source key's value would go: an AccuLynx field name, `"name"` for a full name to
    /// split, or `None` (to the notes). For the mapping page.
    pub fn target_of(&self, key: &str) -> Option<&'static str> {
        match self.targets.get(fold_key(key).as_str())? {
            Target::Field(field) => Some(field.name()),
            Target::FullName => Some("name"),
        }
    }

    /// Hours within which the same mapped lead is a duplicate; 0 = dedupe off.
    pub fn dedupe_window_hours(&self) -> u32 {
        self.dedupe_window_hours
    }

    /// The location's time zone for appointment times, when set and valid.
    pub fn time_zone(&self) -> Option<Tz> {
        self.defaults.time_zone
    }
}
