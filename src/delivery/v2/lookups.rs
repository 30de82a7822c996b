//! Fetching AccuLynx's name → id lists with a location's key (reference §4: paged GETs, not
//! rate limited) and caching them per location for [`TTL`]; the location page's "Refresh"
//! fetches them at once.

use chrono::{NaiveDateTime, TimeDelta};
use reqwest::Method;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::acculynx::classify::{Verdict, classify_network_error, classify_v2};
use crate::acculynx::client::AccuLynxClient;
use crate::acculynx::v2::bodies::Collection;
use crate::acculynx::v2::lookups::{ContactType, Lookups, Named, Place, User};
use crate::crypto::secret_box::AccuLynxKey;
use crate::db::DbConn;
use crate::delivery::send::{Wire, exchange};
use crate::delivery::v2::queries;

/// How long fetched lists are used before they are fetched again.
pub const TTL: TimeDelta = TimeDelta::hours(1);

/// At most this many pages of one list are read (a list that never ends is AccuLynx's fault).
const MAX_PAGES: usize = 40;

/// A list that could not be fetched: the request and what its answer meant.
#[derive(Debug)]
pub struct LookupFailed {
    /// The request, e.g. `GET /api/v2/users`.
    pub request: String,
    /// On the wire.
    pub wire: Wire,
    /// Its meaning.
    pub verdict: Verdict,
}

