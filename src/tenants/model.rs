//! Companies and locations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{companies, locations};

pub use crate::acculynx::api::AccuLynxApi;

/// A row of `companies`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = companies)]
pub struct Company {
    /// UUID.
    pub id: String,
    /// URL name, unique and stable.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// IANA time zone times are shown in.
    pub time_zone: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Whether every user of the company must sign in with a second factor.
    pub require_two_factor: bool,
}

/// A new company.
#[derive(Debug, Insertable)]
#[diesel(table_name = companies)]
pub struct NewCompany<'a> {
    /// UUID.
    pub id: &'a str,
    /// Slug.
    pub slug: &'a str,
    /// Name.
    pub name: &'a str,
    /// Time zone.
    pub time_zone: &'a str,
    /// Now.
    pub created_at: NaiveDateTime,
    /// Now.
    pub updated_at: NaiveDateTime,
}

/// Whether a location takes leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationStatus {
    /// Receives and delivers.
    Active,
    /// Receives; holds leads until resumed.
    Paused,
    /// Its URL and key no longer work; its history stays.
    Deleted,
}

impl LocationStatus {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Deleted => "deleted",
        }
    }

    /// Parses the stored form (unknown reads as paused: never deliver by accident).
    pub fn parse(text: &str) -> Self {
        match text {
            "active" => Self::Active,
            "deleted" => Self::Deleted,
            _ => Self::Paused,
        }
    }

    /// As shown.
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Paused => "Paused",
            Self::Deleted => "Deleted",
        }
    }
}

/// A row of `locations`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = locations)]
pub struct Location {
    /// UUID; part of the webhook URL.
    pub id: String,
    /// Owner.
    pub company_id: String,
    /// Display name, unique among the company's live locations.
    pub name: String,
    /// [`LocationStatus::as_str`].
    pub status: String,
    /// Sealed AccuLynx key (never shown, never logged).
    pub acculynx_key: Option<Vec<u8>>,
    /// Last 4 characters of the key, for recognising it.
    pub key_last4: Option<String>,
    /// When the key was saved.
    pub key_set_at: Option<NaiveDateTime>,
    /// missing | untested | valid | rejected.
    pub key_status: String,
    /// When the key was last tested (or rejected by AccuLynx).
    pub key_checked_at: Option<NaiveDateTime>,
    /// Outcome of that test, in words.
    pub key_check_message: Option<String>,
    /// Version signed into the current webhook URL.
    pub url_version: i32,
    /// The previous version, valid until `previous_url_valid_until`.
    pub previous_url_version: Option<i32>,
    /// End of the grace period of the previous URL.
    pub previous_url_valid_until: Option<NaiveDateTime>,
    /// Field mapping (JSON).
    pub mapping: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// When deleted.
    pub deleted_at: Option<NaiveDateTime>,
    /// [`AccuLynxApi::as_str`]: which AccuLynx API its leads are delivered through.
    pub acculynx_api: String,
    /// The names a v2 job gets when a lead has none (JSON, [`crate::acculynx::v2::V2Defaults`]).
    pub v2_defaults: String,
    /// The rate-limit window AccuLynx last said was exceeded (e.g. `company-write:daily`).
    pub rate_limit_policy: Option<String>,
    /// Until when its leads wait for that window.
    pub rate_limited_until: Option<NaiveDateTime>,
}

impl Location {
    /// Which AccuLynx API it delivers through.
    pub fn api(&self) -> AccuLynxApi {
        AccuLynxApi::parse(&self.acculynx_api)
    }

    /// Its v2 defaults (empty when unset or unreadable).
    pub fn v2_defaults(&self) -> crate::acculynx::v2::V2Defaults {
        serde_json::from_str(&self.v2_defaults).unwrap_or_default()
    }

    /// Its status.
    pub fn status(&self) -> LocationStatus {
        LocationStatus::parse(&self.status)
    }

    /// Its key's state.
    pub fn key_status(&self) -> KeyStatus {
        KeyStatus::parse(&self.key_status)
    }

    /// Whether a webhook URL signed for `version` is still good at `now` (SPEC §5): the
    /// current version, or the previous one until the end of its grace period.
    pub fn accepts_url_version(&self, version: i32, now: NaiveDateTime) -> bool {
        version == self.url_version
            || (self.previous_url_version == Some(version)
                && self
                    .previous_url_valid_until
                    .is_some_and(|until| now < until))
    }
}

/// The state of a location's AccuLynx key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    /// No key saved.
    Missing,
    /// Saved, not yet checked with AccuLynx.
    Untested,
    /// AccuLynx accepted it.
    Valid,
    /// AccuLynx refused it (401/403).
    Rejected,
}

