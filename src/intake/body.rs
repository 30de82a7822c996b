//! Reading a webhook body into source fields (SPEC §6): form-urlencoded, multipart or JSON.
//!
//! Decisions where the SPEC is silent:
//! - The media type is matched case-insensitively and its parameters are ignored (a `charset`
//!   other than UTF-8 is not honoured: bodies must be UTF-8). `application/*+json` counts as
//!   JSON. A missing Content-Type is 415, like an unknown one.
//! - Form bodies are decoded as browsers encode them (`+` is a space, `%XX` a byte; a `%` not
//!   followed by two hex digits stays as it is); a field whose decoded bytes are not UTF-8 is
//!   a 400. Pairs without `=` have an empty value; empty pairs (`a=1&&b=2`) are skipped.
//! - Multipart: parts with a file name, or with a Content-Type that is not `text/*` or JSON,
//!   are files. AccuLynx leads carry no files, so they are skipped and listed in
//!   [`ParsedBody::skipped_files`] for a warning ([`SkippedFile::warning`]). Text parts must be
//!   UTF-8.
//! - JSON: see `json_body` (nested objects as `a.b`, arrays joined or indexed, `null` empty).
//!   A leading byte-order mark is ignored; an empty body is a 400.
//! - Size limits are the endpoint's (64 KiB, SPEC §6).

use actix_web::http::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use actix_web::web::Bytes;
use futures_util::StreamExt;

use crate::domain::text::excerpt;

use super::json_body::flatten_object;

/// Source fields: key and value, in arrival order.
pub type Fields = Vec<(String, String)>;

/// Why a body cannot be read, with a sentence for the sender.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// The content type is missing or not one the intake reads (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The body does not match its content type (400).
    #[error("{0}")]
    BadRequest(String),
}

impl BodyError {
    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            BodyError::UnsupportedMediaType(_) => 415,
            BodyError::BadRequest(_) => 400,
        }
    }

    /// The sentence for the sender (the answer's `error`).
    pub fn message(&self) -> &str {
        match self {
            BodyError::UnsupportedMediaType(message) | BodyError::BadRequest(message) => message,
        }
    }
}

/// A file part of a multipart body, not passed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFile {
    /// The part's field name.
    pub field: String,
    /// The file's name, when the sender gave one.
    pub file_name: Option<String>,
    /// Its size in bytes.
    pub size: usize,
}

impl SkippedFile {
    /// The warning for the lead ("The file \"roof.jpg\" (field \"photo\", 12 KB) was not passed
    /// on: AccuLynx leads cannot carry files.").
    pub fn warning(&self) -> String {
        let size = if self.size < 1024 {
            format!("{} bytes", self.size)
        } else {
            format!("{} KB", self.size.div_ceil(1024))
        };
        let what = match &self.file_name {
            Some(name) => format!(
                "The file \"{}\" (field \"{}\", {size})",
                excerpt(name, 60),
                excerpt(&self.field, 60)
            ),
            None => format!(
                "The file in field \"{}\" ({size})",
                excerpt(&self.field, 60)
            ),
        };
        format!("{what} was not passed on: AccuLynx leads cannot carry files.")
    }
}

/// A body read into fields, with the files it carried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedBody {
    /// The text fields, in arrival order.
    pub fields: Fields,
    /// File parts that were skipped (multipart only).
    pub skipped_files: Vec<SkippedFile>,
}

impl ParsedBody {
    /// One warning per skipped file, to add to the mapped lead's warnings.
    pub fn warnings(&self) -> Vec<String> {
        self.skipped_files
            .iter()
            .map(SkippedFile::warning)
            .collect()
    }
}

const ACCEPTED: &str =
    "send application/x-www-form-urlencoded, multipart/form-data or application/json";

/// Reads a body into source fields; file parts of a multipart body are dropped silently (use
/// [`parse_body_with_files`] to warn about them).
pub async fn parse_body(content_type: Option<&str>, body: Bytes) -> Result<Fields, BodyError> {
    parse_body_with_files(content_type, body)
        .await
        .map(|parsed| parsed.fields)
}

/// Reads a body into source fields and the list of skipped file parts.
pub async fn parse_body_with_files(
    content_type: Option<&str>,
    body: Bytes,
) -> Result<ParsedBody, BodyError> {
    let Some(content_type) = content_type.filter(|value| !value.trim().is_empty()) else {
        return Err(BodyError::UnsupportedMediaType(format!(
            "The request has no Content-Type header; {ACCEPTED}."
        )));
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/x-www-form-urlencoded" => Ok(ParsedBody {
            fields: parse_form(&body)?,
            skipped_files: Vec::new(),
        }),
        "multipart/form-data" => parse_multipart(content_type, body).await,
        "application/json" => Ok(ParsedBody {
            fields: parse_json(&body)?,
            skipped_files: Vec::new(),
        }),
        other if other.starts_with("application/") && other.ends_with("+json") => Ok(ParsedBody {
            fields: parse_json(&body)?,
            skipped_files: Vec::new(),
        }),
        _ => Err(BodyError::UnsupportedMediaType(format!(
            "The Content-Type \"{}\" is not supported; {ACCEPTED}.",
            excerpt(content_type, 100)
        ))),
    }
}

