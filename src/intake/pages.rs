//! Page templates of the intake feature: the Field mapping page with its dry run.

use askama::Template;

use crate::acculynx::{JobCategory, LeadField, PhoneType, Priority, WorkType};
use crate::http::pages::Chrome;
use crate::http::time::COMMON_TIME_ZONES;
use crate::tenants::model::{Company, Location};

use super::aliases::default_aliases;
use super::dry_run::{DryRunView, FORM, JSON, MULTIPART};
use super::mapping_form::{ALIAS_PREFIX, MappingForm, form_label};

/// One option of a select.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The submitted value.
    pub value: String,
    /// What the option says.
    pub label: String,
    /// Whether it is the chosen one.
    pub selected: bool,
}

/// One AccuLynx field in the table of field names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// camelCase name.
    pub name: &'static str,
    /// Label for people.
    pub label: &'static str,
    /// The source keys that fill it out of the box, joined.
    pub defaults: String,
    /// The location's extra aliases, as typed.
    pub typed: String,
    /// What is wrong with them.
    pub error: Option<String>,
}

/// A select of phone type for phone 1, 2 or 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneTypeRow {
    /// 1, 2 or 3.
    pub slot: usize,
    /// The options.
    pub choices: Vec<Choice>,
    /// What is wrong with the value sent.
    pub error: Option<String>,
}

/// A problem of the submitted mapping, for the list at the top of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The form input it concerns, in words.
    pub label: String,
    /// What to change.
    pub message: String,
}

/// A setting as the read-only page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// What it is.
    pub term: &'static str,
    /// Its value in words.
    pub value: String,
}

/// `GET /locations/{id}/mapping` and the answers to its forms.
#[derive(Template)]
#[template(path = "intake/mapping.html")]
pub struct MappingPage {
    /// Layout data.
    pub chrome: Chrome,
    /// The company.
    pub company: Company,
    /// The location.
    pub location: Location,
    /// Whether the viewer may change the mapping and run the dry run.
    pub can_manage: bool,
    /// Whether the location was deleted (the mapping is then read-only).
    pub deleted: bool,
    /// The table of field names.
    pub fields: Vec<FieldRow>,
    /// Job category options.
    pub job_categories: Vec<Choice>,
    /// Work type options.
    pub work_types: Vec<Choice>,
    /// Priority options.
    pub priorities: Vec<Choice>,
    /// Phone type selects.
    pub phone_types: Vec<PhoneTypeRow>,
    /// Time zone options.
    pub time_zones: Vec<Choice>,
    /// The defaults in words (read-only page).
    pub facts: Vec<Fact>,
    /// The mapping as typed (or saved).
    pub form: MappingForm,
    /// Every problem of the submitted mapping.
    pub problems: Vec<Problem>,
    /// `(form name, message)` of each problem.
    errors: Vec<(String, String)>,
    /// The dry run's sample body.
    pub sample: String,
    /// Body format options of the dry run.
    pub sample_types: Vec<Choice>,
    /// The dry run's outcome.
    pub dry_run: Option<DryRunView>,
    /// Why the dry run did not run.
    pub dry_run_notice: Option<String>,
    /// The AccuLynx v2 defaults, for a location that delivers through v2.
    pub v2: Option<crate::tenants::acculynx_api::V2ListsView>,
}

impl MappingPage {
    /// The page for `form`, with the problems `errors` (`(form name, message)`) marked.
    pub fn new(
        chrome: Chrome,
        company: Company,
        location: Location,
        can_manage: bool,
        form: MappingForm,
        errors: Vec<(String, String)>,
    ) -> Self {
        let error_of = |name: &str| joined_errors(&errors, name);
        let fields = LeadField::all()
            .map(|field| FieldRow {
                name: field.name(),
                label: field.label(),
                defaults: default_aliases(field.name()).join(", "),
                typed: form.aliases.get(field.name()).cloned().unwrap_or_default(),
                error: error_of(&format!("{ALIAS_PREFIX}{}", field.name())),
            })
            .collect();
        let no_default = "No default";
        let phone_types = form
            .phone_types
            .iter()
            .enumerate()
            .map(|(index, typed)| PhoneTypeRow {
                slot: index + 1,
                choices: choices(PhoneType::all().iter().map(PhoneType::as_str), typed, None),
                error: error_of(&format!("defaults.phone_type{}", index + 1)),
            })
            .collect();
        let mut zones = vec![Choice {
            value: String::new(),
            label: "Not set — AccuLynx uses the company's time zone".to_string(),
            selected: form.time_zone.trim().is_empty(),
        }];
        zones.extend(choices(
            COMMON_TIME_ZONES.iter().copied(),
            form.time_zone.trim(),
            None,
        ));
        let facts = facts(&form);
        let deleted = location.deleted_at.is_some();
        MappingPage {
            chrome,
            company,
            can_manage: can_manage && !deleted,
            deleted,
            location,
            fields,
            job_categories: choices(
                JobCategory::all().iter().map(JobCategory::as_str),
                &form.job_category,
                Some(no_default),
            ),
            work_types: choices(
                WorkType::all().iter().map(WorkType::as_str),
                &form.work_type,
                Some(no_default),
            ),
            priorities: choices(
                Priority::all().iter().map(Priority::as_str),
                &form.priority,
                Some(no_default),
            ),
            phone_types,
            time_zones: zones,
            facts,
            problems: errors
                .iter()
                .map(|(name, message)| Problem {
                    label: form_label(name),
                    message: message.clone(),
                })
                .collect(),
            errors,
            form,
            sample: String::new(),
            sample_types: sample_types(""),
            dry_run: None,
            dry_run_notice: None,
            v2: None,
        }
    }

