//! Driving the Field mapping page from tests: its form, its dry run, and reading its HTML.

use diesel::prelude::*;
use leadrelay::db::schema::{audit_events, locations};
use leadrelay::intake::LocationMapping;
use serde_json::Value;

use crate::support::fixtures::Session;
use crate::support::helpers::TestApp;

/// The form as the page submits it for an untouched location, plus `extra`.
pub fn form<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("defaults.job_category", ""),
        ("defaults.work_type", ""),
        ("defaults.priority", ""),
        ("defaults.phone_type1", "Mobile"),
        ("defaults.phone_type2", "Home"),
        ("defaults.phone_type3", "Work"),
        ("defaults.country", "US"),
        ("defaults.time_zone", ""),
        ("defaults.first_name_fallback", ""),
        ("unmapped_to_notes", "on"),
        ("dedupe_window_hours", "24"),
    ];
    for (name, value) in extra {
        fields.retain(|(existing, _)| existing != name);
        fields.push((name, value));
    }
    fields
}

/// The page's path.
pub fn mapping_path(location_id: &str) -> String {
    format!("/locations/{location_id}/mapping")
}

/// Runs the dry run with the mapping fields `mapping` and a sample; (status, HTML).
pub async fn dry_run(
    session: &Session,
    location_id: &str,
    mapping: &[(&str, &str)],
    sample: &str,
    sample_type: &str,
) -> (u16, String) {
    let mut fields = form(mapping);
    fields.push(("sample", sample));
    fields.push(("sample_type", sample_type));
    let response = session
        .post(&format!("{}/dry-run", mapping_path(location_id)), &fields)
        .await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The text of the element with this id (first level of nesting only).
pub fn element_text(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let open_end = start + html[start..].find('>')? + 1;
    let tag = html[..start].rsplit('<').next()?.split(' ').next()?;
    let close = open_end + html[open_end..].find(&format!("</{tag}>"))?;
    Some(decode(&html[open_end..close]))
}

/// HTML text with its character references (`&lt;`, `&#60;`) turned back into characters.
pub fn decode(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            _ => entity
                .strip_prefix('#')
                .and_then(|number| number.parse::<u32>().ok())
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The AccuLynx JSON the dry run shows.
pub fn lead_json(html: &str) -> Value {
    let text = element_text(html, "dry-run-json").expect("the page shows the AccuLynx JSON");
    serde_json::from_str(&text).unwrap()
}

/// The stored mapping of a location: its JSON text and what it reads as.
pub fn stored(app: &TestApp, location_id: &str) -> (String, LocationMapping) {
    let json: String = locations::table
        .find(location_id)
        .select(locations::mapping)
        .first(&mut *app.conn())
        .unwrap();
    let mapping = serde_json::from_str(&json).unwrap();
    (json, mapping)
}

/// How many audit entries record `action`.
pub fn count_of(app: &TestApp, action: &str) -> i64 {
    audit_events::table
        .filter(audit_events::action.eq(action))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}
