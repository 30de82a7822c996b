//! Network failures on the way to AccuLynx said for people. The stored detail is the network
//! stack's ("connection failed: client error (Connect): tcp connect error: Connection refused
//! (os error 111)"); pages show one plain sentence ("AccuLynx could not be reached: the
//! connection was refused.") with that detail behind a disclosure. Translated where shown, so
//! what is stored keeps every word.

/// The plain sentence for a network error's detail.
pub fn plain_sentence(detail: &str) -> &'static str {
    let text = detail.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|needle| text.contains(needle));
    if has(&["answer was cut off"]) {
        "AccuLynx's answer was cut off before it was complete."
    } else if has(&["timed out", "timeout", "deadline has elapsed"]) {
        "AccuLynx did not answer in time: the request timed out."
    } else if has(&[
        "dns error",
        "failed to lookup address",
        "name or service not known",
        "no such host",
        "nodename nor servname",
        "temporary failure in name resolution",
    ]) {
        "AccuLynx could not be reached: its address could not be found (DNS)."
    } else if has(&["certificate", "tls", "ssl", "handshake", "rustls"]) {
        "AccuLynx could not be reached securely: the encrypted (TLS) connection could not be set up."
    } else if has(&[
        "connection refused",
        "os error 111",
        "os error 61",
        "os error 10061",
    ]) {
        "AccuLynx could not be reached: the connection was refused."
    } else if has(&[
        "connection reset",
        "os error 104",
        "broken pipe",
        "connection closed",
        "unexpected eof",
        "incompletemessage",
        "incomplete message",
    ]) {
        "The connection to AccuLynx was cut off before it answered."
    } else if has(&[
        "network is unreachable",
        "no route to host",
        "os error 101",
        "os error 113",
        "host is unreachable",
    ]) {
        "AccuLynx could not be reached: there is no network path to it from this server."
    } else {
        "AccuLynx could not be reached."
    }
}

/// Prefixes under which the product stores a network error in a sentence.
const PREFIXES: &[&str] = &[
    "Could not reach AccuLynx: ",
    "leadrelay could not reach AccuLynx (",
];

/// When `shown` is a stored sentence about a network error, the plain sentence and the raw
/// detail to put behind a disclosure; `None` for any other text.
pub fn translate(shown: &str) -> Option<(String, String)> {
    PREFIXES.iter().find_map(|prefix| {
        let detail = shown.strip_prefix(prefix)?;
        // A lead that failed for good says so after the detail (`delivery::outcome`).
        let (detail, gave_up) = match detail.find(" Gave up after ") {
            Some(at) => (&detail[..at], &detail[at..]),
            None => (detail, ""),
        };
        let detail = detail.strip_suffix(").").unwrap_or(detail);
        Some((
            format!("{}{gave_up}", plain_sentence(detail)),
            detail.to_string(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_errors_read_as_one_plain_sentence() {
        for (detail, sentence) in [
            (
                "connection failed: client error (Connect): tcp connect error: Connection refused (os error 111)",
                "AccuLynx could not be reached: the connection was refused.",
            ),
            (
                "request failed: client error (Connect): dns error: failed to lookup address information: Name or service not known",
                "AccuLynx could not be reached: its address could not be found (DNS).",
            ),
            (
                "timed out: operation timed out",
                "AccuLynx did not answer in time: the request timed out.",
            ),
            (
                "connection failed: client error (Connect): invalid peer certificate: UnknownIssuer",
                "AccuLynx could not be reached securely: the encrypted (TLS) connection could not be set up.",
            ),
            (
                "request failed: connection reset by peer (os error 104)",
                "The connection to AccuLynx was cut off before it answered.",
            ),
            ("something else", "AccuLynx could not be reached."),
        ] {
            assert_eq!(plain_sentence(detail), sentence, "{detail}");
        }
        let (plain, detail) = translate(
            "Could not reach AccuLynx: connection failed: tcp connect error: Connection refused (os error 111)",
        )
        .unwrap();
        assert_eq!(
            plain,
            "AccuLynx could not be reached: the connection was refused."
        );
        assert!(detail.contains("os error 111"));
        let (_, detail) =
            translate("leadrelay could not reach AccuLynx (Connection refused (os error 111)).")
                .unwrap();
        assert_eq!(detail, "Connection refused (os error 111)");
        assert!(translate("AccuLynx rejected the lead: First name is required.").is_none());
        let (plain, detail) = translate(
            "Could not reach AccuLynx: timed out: deadline has elapsed Gave up after 9 attempts.",
        )
        .unwrap();
        assert_eq!(
            plain,
            "AccuLynx did not answer in time: the request timed out. Gave up after 9 attempts."
        );
        assert_eq!(detail, "timed out: deadline has elapsed");
    }
}