    /// Keeps the dry run's sample and chosen format on the page.
    pub fn with_sample(mut self, sample: String, chosen_type: &str) -> Self {
        self.sample = sample;
        self.sample_types = sample_types(chosen_type);
        self
    }

    /// The messages for one form input, joined (for the template).
    pub fn error_of(&self, name: &str) -> Option<String> {
        joined_errors(&self.errors, name)
    }
}

fn joined_errors(errors: &[(String, String)], name: &str) -> Option<String> {
    let messages: Vec<&str> = errors
        .iter()
        .filter(|(field, _)| field == name)
        .map(|(_, message)| message.as_str())
        .collect();
    (!messages.is_empty()).then(|| messages.join(" "))
}

/// Options for `values`, the one equal to `typed` chosen; a typed value that is not among
/// them is offered too, so a form sent back shows what was sent. `none` adds an empty option.
fn choices<'a>(
    values: impl Iterator<Item = &'a str>,
    typed: &str,
    none: Option<&str>,
) -> Vec<Choice> {
    let mut out: Vec<Choice> = none
        .map(|label| Choice {
            value: String::new(),
            label: label.to_string(),
            selected: typed.trim().is_empty(),
        })
        .into_iter()
        .collect();
    out.extend(values.map(|value| Choice {
        value: value.to_string(),
        label: value.to_string(),
        selected: value == typed,
    }));
    if !typed.trim().is_empty() && !out.iter().any(|choice| choice.selected) {
        out.push(Choice {
            value: typed.to_string(),
            label: typed.to_string(),
            selected: true,
        });
    }
    out
}

fn sample_types(chosen: &str) -> Vec<Choice> {
    let mut out: Vec<Choice> = [
        ("", "Detect from the body"),
        (FORM, "Form data (application/x-www-form-urlencoded)"),
        (JSON, "JSON (application/json)"),
        (MULTIPART, "Multipart form data (multipart/form-data)"),
    ]
    .into_iter()
    .map(|(value, label)| Choice {
        value: value.to_string(),
        label: label.to_string(),
        selected: value == chosen,
    })
    .collect();
    if !out.iter().any(|choice| choice.selected) {
        out.push(Choice {
            value: chosen.to_string(),
            label: chosen.to_string(),
            selected: true,
        });
    }
    out
}

fn facts(form: &MappingForm) -> Vec<Fact> {
    let or = |value: &str, otherwise: &str| {
        if value.trim().is_empty() {
            otherwise.to_string()
        } else {
            value.to_string()
        }
    };
    vec![
        Fact {
            term: "Job category",
            value: or(&form.job_category, "No default"),
        },
        Fact {
            term: "Work type",
            value: or(&form.work_type, "No default"),
        },
        Fact {
            term: "Priority",
            value: or(&form.priority, "No default"),
        },
        Fact {
            term: "Phone types",
            value: form.phone_types.join(", "),
        },
        Fact {
            term: "Country",
            value: or(&form.country, "None sent"),
        },
        Fact {
            term: "Time zone",
            value: or(
                &form.time_zone,
                "Not set — AccuLynx uses the company's time zone",
            ),
        },
        Fact {
            term: "First name when none is sent",
            value: or(
                &form.first_name_fallback,
                "Not set: such leads are rejected",
            ),
        },
        Fact {
            term: "Unmapped fields",
            value: if form.unmapped_to_notes {
                "Added to the notes".to_string()
            } else {
                "Not sent".to_string()
            },
        },
        Fact {
            term: "Dedupe window",
            value: match form.dedupe_window_hours.trim() {
                "0" => "Off".to_string(),
                hours => format!("{hours} hours"),
            },
        },
    ]
}
