//! Step 3 of a v2 delivery: the lead's AccuLynx contact — the one obtained before, the one
//! remembered for its email, one found by searching its name and reading the candidates'
//! emails (or phones), or a new one.

use reqwest::Method;

use crate::acculynx::v2::V2Plan;
use crate::acculynx::v2::bodies::{
    Collection, ContactSearch, Created, EmailAddress, Linked, PhoneNumber, SearchSort,
};
use crate::acculynx::v2::paths;
use crate::delivery::v2::queries;
use crate::delivery::v2::saga::{End, Saga};

/// At most this many search results are read one by one.
const CANDIDATES: usize = 10;

impl Saga<'_> {
    /// The lead's contact id, found or created.
    pub(super) async fn contact(&mut self, plan: &V2Plan) -> Result<String, End> {
        if let Some(id) = self.progress.contact_id.clone() {
            self.contact_how = "obtained by an earlier attempt";
            return Ok(id);
        }
        if let Some(email) = &plan.email {
            let (pool, location_id, email) = (
                self.caller.ctx.deps.pool.clone(),
                self.location.id.clone(),
                email.clone(),
            );
            let remembered = tokio::task::spawn_blocking(move || {
                let mut conn = pool.get()?;
                Ok::<_, anyhow::Error>(queries::contact_for_email(&mut conn, &location_id, &email)?)
            })
            .await
            .map_err(|err| End::Db(err.into()))?
            .map_err(End::Db)?;
            if let Some(id) = remembered {
                self.contact_how = "remembered for this email from an earlier lead";
                self.progress.contact_id = Some(id.clone());
                return Ok(id);
            }
        }
        if let Some(id) = self.search_contact(plan).await? {
            self.contact_how =
                "found by searching AccuLynx for the name and matching the email or phone";
            self.progress.contact_id = Some(id.clone());
            self.remember_email(plan, &id);
            return Ok(id);
        }
        let body = serde_json::to_string(&plan.contact).unwrap_or_default();
        let call = self
            .caller
            .step(
                Method::POST,
                paths::CONTACTS,
                Some(body),
                "the contact",
                true,
            )
            .await?;
        if !call.ok() {
            return Err(self.stop(&call));
        }
        let Some(created) = call.json::<Created>() else {
            return Err(unreadable(self, &call, "the new contact's id"));
        };
        self.caller
            .say(format!("Created AccuLynx contact {}.", created.id));
        self.contact_how = "created for this lead";
        self.progress.contact_id = Some(created.id.clone());
        self.remember_email(plan, &created.id);
        Ok(created.id)
    }

    fn remember_email(&mut self, plan: &V2Plan, contact_id: &str) {
        if let Some(email) = &plan.email {
            self.remember = Some((email.clone(), contact_id.to_string()));
        }
    }

    /// Searches contacts by name (v2 cannot search by email or phone) and reads the emails, or
    /// without an email the phones, of the newest candidates.
    async fn search_contact(&mut self, plan: &V2Plan) -> Result<Option<String>, End> {
        if plan.email.is_none() && plan.phones.is_empty() {
            return Ok(None);
        }
        let search = ContactSearch {
            search_term: plan.search_term.clone(),
            start_date: "2000-01-01T00:00:00Z".to_string(),
            end_date: (crate::db::now() + chrono::TimeDelta::days(1))
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string(),
            sort: SearchSort {
                sort_direction: "Descending",
                sort_column: "CreatedDate",
            },
        };
        let path = format!("{}?pageSize=25&pageStartIndex=0", paths::CONTACT_SEARCH);
        let body = serde_json::to_string(&search).unwrap_or_default();
        let call = self
            .caller
            .step(Method::POST, &path, Some(body), "a contact search", false)
            .await?;
        if !call.ok() {
            return Err(self.stop(&call));
        }
        let candidates = call
            .json::<Collection<Linked>>()
            .map(|found| found.items)
            .unwrap_or_default();
        self.caller.say(format!(
            "Searched AccuLynx's contacts for \"{}\": {} found.",
            plan.search_term,
            candidates.len()
        ));
        for candidate in candidates.iter().take(CANDIDATES) {
            let matched = match &plan.email {
                Some(email) => {
                    let path = paths::contact_emails(&candidate.id);
                    let call = self
                        .caller
                        .step(Method::GET, &path, None, "a contact's emails", false)
                        .await?;
                    if call.wire.http_status == Some(404) {
                        continue;
                    }
                    if !call.ok() {
                        return Err(self.stop(&call));
                    }
                    call.json::<Collection<EmailAddress>>()
                        .is_some_and(|found| {
                            found.items.iter().any(|e| {
                                e.address
                                    .as_deref()
                                    .is_some_and(|a| a.trim().eq_ignore_ascii_case(email))
                            })
                        })
                }
                None => {
                    let path = paths::contact_phones(&candidate.id);
                    let call = self
                        .caller
                        .step(Method::GET, &path, None, "a contact's phones", false)
                        .await?;
                    if call.wire.http_status == Some(404) {
                        continue;
                    }
                    if !call.ok() {
                        return Err(self.stop(&call));
                    }
                    call.json::<Collection<PhoneNumber>>().is_some_and(|found| {
                        found.items.iter().any(|p| {
                            p.number
                                .as_deref()
                                .is_some_and(|n| plan.phones.iter().any(|mine| mine == n))
                        })
                    })
                }
            };
            if matched {
                self.caller.say(format!(
                    "Contact {} has the lead's {}: it is used.",
                    candidate.id,
                    if plan.email.is_some() {
                        "email"
                    } else {
                        "phone"
                    }
                ));
                return Ok(Some(candidate.id.clone()));
            }
        }
        Ok(None)
    }
}

/// A 2xx whose body lacks what the step needs: retried like a server fault.
pub(super) fn unreadable(
    saga: &mut Saga<'_>,
    call: &crate::delivery::v2::steps::Call,
    what: &str,
) -> End {
    let mut attempt =
        call.wire
            .clone()
            .into_attempt(crate::acculynx::classify::Verdict::Transient(format!(
                "AccuLynx's answer did not hold {what}."
            )));
    attempt.http_status = call.wire.http_status;
    saga.caller
        .say(format!("AccuLynx's answer did not hold {what}."));
    End::Answer(attempt)
}
