//! AccuLynx's name → id lists (reference §4, §3.2, §3.12), as fetched with a location's key
//! and cached with it. Names are matched without regard to case or surrounding spaces; only
//! active values exist in these lists, so a name that is missing is a warning, not an error.

use serde::{Deserialize, Serialize};

/// One entry of a list: its id and name (`T` is the id's type: integer or uuid text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named<T> {
    /// AccuLynx's id.
    pub id: T,
    /// Its name, as AccuLynx spells it.
    pub name: String,
}

/// A contact type (`isDefault` marks the one AccuLynx picks by itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactType {
    /// Uuid.
    pub id: String,
    /// E.g. "Customer".
    pub name: String,
    /// Whether it is the company's default.
    #[serde(default)]
    pub is_default: bool,
}

/// A country or state of the company's location settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// Integer id.
    pub id: i64,
    /// E.g. "Colorado".
    pub name: String,
    /// E.g. "CO".
    #[serde(default)]
    pub abbreviation: String,
}

/// A company user who can own a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Uuid.
    pub id: String,
    /// Login email.
    #[serde(default)]
    pub email: String,
    /// As AccuLynx shows the name.
    #[serde(default)]
    pub display_name: String,
}

/// Everything the v2 delivery looks up, for one AccuLynx company.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Lookups {
    /// Contact types.
    pub contact_types: Vec<ContactType>,
    /// Job categories (integer ids).
    pub job_categories: Vec<Named<i64>>,
    /// Work types (integer ids).
    pub work_types: Vec<Named<i64>>,
    /// Trade types (uuid `tradeId`s).
    pub trade_types: Vec<Named<String>>,
    /// Lead sources, children included (uuids).
    pub lead_sources: Vec<Named<String>>,
    /// The company's countries.
    pub countries: Vec<Place>,
    /// The states of those countries, with their country's id.
    pub states: Vec<(i64, Place)>,
    /// Active users.
    pub users: Vec<User>,
}

/// Compares names as people type them.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn find<'a, T>(list: &'a [Named<T>], name: &str) -> Option<&'a Named<T>> {
    list.iter().find(|entry| same_name(&entry.name, name))
}

impl Lookups {
    /// The contact type named `name`, else the company's default type, else the first.
    pub fn contact_type(&self, name: Option<&str>) -> Option<&ContactType> {
        name.and_then(|name| {
            self.contact_types
                .iter()
                .find(|entry| same_name(&entry.name, name))
        })
        .or_else(|| self.contact_types.iter().find(|entry| entry.is_default))
        .or_else(|| self.contact_types.first())
    }

    /// A job category by name.
    pub fn job_category(&self, name: &str) -> Option<&Named<i64>> {
        find(&self.job_categories, name)
    }

    /// A work type by name.
    pub fn work_type(&self, name: &str) -> Option<&Named<i64>> {
        find(&self.work_types, name)
    }

    /// A trade type by name.
    pub fn trade_type(&self, name: &str) -> Option<&Named<String>> {
        find(&self.trade_types, name)
    }

    /// A lead source by name.
    pub fn lead_source(&self, name: &str) -> Option<&Named<String>> {
        find(&self.lead_sources, name)
    }

    /// A country by two-letter code or name.
    pub fn country(&self, text: &str) -> Option<&Place> {
        self.countries
            .iter()
            .find(|c| same_name(&c.abbreviation, text) || same_name(&c.name, text))
    }

    /// A state of `country_id` by abbreviation or name.
    pub fn state(&self, country_id: i64, text: &str) -> Option<&Place> {
        self.states
            .iter()
            .filter(|(country, _)| *country == country_id)
            .map(|(_, state)| state)
            .find(|s| same_name(&s.abbreviation, text) || same_name(&s.name, text))
    }

    /// A user by email (any case), else by display name.
    pub fn user(&self, text: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| !u.email.is_empty() && same_name(&u.email, text))
            .or_else(|| {
                self.users
                    .iter()
                    .find(|u| !u.display_name.is_empty() && same_name(&u.display_name, text))
            })
    }

    /// How many entries all lists hold (0: nothing fetched yet).
    pub fn len(&self) -> usize {
        self.contact_types.len()
            + self.job_categories.len()
            + self.work_types.len()
            + self.trade_types.len()
            + self.lead_sources.len()
            + self.countries.len()
            + self.states.len()
            + self.users.len()
    }

    /// Whether nothing was fetched.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookups() -> Lookups {
        Lookups {
            contact_types: vec![
                ContactType {
                    id: "a".into(),
                    name: "Prospect".into(),
                    is_default: false,
                },
                ContactType {
                    id: "b".into(),
                    name: "Customer".into(),
                    is_default: true,
                },
            ],
            work_types: vec![Named {
                id: 4,
                name: "Gutter Repair".into(),
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
                id: "u".into(),
                email: "Alex.Morgan@Example.com".into(),
                display_name: "Alex Morgan".into(),
            }],
            ..Lookups::default()
        }
    }

    #[test]
    fn names_match_without_regard_to_case_and_the_default_type_is_the_fallback() {
        let l = lookups();
        assert_eq!(l.work_type(" gutter repair ").map(|w| w.id), Some(4));
        assert!(l.work_type("Roof").is_none());
        assert_eq!(l.contact_type(Some("prospect")).unwrap().id, "a");
        assert_eq!(l.contact_type(Some("Nope")).unwrap().id, "b");
        assert_eq!(l.contact_type(None).unwrap().id, "b");
        assert_eq!(l.state(1, "co").unwrap().id, 6);
        assert_eq!(l.state(1, "Colorado").unwrap().id, 6);
        assert!(l.state(2, "CO").is_none());
        assert_eq!(l.country("united states").unwrap().id, 1);
        assert_eq!(l.user("alex.morgan@example.com").unwrap().id, "u");
        assert_eq!(l.user("alex morgan").unwrap().id, "u");
        assert!(Lookups::default().is_empty() && !l.is_empty());
    }
}
