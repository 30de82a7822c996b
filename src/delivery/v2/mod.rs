//! Delivery through AccuLynx's v2 API (reference/acculynx-v2-contact-job.md): a small saga per
//! lead whose every request is a row of the lead's timeline.
//!
//! 1. AccuLynx's lists are read from the location's cache (fetched with its key when older
//!    than an hour) and the lead is planned into v2 bodies ([`crate::acculynx::v2::plan`]);
//! 2. `GET /jobs/external-references?source=leadrelay&projectId=<lead id>`: a job that already
//!    carries this lead's reference is the lead's job (a retried delivery goes on from there);
//! 3. the contact: the one already obtained for this lead, else the one remembered for its
//!    email at this location, else a search by name (`POST /contacts/search`) whose candidates'
//!    emails (or, without an email, phones) are read and compared, else `POST /contacts`;
//! 4. `POST /jobs`. Just before it, the request is recorded (`job_requested_at`); if a worker
//!    dies before the answer is recorded, the next delivery lists the contact's jobs and takes
//!    the one without any leadrelay reference instead of creating a second job. The job id is
//!    recorded the moment it is known;
//! 5. `POST /jobs/external-references`; the lead is **delivered** once this succeeded;
//! 6. optional details — initial appointment, sales owner, a message with notes past 1000
//!    characters and what could not be mapped — each done at most once per round; a failure
//!    is retried twice in line, then stays a warning on the timeline (never a second job).
//!
//! Answers are read as in v1: 401/403 hold the location's leads; 429 re-queues the lead for
//! `Retry-After` (a daily window can mean hours: the location records it and its leads wait
//! in the queue, no worker sleeps); 5xx and network errors retry on the schedule; other 4xx
//! fail the lead.

mod contacts;
mod jobs;
pub mod lookups;
pub mod queries;
mod record;
mod saga;
mod steps;

pub(super) use saga::deliver;
