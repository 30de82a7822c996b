//! Turning the names a lead or a location gives into AccuLynx's ids: exact names first, then a
//! v1 name that begins a v2 name; every miss is said in a warning and kept for the message.

use crate::acculynx::v2::lookups::{Named, same_name};
use crate::domain::text::capitalise;

/// Finds `wanted` in `list` by name; a v1 name that begins a v2 name ("New" → "New
/// Construction") counts when nothing matches exactly.
pub(super) fn by_name<'a, T>(list: &'a [Named<T>], wanted: &str) -> Option<&'a Named<T>> {
    list.iter()
        .find(|e| same_name(&e.name, wanted))
        .or_else(|| {
            let wanted = wanted.trim().to_lowercase();
            list.iter()
                .find(|e| !wanted.is_empty() && e.name.to_lowercase().starts_with(&wanted))
        })
}

/// Picks the id for a lead's value, else the location's default; says what was not found.
pub(super) fn pick<T: Clone>(
    list: &[Named<T>],
    what: &str,
    from_lead: Option<&str>,
    default: Option<&str>,
    warnings: &mut Vec<String>,
    unmapped: &mut Vec<String>,
) -> Option<T> {
    if let Some(name) = from_lead {
        if let Some(found) = by_name(list, name) {
            return Some(found.id.clone());
        }
        warnings.push(format!(
            "AccuLynx has no {what} called \"{name}\"; {}.",
            if default.is_some() {
                "the location's default was used"
            } else {
                "the job was created without one"
            }
        ));
        unmapped.push(format!("{}: {name}", capitalise(what)));
    }
    let default = default?;
    match by_name(list, default) {
        Some(found) => Some(found.id.clone()),
        None => {
            warnings.push(format!(
                "The location's default {what} \"{default}\" is not in AccuLynx's list; pick another on the Field mapping page."
            ));
            None
        }
    }
}
