//! Phone numbers as CRMs send them ("(303) 555-0100 ext. 12", "1-720-555-0199",
//! "+44 20 7946 0958"), reduced to what AccuLynx stores: digits with an optional leading `+`,
//! and the extension apart.
//!
//! Rules (SPEC §6.2):
//! - Everything but digits is dropped; a `+` is kept only as the first character.
//! - An extension starts at `x`, `ext`, `extn`, `extension` (any case, a `.` or `:` may follow)
//!   or `#`; its digits become the extension. A marker with no digits after it is ignored.
//! - A North American number written with its country code — 11 digits starting with `1`,
//!   with or without `+` — loses the `1` (and the `+`): AccuLynx is used by US companies and
//!   shows national numbers; "+1 720 555 0199" and "1-720-555-0199" both become "7205550199".
//! - Fewer than 7 digits cannot be a phone number; more than 15 (the E.164 maximum) cannot be
//!   one either (typically two numbers in one field). Both are errors for the caller to report.

/// The fewest digits a phone number can have.
pub const MIN_DIGITS: usize = 7;
/// The most digits a phone number can have (E.164).
pub const MAX_DIGITS: usize = 15;

/// A phone number reduced to digits, with its extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    number: String,
    extension: Option<String>,
}

/// Why a text is not a phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    /// Fewer than [`MIN_DIGITS`] digits.
    TooFewDigits,
    /// More than [`MAX_DIGITS`] digits.
    TooManyDigits,
}

const EXTENSION_WORDS: [&str; 5] = ["x", "ext", "extn", "extension", "xtn"];

impl PhoneNumber {
    /// Reads a phone number as people type it; see the module rules.
    pub fn parse(text: &str) -> Result<PhoneNumber, PhoneError> {
        let text = text.trim();
        let (main, extension) = split_extension(text);
        let plus = main.trim_start().starts_with('+');
        let mut number = String::with_capacity(main.len() + 1);
        if plus {
            number.push('+');
        }
        number.extend(main.chars().filter(char::is_ascii_digit));
        let digits = number.len() - usize::from(plus);
        if digits == 11 && number.as_bytes().get(usize::from(plus)) == Some(&b'1') {
            number.drain(..=usize::from(plus));
        }
        let digits = number.len() - usize::from(number.starts_with('+'));
        if digits < MIN_DIGITS {
            return Err(PhoneError::TooFewDigits);
        }
        if digits > MAX_DIGITS {
            return Err(PhoneError::TooManyDigits);
        }
        let extension = extension
            .map(|rest| {
                rest.chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>()
            })
            .filter(|digits| !digits.is_empty());
        Ok(PhoneNumber { number, extension })
    }

    /// Digits with an optional leading `+` ("3035550100", "+442079460958").
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The extension's digits, when one was written.
    pub fn extension(&self) -> Option<&str> {
        self.extension.as_deref()
    }

    /// The number and the extension, by value.
    pub fn into_parts(self) -> (String, Option<String>) {
        (self.number, self.extension)
    }
}

/// Splits at the first extension marker that has digits after it: (number part, extension part).
fn split_extension(text: &str) -> (&str, Option<&str>) {
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'#' {
            if let Some(found) = extension_after(text, index, index + 1) {
                return found;
            }
            index += 1;
        } else if byte.is_ascii_alphabetic() {
            let start = index;
            while index < bytes.len() && bytes[index].is_ascii_alphabetic() {
                index += 1;
            }
            let word = &text[start..index];
            if EXTENSION_WORDS
                .iter()
                .any(|marker| marker.eq_ignore_ascii_case(word))
                && let Some(found) = extension_after(text, start, index)
            {
                return found;
            }
        } else {
            index += 1;
        }
    }
    (text, None)
}

fn extension_after(text: &str, marker: usize, after: usize) -> Option<(&str, Option<&str>)> {
    let rest = &text[after..];
    rest.bytes()
        .any(|byte| byte.is_ascii_digit())
        .then(|| (&text[..marker], Some(rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (String, Option<String>) {
        PhoneNumber::parse(text).unwrap().into_parts()
    }

    #[test]
    fn formatting_is_dropped_and_extensions_split_off() {
        assert_eq!(
            parts("(303) 555-0100 ext. 12"),
            ("3035550100".into(), Some("12".into()))
        );
        assert_eq!(
            parts("303.555.0100x12"),
            ("3035550100".into(), Some("12".into()))
        );
        assert_eq!(
            parts("303-555-0100 Ext 7"),
            ("3035550100".into(), Some("7".into()))
        );
        assert_eq!(
            parts("303 555 0100 extension 1234"),
            ("3035550100".into(), Some("1234".into()))
        );
        assert_eq!(
            parts("303-555-0100 #45"),
            ("3035550100".into(), Some("45".into()))
        );
        assert_eq!(
            parts("303-555-0100 EXT: 45"),
            ("3035550100".into(), Some("45".into()))
        );
        assert_eq!(parts("303-555-0100 x"), ("3035550100".into(), None));
        assert_eq!(parts("(303) 555-0100 (cell)"), ("3035550100".into(), None));
    }

    #[test]
    fn a_us_country_code_is_dropped_and_other_country_codes_keep_their_plus() {
        assert_eq!(parts("1-720-555-0199").0, "7205550199");
        assert_eq!(parts("+1 (720) 555-0199").0, "7205550199");
        assert_eq!(parts("+44 20 7946 0958").0, "+442079460958");
        assert_eq!(parts("2-720-555-0199").0, "27205550199");
        assert_eq!(parts("555-0100 2").0, "55501002");
    }

    #[test]
    fn too_few_or_too_many_digits_are_not_a_phone() {
        assert_eq!(PhoneNumber::parse("12345"), Err(PhoneError::TooFewDigits));
        assert_eq!(PhoneNumber::parse("call me"), Err(PhoneError::TooFewDigits));
        assert_eq!(PhoneNumber::parse("+1"), Err(PhoneError::TooFewDigits));
        assert_eq!(
            PhoneNumber::parse("303-555-0100 / 720-555-0199"),
            Err(PhoneError::TooManyDigits)
        );
        assert!(PhoneNumber::parse("555-0100").is_ok());
    }
}
