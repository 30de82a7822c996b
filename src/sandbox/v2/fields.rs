//! Reading v2 bodies field by field, as ASP.NET would bind them: unknown fields are ignored,
//! `null` is the same as absent, a value of the wrong JSON type is an error, and lengths are
//! counted in UTF-16 code units (.NET's `string.Length`). Every error names its field by
//! JSON path, e.g. `phoneNumbers[0].number must be exactly 10 digits`.

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::sandbox::answers::Problem;

/// The errors found in one body, in the order found.
#[derive(Debug, Default)]
pub(crate) struct Errors(Vec<String>);

impl Errors {
    /// Notes that the field at `path` is wrong.
    pub(crate) fn push(&mut self, path: &str, what: &str) {
        self.0.push(format!("{path} {what}"));
    }

    /// `Ok(value)` when nothing was wrong, else a 400 ProblemDetails listing every error.
    pub(crate) fn result<T>(self, value: T) -> Result<T, Problem> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(Problem::V2(400, self.0.join("; ")))
        }
    }
}

/// The body as an object, or an error.
pub(crate) fn root(body: &Value) -> Result<&Map<String, Value>, Problem> {
    body.as_object()
        .ok_or_else(|| Problem::V2(400, "The request body must be a JSON object.".to_string()))
}

/// `obj[name]`, `None` when absent or null.
pub(crate) fn field<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.get(name).filter(|value| !value.is_null())
}

/// `prefix.name`, or `name` at the top.
pub(crate) fn path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Length as .NET counts it.
pub(crate) fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// An optional string of at most `max` characters (`None`: no limit).
pub(crate) fn opt_string(
    obj: &Map<String, Value>,
    prefix: &str,
    name: &str,
    max: Option<usize>,
    errors: &mut Errors,
) -> Option<String> {
    let value = field(obj, name)?;
    let here = path(prefix, name);
    let Some(text) = value.as_str() else {
        errors.push(&here, "must be a string");
        return None;
    };
    if let Some(max) = max
        && utf16_len(text) > max
    {
        errors.push(&here, &format!("must be at most {max} characters"));
        return None;
    }
    Some(text.to_string())
}

/// A required, non-blank string of at most `max` characters.
pub(crate) fn req_string(
    obj: &Map<String, Value>,
    prefix: &str,
    name: &str,
    max: Option<usize>,
    errors: &mut Errors,
) -> Option<String> {
    if field(obj, name)
        .and_then(Value::as_str)
        .is_some_and(|text| text.trim().is_empty())
        || field(obj, name).is_none()
    {
        errors.push(&path(prefix, name), "is required");
        return None;
    }
    opt_string(obj, prefix, name, max, errors)
}

/// An optional boolean.
pub(crate) fn opt_bool(
    obj: &Map<String, Value>,
    prefix: &str,
    name: &str,
    errors: &mut Errors,
) -> Option<bool> {
    let value = field(obj, name)?;
    let flag = value.as_bool();
    if flag.is_none() {
        errors.push(&path(prefix, name), "must be true or false");
    }
    flag
}

/// A uuid given as a string.
pub(crate) fn uuid_value(value: &Value, here: &str, errors: &mut Errors) -> Option<Uuid> {
    let parsed = value
        .as_str()
        .and_then(|text| Uuid::parse_str(text.trim()).ok());
    if parsed.is_none() {
        errors.push(here, "must be a uuid");
    }
    parsed
}

/// An integer given as a JSON number.
pub(crate) fn int_value(value: &Value, here: &str, errors: &mut Errors) -> Option<i64> {
    let parsed = value.as_i64();
    if parsed.is_none() {
        errors.push(here, "must be an integer");
    }
    parsed
}

/// An object at `obj[name]`, if present.
pub(crate) fn opt_object<'a>(
    obj: &'a Map<String, Value>,
    prefix: &str,
    name: &str,
    errors: &mut Errors,
) -> Option<&'a Map<String, Value>> {
    let value = field(obj, name)?;
    let inner = value.as_object();
    if inner.is_none() {
        errors.push(&path(prefix, name), "must be an object");
    }
    inner
}

/// An array at `obj[name]`, if present.
pub(crate) fn opt_array<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    errors: &mut Errors,
) -> Option<&'a Vec<Value>> {
    let value = field(obj, name)?;
    let items = value.as_array();
    if items.is_none() {
        errors.push(name, "must be an array");
    }
    items
}

/// `{"id": …}` at `obj[name]`, if present: the `id` value (required once the object is).
pub(crate) fn id_object<'a>(
    obj: &'a Map<String, Value>,
    prefix: &str,
    name: &str,
    errors: &mut Errors,
) -> Option<&'a Value> {
    let inner = opt_object(obj, prefix, name, errors)?;
    let id = field(inner, "id");
    if id.is_none() {
        errors.push(&format!("{}.id", path(prefix, name)), "is required");
    }
    id
}

/// `text` matched against `allowed` without regard to case (as .NET's enum converter
/// reads), answered in its listed spelling.
pub(crate) fn one_of(text: &str, allowed: &[&'static str]) -> Option<&'static str> {
    allowed
        .iter()
        .copied()
        .find(|option| option.eq_ignore_ascii_case(text.trim()))
}

/// An email address that could be delivered to: one `@`, something before it, a dotted
/// domain after it, no spaces.
pub(crate) fn plausible_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && utf16_len(text) <= 254
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_counted_as_dotnet_counts_them() {
        assert_eq!(utf16_len("abc"), 3);
        assert_eq!(utf16_len("é"), 1);
        assert_eq!(utf16_len("😀"), 2);
    }

    #[test]
    fn plausible_emails() {
        assert!(plausible_email("jane@example.com"));
        assert!(plausible_email("j.doe+x@mail.example.co"));
        for bad in [
            "",
            "jane",
            "@example.com",
            "jane@",
            "jane@example",
            "a b@c.de",
            "a@b@c.de",
            "a@.b.c",
            "a@b..c",
        ] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }

    #[test]
    fn enums_match_without_regard_to_case() {
        assert_eq!(one_of("mobile", &["Home", "Mobile"]), Some("Mobile"));
        assert_eq!(one_of("Fax", &["Home", "Mobile"]), None);
    }
}
