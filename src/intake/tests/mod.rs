//! Tests of the intake's pure part: body parsing, mapping and normalisation. The sandbox's
//! schema validator is the oracle for "AccuLynx would accept this lead".

mod aliases_and_notes;
mod body;
mod mapping_rules;
mod names_and_defaults;
mod properties;
mod speed;

use serde_json::Value;

use crate::acculynx::AccuLynxLead;
use crate::intake::{LocationMapping, MappedLead};

pub(super) fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

pub(super) fn map_with(mapping: &LocationMapping, pairs: &[(&str, &str)]) -> MappedLead {
    let mapped = mapping.compile().map(&fields(pairs));
    if mapped.errors.is_empty() {
        assert_accepted_by_acculynx(&mapped.lead);
    }
    mapped
}

pub(super) fn map_default(pairs: &[(&str, &str)]) -> MappedLead {
    map_with(&LocationMapping::default(), pairs)
}

pub(super) fn denver() -> LocationMapping {
    let mut mapping = LocationMapping::default();
    mapping.defaults.time_zone = Some("America/Denver".to_string());
    mapping
}

pub(super) fn json(lead: &AccuLynxLead) -> Value {
    serde_json::to_value(lead).expect("a lead always serialises")
}

pub(super) fn assert_accepted_by_acculynx(lead: &AccuLynxLead) {
    let body = json(lead);
    if let Err(errors) = crate::sandbox::validate_lead(&body) {
        panic!("AccuLynx would refuse {body}: {errors:?}");
    }
}

pub(super) fn notes(mapped: &MappedLead) -> &str {
    mapped.lead.notes.as_deref().unwrap_or_default()
}
