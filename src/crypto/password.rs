//! Password hashing: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane).
//!
//! Unknown users are checked against a dummy hash so a login costs the same whether or not
//! the account exists (SPEC §3).

use std::sync::OnceLock;

use anyhow::anyhow;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// Longest password accepted (hashing cost grows with length).
pub const MAX_LENGTH: usize = 256;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with a fresh random salt, in PHC string form.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|err| anyhow!("hashing a password failed: {err}"))
}

/// Whether `password` matches the stored `hash`; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    hasher().verify_password(password.as_bytes(), hash).is_ok()
}

/// Spends the same time as [`verify_password`] for an account that does not exist.
pub fn verify_against_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY
        .get_or_init(|| hash_password("leadrelay dummy password for timing").unwrap_or_default());
    let _ = verify_password(password, dummy);
}

/// Checks a new password against the policy; the error is a sentence for the user.
pub fn check_policy(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(format!(
            "Use at least {MIN_LENGTH} characters for the password."
        ));
    }
    if length > MAX_LENGTH {
        return Err(format!(
            "Use at most {MAX_LENGTH} characters for the password."
        ));
    }
    Ok(())
}

/// A random password of 20 URL-safe characters (120 bits), printed once by the CLI.
pub fn generate_password() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(super::random_bytes::<15>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(
            hash,
            hash_password("correct horse battery").unwrap(),
            "salted"
        );
    }

    #[test]
    fn the_policy_says_what_is_wrong() {
        assert!(check_policy("short").unwrap_err().contains("at least 12"));
        assert!(check_policy(&"x".repeat(300)).is_err());
        assert!(check_policy("a sound passphrase").is_ok());
        assert_eq!(generate_password().len(), 20);
    }
}
