//! A sender posting unique leads to a webhook URL without pause, as ClientTether would, and
//! keeping every answer.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use diesel::prelude::*;
use leadrelay::db::schema::leads;

use crate::support::delivery::lead_body;
use crate::support::helpers::TestApp;

/// One answer of the webhook.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The lead's number (`ct-{n}` is its cross-reference).
    pub n: usize,
    /// When the answer came.
    pub at: Instant,
    /// Its status; 0 when no answer came (connection refused or cut, timeout).
    pub status: u16,
    /// Its JSON body (`Null` when there was none).
    pub body: Value,
}

/// Posts leads one after another until stopped.
pub struct LeadSender {
    answers: Arc<Mutex<Vec<Answer>>>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl LeadSender {
    /// Starts posting lead 0, 1, 2 … to `hook_url`, `pause` apart.
    pub fn start(hook_url: String, pause: Duration) -> Self {
        let answers = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let task = tokio::spawn({
            let (answers, stop) = (answers.clone(), stop.clone());
            async move {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    let sent = client.post(&hook_url).json(&lead_body(n)).send().await;
                    let (status, body) = match sent {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            (status, response.json().await.unwrap_or(Value::Null))
                        }
                        Err(_) => (0, Value::Null),
                    };
                    answers.lock().unwrap().push(Answer {
                        n,
                        at: Instant::now(),
                        status,
                        body,
                    });
                    n += 1;
                    tokio::time::sleep(pause).await;
                }
            }
        });
        Self {
            answers,
            stop,
            task,
        }
    }

    /// The answers so far.
    pub fn answers(&self) -> Vec<Answer> {
        self.answers.lock().unwrap().clone()
    }

    /// The first answer with this status that came after `since`.
    pub fn first_after(&self, since: Instant, status: u16) -> Option<Answer> {
        self.answers()
            .into_iter()
            .find(|answer| answer.at > since && answer.status == status)
    }

    /// Waits until `count` leads were answered 202 after `since`.
    pub async fn wait_for_accepted_after(&self, what: &str, since: Instant, count: usize) {
        crate::support::helpers::wait_until(what, Duration::from_secs(30), || async {
            self.answers()
                .iter()
                .filter(|a| a.at > since && a.status == 202)
                .count()
                >= count
        })
        .await;
    }

    /// Stops after the lead being sent; every answer.
    pub async fn stop(self) -> Vec<Answer> {
        self.stop.store(true, Ordering::SeqCst);
        self.task.await.unwrap();
        std::mem::take(&mut *self.answers.lock().unwrap())
    }
}

/// The answers that are neither 202 nor 503: there must be none (no 500, no hang).
pub fn neither_accepted_nor_unavailable(answers: &[Answer]) -> Vec<&Answer> {
    answers
        .iter()
        .filter(|a| a.status != 202 && a.status != 503)
        .collect()
}

/// The answers with this status.
pub fn with_status(answers: &[Answer], status: u16) -> Vec<&Answer> {
    answers.iter().filter(|a| a.status == status).collect()
}

/// The lead id of a 202 answer.
pub fn lead_id(answer: &Answer) -> String {
    answer.body["lead_id"]
        .as_str()
        .unwrap_or_else(|| panic!("a 202 names its lead: {:?}", answer.body))
        .to_string()
}

/// The ids of the leads answered 202, once every one of them is delivered.
pub async fn wait_until_accepted_delivered(app: &TestApp, answers: &[Answer]) -> Vec<String> {
    let ids: Vec<String> = with_status(answers, 202).into_iter().map(lead_id).collect();
    crate::support::helpers::wait_until(
        "every lead answered 202 delivered",
        Duration::from_secs(60),
        || async {
            let delivered: i64 = leads::table
                .filter(leads::id.eq_any(&ids))
                .filter(leads::status.eq("delivered"))
                .count()
                .get_result(&mut *app.conn())
                .unwrap();
            delivered == ids.len() as i64
        },
    )
    .await;
    ids
}
