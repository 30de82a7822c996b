//! The searchable copies of a lead (names, email, phone digits) kept beside its AccuLynx
//! body, written the same way by the intake and by edit-and-resend so search finds both.

use serde_json::Value;

/// A US number written with its country code (11 digits starting with 1) is stored without
/// it (SPEC §6.2), so it is searched without it.
pub fn us_national(digits: &str) -> &str {
    if digits.len() == 11 && digits.starts_with('1') {
        &digits[1..]
    } else {
        digits
    }
}

/// The lead's columns that follow its AccuLynx body, for lists and search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchableCopies {
    /// `firstName`.
    pub first_name: Option<String>,
    /// `lastName`.
    pub last_name: Option<String>,
    /// `emailAddress`.
    pub email: Option<String>,
    /// The first of `phoneNumber1..3` that is set.
    pub phone: Option<String>,
    /// The digits of each phone (a US country code dropped), space-separated.
    pub phone_digits: Option<String>,
    /// Lower-cased "first last email".
    pub search_text: Option<String>,
}

/// The searchable copies of an AccuLynx lead body.
pub fn searchable_copies(mapped: &Value) -> SearchableCopies {
    // Copies are plain text columns: control characters (PostgreSQL refuses NUL) are dropped.
    let text = |name: &str| {
        mapped
            .get(name)
            .and_then(Value::as_str)
            .map(|value| {
                value
                    .chars()
                    .filter(|c| !c.is_control())
                    .collect::<String>()
            })
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
    };
    let phones: Vec<String> = ["phoneNumber1", "phoneNumber2", "phoneNumber3"]
        .into_iter()
        .filter_map(text)
        .collect();
    let digits: Vec<String> = phones
        .iter()
        .map(|phone| {
            phone
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        })
        .filter(|digits| !digits.is_empty())
        .map(|digits| us_national(&digits).to_string())
        .collect();
    let first_name = text("firstName");
    let last_name = text("lastName");
    let email = text("emailAddress");
    let search: Vec<&str> = [&first_name, &last_name, &email]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    SearchableCopies {
        phone: phones.into_iter().next(),
        phone_digits: (!digits.is_empty()).then(|| digits.join(" ")),
        search_text: (!search.is_empty()).then(|| search.join(" ").to_lowercase()),
        first_name,
        last_name,
        email,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searchable_copies_follow_the_accu_lynx_body() {
        let body = serde_json::json!({
            "firstName": " Jane ",
            "lastName": "Doe",
            "emailAddress": "Jane@Example.com",
            "phoneNumber2": "(303) 555-0100",
            "phoneNumber3": "+1 720 555 0199",
        });
        let copies = searchable_copies(&body);
        assert_eq!(copies.first_name.as_deref(), Some("Jane"));
        assert_eq!(copies.phone.as_deref(), Some("(303) 555-0100"));
        assert_eq!(
            copies.phone_digits.as_deref(),
            Some("3035550100 7205550199")
        );
        assert_eq!(
            copies.search_text.as_deref(),
            Some("jane doe jane@example.com")
        );
        assert_eq!(
            searchable_copies(&serde_json::json!({})),
            SearchableCopies::default()
        );
    }
}
