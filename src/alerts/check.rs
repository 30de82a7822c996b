//! What is worth an alert now, and sending it at most once per kind and location per
//! cooldown. [`check_all`] is what the runner calls every minute; [`send_test`] is the
//! "Send test notification" button.

use chrono::{Duration, NaiveDateTime};

use crate::alerts::model::{AlertSettings, Kind, NewNotification};
use crate::alerts::queries;
use crate::alerts::send::{Alert, Notifier};
use crate::db::{DbConn, DbPool};
use crate::leads::LeadStatus;

/// An alert to send.
#[derive(Debug, Clone)]
pub struct Event {
    /// What about.
    pub kind: Kind,
    /// The location, if one.
    pub location_id: Option<String>,
    /// The message.
    pub alert: Alert,
}

fn plural(count: i64, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// The conditions of one company worth an alert at `now` (cooldowns aside).
pub fn events_of(
    conn: &mut DbConn,
    settings: &AlertSettings,
    notifier: &Notifier,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<Event>> {
    let company = &settings.company_id;
    let mut events = Vec::new();
    for location in queries::live_locations(conn, company)? {
        let link = notifier.link(&format!("/locations/{}", location.id));
        let event = |kind: Kind, subject: String, body: String| Event {
            kind,
            location_id: Some(location.id.clone()),
            alert: Alert {
                subject,
                body,
                link: link.clone(),
            },
        };
        if location.key_status == "rejected" {
            events.push(event(
                Kind::KeyRejected,
                format!("{}: AccuLynx rejected the API key", location.name),
                format!("AccuLynx refused the API key of {}. Its leads are held, not lost: enter a valid key on the location page and they are sent.", location.name),
            ));
        }
        let since = queries::last_of(conn, company, Kind::LeadFailed.as_str(), Some(&location.id))?
            .unwrap_or(now - Duration::hours(24));
        let failed = queries::failed_since(conn, &location.id, since)?;
        if failed > 0 {
            events.push(event(
                Kind::LeadFailed,
                format!("{}: {} failed for good", location.name, plural(failed, "lead", "leads")),
                format!("AccuLynx did not take {} of {}, and no more attempts will be made. Open the location's failed leads to see why, correct them and resend.", plural(failed, "lead", "leads"), location.name),
            ));
        }
        if location.status == "active" {
            let last = queries::last_received(conn, &location.id)?.unwrap_or(location.created_at);
            let days = i64::from(settings.silent_days.max(1));
            if now - last > Duration::days(days) {
                events.push(event(
                    Kind::Silent,
                    format!("{}: no leads for {}", location.name, plural(days, "day", "days")),
                    format!("No lead has arrived at {} for more than {}. Check that the ClientTether Action Plan still calls its webhook URL (the location page lists refused calls).", location.name, plural(days, "day", "days")),
                ));
            }
        }
        let minutes = i64::from(settings.backlog_minutes.max(1));
        let (waiting, oldest) =
            queries::waiting_before(conn, &location.id, now - Duration::minutes(minutes))?;
        if waiting > 0 {
            let age = oldest.map_or(minutes, |oldest| (now - oldest).num_minutes());
            events.push(event(
                Kind::Backlog,
                format!("{}: {} waiting over {} minutes", location.name, plural(waiting, "lead", "leads"), minutes),
                format!("{} of {} have waited more than {minutes} minutes to be delivered (the oldest {age} minutes). AccuLynx may be slow or refusing them; the location's waiting leads show each attempt.", plural(waiting, "lead", "leads"), location.name),
            ));
        }
    }
    if settings.daily_digest {
        let last = queries::last_of(conn, company, Kind::Digest.as_str(), None)?;
        if last.is_none_or(|last| now - last >= Duration::hours(24)) {
            let counts =
                queries::received_since_by_status(conn, company, now - Duration::hours(24))?;
            let count = |status: LeadStatus| {
                counts
                    .iter()
                    .find(|(s, _)| *s == status)
                    .map_or(0, |(_, n)| *n)
            };
            let total: i64 = counts.iter().map(|(_, n)| n).sum();
            events.push(Event {
                kind: Kind::Digest,
                location_id: None,
                alert: Alert {
                    subject: format!("Daily digest: {} received", plural(total, "lead", "leads")),
                    body: format!(
                        "In the last 24 hours: {total} received, {} delivered, {} failed, {} rejected, {} still waiting.",
                        count(LeadStatus::Delivered),
                        count(LeadStatus::Failed),
                        count(LeadStatus::Rejected),
                        count(LeadStatus::Queued) + count(LeadStatus::Retrying) + count(LeadStatus::Held),
                    ),
                    link: notifier.link("/"),
                },
            });
        }
    }
    Ok(events)
}

/// How one send went.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// `email` or `webhook`.
    pub channel: &'static str,
    /// `Ok`, or why not.
    pub result: Result<(), String>,
}

async fn blocking<T: Send + 'static>(
    pool: &DbPool,
    work: impl FnOnce(&mut DbConn) -> diesel::QueryResult<T> + Send + 'static,
) -> anyhow::Result<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get()?;
        Ok(work(&mut conn)?)
    })
    .await?
}

