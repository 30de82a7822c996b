//! The checks of two-factor codes, without I/O: TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30-second
//! steps, one step of clock drift either way) with replay protection, and one-time recovery
//! codes (random, shown once, stored as SHA-256).

use std::fmt;

use totp_rs::{Algorithm, TOTP};

use crate::crypto::Secret;

/// Seconds per TOTP step (RFC 6238's default, what every authenticator app uses).
pub const STEP_SECONDS: u64 = 30;
/// Digits of a code.
pub const DIGITS: usize = 6;
/// Steps of clock drift accepted on either side of now.
pub const DRIFT_STEPS: u64 = 1;
/// Bytes of a TOTP secret (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;
/// How many recovery codes a user gets.
pub const RECOVERY_CODES: usize = 10;
/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "leadrelay";

/// A TOTP secret. `Debug` and `Display` print `***`; only the enrolment page shows it, in
/// base32, until enrolment is confirmed.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Secret<Vec<u8>>);

impl TotpSecret {
    /// A fresh random secret.
    pub fn generate() -> Self {
        Self::from_bytes(crate::crypto::random_bytes::<SECRET_BYTES>().to_vec())
    }

    /// A secret from its raw bytes (as opened from the secret box).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(Secret::new(bytes))
    }

    /// The raw bytes, for sealing only.
    pub fn expose(&self) -> &[u8] {
        self.0.expose()
    }

    /// The secret in base32 (no padding), as typed into an authenticator app.
    pub fn base32(&self) -> String {
        totp_rs::Secret::Raw(self.expose().to_vec())
            .to_encoded()
            .to_string()
    }

    fn totp(&self, account: &str) -> Option<TOTP> {
        TOTP::new(
            Algorithm::SHA1,
            DIGITS,
            1,
            STEP_SECONDS,
            self.expose().to_vec(),
            Some(ISSUER.to_string()),
            // The otpauth label may not contain ':'; emails never do.
            account.replace(':', ""),
        )
        .ok()
    }

    /// The `otpauth://totp/…` URL an authenticator app reads from the QR code.
    pub fn otpauth_url(&self, account: &str) -> Option<String> {
        self.totp(account).map(|totp| totp.get_url())
    }

    /// The code of one time step.
    pub fn code_at_step(&self, step: u64) -> String {
        TOTP::new_unchecked(
            Algorithm::SHA1,
            DIGITS,
            1,
            STEP_SECONDS,
            self.expose().to_vec(),
            None,
            String::new(),
        )
        .generate(step.saturating_mul(STEP_SECONDS))
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The time step of a Unix time.
pub fn step_of(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// The current Unix time in seconds.
pub fn unix_now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

/// What a user typed at the second step, read as one kind of code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedCode {
    /// Six digits: an authenticator code.
    Totp(String),
    /// Anything else with letters or digits: a recovery code, normalised.
    Recovery(String),
    /// Nothing usable.
    Empty,
}

/// Reads a typed code: spaces and dashes are ignored, letters are case-insensitive.
pub fn read_code(typed: &str) -> TypedCode {
    let kept: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    if kept.is_empty() {
        TypedCode::Empty
    } else if kept.len() == DIGITS && kept.chars().all(|c| c.is_ascii_digit()) {
        TypedCode::Totp(kept)
    } else {
        TypedCode::Recovery(kept)
    }
}

/// The step whose code `code` is, if it is within the drift window around `now_step` and
/// newer than `last_step` (the newest accepted so far): a code is accepted at most once, and
/// never one older than a code already used. The comparison runs in constant time per step.
pub fn accepted_step(
    secret: &TotpSecret,
    code: &str,
    now_step: u64,
    last_step: Option<u64>,
) -> Option<u64> {
    use subtle::ConstantTimeEq;
    let first = now_step.saturating_sub(DRIFT_STEPS);
    let mut found = None;
    for step in first..=now_step + DRIFT_STEPS {
        let expected = secret.code_at_step(step);
        let same = bool::from(expected.as_bytes().ct_eq(code.as_bytes()));
        if same && last_step.is_none_or(|last| step > last) {
            found = Some(step);
        }
    }
    found
}

/// The alphabet of recovery codes: lower-case letters and digits without look-alikes
/// (no 0/o, 1/l/i), 31 symbols, about 5 bits each.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Symbols per recovery code (60 bits: far beyond guessing under the lockout).
const RECOVERY_LEN: usize = 12;

/// A new set of recovery codes, as shown once (`xxxx-xxxx-xxxx`).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect()
}

