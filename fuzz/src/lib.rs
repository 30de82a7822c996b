//! Shared pieces of the fuzz targets: running the async body reader to completion and
//! encoding fields the way a form sender does.

use std::sync::OnceLock;

use leadrelay::intake::{BodyError, ParsedBody, parse_body_with_files};

/// Reads `body` as the webhook does, on a single-threaded runtime (the reader does no I/O).
pub fn read_body(content_type: Option<&str>, body: &[u8]) -> Result<ParsedBody, BodyError> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime")
    });
    runtime.block_on(parse_body_with_files(
        content_type,
        bytes::Bytes::copy_from_slice(body),
    ))
}

/// Encodes one form component: letters and digits as they are, a space as `+`, every other
/// byte as `%XX`.
pub fn form_encode(text: &str, out: &mut String) {
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => out.push(char::from(byte)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
}

/// Checks what every answer of the body reader must satisfy: a 400 or 415 with a sentence.
pub fn check_error(error: &BodyError) {
    assert!(matches!(error.status(), 400 | 415), "{error:?}");
    assert!(!error.message().is_empty());
}