fn parse_form(body: &[u8]) -> Result<Fields, BodyError> {
    let mut fields = Vec::new();
    for (number, pair) in body
        .split(|byte| *byte == b'&')
        .filter(|pair| !pair.is_empty())
        .enumerate()
    {
        let (key, value) = match pair.iter().position(|byte| *byte == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        let not_utf8 = || {
            BodyError::BadRequest(format!(
                "The form body is not valid UTF-8: field number {} has bytes that are not \
                 UTF-8 text once decoded.",
                number + 1
            ))
        };
        let key = percent_decode(key).ok_or_else(not_utf8)?;
        let value = percent_decode(value).ok_or_else(not_utf8)?;
        fields.push((key, value));
    }
    Ok(fields)
}

/// Decodes `application/x-www-form-urlencoded` bytes; `None` when the result is not UTF-8.
fn percent_decode(bytes: &[u8]) -> Option<String> {
    if !bytes.iter().any(|byte| matches!(byte, b'%' | b'+')) {
        return std::str::from_utf8(bytes).ok().map(str::to_owned);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'+' => out.push(b' '),
            b'%' => {
                let high = bytes.get(index + 1).and_then(|b| (*b as char).to_digit(16));
                let low = bytes.get(index + 2).and_then(|b| (*b as char).to_digit(16));
                if let (Some(high), Some(low)) = (high, low) {
                    // Two hex digits are at most 0xff.
                    out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                    index += 2;
                } else {
                    out.push(b'%');
                }
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8(out).ok()
}

fn parse_json(body: &[u8]) -> Result<Fields, BodyError> {
    let text = std::str::from_utf8(body).map_err(|error| {
        BodyError::BadRequest(format!(
            "The body is not valid UTF-8: the byte at position {} does not start a UTF-8 \
             character.",
            error.valid_up_to()
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let kind = match text.trim_start().bytes().next() {
        None => {
            return Err(BodyError::BadRequest(
                "The body is empty; send a JSON object such as {\"firstName\":\"Jane\"}."
                    .to_string(),
            ));
        }
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(b'-' | b'0'..=b'9') => "a number",
        Some(_) => "an object",
    };
    let not_json = |error: serde_json::Error| {
        BodyError::BadRequest(format!("The body is not valid JSON: {error}."))
    };
    if kind != "an object" {
        // Valid JSON of the wrong shape deserves a different sentence than broken JSON.
        serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(not_json)?;
        return Err(BodyError::BadRequest(format!(
            "The body is {kind}; send one JSON object of fields, such as \
             {{\"firstName\":\"Jane\"}}."
        )));
    }
    let mut fields = Vec::new();
    flatten_object(text, &mut fields).map_err(not_json)?;
    Ok(fields)
}

async fn parse_multipart(content_type: &str, body: Bytes) -> Result<ParsedBody, BodyError> {
    let value = HeaderValue::from_str(content_type).map_err(|_| {
        BodyError::BadRequest("The Content-Type header could not be read.".to_string())
    })?;
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, value);
    let stream =
        futures_util::stream::once(async move { Ok::<_, actix_web::error::PayloadError>(body) });
    let mut multipart = actix_multipart::Multipart::new(&headers, stream);
    let mut parsed = ParsedBody::default();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.content_disposition().and_then(|disposition| {
            disposition.get_filename().map(str::to_string).or_else(|| {
                disposition
                    .get_filename_ext()
                    .map(|ext| String::from_utf8_lossy(&ext.value).into_owned())
            })
        });
        let is_text_type = field.content_type().is_none_or(|mime| {
            let essence = mime.essence_str();
            essence.starts_with("text/") || essence == "application/json"
        });
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            data.extend_from_slice(&chunk.map_err(multipart_error)?);
        }
        if file_name.is_some() || !is_text_type {
            parsed.skipped_files.push(SkippedFile {
                field: name,
                file_name,
                size: data.len(),
            });
            continue;
        }
        let value = String::from_utf8(data).map_err(|_| {
            BodyError::BadRequest(format!(
                "The multipart field \"{}\" is not valid UTF-8 text.",
                excerpt(&name, 60)
            ))
        })?;
        parsed.fields.push((name, value));
    }
    Ok(parsed)
}

fn multipart_error(error: actix_multipart::MultipartError) -> BodyError {
    use actix_multipart::MultipartError as E;
    let message = match error {
        E::BoundaryMissing => "The multipart Content-Type has no boundary parameter.".to_string(),
        E::ContentTypeParse | E::ContentTypeMissing | E::ContentTypeIncompatible => {
            "The multipart Content-Type header could not be read.".to_string()
        }
        E::Incomplete => "The multipart body ends before its closing boundary.".to_string(),
        E::ContentDispositionMissing => {
            "A part of the multipart body has no Content-Disposition: form-data header.".to_string()
        }
        E::ContentDispositionNameMissing => {
            "A part of the multipart body has no field name.".to_string()
        }
        E::Nested => "Nested multipart bodies are not supported.".to_string(),
        E::Parse(_) => "A part of the multipart body has malformed headers.".to_string(),
        other => format!("The multipart body could not be read: {other}."),
    };
    BodyError::BadRequest(message)
}
