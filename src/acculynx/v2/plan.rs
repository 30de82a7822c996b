//! The v1 lead turned into v2's calls, per the reference's mapping table (§5): the contact,
//! the job, and the optional details (appointment, sales owner, a message for what did not
//! fit). Nothing is dropped in silence: what v2 cannot take goes in the job message and in a
//! warning.

use chrono::{Duration, NaiveDateTime};
use chrono_tz::Tz;

use super::bodies::{
    AppointmentPut, ContactAddress, ContactPost, EmailPost, IdRef, JobAddress, JobPost, PhonePost,
};
use super::lookups::{Lookups, same_name};
use super::{JOB_NOTES_MAX, V2Defaults};
use crate::acculynx::{AccuLynxLead, PhoneType};
use crate::domain::appointment::Appointment;
use crate::domain::text::cut_to_utf16;

mod names;
use names::pick;

/// The last name a contact gets when the lead has none (v2 requires one).
pub const NO_LAST_NAME: &str = "(no last name)";

/// What one lead asks of v2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V2Plan {
    /// `POST /contacts`, when no contact is found.
    pub contact: ContactPost,
    /// `POST /jobs`; its `contact.id` is set once the contact is known.
    pub job: JobPost,
    /// `PUT /jobs/{id}/initial-appointment`.
    pub appointment: Option<AppointmentPut>,
    /// The AccuLynx user to make the job's sales owner.
    pub sales_owner: Option<String>,
    /// `POST /jobs/{id}/messages`: notes past 1000 characters and what could not be mapped.
    pub message: Option<String>,
    /// What could not be carried across, one sentence each.
    pub warnings: Vec<String>,
    /// The lead's email, lower-cased: how an existing contact is recognised.
    pub email: Option<String>,
    /// Its phones as 10 digits: the other way a contact is recognised.
    pub phones: Vec<String>,
    /// What to search contacts for (the last name, else the first).
    pub search_term: String,
}

/// `text` cut to `max` UTF-16 units, as AccuLynx counts lengths.
fn cut(text: &str, max: usize) -> String {
    let mut text = text.to_string();
    cut_to_utf16(&mut text, max);
    text
}

fn present(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// A phone as v2's exactly 10 digits: digits only, a leading `1` of an 11-digit NANP number
/// dropped; `None` for any other length.
pub fn ten_digits(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        10 => Some(digits),
        11 if digits.starts_with('1') => Some(digits[1..].to_string()),
        _ => None,
    }
}

fn phone_kind(kind: Option<PhoneType>) -> &'static str {
    match kind {
        Some(PhoneType::Mobile) => "Mobile",
        Some(PhoneType::Work) => "Work",
        Some(PhoneType::Home) | None => "Home",
    }
}

