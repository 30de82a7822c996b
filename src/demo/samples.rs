//! The sample leads of the demo, posted to the webhook URL as a ClientTether Action Plan
//! posts them (form fields), and the `curl` line that sends one more.

use anyhow::{Context, bail};

/// One sample lead and what it shows.
pub struct Sample {
    /// The form fields ClientTether would send.
    pub fields: &'static [(&'static str, &'static str)],
    /// The HTTP status the webhook must answer.
    pub expected_status: u16,
    /// What it shows, after its status ("with a warning: …").
    pub shows: &'static str,
}

const JANE: &[(&str, &str)] = &[
    ("firstName", "Jane"),
    ("lastName", "Cooper"),
    ("Phone Cell", "(303) 555-0142"),
    ("email", "jane.cooper@example.com"),
    ("address", "1450 Larimer St"),
    ("city", "Denver"),
    ("state", "CO"),
    ("zip", "80202"),
    (
        "whiteboard",
        "Hail damage on the north slope; wants an inspection.",
    ),
    ("contactId", "ct-1001"),
];

/// The samples, in the order they are sent.
pub const SAMPLES: [Sample; 4] = [
    Sample {
        fields: JANE,
        expected_status: 202,
        shows: "a complete lead",
    },
    Sample {
        fields: &[
            ("firstName", "Marcus"),
            ("lastName", "Reyes"),
            ("Phone Cell", "555-01"),
            ("email", "marcus.reyes@example.com"),
            ("city", "Arvada"),
            ("state", "CO"),
            ("Roof Age", "22 years"),
            ("contactId", "ct-1002"),
        ],
        expected_status: 202,
        shows: "with warnings: a phone number too short to send, a field AccuLynx does not have",
    },
    Sample {
        fields: &[
            ("lastName", "Nguyen"),
            ("Phone Cell", "720-555-0187"),
            ("email", "nguyen.family@example.com"),
            ("contactId", "ct-1003"),
        ],
        expected_status: 422,
        shows: "no first name, which AccuLynx requires; edit it and resend it from its page",
    },
    Sample {
        fields: JANE,
        expected_status: 200,
        shows: "the first lead sent again; recorded, not sent to AccuLynx twice",
    },
];

/// The lead the printed `curl` line sends.
pub const CURL_LEAD: &[(&str, &str)] = &[
    ("firstName", "Pat"),
    ("lastName", "Lee"),
    ("Phone Cell", "(720) 555-0199"),
    ("email", "pat.lee@example.com"),
    ("city", "Denver"),
    ("state", "CO"),
    ("whiteboard", "Sent with curl"),
];

/// Posts a sample as ClientTether does (form fields); returns the lead id the webhook
/// answered, after checking its status is the expected one.
pub async fn post(
    http: &reqwest::Client,
    webhook_url: &str,
    sample: &Sample,
) -> anyhow::Result<String> {
    let body = form_body(sample.fields);
    let response = http
        .post(webhook_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("user-agent", "ClientTether-Webhook (leadrelay demo)")
        .body(body)
        .send()
        .await
        .context("while posting a sample lead to the webhook URL")?;
    let status = response.status().as_u16();
    let text = response
        .text()
        .await
        .context("while reading the webhook's answer to a sample lead")?;
    if status != sample.expected_status {
        bail!(
            "the webhook answered HTTP {status} to a sample lead instead of {}: {text}",
            sample.expected_status
        );
    }
    let answer: serde_json::Value =
        serde_json::from_str(&text).context("while reading the webhook's JSON answer")?;
    answer["lead_id"]
        .as_str()
        .map(str::to_string)
        .with_context(|| format!("the webhook's answer has no lead_id: {text}"))
}

/// `a=1&b=2`, each value URL-encoded.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// A `curl` command that posts `fields` to `url` as form fields, ready to paste into a
/// shell (every argument single-quoted; the values hold no quote).
pub fn curl_line(url: &str, fields: &[(&str, &str)]) -> String {
    let mut line = format!("curl -sS {}", quoted(url));
    for (name, value) in fields {
        line.push_str(" --data-urlencode ");
        line.push_str(&quoted(&format!("{name}={value}")));
    }
    line
}

/// `text` as one shell word.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curl_line_quotes_every_argument() {
        assert_eq!(
            curl_line(
                "http://127.0.0.1:8080/hooks/x/t",
                &[("firstName", "Pat"), ("Phone Cell", "(720) 555-0199")]
            ),
            "curl -sS 'http://127.0.0.1:8080/hooks/x/t' --data-urlencode 'firstName=Pat' \
             --data-urlencode 'Phone Cell=(720) 555-0199'"
        );
        assert_eq!(quoted("it's"), r"'it'\''s'");
    }

    #[test]
    fn form_bodies_are_url_encoded() {
        assert_eq!(
            form_body(&[("Phone Cell", "(303) 555-0142"), ("email", "a@b.example")]),
            "Phone+Cell=%28303%29+555-0142&email=a%40b.example"
        );
    }
}