fn new_recovery_code() -> String {
    let mut code = String::with_capacity(RECOVERY_LEN + 2);
    let bytes = crate::crypto::random_bytes::<32>();
    let mut taken = 0;
    for byte in bytes {
        // Rejection sampling keeps every symbol equally likely.
        let limit = 256 - 256 % RECOVERY_ALPHABET.len();
        if usize::from(byte) >= limit {
            continue;
        }
        if taken > 0 && taken % 4 == 0 {
            code.push('-');
        }
        code.push(char::from(
            RECOVERY_ALPHABET[usize::from(byte) % RECOVERY_ALPHABET.len()],
        ));
        taken += 1;
        if taken == RECOVERY_LEN {
            return code;
        }
    }
    // 32 bytes with fewer than 12 kept is vanishingly rare; draw again.
    new_recovery_code()
}

/// How a recovery code is stored: SHA-256 (hex) of its normalised form.
pub fn recovery_code_hash(code: &str) -> String {
    let normalised = match read_code(code) {
        TypedCode::Recovery(text) | TypedCode::Totp(text) => text,
        TypedCode::Empty => String::new(),
    };
    crate::crypto::sha256_hex(normalised.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> TotpSecret {
        // RFC 6238 appendix B's SHA-1 key.
        TotpSecret::from_bytes(b"12345678901234567890".to_vec())
    }

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = rfc_secret();
        // Appendix B gives 8 digits; the last 6 are the 6-digit code.
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(secret.code_at_step(step_of(time)), code, "{time}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let secret = rfc_secret();
        let now: u64 = 1_000_000;
        for offset in [-1i64, 0, 1] {
            let step = now.checked_add_signed(offset).unwrap();
            let code = secret.code_at_step(step);
            assert_eq!(accepted_step(&secret, &code, now, None), Some(step));
        }
        for step in [now - 2, now + 2, now - 10] {
            let code = secret.code_at_step(step);
            assert_eq!(accepted_step(&secret, &code, now, None), None, "{step}");
        }
        assert_eq!(accepted_step(&secret, "000000x", now, None), None);
    }

    #[test]
    fn a_code_is_never_accepted_twice_nor_after_a_newer_one() {
        let secret = rfc_secret();
        let now: u64 = 2_000_000;
        let code = secret.code_at_step(now);
        let step = accepted_step(&secret, &code, now, None).unwrap();
        assert_eq!(accepted_step(&secret, &code, now, Some(step)), None);
        assert_eq!(accepted_step(&secret, &code, now + 1, Some(step)), None);
        let previous = secret.code_at_step(now - 1);
        assert_eq!(accepted_step(&secret, &previous, now, Some(step)), None);
        let next = secret.code_at_step(now + 1);
        assert_eq!(
            accepted_step(&secret, &next, now, Some(step)),
            Some(now + 1)
        );
    }

    #[test]
    fn another_secret_does_not_give_the_same_codes() {
        let (a, b) = (TotpSecret::generate(), TotpSecret::generate());
        let code = a.code_at_step(5);
        assert!(accepted_step(&b, &code, 5, None).is_none() || a == b);
        assert_eq!(a.base32().len(), 32);
        assert_eq!(format!("{a:?} {a}"), "*** ***");
    }

    #[test]
    fn the_otpauth_url_names_the_issuer_the_account_and_the_secret() {
        let secret = rfc_secret();
        let url = secret.otpauth_url("dana@example.com").unwrap();
        assert!(
            url.starts_with("otpauth://totp/leadrelay:dana%40example.com?"),
            "{url}"
        );
        assert!(
            url.contains(&format!("secret={}", secret.base32())),
            "{url}"
        );
        assert!(url.contains("issuer=leadrelay"), "{url}");
    }

    #[test]
    fn typed_codes_are_read_whatever_the_spacing_and_case() {
        assert_eq!(read_code(" 123 456 "), TypedCode::Totp("123456".into()));
        assert_eq!(
            read_code("ABCD-efgh-2345"),
            TypedCode::Recovery("abcdefgh2345".into())
        );
        assert_eq!(read_code(" - "), TypedCode::Empty);
        assert_eq!(read_code("12345"), TypedCode::Recovery("12345".into()));
    }

    #[test]
    fn recovery_codes_are_distinct_well_formed_and_hashed_as_typed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 14, "{code}");
            assert_eq!(code.matches('-').count(), 2, "{code}");
            assert!(
                code.chars()
                    .all(|c| c == '-' || RECOVERY_ALPHABET.contains(&(c as u8)))
            );
            let loose = code.replace('-', " ").to_uppercase();
            assert_eq!(recovery_code_hash(&loose), recovery_code_hash(code));
        }
        assert_ne!(recovery_code_hash(&codes[0]), recovery_code_hash(&codes[1]));
    }
}