impl LookupFailed {
    /// In one sentence.
    pub fn sentence(&self) -> String {
        match &self.verdict {
            Verdict::Failed(reason)
            | Verdict::KeyRejected(reason)
            | Verdict::RateLimited(_, reason)
            | Verdict::Transient(reason) => reason.clone(),
            Verdict::Delivered => {
                format!("AccuLynx's answer to {} could not be read.", self.request)
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContactTypeItem {
    id: String,
    name: String,
    #[serde(default)]
    is_default: bool,
}

#[derive(Deserialize)]
struct IntItem {
    id: i64,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TradeItem {
    trade_id: String,
    name: String,
}

#[derive(Deserialize)]
struct SourceChild {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct SourceItem {
    id: String,
    name: String,
    #[serde(default)]
    children: Option<Vec<SourceChild>>,
}

#[derive(Deserialize)]
struct PlaceItem {
    id: i64,
    name: String,
    #[serde(default)]
    abbreviation: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserItem {
    id: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
}

fn place(item: PlaceItem) -> Place {
    Place {
        id: item.id,
        name: item.name,
        abbreviation: item.abbreviation.unwrap_or_default(),
    }
}

/// Reads every page of one list. `by_page`: the start parameter counts pages
/// (`pageStartIndex`), else records (`recordStartIndex`).
async fn all_pages<T: DeserializeOwned>(
    client: &AccuLynxClient,
    key: &AccuLynxKey,
    path: &str,
    page_size: usize,
    by_page: bool,
) -> Result<Vec<T>, LookupFailed> {
    let mut items: Vec<T> = Vec::new();
    for page in 0..MAX_PAGES {
        let (param, start) = if by_page {
            ("pageStartIndex", page)
        } else {
            ("recordStartIndex", items.len())
        };
        let url = format!("{path}?pageSize={page_size}&{param}={start}");
        let wire = exchange(client, Method::GET, &url, key, None).await;
        let what = "its lists";
        let verdict = match (wire.http_status, &wire.error) {
            (Some(status), None) => classify_v2(
                status,
                wire.header("retry-after"),
                wire.header("ratelimit-reset"),
                wire.header("ratelimit-policy"),
                wire.excerpt.as_deref().unwrap_or(""),
                what,
            ),
            (_, error) => classify_network_error(wire.timed_out, error.as_deref().unwrap_or("")),
        };
        let failed = |wire, verdict| LookupFailed {
            request: format!("GET {path}"),
            wire,
            verdict,
        };
        if verdict != Verdict::Delivered {
            return Err(failed(wire, verdict));
        }
        let Some(collection) = wire
            .body
            .as_deref()
            .and_then(|body| serde_json::from_slice::<Collection<T>>(body).ok())
        else {
            let verdict = Verdict::Transient(format!(
                "AccuLynx's answer to GET {path} could not be read as a list."
            ));
            return Err(failed(wire, verdict));
        };
        let count = collection.count;
        let got = collection.items.len();
        items.extend(collection.items);
        let all = count.is_some_and(|count| items.len() as u64 >= count);
        if got < page_size || got == 0 || all {
            break;
        }
    }
    Ok(items)
}

/// Fetches every list with `key`.
pub async fn fetch(client: &AccuLynxClient, key: &AccuLynxKey) -> Result<Lookups, LookupFailed> {
    const SETTINGS: &str = "/api/v2/company-settings";
    let contact_types: Vec<ContactTypeItem> =
        all_pages(client, key, "/api/v2/contacts/contact-types", 25, true).await?;
    let job_categories: Vec<IntItem> = all_pages(
        client,
        key,
        &format!("{SETTINGS}/job-file-settings/job-categories"),
        25,
        false,
    )
    .await?;
    let work_types: Vec<IntItem> = all_pages(
        client,
        key,
        &format!("{SETTINGS}/job-file-settings/work-types"),
        100,
        false,
    )
    .await?;
    let trade_types: Vec<TradeItem> = all_pages(
        client,
        key,
        &format!("{SETTINGS}/job-file-settings/trade-types"),
        25,
        false,
    )
    .await?;
    let sources: Vec<SourceItem> = all_pages(
        client,
        key,
        &format!("{SETTINGS}/leads/lead-sources"),
        25,
        false,
    )
    .await?;
    let countries: Vec<PlaceItem> = all_pages(
        client,
        key,
        &format!("{SETTINGS}/location-settings/countries"),
        25,
        false,
    )
    .await?;
    let countries: Vec<Place> = countries.into_iter().map(place).collect();
    let mut states = Vec::new();
    for country in countries.iter().take(5) {
        let found: Vec<PlaceItem> = all_pages(
            client,
            key,
            &format!(
                "{SETTINGS}/location-settings/countries/{}/states",
                country.id
            ),
            100,
            false,
        )
        .await?;
        states.extend(found.into_iter().map(|state| (country.id, place(state))));
    }
    let users: Vec<UserItem> = all_pages(client, key, "/api/v2/users", 25, false).await?;
    let mut lead_sources = Vec::new();
    for source in sources {
        lead_sources.push(Named {
            id: source.id,
            name: source.name,
        });
        for child in source.children.unwrap_or_default() {
            lead_sources.push(Named {
                id: child.id,
                name: child.name,
            });
        }
    }
    Ok(Lookups {
        contact_types: contact_types
            .into_iter()
            .map(|t| ContactType {
                id: t.id,
                name: t.name,
                is_default: t.is_default,
            })
            .collect(),
        job_categories: job_categories
            .into_iter()
            .map(|c| Named {
                id: c.id,
                name: c.name,
            })
            .collect(),
        work_types: work_types
            .into_iter()
            .map(|w| Named {
                id: w.id,
                name: w.name,
            })
            .collect(),
        trade_types: trade_types
            .into_iter()
            .map(|t| Named {
                id: t.trade_id,
                name: t.name,
            })
            .collect(),
        lead_sources,
        countries,
        states,
        users: users
            .into_iter()
            .map(|u| {
                let named = [u.first_name.as_deref(), u.last_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                User {
                    id: u.id,
                    email: u.email.unwrap_or_default(),
                    display_name: u
                        .display_name
                        .filter(|d| !d.trim().is_empty())
                        .unwrap_or(named),
                }
            })
            .collect(),
    })
}

/// The cached lists of a location and when they were fetched (`None`: never, or unreadable).
pub fn cached(
    conn: &mut DbConn,
    location_id: &str,
) -> diesel::QueryResult<Option<(Lookups, NaiveDateTime)>> {
    Ok(
        queries::cached_lookups(conn, location_id)?.and_then(|(items, at)| {
            serde_json::from_str::<Lookups>(&items)
                .ok()
                .map(|lookups| (lookups, at))
        }),
    )
}

/// Whether lists fetched at `at` are still used.
pub fn fresh(at: NaiveDateTime) -> bool {
    crate::db::now() - at < TTL
}

/// Stores fetched lists.
pub fn store(conn: &mut DbConn, location_id: &str, lookups: &Lookups) -> diesel::QueryResult<()> {
    let items = serde_json::to_string(lookups).unwrap_or_else(|_| "{}".to_string());
    queries::store_lookups(conn, location_id, &items)
}
