//! What an answer from AccuLynx means for a lead (SPEC §7), in plain words.
//!
//! - any 2xx → delivered;
//! - 400/422 → failed, with AccuLynx's messages turned into a sentence;
//! - 401/403 → the key is rejected: the location's leads are held until a new key is saved;
//! - 429 → retried after `Retry-After` (seconds or HTTP date; clamped 1 s–1 h; 30 s when
//!   absent) without using a step of the schedule, and the key is paused until then;
//! - 408, 5xx, timeouts, connection errors → retried on the schedule;
//! - any other answer → failed (retrying would get the same answer).

use std::time::{Duration, SystemTime};

use serde_json::Value;

/// How an attempt ended, before the schedule is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// AccuLynx took the lead.
    Delivered,
    /// AccuLynx will never take this lead as it is.
    Failed(String),
    /// The key is rejected; hold the location's leads.
    KeyRejected(String),
    /// Too many requests: try again after this long, pausing the key.
    RateLimited(Duration, String),
    /// A passing fault: retry on the schedule.
    Transient(String),
}

/// Reads an HTTP answer.
pub fn classify_response(status: u16, retry_after: Option<&str>, body: &str) -> Verdict {
    match status {
        200..=299 => Verdict::Delivered,
        400 | 422 => Verdict::Failed(format!(
            "AccuLynx rejected the lead: {}",
            error_sentence(body)
                .unwrap_or_else(|| format!("it answered {status} without saying why."))
        )),
        401 | 403 => {
            let why = error_sentence(body).unwrap_or_else(|| {
                if status == 401 {
                    "API Key is invalid or deactivated."
                } else {
                    "Not enough permissions."
                }
                .to_string()
            });
            Verdict::KeyRejected(format!("AccuLynx rejected the API key ({status}): {why}"))
        }
        429 => {
            let wait = retry_after_delay(retry_after, SystemTime::now());
            Verdict::RateLimited(
                wait,
                format!(
                    "AccuLynx asked us to slow down (429); trying again in {} s.",
                    wait.as_secs()
                ),
            )
        }
        408 => Verdict::Transient("AccuLynx timed out reading the request (408).".to_string()),
        500..=599 => Verdict::Transient(match error_sentence(body) {
            Some(why) => format!("AccuLynx had a server error ({status}): {why}"),
            None => format!("AccuLynx had a server error ({status})."),
        }),
        _ => Verdict::Failed(match error_sentence(body) {
            Some(why) => format!("AccuLynx answered {status}: {why}"),
            None => format!("AccuLynx answered {status}; check LEADRELAY_ACCULYNX_BASE_URL."),
        }),
    }
}

/// A request that got no answer.
pub fn classify_network_error(timed_out: bool, detail: &str) -> Verdict {
    if timed_out {
        Verdict::Transient("AccuLynx did not answer in time.".to_string())
    } else {
        Verdict::Transient(format!("Could not reach AccuLynx: {detail}"))
    }
}

/// `Retry-After` as a delay: whole seconds or an HTTP date, clamped to 1 s–1 h; 30 s when
/// absent or unreadable.
pub fn retry_after_delay(header: Option<&str>, now: SystemTime) -> Duration {
    retry_after_delay_within(header, now, Duration::from_secs(3600))
}

/// [`retry_after_delay`] with another longest wait.
pub fn retry_after_delay_within(header: Option<&str>, now: SystemTime, max: Duration) -> Duration {
    const MIN: Duration = Duration::from_secs(1);
    const DEFAULT: Duration = Duration::from_secs(30);
    let max = max.max(MIN);
    // The default is bounded too: a longest wait under 30 s is never exceeded.
    let default = DEFAULT.min(max);
    let Some(text) = header.map(str::trim).filter(|t| !t.is_empty()) else {
        return default;
    };
    let delay = match text.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => match httpdate::parse_http_date(text) {
            Ok(at) => at.duration_since(now).unwrap_or(Duration::ZERO),
            Err(_) => return default,
        },
    };
    delay.clamp(MIN, max)
}

/// The longest a v2 429 is waited out (a daily window, plus margin): never by sleeping a
/// worker, always by re-queuing the lead.
pub const V2_LONGEST_WAIT: Duration = Duration::from_secs(25 * 3600);

