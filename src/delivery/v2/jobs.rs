//! Steps 2, 4, 5 and 6 of a v2 delivery: the job that already carries this lead's reference,
//! the job an interrupted delivery left without one, a new job, its reference, and the
//! optional details.

use std::time::Duration;

use reqwest::Method;

use crate::acculynx::classify::Verdict;
use crate::acculynx::v2::bodies::{
    Collection, Created, ExternalReference, ExternalReferencePost, IdRef, Linked, MessagePost,
};
use crate::acculynx::v2::{SOURCE, V2Plan, paths};
use crate::delivery::v2::contacts::unreadable;
use crate::delivery::v2::saga::{End, Saga};
use crate::domain::text::capitalise;
use crate::leads::status::AttemptOutcome;

/// At most this many of a contact's jobs are checked for a missing reference.
const ORPHAN_CANDIDATES: usize = 20;

/// Tries of an optional step before it stays a warning.
const OPTIONAL_TRIES: u32 = 3;

fn query_value(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

impl Saga<'_> {
    /// Step 2: a job that already carries this round's reference is the lead's job.
    pub(super) async fn find_reference(&mut self) -> Result<(), End> {
        let project = self.progress.project_id();
        let path = format!(
            "{}?source={SOURCE}&projectId={}",
            paths::EXTERNAL_REFERENCES,
            query_value(&project)
        );
        let call = self
            .caller
            .step(
                Method::GET,
                &path,
                None,
                "this lead's external reference",
                false,
            )
            .await?;
        // "Not found" may be 200 [] or 404; a 400 (jobId enforced) leaves our own record as
        // the check (reference §6 step 1).
        if matches!(call.wire.http_status, Some(404 | 400)) {
            if let Some(row) = self.caller.rows.last_mut() {
                row.outcome = AttemptOutcome::Step;
            }
            self.caller
                .say("No AccuLynx job carries this lead's reference yet.".to_string());
            return Ok(());
        }
        if !call.ok() {
            return Err(self.stop(&call));
        }
        let found = call
            .json::<Vec<ExternalReference>>()
            .unwrap_or_default()
            .into_iter()
            .find(|r| {
                r.project_id.eq_ignore_ascii_case(&project) && r.source.eq_ignore_ascii_case(SOURCE)
            });
        match found {
            Some(reference) => {
                self.caller.say(format!(
                    "AccuLynx job {} already carries this lead's reference: the delivery goes on from there.",
                    reference.job_id
                ));
                self.progress.job_id = Some(reference.job_id);
                self.progress.reference_done = true;
                self.delivered_row = Some(self.caller.rows.len() - 1);
            }
            None => self
                .caller
                .say("No AccuLynx job carries this lead's reference yet.".to_string()),
        }
        Ok(())
    }

    /// Before asking again for the reference of a job already known: it may exist.
    pub(super) async fn find_reference_of_job(&mut self) -> Result<(), End> {
        let job_id = self.progress.job_id.clone().unwrap_or_default();
        let project = self.progress.project_id();
        let references = self.references_of(&job_id).await?;
        if references.iter().any(|r| {
            r.source.eq_ignore_ascii_case(SOURCE) && r.project_id.eq_ignore_ascii_case(&project)
        }) {
            self.caller.say(format!(
                "Job {job_id} already carries this lead's reference (the answer to the earlier request was lost)."
            ));
            self.progress.reference_done = true;
            self.delivered_row = Some(self.caller.rows.len() - 1);
        } else {
            self.caller
                .say(format!("Job {job_id} has no reference for this lead yet."));
        }
        Ok(())
    }

    /// The leadrelay references of a job (none for a 404), its row kept as a step.
    async fn references_of(&mut self, job_id: &str) -> Result<Vec<ExternalReference>, End> {
        let path = format!(
            "{}?source={SOURCE}&jobId={}",
            paths::EXTERNAL_REFERENCES,
            query_value(job_id)
        );
        let call = self
            .caller
            .step(
                Method::GET,
                &path,
                None,
                "a job's external references",
                false,
            )
            .await?;
        let references = match call.wire.http_status {
            Some(404) => Vec::new(),
            _ if call.ok() => call.json::<Vec<ExternalReference>>().unwrap_or_default(),
            _ => return Err(self.stop(&call)),
        };
        if let Some(row) = self.caller.rows.last_mut() {
            row.outcome = AttemptOutcome::Step;
        }
        Ok(references)
    }

    /// After an interrupted `POST /jobs`: the contact's job with no leadrelay reference is the
    /// one that request created (unassigned jobs are visible only through the contact).
    pub(super) async fn adopt_orphan_job(&mut self, contact: &str) -> Result<(), End> {
        let path = format!(
            "{}?pageSize=50&recordStartIndex=0",
            paths::contact_jobs(contact)
        );
        let call = self
            .caller
            .step(Method::GET, &path, None, "the contact's jobs", false)
            .await?;
        if !call.ok() {
            return Err(self.stop(&call));
        }
        let jobs = call
            .json::<Collection<Linked>>()
            .map(|c| c.items)
            .unwrap_or_default();
        for job in jobs.iter().rev().take(ORPHAN_CANDIDATES) {
            let references = self.references_of(&job.id).await?;
            if references
                .iter()
                .all(|r| !r.source.eq_ignore_ascii_case(SOURCE))
            {
                self.caller.say(format!(
                    "Job {} on the contact has no leadrelay reference: it is the job the interrupted delivery created, and it is used instead of a second one.",
                    job.id
                ));
                self.progress.job_id = Some(job.id.clone());
                return Ok(());
            }
            self.caller
                .say(format!("Job {} belongs to another lead.", job.id));
        }
        self.caller.say(format!(
            "None of the contact's {} jobs was left by an interrupted delivery.",
            jobs.len()
        ));
        Ok(())
    }

    /// Step 4: `POST /jobs`.
    pub(super) async fn create_job(&mut self, plan: &V2Plan, contact: &str) -> Result<(), End> {
        let mut job = plan.job.clone();
        job.contact = IdRef {
            id: contact.to_string(),
        };
        let body = serde_json::to_string(&job).unwrap_or_default();
        let call = self
            .caller
            .step(Method::POST, paths::JOBS, Some(body), "the job", true)
            .await?;
        if call.wire.http_status == Some(404) && self.contact_how.starts_with("remembered") {
            // The remembered contact is gone from AccuLynx: look it up afresh next time.
            self.forget = plan.email.clone();
            self.progress.contact_id = None;
            self.progress.job_requested_at = None;
            let attempt = call.wire.clone().into_attempt(Verdict::Transient(format!(
                "AccuLynx no longer knows contact {contact}; it will be looked up again."
            )));
            return Err(End::Answer(attempt));
        }
        if !call.ok() {
            if matches!(call.wire.http_status, Some(400..=499)) && call.wire.error.is_none() {
                // A refusal is an answer: no job was made, none needs looking for later.
                self.progress.job_requested_at = None;
            }
            return Err(self.stop(&call));
        }
        let Some(created) = call.json::<Created>() else {
            return Err(unreadable(self, &call, "the new job's id"));
        };
        self.caller.say(format!(
            "Created AccuLynx job {} for contact {contact}.",
            created.id
        ));
        self.progress.job_id = Some(created.id);
        Ok(())
    }

    /// Step 5: the job's external reference; the lead is delivered once it exists.
    pub(super) async fn create_reference(&mut self) -> Result<(), End> {
        let job_id = self.progress.job_id.clone().unwrap_or_default();
        let body = serde_json::to_string(&ExternalReferencePost {
            job_id: job_id.clone(),
            source: SOURCE,
            project_id: self.progress.project_id(),
        })
        .unwrap_or_default();
        let call = self
            .caller
            .step(
                Method::POST,
                paths::EXTERNAL_REFERENCES,
                Some(body),
                "the job's external reference",
                true,
            )
            .await?;
        if !call.ok() {
            return Err(self.stop(&call));
        }
        self.progress.reference_done = true;
        self.delivered_row = Some(self.caller.rows.len() - 1);
        Ok(())
    }

    /// Step 6: appointment, sales owner, message — each at most once per round; a failure is
    /// tried again twice, then stays a warning.
    pub(super) async fn optional_steps(&mut self, plan: &V2Plan) -> Result<(), End> {
        let job_id = self.progress.job_id.clone().unwrap_or_default();
        if let Some(appointment) = &plan.appointment
            && !self.progress.appointment_done
        {
            let body = serde_json::to_string(appointment).unwrap_or_default();
            self.progress.appointment_done = self
                .optional(
                    Method::PUT,
                    &paths::appointment(&job_id),
                    body,
                    "the initial appointment",
                )
                .await?;
        }
        if let Some(user) = &plan.sales_owner
            && !self.progress.sales_owner_done
        {
            let body = serde_json::to_string(&IdRef { id: user.clone() }).unwrap_or_default();
            self.progress.sales_owner_done = self
                .optional(
                    Method::POST,
                    &paths::sales_owner(&job_id),
                    body,
                    "the sales owner",
                )
                .await?;
        }
        if let Some(message) = &plan.message
            && !self.progress.message_done
        {
            let body = serde_json::to_string(&MessagePost {
                message: message.clone(),
            })
            .unwrap_or_default();
            self.progress.message_done = self
                .optional(
                    Method::POST,
                    &paths::messages(&job_id),
                    body,
                    "the job message",
                )
                .await?;
        }
        Ok(())
    }

    async fn optional(
        &mut self,
        method: Method,
        path: &str,
        body: String,
        what: &str,
    ) -> Result<bool, End> {
        for attempt in 1..=OPTIONAL_TRIES {
            let call = self
                .caller
                .step(method.clone(), path, Some(body.clone()), what, true)
                .await?;
            if call.ok() {
                return Ok(true);
            }
            let retry = match &call.verdict {
                Verdict::Transient(_) => Some(Duration::from_millis(500 * u64::from(attempt))),
                Verdict::RateLimited(wait, _) if *wait <= Duration::from_secs(5) => Some(*wait),
                _ => None,
            };
            let last = attempt == OPTIONAL_TRIES || retry.is_none();
            if let Some(row) = self.caller.rows.last_mut() {
                row.outcome = AttemptOutcome::Warning;
                let reason = row.summary.clone();
                row.summary = if last {
                    format!(
                        "{} was not set: {reason} The job was created all the same.",
                        capitalise(what)
                    )
                } else {
                    format!(
                        "{} was not set yet: {reason} Trying again.",
                        capitalise(what)
                    )
                };
            }
            if last {
                return Ok(false);
            }
            if let Some(wait) = retry {
                tokio::select! {
                    () = self.caller.ctx.shutdown.cancelled() => return Ok(false),
                    () = tokio::time::sleep(wait) => {},
                }
            }
        }
        Ok(false)
    }
}
