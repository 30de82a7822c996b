//! The master key (SPEC §2, §4): 32 random bytes, given as base64, from which every
//! encryption key of the product is derived.

use std::fmt;
use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// How to make a key, shown in every error about a missing or malformed one.
pub const HOW_TO_CREATE: &str = "create one with `head -c 32 /dev/urandom | base64`";

/// The master key. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct MasterKey([u8; 32]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

impl MasterKey {
    /// A new random key.
    pub fn generate() -> Self {
        Self(super::random_bytes())
    }

    /// Parses base64 (standard alphabet, surrounding whitespace ignored) of exactly 32 bytes.
    pub fn from_base64(text: &str) -> Result<Self, String> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| format!("is not valid base64; {HOW_TO_CREATE}"))?;
        let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            format!(
                "must be base64 of 32 random bytes, this is {} bytes; {HOW_TO_CREATE}",
                bytes.len()
            )
        })?;
        Ok(Self(key))
    }

    /// The key as base64, as written to key files.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// The raw key bytes, for key derivation only.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A 32-byte key for one purpose, derived with HKDF-SHA256 (e.g. `"csrf v1"`), so the
    /// master key itself is never used directly.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut okm = [0u8; 32];
        let hkdf = hkdf::Hkdf::<sha2::Sha256>::new(None, &self.0);
        // 32 bytes is far below HKDF-SHA256's limit of 8160: expand cannot fail.
        let _ = hkdf.expand(format!("leadrelay {purpose}").as_bytes(), &mut okm);
        okm
    }

    /// Reads a key file.
    pub fn read_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        Self::from_base64(&text).map_err(|msg| format!("{}: {msg}", path.display()))
    }

    /// Creates a new key file readable by its owner only (mode 0600); fails if it exists.
    pub fn create_file(path: &Path) -> Result<Self, String> {
        let key = Self::generate();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options
            .open(path)
            .map_err(|err| format!("cannot create {}: {err}", path.display()))?;
        writeln!(file, "{}", key.to_base64())
            .and_then(|()| file.sync_all())
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_round_trips_through_base64() {
        let key = MasterKey::generate();
        assert_eq!(MasterKey::from_base64(&key.to_base64()).unwrap(), key);
        assert_eq!(format!("{key:?}"), "MasterKey(***)");
    }

    #[test]
    fn a_short_key_is_refused_with_its_length() {
        let err = MasterKey::from_base64(&STANDARD.encode([7u8; 10])).unwrap_err();
        assert!(err.contains("this is 10 bytes"), "{err}");
        assert!(MasterKey::from_base64("not base64!").is_err());
    }

    #[test]
    fn a_created_key_file_is_private_and_readable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leadrelay.key");
        let key = MasterKey::create_file(&path).unwrap();
        assert_eq!(MasterKey::read_file(&path).unwrap(), key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            MasterKey::create_file(&path).is_err(),
            "never overwrites a key"
        );
    }
}