/// Sends an event on every channel of the company, unless one of its kind and location was
/// sent since `since`; `None` when it was in its cooldown.
pub async fn send_event(
    pool: &DbPool,
    notifier: &Notifier,
    settings: &AlertSettings,
    event: &Event,
    since: Option<NaiveDateTime>,
) -> anyhow::Result<Option<Vec<Outcome>>> {
    let recipients = settings.recipients();
    let mut channels: Vec<(&'static str, String)> = Vec::new();
    if !recipients.is_empty() {
        channels.push(("email", recipients.join(", ")));
    }
    if let Some(host) = settings
        .webhook_url
        .as_ref()
        .map(|_| settings.webhook_host.clone().unwrap_or_default())
    {
        channels.push(("webhook", host));
    }
    let now = crate::db::now();
    let (company, kind, location, subject) = (
        settings.company_id.clone(),
        event.kind,
        event.location_id.clone(),
        event.alert.subject.clone(),
    );
    let claimed_channels = channels.clone();
    let claimed = blocking(pool, move |conn| {
        let rows: Vec<NewNotification<'_>> = claimed_channels
            .iter()
            .map(|(channel, recipient)| NewNotification {
                company_id: &company,
                location_id: location.as_deref(),
                kind: kind.as_str(),
                channel,
                recipient,
                subject: &subject,
                result: "sending",
                detail: "",
                created_at: now,
            })
            .collect();
        queries::claim(conn, &rows, since)
    })
    .await?;
    let Some(ids) = claimed else {
        return Ok(None);
    };
    let mut outcomes = Vec::with_capacity(ids.len());
    for (id, (channel, _)) in ids.into_iter().zip(channels) {
        let result = match channel {
            "email" => notifier.email(&recipients, &event.alert).await,
            _ => notifier.webhook(settings, &event.alert).await,
        };
        let (word, detail) = match &result {
            Ok(()) => ("sent", String::new()),
            Err(why) => ("failed", why.clone()),
        };
        if let Err(why) = &result {
            tracing::warn!(
                channel,
                kind = event.kind.as_str(),
                reason = why.as_str(),
                "alert not sent"
            );
        }
        blocking(pool, move |conn| queries::finish(conn, id, word, &detail)).await?;
        outcomes.push(Outcome { channel, result });
    }
    Ok(Some(outcomes))
}

/// Checks every company with alert settings once; returns how many alerts were sent.
pub async fn check_all(pool: &DbPool, notifier: &Notifier) -> anyhow::Result<usize> {
    let now = crate::db::now();
    let owned = notifier.clone();
    let found = blocking(pool, move |conn| {
        let mut found = Vec::new();
        for settings in queries::all_settings(conn)? {
            if settings.has_channel() {
                let events = events_of(conn, &settings, &owned, now)?;
                found.push((settings, events));
            }
        }
        Ok(found)
    })
    .await?;
    let mut sent = 0;
    for (settings, events) in found {
        let cooldown = Duration::minutes(i64::from(settings.cooldown_minutes.max(1)));
        for event in events {
            let since = match event.kind {
                Kind::Digest => now - Duration::hours(23),
                _ => now - cooldown,
            };
            if send_event(pool, notifier, &settings, &event, Some(since))
                .await?
                .is_some()
            {
                sent += 1;
            }
        }
    }
    Ok(sent)
}

/// Sends a test notification on every channel at once (no cooldown).
pub async fn send_test(
    pool: &DbPool,
    notifier: &Notifier,
    settings: &AlertSettings,
    company_name: &str,
) -> anyhow::Result<Vec<Outcome>> {
    let event = Event {
        kind: Kind::Test,
        location_id: None,
        alert: Alert {
            subject: format!("Test notification for {company_name}"),
            body: "This is a test from leadrelay: alerts about this company reach you here."
                .to_string(),
            link: notifier.link("/"),
        },
    };
    Ok(send_event(pool, notifier, settings, &event, None)
        .await?
        .unwrap_or_default())
}
