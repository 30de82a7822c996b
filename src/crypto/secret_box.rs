//! The secret box (SPEC §4): AES-256-GCM under a sub-key derived from the master key.
//!
//! Stored form, as one byte string:
//!
//! ```text
//! version (1 byte) ‖ master-key fingerprint (8) ‖ nonce (12, random per seal) ‖ ciphertext ‖ tag (16)
//! ```
//!
//! The associated data is `version ‖ fingerprint ‖ context`, so the header cannot be altered
//! and a value sealed for one record (the context, e.g. a location id) does not open for
//! another. The fingerprint lets `rotate-master-key` tell which key sealed a value, so old and
//! new values can coexist while it runs.

use std::fmt;

use aes_gcm::aead::{Aead, Generate, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key};

use super::Secret;
use super::master_key::MasterKey;

/// The format version written in front of every sealed value.
const FORMAT_VERSION: u8 = 1;
const FINGERPRINT_LEN: usize = 8;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = 1 + FINGERPRINT_LEN;
/// The shortest sealed value: header, nonce and the tag of an empty plaintext.
const MIN_SEALED_LEN: usize = HEADER_LEN + NONCE_LEN + TAG_LEN;

// Each derived key has its own HKDF info, so no two uses share key material.
const SUB_KEY_INFO: &[u8] = b"leadrelay secret-box v1";
const FINGERPRINT_INFO: &[u8] = b"leadrelay master-key fingerprint v1";

const KEY_CHECK_CONTEXT: &[u8] = b"master-key-check";
const KEY_CHECK_MARKER: &[u8] = b"leadrelay master key check v1";

/// Why a sealed value did not open. Never carries any part of the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Too short, or of a format version this build does not know.
    #[error("the stored secret is malformed: it is too short or of an unknown format version")]
    Malformed,
    /// Sealed under a different master key than the one in use.
    #[error("the stored secret was sealed with another master key than the one in use")]
    OtherMasterKey,
    /// The authentication tag failed: another record's value, or altered bytes.
    #[error(
        "the stored secret does not belong to this record or was altered: it was sealed for another record, or its bytes were changed"
    )]
    WrongContextOrTampered,
}

/// Seals and opens secrets with a key derived from the master key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
    fingerprint: [u8; FINGERPRINT_LEN],
}

impl fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBox(***)")
    }
}

