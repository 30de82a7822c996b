//! A lead's timeline (SPEC §8): its attempts, replays and edits in the order they
//! happened, each in words — what AccuLynx answered, how long it took, who did what.

use serde_json::Value;

use crate::history::lead_view::{field_label, pairs, readable_body};
use crate::http::time::{ShownTime, show_time};
use crate::leads::model::{Attempt, LeadEvent};
use crate::leads::{EventKind, LeadStatus};

/// An entry of the timeline.
#[derive(Debug, Clone)]
pub struct TimelineItem {
    /// When.
    pub at: ShownTime,
    /// What.
    pub step: Step,
}

/// What happened.
#[derive(Debug, Clone)]
pub enum Step {
    /// A request to AccuLynx.
    Attempt(AttemptStep),
    /// Someone sent it again as it was.
    Replayed(ReplayStep),
    /// Someone changed its fields and sent it again.
    Edited(EditStep),
}

/// An attempt, readable.
#[derive(Debug, Clone)]
pub struct AttemptStep {
    /// 1, 2, …
    pub number: i32,
    /// "340 ms", "2.1 s".
    pub duration: String,
    /// "HTTP 400", or "no answer".
    pub http_status: String,
    /// Outcome code (badge class).
    pub outcome: &'static str,
    /// Outcome words.
    pub outcome_label: &'static str,
    /// What happened, in a sentence.
    pub summary: String,
    /// The JSON sent.
    pub request_body: Option<String>,
    /// Response headers of interest.
    pub response_headers: Vec<(String, String)>,
    /// The answer's body, made readable.
    pub response_body: Option<String>,
    /// The network error, as recorded (shown behind a disclosure).
    pub error: Option<String>,
    /// The network error in one plain sentence.
    pub error_plain: Option<&'static str>,
    /// The request, e.g. `POST /api/v2/jobs`.
    pub request: Option<String>,
}

/// A replay.
#[derive(Debug, Clone)]
pub struct ReplayStep {
    /// Who.
    pub actor: String,
    /// The status it had ("failed").
    pub previous_status: String,
}

/// An edit.
#[derive(Debug, Clone)]
pub struct EditStep {
    /// Who.
    pub actor: String,
    /// Fields changed, in words.
    pub changed: Vec<String>,
    /// The AccuLynx lead before the edit (JSON).
    pub before: String,
    /// Whether the retention policy purged what the edit changed.
    pub purged: bool,
}

fn duration(ms: i32) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", f64::from(ms) / 1000.0)
    }
}

fn readable_json(text: &str) -> String {
    readable_body("application/json", text).0
}

/// Attempts and events, merged in the order they happened (an event before an attempt of
/// the same moment: a replay comes before the attempt it causes).
/// `current_body` is the lead's AccuLynx body now (what the last edit made).
pub fn timeline(
    attempts: &[Attempt],
    events: &[LeadEvent],
    current_body: Option<&str>,
    zone: &str,
) -> Vec<TimelineItem> {
    let mut items: Vec<(chrono::NaiveDateTime, u8, i64, TimelineItem)> = Vec::new();
    for attempt in attempts {
        let step = Step::Attempt(AttemptStep {
            number: attempt.number,
            duration: duration(attempt.duration_ms),
            http_status: attempt.http_status.map_or_else(
                || "no answer".to_string(),
                |status| format!("HTTP {status}"),
            ),
            outcome: attempt.outcome.as_str(),
            outcome_label: attempt.outcome.label(),
            summary: crate::acculynx::transport_words::translate(&attempt.summary)
                .map_or_else(|| attempt.summary.clone(), |(plain, _)| plain),
            request: attempt.request.clone(),
            request_body: attempt.request_body.as_deref().map(readable_json),
            response_headers: pairs(&attempt.response_headers),
            response_body: attempt
                .response_body
                .as_deref()
                .filter(|body| !body.is_empty())
                .map(readable_json),
            error: attempt.error.clone(),
            error_plain: attempt
                .error
                .as_deref()
                .map(crate::acculynx::transport_words::plain_sentence),
        });
        let item = TimelineItem {
            at: show_time(attempt.started_at, zone),
            step,
        };
        items.push((attempt.started_at, 1, attempt.id, item));
    }
    // The body after each edit: the next edit's "before", or the current body.
    for (index, event) in events.iter().enumerate() {
        let step = match event.kind {
            // The retention purge empties the detail (the AccuLynx lead before the edit).
            EventKind::Edited if event.detail.is_empty() => Step::Edited(EditStep {
                actor: event.actor.clone(),
                changed: Vec::new(),
                before: String::new(),
                purged: true,
            }),
            EventKind::Edited => {
                let before: Value = serde_json::from_str(&event.detail).unwrap_or(Value::Null);
                let after = events[index + 1..]
                    .iter()
                    .find(|later| later.kind == EventKind::Edited)
                    .map(|later| later.detail.as_str())
                    .or(current_body)
                    .and_then(|body| serde_json::from_str(body).ok());
                Step::Edited(EditStep {
                    actor: event.actor.clone(),
                    changed: after
                        .map(|after: Value| {
                            crate::delivery::replay::changed_fields(&before, &after)
                                .into_iter()
                                .map(field_label)
                                .collect()
                        })
                        .unwrap_or_default(),
                    before: serde_json::to_string_pretty(&before).unwrap_or_default(),
                    purged: false,
                })
            }
            EventKind::Replayed => Step::Replayed(ReplayStep {
                actor: event.actor.clone(),
                previous_status: serde_json::from_str::<Value>(&event.detail)
                    .ok()
                    .and_then(|detail| detail["previous_status"].as_str().map(str::to_string))
                    .and_then(|code| LeadStatus::parse(&code))
                    .map(|status| status.label().to_lowercase())
                    .unwrap_or_default(),
            }),
        };
        let item = TimelineItem {
            at: show_time(event.created_at, zone),
            step,
        };
        items.push((event.created_at, 0, event.id, item));
    }
    items.sort_by_key(|item| (item.0, item.1, item.2));
    items.into_iter().map(|(_, _, _, item)| item).collect()
}
