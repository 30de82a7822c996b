//! The lists every sandbox company is set up with (reference §4 and §3.12), the same for every
//! key, with stable ids: integer ids are fixed, and uuids are derived from the list's name and
//! the entry's name (SHA-256, shaped as a version 4 uuid), so they never change between runs.

use std::sync::LazyLock;

use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::geography::{CA_FIRST_ID, CA_PROVINCES, US_STATES};
pub use super::items::{
    SeedContactType, SeedCountry, SeedJobCategory, SeedLeadSource, SeedLeadSourceChild, SeedState,
    SeedTradeType, SeedUser, SeedWorkType,
};

/// The seeded lookup lists of the v2 surface; see [`seed`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Seed {
    /// `GET /contacts/contact-types`.
    pub contact_types: Vec<SeedContactType>,
    /// `GET /company-settings/job-file-settings/job-categories`.
    pub job_categories: Vec<SeedJobCategory>,
    /// `GET /company-settings/job-file-settings/work-types`.
    pub work_types: Vec<SeedWorkType>,
    /// `GET /company-settings/job-file-settings/trade-types`.
    pub trade_types: Vec<SeedTradeType>,
    /// `GET /company-settings/leads/lead-sources`.
    pub lead_sources: Vec<SeedLeadSource>,
    /// `GET /company-settings/location-settings/countries`, each with its states.
    pub countries: Vec<SeedCountry>,
    /// `GET /users` (Inactive ones are listed only when asked for).
    pub users: Vec<SeedUser>,
}

impl V2Seed {
    /// The contact type named `name` (any case).
    pub fn contact_type(&self, name: &str) -> Option<&SeedContactType> {
        self.contact_types
            .iter()
            .find(|item| item.name.eq_ignore_ascii_case(name))
    }

    /// The job category named `name` (any case).
    pub fn job_category(&self, name: &str) -> Option<&SeedJobCategory> {
        self.job_categories
            .iter()
            .find(|item| item.name.eq_ignore_ascii_case(name))
    }

    /// The work type named `name` (any case).
    pub fn work_type(&self, name: &str) -> Option<&SeedWorkType> {
        self.work_types
            .iter()
            .find(|item| item.name.eq_ignore_ascii_case(name))
    }

    /// The trade type named `name` (any case).
    pub fn trade_type(&self, name: &str) -> Option<&SeedTradeType> {
        self.trade_types
            .iter()
            .find(|item| item.name.eq_ignore_ascii_case(name))
    }

    /// The top-level lead source named `name` (any case).
    pub fn lead_source(&self, name: &str) -> Option<&SeedLeadSource> {
        self.lead_sources
            .iter()
            .find(|item| item.name.eq_ignore_ascii_case(name))
    }

    /// The country with this two-letter abbreviation (any case).
    pub fn country(&self, abbreviation: &str) -> Option<&SeedCountry> {
        self.countries
            .iter()
            .find(|item| item.abbreviation.eq_ignore_ascii_case(abbreviation))
    }

    /// The state `state` (abbreviation, any case) of the country `country` (abbreviation).
    pub fn state(&self, country: &str, state: &str) -> Option<&SeedState> {
        self.country(country)?
            .states
            .iter()
            .find(|item| item.abbreviation.eq_ignore_ascii_case(state))
    }

    /// The user with this email address (any case), Active or not.
    pub fn user(&self, email: &str) -> Option<&SeedUser> {
        self.users
            .iter()
            .find(|item| item.email.eq_ignore_ascii_case(email))
    }

    pub(crate) fn has_contact_type(&self, id: Uuid) -> bool {
        self.contact_types.iter().any(|item| item.id == id)
    }

    pub(crate) fn has_job_category(&self, id: i64) -> bool {
        self.job_categories.iter().any(|item| item.id == id)
    }

    pub(crate) fn has_work_type(&self, id: i64) -> bool {
        self.work_types.iter().any(|item| item.id == id)
    }

    pub(crate) fn has_trade_type(&self, id: Uuid) -> bool {
        self.trade_types.iter().any(|item| item.trade_id == id)
    }

    /// A top-level source or one of their children.
    pub(crate) fn has_lead_source(&self, id: Uuid) -> bool {
        self.lead_sources
            .iter()
            .any(|item| item.id == id || item.children.iter().any(|child| child.id == id))
    }

    pub(crate) fn country_by_id(&self, id: i64) -> Option<&SeedCountry> {
        self.countries.iter().find(|item| item.id == id)
    }

    /// A state of any country, with the country it belongs to.
    pub(crate) fn state_by_id(&self, id: i64) -> Option<(&SeedCountry, &SeedState)> {
        self.countries.iter().find_map(|country| {
            country
                .states
                .iter()
                .find(|state| state.id == id)
                .map(|state| (country, state))
        })
    }

    pub(crate) fn active_user(&self, id: Uuid) -> Option<&SeedUser> {
        self.users
            .iter()
            .find(|user| user.id == id && user.is_active())
    }
}

/// The seeded lists, built once.
pub fn seed() -> &'static V2Seed {
    static SEED: LazyLock<V2Seed> = LazyLock::new(build);
    &SEED
}