/// Reads a v2 answer to one step of a lead's delivery (reference §6 "Status handling");
/// `what` names what the step asked for, e.g. "the contact".
///
/// - 2xx → done; 401/403 → the key is rejected (the location's leads are held, as in v1);
/// - 429 → wait `Retry-After` (else `RateLimit-Reset`, else 30 s; up to 25 h), naming the
///   `RateLimit-Policy` window; the caller re-queues rather than sleeps;
/// - 400/404/412/416/422 → failed until the input changes; 408, 5xx → retried.
pub fn classify_v2(
    status: u16,
    retry_after: Option<&str>,
    reset: Option<&str>,
    policy: Option<&str>,
    body: &str,
    what: &str,
) -> Verdict {
    match status {
        200..=299 => Verdict::Delivered,
        401 | 403 => classify_response(status, None, body),
        429 => {
            let wait =
                retry_after_delay_within(retry_after.or(reset), SystemTime::now(), V2_LONGEST_WAIT);
            let window = match policy.map(str::trim).filter(|p| !p.is_empty()) {
                Some(policy) => format!("AccuLynx's {policy} rate limit was reached"),
                None => "AccuLynx asked us to slow down".to_string(),
            };
            Verdict::RateLimited(
                wait,
                format!(
                    "{window} (429) while asking for {what}; trying again in {}.",
                    describe_wait(wait)
                ),
            )
        }
        408 | 500..=599 => Verdict::Transient(match error_sentence(body) {
            Some(why) => format!("AccuLynx had a problem with {what} ({status}): {why}"),
            None => format!("AccuLynx had a problem with {what} ({status})."),
        }),
        _ => Verdict::Failed(format!(
            "AccuLynx refused {what} ({status}): {}",
            error_sentence(body).unwrap_or_else(|| "it did not say why.".to_string())
        )),
    }
}

/// A wait in the largest whole unit that reads naturally: "45 s", "12 min", "2 h 5 min".
pub fn describe_wait(wait: Duration) -> String {
    let seconds = wait.as_secs();
    match seconds {
        0..=119 => format!("{seconds} s"),
        120..=3599 => format!("{} min", seconds / 60),
        _ if seconds % 3600 < 60 => format!("{} h", seconds / 3600),
        _ => format!("{} h {} min", seconds / 3600, seconds % 3600 / 60),
    }
}

/// AccuLynx's error messages as one sentence, from either error shape: ASP.NET model
/// validation (`{"errors":{"FirstName":["…"]}}`) or RFC 7807 ProblemDetails
/// (`{"title","detail"}`). Plain-text bodies are used as they are (shortened).
pub fn error_sentence(body: &str) -> Option<String> {
    let body = body.trim();
    if body.is_empty() {
        return None;
    }
    let Ok(json) = serde_json::from_str::<Value>(body) else {
        let text: String = body.chars().take(300).collect();
        return Some(end_sentence(&text));
    };
    if let Some(errors) = json.get("errors").and_then(Value::as_object) {
        let messages: Vec<String> = errors
            .iter()
            .flat_map(|(field, messages)| match messages {
                Value::Array(list) => list
                    .iter()
                    .map(|m| {
                        m.as_str()
                            .map_or_else(|| format!("{field}: {m}"), end_sentence)
                    })
                    .collect::<Vec<_>>(),
                Value::String(message) => vec![end_sentence(message)],
                other => vec![format!("{field}: {other}.")],
            })
            .collect();
        if !messages.is_empty() {
            return Some(messages.join(" "));
        }
    }
    let detail = json
        .get("detail")
        .and_then(Value::as_str)
        .filter(|d| !d.trim().is_empty());
    let title = json
        .get("title")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty());
    let message = json
        .get("message")
        .and_then(Value::as_str)
        .filter(|m| !m.trim().is_empty());
    detail.or(message).or(title).map(end_sentence)
}

