//! Email addresses as AccuLynx takes them (`emailAddress`, `salesPerson`): `local@domain.tld`,
//! at most 100 UTF-16 units, never cut (a cut address is a wrong address).
//!
//! Reading is forgiving where the intent is plain and strict elsewhere: surrounding space, a
//! `mailto:` prefix and the display-name form `Jane Doe <jane@example.com>` are accepted; the
//! domain is lower-cased (domains are case-insensitive, the local part in principle is not).
//! Rejected: spaces or control characters inside, anything but exactly one `@`, an empty local
//! part, a domain without a dot, empty or malformed labels, a top-level domain that is not at
//! least two letters (or an `xn--` label).

use super::text::utf16_len;

/// An email address that looks deliverable and fits AccuLynx's limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

/// Why a text is not an acceptable email address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailError {
    /// It does not look like `local@domain.tld`.
    Invalid,
    /// It is longer than [`EmailAddress::MAX_LEN`].
    TooLong,
}

impl EmailAddress {
    /// AccuLynx's limit, in UTF-16 units.
    pub const MAX_LEN: usize = 100;

    /// Reads an email address; see the module rules.
    pub fn parse(text: &str) -> Result<EmailAddress, EmailError> {
        let mut text = text.trim();
        if let Some(rest) = strip_prefix_ignore_case(text, "mailto:") {
            text = rest.trim_start();
        }
        if let Some(inner) = text
            .strip_suffix('>')
            .and_then(|rest| rest.rsplit_once('<'))
            .map(|(_, inner)| inner.trim())
        {
            text = inner;
        }
        let (local, domain) = text.split_once('@').ok_or(EmailError::Invalid)?;
        if !valid_local(local) || !valid_domain(domain) {
            return Err(EmailError::Invalid);
        }
        let mut address = String::with_capacity(text.len());
        address.push_str(local);
        address.push('@');
        if domain.is_ascii() {
            address.extend(domain.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            address.push_str(&domain.to_lowercase());
        }
        if utf16_len(&address) > Self::MAX_LEN {
            return Err(EmailError::TooLong);
        }
        Ok(EmailAddress(address))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address, by value.
    pub fn into_string(self) -> String {
        self.0
    }
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn valid_local(local: &str) -> bool {
    !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"\"(),:;<>@[\\]".contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let mut labels = domain.split('.');
    let Some(tld) = labels.next_back() else {
        return false;
    };
    let mut hosts = 0;
    for label in labels {
        if !valid_label(label) {
            return false;
        }
        hosts += 1;
    }
    let tld_ok = (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
        || (strip_prefix_ignore_case(tld, "xn--").is_some_and(|rest| !rest.is_empty())
            && valid_label(tld));
    hosts > 0 && tld_ok
}

fn valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<String, EmailError> {
        EmailAddress::parse(text).map(EmailAddress::into_string)
    }

    #[test]
    fn addresses_are_trimmed_and_their_domain_lower_cased() {
        assert_eq!(parse("jane@EXAMPLE.com ").unwrap(), "jane@example.com");
        assert_eq!(
            parse(" Jane.Doe@Example.CO.uk").unwrap(),
            "Jane.Doe@example.co.uk"
        );
        assert_eq!(
            parse("Jane Doe <jane+roof@example.com>").unwrap(),
            "jane+roof@example.com"
        );
        assert_eq!(
            parse("mailto:jane@example.com").unwrap(),
            "jane@example.com"
        );
        assert_eq!(
            parse("josé@correo.ÉXAMPLE.es").unwrap(),
            "josé@correo.éxample.es"
        );
        assert_eq!(
            parse("a@xn--bcher-kva.xn--p1ai").unwrap(),
            "a@xn--bcher-kva.xn--p1ai"
        );
    }

    #[test]
    fn things_that_are_not_addresses_are_refused() {
        for text in [
            "",
            "jane",
            "jane@",
            "@example.com",
            "jane@example",
            "jane@example.c",
            "jane@.com",
            "jane@example..com",
            "jane doe@example.com",
            "jane@exa mple.com",
            "jane@@example.com",
            "jane@example.com.",
            "jane@-example.com",
            ".jane@example.com",
            "jane@example.123",
            "jane\u{0}@example.com",
            "Ѩ໖P⵰𝈶",
            "mailto:",
            "a@b.xn--",
        ] {
            assert_eq!(parse(text), Err(EmailError::Invalid), "{text:?}");
        }
    }

    #[test]
    fn an_address_over_100_characters_is_too_long_and_never_cut() {
        let local = "a".repeat(88);
        assert!(parse(&format!("{local}@example.com")).is_ok()); // exactly 100
        assert_eq!(
            parse(&format!("{local}a@example.com")),
            Err(EmailError::TooLong)
        );
    }
}