/// Plans the v2 calls for `lead`. `zone` is the company's time zone, for appointments written
/// in local time.
pub fn plan(
    lead: &AccuLynxLead,
    lookups: &Lookups,
    defaults: &V2Defaults,
    zone: Option<Tz>,
) -> V2Plan {
    let mut warnings = Vec::new();
    let mut unmapped = Vec::new();

    // Phones: exactly 10 digits, else kept in the message.
    let slots = [
        (
            lead.phone_number1.as_ref(),
            lead.phone_type1,
            lead.phone_extension1.as_ref(),
        ),
        (
            lead.phone_number2.as_ref(),
            lead.phone_type2,
            lead.phone_extension2.as_ref(),
        ),
        (
            lead.phone_number3.as_ref(),
            lead.phone_type3,
            lead.phone_extension3.as_ref(),
        ),
    ];
    let mut phone_numbers: Vec<PhonePost> = Vec::new();
    for (index, (number, kind, ext)) in slots.into_iter().enumerate() {
        let Some(number) = present(number) else {
            continue;
        };
        match ten_digits(number) {
            Some(digits) if !phone_numbers.iter().any(|p| p.number == digits) => {
                phone_numbers.push(PhonePost {
                    number: digits,
                    kind: phone_kind(kind),
                    ext: present(ext).map(str::to_string),
                    primary: phone_numbers.is_empty(),
                });
            }
            Some(_) => {}
            None => {
                warnings.push(format!(
                    "Phone {} ({number}) is not a 10-digit number, which AccuLynx v2 requires; it was put in the job's message.",
                    index + 1
                ));
                unmapped.push(format!("Phone {}: {number}", index + 1));
            }
        }
    }
    let phones = phone_numbers.iter().map(|p| p.number.clone()).collect();

    let email = present(lead.email_address.as_ref()).map(str::to_lowercase);
    let first_name = Some(cut(lead.first_name.trim(), 50)).filter(|n| !n.is_empty());
    let last_name = match present(lead.last_name.as_ref()) {
        Some(last) => cut(last, 50),
        None => {
            warnings.push(format!(
                "The lead has no last name, which AccuLynx v2 requires; the contact was named \"{NO_LAST_NAME}\"."
            ));
            NO_LAST_NAME.to_string()
        }
    };
    let search_term = present(lead.last_name.as_ref())
        .or(first_name.as_deref())
        .unwrap_or(NO_LAST_NAME)
        .to_string();

    // Addresses: the job takes strings, all five or none; the contact takes state/country ids.
    let country_text = present(lead.country.as_ref()).unwrap_or(defaults.country());
    let country = lookups.country(country_text);
    let state_text = present(lead.state.as_ref());
    let state = match (country, state_text) {
        (Some(country), Some(state)) => lookups.state(country.id, state),
        _ => None,
    };
    if let (Some(text), None) = (state_text, state)
        && !lookups.states.is_empty()
    {
        warnings.push(format!(
            "AccuLynx's states have no \"{text}\"; the contact's address was saved without a state."
        ));
    }
    let street = present(lead.street.as_ref());
    let city = present(lead.city.as_ref());
    let zip = present(lead.zip.as_ref());
    let mailing_address =
        (street.is_some() || city.is_some() || zip.is_some()).then(|| ContactAddress {
            street1: street.map(str::to_string),
            street2: present(lead.street2.as_ref()).map(str::to_string),
            city: city.map(str::to_string),
            zip_code: zip.map(str::to_string),
            state: state.map(|s| IdRef { id: s.id }),
            country: country.map(|c| IdRef { id: c.id }),
        });
    let country_code = country
        .map(|c| c.abbreviation.clone())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| cut(country_text, 50));
    let location_address = match (street, city, state_text, zip) {
        (Some(street), Some(city), Some(state_text), Some(zip)) if zip.chars().count() <= 10 => {
            Some(JobAddress {
                street1: cut(street, 250),
                street2: present(lead.street2.as_ref()).map(|s| cut(s, 50)),
                city: cut(city, 50),
                state: state
                    .map(|s| s.abbreviation.clone())
                    .filter(|a| !a.is_empty())
                    .unwrap_or_else(|| cut(state_text, 50)),
                country: country_code,
                zip_code: zip.to_string(),
            })
        }
        (None, None, None, None) => None,
        _ => {
            warnings.push(
                "The address is incomplete (v2 needs street, city, state and a ZIP of at most 10 characters), so the job has no location address."
                    .to_string(),
            );
            None
        }
    };

    let contact_type = lookups.contact_type(defaults.contact_type.as_deref());
    if contact_type.is_none() {
        warnings.push("AccuLynx listed no contact types; the contact was sent without one.".into());
    }
    if let (Some(wanted), Some(used)) = (defaults.contact_type.as_deref(), contact_type)
        && !same_name(wanted, &used.name)
    {
        warnings.push(format!(
            "AccuLynx has no contact type called \"{wanted}\"; \"{}\" was used.",
            used.name
        ));
    }
    let contact = ContactPost {
        contact_type_ids: contact_type.map(|t| t.id.clone()).into_iter().collect(),
        first_name,
        last_name,
        company_name: present(lead.company_name.as_ref()).map(|c| cut(c, 100)),
        cross_reference: present(lead.cross_reference.as_ref()).map(|c| cut(c, 250)),
        phone_numbers,
        email_addresses: email
            .iter()
            .map(|address| EmailPost {
                address: address.clone(),
                primary: true,
                kind: "Personal",
            })
            .collect(),
        mailing_address,
    };

    let job_category = pick(
        &lookups.job_categories,
        "job category",
        lead.job_category
            .as_ref()
            .map(crate::acculynx::JobCategory::as_str),
        defaults.job_category.as_deref(),
        &mut warnings,
        &mut unmapped,
    );
    let work_type = pick(
        &lookups.work_types,
        "work type",
        lead.work_type
            .as_ref()
            .map(crate::acculynx::WorkType::as_str),
        defaults.work_type.as_deref(),
        &mut warnings,
        &mut unmapped,
    );
    let lead_source = pick(
        &lookups.lead_sources,
        "lead source",
        None,
        defaults.lead_source.as_deref(),
        &mut warnings,
        &mut unmapped,
    );
    let mut trade_types = Vec::new();
    for name in &defaults.trade_types {
        match lookups.trade_type(name) {
            Some(found) => trade_types.push(IdRef {
                id: found.id.clone(),
            }),
            None => warnings.push(format!(
                "The location's trade type \"{name}\" is not in AccuLynx's list; pick another on the Field mapping page."
            )),
        }
    }

    // Notes: the first 1000 characters on the job, the rest in a message.
    let notes_text = present(lead.notes.as_ref());
    let (notes, overflow) = match notes_text {
        Some(text) => {
            let head = cut(text, JOB_NOTES_MAX);
            // `head` is a prefix of `text`; the rest, if any, goes in the message.
            let rest = text[head.len()..].trim_start();
            (Some(head), (!rest.is_empty()).then(|| rest.to_string()))
        }
        None => (None, None),
    };

    let sales_owner = match present(lead.sales_person.as_ref()) {
        Some(person) => match lookups.user(person) {
            Some(user) => Some(user.id.clone()),
            None => {
                warnings.push(format!(
                    "No active AccuLynx user is \"{person}\"; the job has no sales owner."
                ));
                unmapped.push(format!("Salesperson: {person}"));
                None
            }
        },
        None => None,
    };

    let appointment = present(lead.initial_appointment_date.as_ref()).and_then(|text| {
        match Appointment::parse(text, zone) {
            Ok((Appointment::Utc(start), _)) => Some(appointment_put(start, defaults)),
            Ok((Appointment::Local(start), _)) => {
                warnings.push(
                    "The appointment had no time zone; it was read as UTC.".to_string(),
                );
                Some(appointment_put(start, defaults))
            }
            Err(_) => {
                warnings.push(format!(
                    "The appointment date \"{text}\" could not be read; it was put in the job's message."
                ));
                unmapped.push(format!("Appointment: {text}"));
                None
            }
        }
    });

    let mut message_parts = Vec::new();
    if let Some(rest) = overflow {
        message_parts.push(format!("Notes, continued: {rest}"));
    }
    if !unmapped.is_empty() {
        message_parts.push(format!(
            "From the lead, not accepted by AccuLynx v2:\n{}",
            unmapped.join("\n")
        ));
    }
    let message = (!message_parts.is_empty()).then(|| message_parts.join("\n\n"));

    V2Plan {
        contact,
        job: JobPost {
            contact: IdRef { id: String::new() },
            location_address,
            priority: lead
                .priority
                .as_ref()
                .map(crate::acculynx::Priority::as_str),
            job_category: job_category.map(|id| IdRef { id }),
            work_type: work_type.map(|id| IdRef { id }),
            lead_source: lead_source.map(|id| IdRef { id }),
            trade_types,
            notes,
        },
        appointment,
        sales_owner,
        message,
        warnings,
        email,
        phones,
        search_term,
    }
}

fn appointment_put(start: NaiveDateTime, defaults: &V2Defaults) -> AppointmentPut {
    let end = start + Duration::minutes(i64::from(defaults.appointment_minutes()));
    let z = |at: NaiveDateTime| at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    AppointmentPut {
        start_date: z(start),
        end_date: z(end),
    }
}

#[cfg(test)]
mod tests;