/// A uuid that depends only on `kind` and `name`.
pub(crate) fn stable_uuid(kind: &str, name: &str) -> Uuid {
    let digest = Sha256::digest(format!("leadrelay-sandbox/{kind}/{name}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

const ROLES: &[&str] = &[
    "Company Administrator",
    "Location Administrator",
    "Manager",
    "Office",
    "Sales",
    "Crew",
];

fn build() -> V2Seed {
    let contact_types = ["Customer", "Prospect", "Vendor", "Subcontractor"]
        .iter()
        .map(|name| SeedContactType {
            id: stable_uuid("contact-type", name),
            name: (*name).to_string(),
            is_default: *name == "Customer",
        })
        .collect();
    let job_categories = ["Residential", "Commercial", "Multi-Family", "Insurance"]
        .iter()
        .zip(1..)
        .map(|(name, id)| SeedJobCategory {
            id,
            name: (*name).to_string(),
        })
        .collect();
    let work_types = [
        "Repair",
        "Replacement",
        "Inspection",
        "New Construction",
        "Gutter Repair",
    ]
    .iter()
    .zip(1..)
    .map(|(name, id)| SeedWorkType {
        id,
        name: (*name).to_string(),
        system_default: *name == "Replacement",
    })
    .collect();
    let trade_types = ["Roofing", "Siding", "Gutters", "Windows", "Solar"]
        .iter()
        .map(|name| SeedTradeType {
            trade_id: stable_uuid("trade-type", name),
            name: (*name).to_string(),
        })
        .collect();
    let lead_sources = [
        ("ClientTether", &[][..]),
        ("Website", &[]),
        ("Referral", &["Customer Referral", "Realtor Referral"]),
        ("Door Knocking", &[]),
        ("Google Ads", &[]),
    ]
    .iter()
    .map(|(name, children)| {
        let id = stable_uuid("lead-source", name);
        SeedLeadSource {
            id,
            name: (*name).to_string(),
            children: children
                .iter()
                .map(|child| SeedLeadSourceChild {
                    id: stable_uuid("lead-source", &format!("{name}/{child}")),
                    name: (*child).to_string(),
                    parent_id: id,
                })
                .collect(),
        }
    })
    .collect();
    let states = |list: &[(&str, &str)], first: i64| -> Vec<SeedState> {
        list.iter()
            .zip(first..)
            .map(|((name, abbreviation), id)| SeedState {
                id,
                name: (*name).to_string(),
                abbreviation: (*abbreviation).to_string(),
            })
            .collect()
    };
    let countries = vec![
        SeedCountry {
            id: 1,
            name: "United States".to_string(),
            abbreviation: "US".to_string(),
            states: states(US_STATES, 1),
        },
        SeedCountry {
            id: 2,
            name: "Canada".to_string(),
            abbreviation: "CA".to_string(),
            states: states(CA_PROVINCES, CA_FIRST_ID),
        },
    ];
    let users = [
        ("Alex", "Morgan", "Sales", "Active", "3035550101"),
        ("Sam", "Rivera", "Manager", "Active", "3035550102"),
        ("Jordan", "Lee", "Office", "Active", "3035550103"),
        ("Taylor", "Brooks", "Sales", "Active", "3035550104"),
        ("Casey", "Nguyen", "Sales", "Inactive", "3035550105"),
    ]
    .iter()
    .map(|(first, last, role, status, phone)| user(first, last, role, status, phone))
    .collect();
    V2Seed {
        contact_types,
        job_categories,
        work_types,
        trade_types,
        lead_sources,
        countries,
        users,
    }
}

fn user(first: &str, last: &str, role: &str, status: &str, phone: &str) -> SeedUser {
    let email = format!(
        "{}.{}@summitroofing.example",
        first.to_lowercase(),
        last.to_lowercase()
    );
    let role_id = ROLES
        .iter()
        .zip(1..)
        .find_map(|(name, id)| (*name == role).then_some(id))
        .unwrap_or(5);
    let initials: String = first.chars().take(1).chain(last.chars().take(1)).collect();
    SeedUser {
        id: stable_uuid("user", &email),
        display_name: format!("{first} {last}"),
        first_name: first.to_string(),
        last_name: last.to_string(),
        initials,
        role_id,
        role_name: role.to_string(),
        status: status.to_string(),
        phone: phone.to_string(),
        mobile_phone: format!("720{}", phone.get(3..).unwrap_or(phone)),
        email,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_is_stable_and_its_lookups_find_by_name() {
        let seed = seed();
        assert_eq!(seed.contact_types.len(), 4);
        assert!(seed.contact_type("customer").unwrap().is_default);
        assert_eq!(
            seed.contact_type("Prospect").unwrap().id,
            stable_uuid("contact-type", "Prospect")
        );
        assert_eq!(seed.work_type("Replacement").unwrap().id, 2);
        assert_eq!(
            seed.work_types.iter().filter(|w| w.system_default).count(),
            1
        );
        assert_eq!(seed.country("US").unwrap().states.len(), 51);
        assert_eq!(seed.state("US", "co").unwrap().name, "Colorado");
        assert_eq!(seed.state("CA", "ON").unwrap().name, "Ontario");
        assert_eq!(seed.lead_source("Referral").unwrap().children.len(), 2);
        let alex = seed.user("Alex.Morgan@summitroofing.example").unwrap();
        assert_eq!(alex.role_name, "Sales");
        assert_eq!(alex.initials, "AM");
        assert!(
            !seed
                .user("casey.nguyen@summitroofing.example")
                .unwrap()
                .is_active()
        );
        let ids: std::collections::HashSet<i64> = seed
            .countries
            .iter()
            .flat_map(|c| c.states.iter().map(|s| s.id))
            .collect();
        assert_eq!(ids.len(), 51 + 13, "state ids are unique across countries");
    }
}
