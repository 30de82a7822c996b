//! The v2 data, held per key: each key is one AccuLynx company, and what one key created is
//! invisible to every other key (it answers 404 as for an id that does not exist).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use super::model::{V2Contact, V2Job};
use crate::sandbox::store::lock;

/// The contacts and jobs of every key, oldest first.
#[derive(Default)]
pub(crate) struct V2Store {
    data: Mutex<Data>,
}

#[derive(Default)]
struct Data {
    contacts: Vec<(Arc<str>, V2Contact)>,
    contact_index: HashMap<Uuid, usize>,
    jobs: Vec<(Arc<str>, V2Job)>,
    job_index: HashMap<Uuid, usize>,
}

impl Data {
    fn contact_position(&self, key: &str, id: Uuid) -> Option<usize> {
        let position = *self.contact_index.get(&id)?;
        let (owner, _) = self.contacts.get(position)?;
        (&**owner == key).then_some(position)
    }

    fn job_position(&self, key: &str, id: Uuid) -> Option<usize> {
        let position = *self.job_index.get(&id)?;
        let (owner, _) = self.jobs.get(position)?;
        (&**owner == key).then_some(position)
    }
}

impl V2Store {
    pub(crate) fn add_contact(&self, key: Arc<str>, contact: V2Contact) {
        let mut data = lock(&self.data);
        let position = data.contacts.len();
        data.contact_index.insert(contact.id, position);
        data.contacts.push((key, contact));
    }

    pub(crate) fn add_job(&self, key: Arc<str>, job: V2Job) {
        let mut data = lock(&self.data);
        let position = data.jobs.len();
        data.job_index.insert(job.id, position);
        data.jobs.push((key, job));
    }

    /// The contact `id` of `key`.
    pub(crate) fn contact(&self, key: &str, id: Uuid) -> Option<V2Contact> {
        let data = lock(&self.data);
        let position = data.contact_position(key, id)?;
        data.contacts
            .get(position)
            .map(|(_, contact)| contact.clone())
    }

    /// Whether `key` has the contact `id`.
    pub(crate) fn has_contact(&self, key: &str, id: Uuid) -> bool {
        lock(&self.data).contact_position(key, id).is_some()
    }

    /// Every contact of `key`, oldest first.
    pub(crate) fn contacts_of(&self, key: &str) -> Vec<V2Contact> {
        lock(&self.data)
            .contacts
            .iter()
            .filter(|(owner, _)| &**owner == key)
            .map(|(_, contact)| contact.clone())
            .collect()
    }

    /// The jobs of `key` (oldest first) that `keep` selects.
    pub(crate) fn jobs_of(&self, key: &str, keep: impl Fn(&V2Job) -> bool) -> Vec<V2Job> {
        lock(&self.data)
            .jobs
            .iter()
            .filter(|(owner, job)| &**owner == key && keep(job))
            .map(|(_, job)| job.clone())
            .collect()
    }

    /// Changes the job `id` of `key`; `None` when it has no such job.
    pub(crate) fn update_job<T>(
        &self,
        key: &str,
        id: Uuid,
        change: impl FnOnce(&mut V2Job) -> T,
    ) -> Option<T> {
        let mut data = lock(&self.data);
        let position = data.job_position(key, id)?;
        data.jobs.get_mut(position).map(|(_, job)| change(job))
    }

    /// Every contact, of every key, oldest first.
    pub(crate) fn contacts(&self) -> Vec<V2Contact> {
        lock(&self.data)
            .contacts
            .iter()
            .map(|(_, contact)| contact.clone())
            .collect()
    }

    /// Every job, of every key, oldest first.
    pub(crate) fn jobs(&self) -> Vec<V2Job> {
        lock(&self.data)
            .jobs
            .iter()
            .map(|(_, job)| job.clone())
            .collect()
    }

    pub(crate) fn clear_contacts(&self) {
        let mut data = lock(&self.data);
        data.contacts.clear();
        data.contact_index.clear();
    }

    pub(crate) fn clear_jobs(&self) {
        let mut data = lock(&self.data);
        data.jobs.clear();
        data.job_index.clear();
    }
}