impl KeyStatus {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Untested => "untested",
            Self::Valid => "valid",
            Self::Rejected => "rejected",
        }
    }

    /// Parses the stored form (unknown reads as untested).
    pub fn parse(text: &str) -> Self {
        match text {
            "missing" => Self::Missing,
            "valid" => Self::Valid,
            "rejected" => Self::Rejected,
            _ => Self::Untested,
        }
    }

    /// As shown on a badge.
    pub fn label(self) -> &'static str {
        match self {
            Self::Missing => "No key",
            Self::Untested => "Not tested",
            Self::Valid => "Works",
            Self::Rejected => "Rejected by AccuLynx",
        }
    }
}

/// A new location.
#[derive(Debug, Insertable)]
#[diesel(table_name = locations)]
pub struct NewLocation<'a> {
    /// UUID.
    pub id: &'a str,
    /// Owner.
    pub company_id: &'a str,
    /// Name.
    pub name: &'a str,
    /// [`AccuLynxApi::as_str`].
    pub acculynx_api: &'a str,
    /// Now.
    pub created_at: NaiveDateTime,
    /// Now.
    pub updated_at: NaiveDateTime,
}

/// Makes a slug from a company name: "Peak Roofing, LLC" → "peak-roofing-llc".
pub fn slug_from_name(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(40).collect();
    slug.trim_end_matches('-').to_string()
}

/// Checks a slug: 2–40 of a–z, 0–9 and single inner dashes; not a reserved word.
pub fn check_slug(slug: &str) -> Result<(), String> {
    let well_formed = (2..=40).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if !well_formed {
        return Err(format!(
            "\"{slug}\" cannot be a company's short name: use 2 to 40 lower-case letters, digits and single dashes, e.g. peak-roofing."
        ));
    }
    if ["new", "edit", "admin"].contains(&slug) {
        return Err(format!(
            "\"{slug}\" is reserved; choose another short name."
        ));
    }
    Ok(())
}

/// Checks a display name (company or location): 1–100 characters after trimming.
pub fn check_name(what: &str, name: &str) -> Result<String, String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().any(char::is_control) {
        return Err(format!(
            "The {what}'s name has an invisible control character; type it again."
        ));
    }
    match name.chars().count() {
        0 => Err(format!("Give the {what} a name.")),
        1..=100 => Ok(name),
        _ => Err(format!("Use at most 100 characters for the {what}'s name.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_made_and_checked() {
        assert_eq!(slug_from_name("Peak Roofing, LLC"), "peak-roofing-llc");
        assert_eq!(slug_from_name("  Über Dächer!! "), "ber-d-cher");
        assert!(check_slug("peak-roofing").is_ok());
        for bad in [
            "",
            "a",
            "Peak",
            "peak--roofing",
            "-peak",
            "new",
            "peak_roofing",
        ] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
        assert_eq!(
            check_name("location", "  North   Denver ").unwrap(),
            "North Denver"
        );
        assert!(check_name("location", "   ").is_err());
        assert!(
            check_name("location", "North\u{0}Side")
                .unwrap_err()
                .contains("control character")
        );
    }

    fn location(version: i32, previous: Option<(i32, NaiveDateTime)>) -> Location {
        let at = chrono::NaiveDate::from_ymd_opt(2027, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        Location {
            id: "l".into(),
            company_id: "c".into(),
            name: "n".into(),
            status: "active".into(),
            acculynx_key: None,
            key_last4: None,
            key_set_at: None,
            key_status: "missing".into(),
            key_checked_at: None,
            key_check_message: None,
            url_version: version,
            previous_url_version: previous.map(|(v, _)| v),
            previous_url_valid_until: previous.map(|(_, until)| until),
            mapping: "{}".into(),
            created_at: at,
            updated_at: at,
            deleted_at: None,
            acculynx_api: "v1".into(),
            v2_defaults: "{}".into(),
            rate_limit_policy: None,
            rate_limited_until: None,
        }
    }

    #[test]
    fn the_previous_url_works_only_until_its_grace_ends() {
        let now = chrono::NaiveDate::from_ymd_opt(2027, 6, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let hour = chrono::Duration::hours(1);
        let rotated = location(3, Some((2, now + hour)));
        assert!(rotated.accepts_url_version(3, now));
        assert!(rotated.accepts_url_version(2, now));
        assert!(!rotated.accepts_url_version(2, now + hour));
        assert!(!rotated.accepts_url_version(1, now));
        assert!(!rotated.accepts_url_version(4, now));
        assert!(!location(3, None).accepts_url_version(2, now));
    }
}
