//! Locations as the webhook needs them, cached in memory for a couple of seconds so the hot
//! path reads the database only for new leads, not for every request. Changes made in this
//! process invalidate their entry at once; other instances see them within [`TTL`], and the
//! worker re-checks the location before every delivery, so a stale entry can only mark a
//! lead `queued` that the worker then holds.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::intake::mapping::{CompiledMapping, LocationMapping};
use crate::tenants::model::Location;

/// How long an entry is trusted.
pub const TTL: Duration = Duration::from_secs(2);

/// A location with its compiled field mapping.
pub struct CachedLocation {
    /// The row, as loaded.
    pub location: Location,
    /// Its mapping, compiled once.
    pub mapping: CompiledMapping,
    loaded: Instant,
}

impl CachedLocation {
    /// Compiles a location's mapping (a stored mapping that does not parse means defaults).
    pub fn new(location: Location) -> Self {
        let mapping = serde_json::from_str::<LocationMapping>(&location.mapping)
            .unwrap_or_default()
            .compile();
        Self {
            location,
            mapping,
            loaded: Instant::now(),
        }
    }
}

/// The cache (one per process).
#[derive(Default)]
pub struct LocationCache {
    entries: RwLock<HashMap<String, Arc<CachedLocation>>>,
}

impl LocationCache {
    /// A fresh entry for this location, if there is one.
    pub fn get(&self, location_id: &str) -> Option<Arc<CachedLocation>> {
        let entries = self.entries.read().ok()?;
        entries
            .get(location_id)
            .filter(|entry| entry.loaded.elapsed() < TTL)
            .cloned()
    }

    /// Stores a freshly loaded location and returns it.
    pub fn insert(&self, location: Location) -> Arc<CachedLocation> {
        let entry = Arc::new(CachedLocation::new(location));
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() > 50_000 {
                entries.retain(|_, entry| entry.loaded.elapsed() < TTL);
            }
            entries.insert(entry.location.id.clone(), entry.clone());
        }
        entry
    }

    /// Forgets a location after it changed (status, key, URL, mapping).
    pub fn invalidate(&self, location_id: &str) {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(location_id);
        }
    }
}