impl SecretBox {
    /// A box whose key is HKDF-SHA256 of the master key (info `leadrelay secret-box v1`).
    pub fn new(master: &MasterKey) -> Self {
        let sub_key: [u8; 32] = derive(master, SUB_KEY_INFO);
        Self {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(sub_key)),
            fingerprint: derive(master, FINGERPRINT_INFO),
        }
    }

    /// Encrypts `plaintext` for the record named by `context` (e.g. a location id), with a
    /// fresh random nonce; sealing the same value twice gives different bytes.
    ///
    /// # Panics
    ///
    /// Only if `plaintext` exceeds AES-GCM's limit of 64 GiB, which no secret comes near.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Vec<u8> {
        let header = self.header();
        let nonce = aes_gcm::Nonce::generate();
        let payload = Payload {
            msg: plaintext,
            aad: &associated_data(&header, context),
        };
        let Ok(ciphertext) = self.cipher.encrypt(&nonce, payload) else {
            panic!("AES-GCM refused a plaintext of {} bytes", plaintext.len());
        };
        let mut sealed = Vec::with_capacity(HEADER_LEN + NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&header);
        sealed.extend_from_slice(nonce.as_slice());
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Decrypts a value sealed by [`SecretBox::seal`] with the same `context`.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, OpenError> {
        if sealed.len() < MIN_SEALED_LEN || sealed[0] != FORMAT_VERSION {
            return Err(OpenError::Malformed);
        }
        let (header, rest) = sealed.split_at(HEADER_LEN);
        if header[1..] != self.fingerprint {
            return Err(OpenError::OtherMasterKey);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce = aes_gcm::Nonce::try_from(nonce).map_err(|_| OpenError::Malformed)?;
        let payload = Payload {
            msg: ciphertext,
            aad: &associated_data(header, context),
        };
        self.cipher
            .decrypt(&nonce, payload)
            .map_err(|_| OpenError::WrongContextOrTampered)
    }

    /// Identifies the master key of this box without revealing it (HKDF-SHA256 with its own
    /// info), as written into every sealed value.
    pub fn fingerprint(&self) -> [u8; 8] {
        self.fingerprint
    }

    /// The fingerprint of the master key that sealed `sealed`, if it is of a known format;
    /// lets a key rotation find the values still sealed under the old key.
    pub fn fingerprint_of(sealed: &[u8]) -> Option<[u8; 8]> {
        if sealed.len() < MIN_SEALED_LEN || sealed[0] != FORMAT_VERSION {
            return None;
        }
        sealed[1..HEADER_LEN].try_into().ok()
    }

    /// A fixed marker sealed with this key, stored once so that a later start can tell
    /// whether it was given the same master key.
    pub fn key_check_value(&self) -> Vec<u8> {
        self.seal(KEY_CHECK_MARKER, KEY_CHECK_CONTEXT)
    }

    /// Checks a stored [`SecretBox::key_check_value`]: `Err(OtherMasterKey)` means the master
    /// key given is not the one the database was set up with.
    pub fn verify_key_check(&self, stored: &[u8]) -> Result<(), OpenError> {
        let marker = self.open(stored, KEY_CHECK_CONTEXT)?;
        if marker == KEY_CHECK_MARKER {
            Ok(())
        } else {
            Err(OpenError::WrongContextOrTampered)
        }
    }

    fn header(&self) -> [u8; HEADER_LEN] {
        let mut header = [0u8; HEADER_LEN];
        header[0] = FORMAT_VERSION;
        header[1..].copy_from_slice(&self.fingerprint);
        header
    }
}

/// Header then context: the header has a fixed length, so the concatenation is unambiguous.
fn associated_data(header: &[u8], context: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header.len() + context.len());
    aad.extend_from_slice(header);
    aad.extend_from_slice(context);
    aad
}

/// `N` bytes of HKDF-SHA256 output from the master key, for one `info` label.
fn derive<const N: usize>(master: &MasterKey, info: &[u8]) -> [u8; N] {
    const { assert!(N <= 255 * 32, "HKDF-SHA256 yields at most 8160 bytes") };
    let mut out = [0u8; N];
    let hkdf = hkdf::Hkdf::<sha2::Sha256>::new(None, master.bytes());
    if hkdf.expand(info, &mut out).is_err() {
        unreachable!("HKDF-SHA256 expands to {N} bytes, within its limit");
    }
    out
}

/// A customer's AccuLynx API key (SPEC §4). `Debug` and `Display` print `***`; only
/// [`AccuLynxKey::last4`] may be shown.
#[derive(Clone, PartialEq, Eq)]
pub struct AccuLynxKey(Secret<String>);

impl AccuLynxKey {
    /// Shortest key whose last four characters may be shown: a shorter one would be shown
    /// mostly or entirely.
    const MIN_LEN_TO_SHOW_LAST4: usize = 8;

    /// Wraps a key as typed or piped; a trailing newline (`\n` or `\r\n`) is removed.
    pub fn new(key: String) -> Self {
        let mut key = key;
        let kept = key.trim_end_matches(['\n', '\r']).len();
        key.truncate(kept);
        Self(Secret::new(key))
    }

    /// The key itself, for the AccuLynx `Authorization` header and for sealing only.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The last four characters, the only part ever shown; empty for a key shorter than
    /// eight characters.
    pub fn last4(&self) -> String {
        let key = self.0.expose();
        let count = key.chars().count();
        if count < Self::MIN_LEN_TO_SHOW_LAST4 {
            return String::new();
        }
        key.chars().skip(count - 4).collect()
    }
}

impl fmt::Debug for AccuLynxKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for AccuLynxKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests;
