//! Webhook URL tokens (SPEC §5): `/hooks/{location_id}/{token}`.
//!
//! A token is base64url (no padding) of
//!
//! ```text
//! version (i32, big-endian, 4 bytes) ‖ HMAC-SHA256(signing secret, message) truncated to 20 bytes
//! ```
//!
//! where `message = "leadrelay webhook url v1" ‖ 0x00 ‖ len(location id) as u64 big-endian ‖
//! location id ‖ version`. The length prefix keeps the encoding unambiguous should fields ever be
//! added, and the label keeps these MACs apart from any other use of the secret. Because the token carries its
//! version, it is verified before any database read; the caller then checks that the version
//! is the location's current one, or a previous one still in its grace period.
//!
//! 24 bytes encode to exactly 32 characters, so every token has one canonical spelling.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

const DOMAIN_LABEL: &[u8] = b"leadrelay webhook url v1\0";
const VERSION_LEN: usize = 4;
/// 160 bits of MAC, above the 128 that SPEC §5 asks for.
const MAC_LEN: usize = 20;
const TOKEN_BYTES: usize = VERSION_LEN + MAC_LEN;
/// Length of every token in characters.
pub const TOKEN_LEN: usize = TOKEN_BYTES / 3 * 4;

/// Makes and checks webhook URL tokens with the product's signing secret.
#[derive(Clone)]
pub struct UrlSigner {
    mac: Hmac<Sha256>,
}

impl fmt::Debug for UrlSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UrlSigner(***)")
    }
}

impl UrlSigner {
    /// A signer keyed by the 32-byte signing secret (stored sealed in the database).
    pub fn new(signing_secret: &[u8; 32]) -> Self {
        // HMAC zero-pads a key shorter than the hash's 64-byte block (RFC 2104), so padding
        // it here gives the same MAC as the 32-byte key, through the constructor that
        // cannot fail.
        let mut block_key = [0u8; 64];
        block_key[..32].copy_from_slice(signing_secret);
        Self {
            mac: <Hmac<Sha256> as KeyInit>::new(&block_key.into()),
        }
    }

    /// A new random signing secret, made once when the database is set up.
    pub fn generate_secret() -> [u8; 32] {
        super::random_bytes()
    }

    /// The token of `location_id`'s URL at `version`: 32 base64url characters.
    pub fn token(&self, location_id: &str, version: i32) -> String {
        let mut bytes = [0u8; TOKEN_BYTES];
        bytes[..VERSION_LEN].copy_from_slice(&version.to_be_bytes());
        bytes[VERSION_LEN..].copy_from_slice(&self.mac(location_id, version));
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The URL version a token was made for, if and only if it is authentic for
    /// `location_id`. The MAC is compared in constant time; what returns early (length,
    /// alphabet) is public anyway.
    pub fn verify(&self, location_id: &str, token: &str) -> Option<i32> {
        if token.len() != TOKEN_LEN {
            return None;
        }
        let mut bytes = [0u8; TOKEN_BYTES];
        let decoded = URL_SAFE_NO_PAD.decode_slice(token, &mut bytes).ok()?;
        if decoded != TOKEN_BYTES {
            return None;
        }
        let (version, mac) = bytes.split_at(VERSION_LEN);
        let version = i32::from_be_bytes(version.try_into().ok()?);
        let expected = self.mac(location_id, version);
        bool::from(expected.ct_eq(mac)).then_some(version)
    }

    fn mac(&self, location_id: &str, version: i32) -> [u8; MAC_LEN] {
        let id_len = u64::try_from(location_id.len()).unwrap_or(u64::MAX);
        let full = self
            .mac
            .clone()
            .chain_update(DOMAIN_LABEL)
            .chain_update(id_len.to_be_bytes())
            .chain_update(location_id.as_bytes())
            .chain_update(version.to_be_bytes())
            .finalize()
            .into_bytes();
        let mut truncated = [0u8; MAC_LEN];
        truncated.copy_from_slice(&full[..MAC_LEN]);
        truncated
    }
}

#[cfg(test)]
mod tests;
