//! A change of a location's field mapping in words, for the audit log (SPEC §3: "mapping
//! changed"). Aliases and defaults are settings, never secrets, so they are named in full.

use std::collections::BTreeSet;

use crate::acculynx::{JobCategory, Priority, WorkType};
use crate::domain::text::excerpt;

use super::mapping::LocationMapping;

/// The longest audit detail kept for one change, in characters.
const MAX_AUDIT_DETAIL: usize = 2000;

/// What changed between two mappings, one phrase per change, for the audit log (aliases and
/// defaults are settings, never secrets). Empty when nothing changed.
pub fn describe_changes(old: &LocationMapping, new: &LocationMapping) -> Vec<String> {
    let mut changes = Vec::new();
    let fields: BTreeSet<&String> = old.aliases.keys().chain(new.aliases.keys()).collect();
    for field in fields {
        let before = old
            .aliases
            .get(field)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let after = new
            .aliases
            .get(field)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let added = after.iter().filter(|alias| !before.contains(alias));
        let removed = before.iter().filter(|alias| !after.contains(alias));
        let parts: Vec<String> = added
            .map(|alias| format!("+\"{alias}\""))
            .chain(removed.map(|alias| format!("−\"{alias}\"")))
            .collect();
        if !parts.is_empty() {
            changes.push(format!("{field} aliases {}", parts.join(" ")));
        }
    }
    let (a, b) = (&old.defaults, &new.defaults);
    let mut setting = |name: &str, before: String, after: String| {
        if before != after {
            changes.push(format!("{name}: {before} → {after}"));
        }
    };
    let choice = |value: Option<&str>| value.unwrap_or("no default").to_string();
    let text = |value: Option<&str>| match value {
        Some(value) if !value.is_empty() => format!("\"{value}\""),
        _ => "not set".to_string(),
    };
    setting(
        "job category",
        choice(a.job_category.as_ref().map(JobCategory::as_str)),
        choice(b.job_category.as_ref().map(JobCategory::as_str)),
    );
    setting(
        "work type",
        choice(a.work_type.as_ref().map(WorkType::as_str)),
        choice(b.work_type.as_ref().map(WorkType::as_str)),
    );
    setting(
        "priority",
        choice(a.priority.as_ref().map(Priority::as_str)),
        choice(b.priority.as_ref().map(Priority::as_str)),
    );
    for (slot, (before, after)) in [
        (a.phone_type1, b.phone_type1),
        (a.phone_type2, b.phone_type2),
        (a.phone_type3, b.phone_type3),
    ]
    .into_iter()
    .enumerate()
    {
        setting(
            &format!("phone {} type", slot + 1),
            before.as_str().to_string(),
            after.as_str().to_string(),
        );
    }
    setting("country", text(Some(&a.country)), text(Some(&b.country)));
    setting(
        "time zone",
        text(a.time_zone.as_deref()),
        text(b.time_zone.as_deref()),
    );
    setting(
        "first-name fallback",
        text(a.first_name_fallback.as_deref()),
        text(b.first_name_fallback.as_deref()),
    );
    let on_off = |on: bool| if on { "on" } else { "off" }.to_string();
    setting(
        "unmapped fields to notes",
        on_off(old.unmapped_to_notes),
        on_off(new.unmapped_to_notes),
    );
    let hours = |hours: u32| {
        if hours == 0 {
            "0 (off)".to_string()
        } else {
            format!("{hours} h")
        }
    };
    setting(
        "dedupe window",
        hours(old.dedupe_window_hours),
        hours(new.dedupe_window_hours),
    );
    changes
}

/// The audit detail of a change: its phrases joined, cut to a readable length.
pub fn audit_detail(changes: &[String]) -> String {
    excerpt(&changes.join("; "), MAX_AUDIT_DETAIL).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_described_without_noise() {
        let old = LocationMapping::default();
        assert!(describe_changes(&old, &old).is_empty());
        let mut new = old.clone();
        new.aliases
            .insert("phoneNumber2".into(), vec!["Alt Phone".into()]);
        new.defaults.job_category = Some(JobCategory::Residential);
        new.defaults.time_zone = Some("America/Denver".into());
        new.dedupe_window_hours = 0;
        new.unmapped_to_notes = false;
        assert_eq!(
            describe_changes(&old, &new),
            [
                "phoneNumber2 aliases +\"Alt Phone\"",
                "job category: no default → Residential",
                "time zone: not set → \"America/Denver\"",
                "unmapped fields to notes: on → off",
                "dedupe window: 24 h → 0 (off)",
            ]
        );
        let mut newer = new.clone();
        newer
            .aliases
            .insert("phoneNumber2".into(), vec!["Second Phone".into()]);
        assert_eq!(
            describe_changes(&new, &newer),
            ["phoneNumber2 aliases +\"Second Phone\" −\"Alt Phone\""]
        );
        let long = vec!["x".repeat(300); 10];
        assert!(audit_detail(&long).chars().count() <= MAX_AUDIT_DETAIL + 1);
    }
}
