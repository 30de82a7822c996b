//! The token's text: `lr_<id>_<secret>`, where the id is 16 hex digits (public, stored as
//! is) and the secret 32 random bytes in URL-safe base64 (stored only as its SHA-256). The
//! prefix lets secret scanners recognise a leaked token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;

/// Every token starts with this.
pub const PREFIX: &str = "lr_";
const ID_LEN: usize = 16;
const SECRET_LEN: usize = 43;

/// A new token: its public id, the whole text to show once, and the hash to store.
#[derive(Debug)]
pub struct Minted {
    /// Public id.
    pub id: String,
    /// The token as the script sends it (shown once, never stored).
    pub text: String,
    /// SHA-256 (hex) of the secret part.
    pub secret_hash: String,
}

/// Makes a token.
pub fn mint() -> Minted {
    let id = hex::encode(crate::crypto::random_bytes::<8>());
    let secret = URL_SAFE_NO_PAD.encode(crate::crypto::random_bytes::<32>());
    Minted {
        text: format!("{PREFIX}{id}_{secret}"),
        secret_hash: hash_secret(&secret),
        id,
    }
}

/// SHA-256 (hex) of a secret.
pub fn hash_secret(secret: &str) -> String {
    crate::crypto::sha256_hex(secret.as_bytes())
}

/// Splits a presented token into (id, secret), or `None` when it is not shaped like one.
pub fn split(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix(PREFIX)?;
    if rest.len() != ID_LEN + 1 + SECRET_LEN || !rest.is_char_boundary(ID_LEN) {
        return None;
    }
    let (id, secret) = rest.split_at(ID_LEN);
    let secret = secret.strip_prefix('_')?;
    let id_ok = id
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    let secret_ok = secret
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (id_ok && secret_ok).then_some((id, secret))
}

/// Whether `secret` hashes to `stored_hash`, compared in constant time.
pub fn secret_matches(secret: &str, stored_hash: &str) -> bool {
    hash_secret(secret)
        .as_bytes()
        .ct_eq(stored_hash.as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_token_splits_back_and_its_secret_matches_only_its_hash() {
        let minted = mint();
        let (id, secret) = split(&minted.text).expect("well formed");
        assert_eq!(id, minted.id);
        assert!(secret_matches(secret, &minted.secret_hash));
        assert!(!secret_matches(secret, &mint().secret_hash));
        assert!(!minted.text.contains(&minted.secret_hash));
    }

    #[test]
    fn malformed_tokens_are_not_split() {
        let minted = mint();
        for bad in [
            String::new(),
            "lr_".to_string(),
            minted.text.replacen("lr_", "xx_", 1),
            format!("{}x", minted.text),
            minted.text[..minted.text.len() - 1].to_string(),
            minted.text.to_uppercase(),
            format!("lr_{}é{}", &minted.id[..15], &minted.text[19..]),
        ] {
            assert!(split(&bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn two_tokens_differ() {
        let (a, b) = (mint(), mint());
        assert_ne!(a.id, b.id);
        assert_ne!(a.text, b.text);
    }
}