fn end_sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_and_validation_errors_read_plainly() {
        assert_eq!(classify_response(202, None, ""), Verdict::Delivered);
        let body = r#"{"type":"x","title":"One or more validation errors occurred.","status":400,
            "errors":{"FirstName":["The firstName field is required."],"Zip":["The field zip must be a string with a maximum length of 50."]}}"#;
        assert_eq!(
            classify_response(400, None, body),
            Verdict::Failed(
                "AccuLynx rejected the lead: The firstName field is required. The field zip must be a string with a maximum length of 50."
                    .to_string()
            )
        );
        assert!(
            matches!(classify_response(422, None, ""), Verdict::Failed(m) if m.contains("without saying why"))
        );
    }

    #[test]
    fn key_problems_use_the_problem_details() {
        let body = r#"{"type":"t","title":"Unauthorized","status":401,"detail":"API Key is invalid or deactivated","traceId":"1"}"#;
        assert_eq!(
            classify_response(401, None, body),
            Verdict::KeyRejected(
                "AccuLynx rejected the API key (401): API Key is invalid or deactivated."
                    .to_string()
            )
        );
        assert!(
            matches!(classify_response(403, None, ""), Verdict::KeyRejected(m) if m.contains("Not enough permissions"))
        );
    }

    #[test]
    fn rate_limits_honour_retry_after_in_seconds_and_dates() {
        let now = SystemTime::now();
        assert_eq!(retry_after_delay(Some("2"), now), Duration::from_secs(2));
        assert_eq!(retry_after_delay(Some("0"), now), Duration::from_secs(1));
        assert_eq!(
            retry_after_delay(Some("99999"), now),
            Duration::from_secs(3600)
        );
        assert_eq!(retry_after_delay(None, now), Duration::from_secs(30));
        assert_eq!(
            retry_after_delay(Some("soon"), now),
            Duration::from_secs(30)
        );
        let in_a_minute = httpdate::fmt_http_date(now + Duration::from_secs(60));
        let delay = retry_after_delay(Some(&in_a_minute), now);
        assert!((59..=60).contains(&delay.as_secs()), "{delay:?}");
        assert!(
            matches!(classify_response(429, Some("2"), ""), Verdict::RateLimited(d, _) if d == Duration::from_secs(2))
        );
    }

    #[test]
    fn v2_answers_name_the_step_and_the_window() {
        assert_eq!(
            classify_v2(201, None, None, None, "", "the job"),
            Verdict::Delivered
        );
        match classify_v2(
            429,
            Some("7200"),
            Some("7200"),
            Some("company-write:daily"),
            "Daily rate limit exceeded. Please try again later.",
            "the job",
        ) {
            Verdict::RateLimited(wait, reason) => {
                assert_eq!(wait, Duration::from_secs(7200));
                assert!(reason.contains("company-write:daily"), "{reason}");
                assert!(reason.contains("2 h"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify_v2(429, None, Some("90000"), None, "", "x"),
            Verdict::RateLimited(wait, _) if wait == Duration::from_secs(90000)
        ));
        let body = r#"{"type":"t","title":"Bad Request","status":400,"detail":"phoneNumbers[0].number must be exactly 10 digits","traceId":"1"}"#;
        assert_eq!(
            classify_v2(400, None, None, None, body, "the contact"),
            Verdict::Failed(
                "AccuLynx refused the contact (400): phoneNumbers[0].number must be exactly 10 digits."
                    .into()
            )
        );
        assert!(matches!(
            classify_v2(401, None, None, None, "", "the job"),
            Verdict::KeyRejected(_)
        ));
        assert!(matches!(
            classify_v2(503, None, None, None, "", "the job"),
            Verdict::Transient(m) if m.contains("the job (503)")
        ));
    }

    #[test]
    fn passing_faults_are_retried_and_other_answers_fail() {
        for status in [408, 500, 502, 503, 504] {
            assert!(
                matches!(classify_response(status, None, ""), Verdict::Transient(_)),
                "{status}"
            );
        }
        assert!(
            matches!(classify_network_error(true, ""), Verdict::Transient(m) if m.contains("in time"))
        );
        assert!(
            matches!(classify_response(404, None, ""), Verdict::Failed(m) if m.contains("404"))
        );
        assert_eq!(
            error_sentence("Too many requests"),
            Some("Too many requests.".to_string())
        );
    }

    #[test]
    fn a_missing_or_unreadable_retry_after_stays_within_a_short_longest_wait() {
        let now = SystemTime::now();
        let max = Duration::from_secs(10);
        assert_eq!(retry_after_delay_within(None, now, max), max);
        assert_eq!(retry_after_delay_within(Some("\u{0}5"), now, max), max);
        assert_eq!(
            retry_after_delay_within(Some("soon"), now, Duration::ZERO),
            Duration::from_secs(1)
        );
        assert_eq!(
            retry_after_delay_within(None, now, V2_LONGEST_WAIT),
            Duration::from_secs(30)
        );
    }

    proptest::proptest! {
        // The property of the `retry_after` fuzz target, at a count CI affords.
        #[test]
        fn any_retry_after_gives_a_bounded_delay(
            header in proptest::option::of("\\PC{0,40}|[0-9]{1,25}| *[0-9]{1,6} *"),
            now in 0u64..16_000_000_000,
            ahead in 1u64..=3600,
            max in 0u64..200_000,
        ) {
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(now);
            let delay = retry_after_delay(header.as_deref(), now);
            proptest::prop_assert!(delay >= Duration::from_secs(1));
            proptest::prop_assert!(delay <= Duration::from_secs(3600));
            let max = Duration::from_secs(max);
            let within = retry_after_delay_within(header.as_deref(), now, max);
            proptest::prop_assert!(within >= Duration::from_secs(1));
            proptest::prop_assert!(within <= max.max(Duration::from_secs(1)));
            let date = httpdate::fmt_http_date(now + Duration::from_secs(ahead));
            proptest::prop_assert_eq!(
                retry_after_delay(Some(&date), now),
                Duration::from_secs(ahead)
            );
        }
    }
}
