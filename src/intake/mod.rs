//! Lead intake (SPEC §6): what ClientTether posts to a location's webhook URL becomes an
//! AccuLynx lead. [`webhook`] is the endpoint; the rest is the pure part, with no I/O: reading the body ([`body`]), matching source
//! keys to AccuLynx fields ([`aliases`], [`mapping`]) and normalising values ([`normalize`]).
//! The flow for one request is
//! `parse_body_with_files` → `LocationMapping::compile` (once per location, cached) →
//! `CompiledMapping::map_body` → `MappedLead { lead, warnings, errors }`, then
//! `lead.dedupe_key()` for the dedupe window and `lead.phone_digits()` for search.
//! (`parse_body` + `map` do the same without the warnings about skipped file parts.)
//!
//! The Field mapping page ([`mapping_page`]) edits a location's [`LocationMapping`] and runs the
//! same reading and mapping on a pasted sample ([`dry_run`]), storing nothing.
//!
//! Policy: a lead is never refused for what can be repaired. Values that cannot be sent are left
//! out with a warning and their original text kept in the notes; only a lead without a first
//! name (after the location's fallback) is rejected.

pub mod aliases;
pub mod body;
pub mod cache;
mod draft;
pub mod dry_run;
mod json_body;
pub mod limits;
pub mod mapping;
pub mod mapping_changes;
pub mod mapping_form;
pub mod mapping_page;
pub mod mapping_queries;
pub mod names;
pub mod normalize;
pub mod pages;
pub mod refused;
pub mod refused_queries;
pub mod store;
pub mod test_lead;
pub mod webhook;
mod webhook_answers;

#[cfg(test)]
mod tests;

pub use aliases::{acculynx_fields, default_aliases};
pub use body::{BodyError, Fields, ParsedBody, SkippedFile, parse_body, parse_body_with_files};
pub use mapping::{CompiledMapping, FieldError, LocationMapping, MappedLead, MappingDefaults};
