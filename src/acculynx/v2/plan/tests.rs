use super::*;
use crate::acculynx::v2::lookups::{ContactType, Named, Place, User};
use crate::acculynx::{JobCategory, Priority, WorkType};

fn lookups() -> Lookups {
    Lookups {
        contact_types: vec![ContactType {
            id: "ct-customer".into(),
            name: "Customer".into(),
            is_default: true,
        }],
        job_categories: vec![Named {
            id: 1,
            name: "Residential".into(),
        }],
        work_types: vec![
            Named {
                id: 2,
                name: "Replacement".into(),
            },
            Named {
                id: 4,
                name: "New Construction".into(),
            },
        ],
        trade_types: vec![Named {
            id: "tt-roof".into(),
            name: "Roofing".into(),
        }],
        lead_sources: vec![Named {
            id: "ls-ct".into(),
            name: "ClientTether".into(),
        }],
        countries: vec![Place {
            id: 1,
            name: "United States".into(),
            abbreviation: "US".into(),
        }],
        states: vec![(
            1,
            Place {
                id: 6,
                name: "Colorado".into(),
                abbreviation: "CO".into(),
            },
        )],
        users: vec![User {
            id: "u-alex".into(),
            email: "alex.morgan@summitroofing.example".into(),
            display_name: "Alex Morgan".into(),
        }],
    }
}

fn lead() -> AccuLynxLead {
    AccuLynxLead {
        first_name: "Dana".into(),
        last_name: Some("Whitfield".into()),
        phone_number1: Some("+1 (303) 555-0142".into()),
        phone_type1: Some(PhoneType::Mobile),
        email_address: Some("Dana.W@Example.com".into()),
        cross_reference: Some("ct-8812".into()),
        street: Some("1200 Larimer St".into()),
        city: Some("Denver".into()),
        state: Some("Colorado".into()),
        zip: Some("80202".into()),
        job_category: Some(JobCategory::Residential),
        priority: Some(Priority::High),
        notes: Some("Hail damage on the north slope.".into()),
        sales_person: Some("ALEX.MORGAN@summitroofing.example".into()),
        initial_appointment_date: Some("2026-12-10T15:00:00Z".into()),
        ..AccuLynxLead::default()
    }
}

#[test]
fn a_complete_lead_maps_to_the_reference_fields() {
    let defaults = V2Defaults {
        work_type: Some("Replacement".into()),
        lead_source: Some("ClientTether".into()),
        trade_types: vec!["Roofing".into()],
        ..V2Defaults::default()
    };
    let plan = plan(&lead(), &lookups(), &defaults, None);
    assert_eq!(plan.warnings, Vec::<String>::new());
    let contact = serde_json::to_value(&plan.contact).unwrap();
    assert_eq!(
        contact,
        serde_json::json!({
            "contactTypeIds": ["ct-customer"],
            "firstName": "Dana", "lastName": "Whitfield", "crossReference": "ct-8812",
            "phoneNumbers": [{"number": "3035550142", "type": "Mobile", "primary": true}],
            "emailAddresses": [{"address": "dana.w@example.com", "primary": true, "type": "Personal"}],
            "mailingAddress": {"street1": "1200 Larimer St", "city": "Denver", "zipCode": "80202",
                               "state": {"id": 6}, "country": {"id": 1}}
        })
    );
    let job = serde_json::to_value(&plan.job).unwrap();
    assert_eq!(
        job,
        serde_json::json!({
            "contact": {"id": ""},
            "locationAddress": {"street1": "1200 Larimer St", "city": "Denver", "state": "CO",
                                "country": "US", "zipCode": "80202"},
            "priority": "High", "jobCategory": {"id": 1}, "workType": {"id": 2},
            "leadSource": {"id": "ls-ct"}, "tradeTypes": [{"id": "tt-roof"}],
            "notes": "Hail damage on the north slope."
        })
    );
    assert_eq!(plan.sales_owner.as_deref(), Some("u-alex"));
    let appointment = plan.appointment.unwrap();
    assert_eq!(appointment.start_date, "2026-12-10T15:00:00Z");
    assert_eq!(appointment.end_date, "2026-12-10T16:00:00Z");
    assert_eq!(plan.message, None);
    assert_eq!(plan.email.as_deref(), Some("dana.w@example.com"));
    assert_eq!(plan.phones, vec!["3035550142".to_string()]);
}

#[test]
fn what_v2_cannot_take_becomes_a_warning_and_goes_in_the_message() {
    let mut lead = lead();
    lead.phone_number2 = Some("+44 20 7946 0958".into());
    lead.work_type = Some(WorkType::Insurance);
    lead.last_name = None;
    lead.zip = None;
    lead.notes = Some("n".repeat(1200));
    lead.sales_person = Some("nobody@example.com".into());
    let plan = plan(&lead, &lookups(), &V2Defaults::default(), None);
    assert_eq!(plan.contact.last_name, NO_LAST_NAME);
    assert_eq!(plan.job.location_address, None);
    assert_eq!(plan.job.work_type, None);
    assert_eq!(plan.job.notes.as_ref().unwrap().chars().count(), 1000);
    assert_eq!(plan.sales_owner, None);
    let message = plan.message.unwrap();
    assert!(message.contains(&format!("Notes, continued: {}", "n".repeat(200))));
    assert!(message.contains("Phone 2: +44 20 7946 0958"));
    assert!(message.contains("Work type: Insurance"));
    assert!(message.contains("Salesperson: nobody@example.com"));
    assert_eq!(plan.warnings.len(), 5, "{:?}", plan.warnings);
    assert!(plan.warnings.iter().all(|w| w.ends_with('.')));
}

#[test]
fn phones_become_ten_digits_or_nothing() {
    assert_eq!(ten_digits("(303) 555-0142").as_deref(), Some("3035550142"));
    assert_eq!(ten_digits("1-303-555-0142").as_deref(), Some("3035550142"));
    assert_eq!(ten_digits("+1 303 555 0142").as_deref(), Some("3035550142"));
    assert_eq!(ten_digits("555-0142"), None);
    assert_eq!(ten_digits("2303 555 0142 1"), None);
}

#[test]
fn local_appointments_are_read_in_the_company_zone_and_sent_in_utc() {
    let mut lead = lead();
    lead.initial_appointment_date = Some("2026-12-10T09:00:00".into());
    let defaults = V2Defaults {
        appointment_minutes: Some(90),
        ..V2Defaults::default()
    };
    let plan = plan(
        &lead,
        &lookups(),
        &defaults,
        Some(chrono_tz::America::Denver),
    );
    let appointment = plan.appointment.unwrap();
    assert_eq!(appointment.start_date, "2026-12-10T16:00:00Z");
    assert_eq!(appointment.end_date, "2026-12-10T17:30:00Z");
}

#[test]
fn a_v1_name_that_begins_a_v2_name_is_found() {
    let mut lead = lead();
    lead.work_type = Some(WorkType::New);
    let plan = plan(&lead, &lookups(), &V2Defaults::default(), None);
    assert_eq!(plan.job.work_type, Some(IdRef { id: 4 }));
}
