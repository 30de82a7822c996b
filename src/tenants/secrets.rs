//! The sealed secrets of an installation (SPEC §4, §5) and of its locations.
//!
//! `instance_secrets` holds two rows, both sealed under the master key:
//! - `master_key_check`: a fixed marker, written on the first start, so that a later start
//!   with another master key stops at once instead of failing on every key later;
//! - `webhook_signing_secret`: 32 random bytes keying the webhook URL tokens, made once.
//!
//! Both are written insert-if-absent and then read back, so instances starting together on a
//! fresh database all end up with the value that won. Every instance secret but the check is
//! sealed with its row name as the context; a location's AccuLynx key is sealed with the
//! location id as the context, so a ciphertext copied to another row does not open.

use anyhow::Context;
use diesel::prelude::*;

use crate::config::{ConfigError, MasterKeySource};
use crate::crypto::secret_box::{AccuLynxKey, OpenError, SecretBox};
use crate::crypto::url_token::UrlSigner;
use crate::db::DbConn;
use crate::db::schema::instance_secrets;

/// Row of the master-key check value.
pub const MASTER_KEY_CHECK: &str = "master_key_check";
/// Row of the sealed webhook signing secret.
pub const WEBHOOK_SIGNING_SECRET: &str = "webhook_signing_secret";

/// The variable that gave the master key, for messages about it.
pub fn master_key_variable(source: &MasterKeySource) -> &'static str {
    match source {
        MasterKeySource::File { variable, .. } => variable,
        MasterKeySource::Inline(_) | MasterKeySource::Missing => "LEADRELAY_MASTER_KEY",
    }
}

/// Checks the master key against the database (recording it on a first start) and loads
/// (or, on a first start, makes) the webhook signing secret.
///
/// A master key other than the one the database was set up with is a [`ConfigError`] naming
/// `key_variable`, so the process stops with one clear line instead of failing on each key.
pub fn open_instance_secrets(
    conn: &mut DbConn,
    secret_box: &SecretBox,
    key_variable: &'static str,
) -> anyhow::Result<UrlSigner> {
    insert_if_absent(conn, MASTER_KEY_CHECK, &secret_box.key_check_value())
        .context("while recording the master-key check")?;
    let check = read(conn, MASTER_KEY_CHECK)?;
    match secret_box.verify_key_check(&check) {
        Ok(()) => {}
        Err(OpenError::OtherMasterKey) => return Err(wrong_master_key(key_variable).into()),
        Err(err) => {
            return Err(anyhow::anyhow!(
                "the master-key check stored in the database is damaged ({err}); restore the \
                 database from a backup"
            ));
        }
    }
    let fresh = UrlSigner::generate_secret();
    insert_if_absent(
        conn,
        WEBHOOK_SIGNING_SECRET,
        &secret_box.seal(&fresh, WEBHOOK_SIGNING_SECRET.as_bytes()),
    )
    .context("while storing the webhook signing secret")?;
    load_url_signer(conn, secret_box)
}

/// The error of a start with the wrong master key.
pub fn wrong_master_key(key_variable: &'static str) -> ConfigError {
    ConfigError::new(
        key_variable,
        "this master key does not match the one this database was created with; start with \
         the original key (to change keys, run `leadrelay rotate-master-key` with the \
         original key)",
    )
}

/// The URL signer keyed by the stored signing secret.
pub fn load_url_signer(conn: &mut DbConn, secret_box: &SecretBox) -> anyhow::Result<UrlSigner> {
    let sealed = read(conn, WEBHOOK_SIGNING_SECRET)?;
    let secret = secret_box
        .open(&sealed, WEBHOOK_SIGNING_SECRET.as_bytes())
        .map_err(|err| anyhow::anyhow!("the webhook signing secret cannot be read: {err}"))?;
    let secret: [u8; 32] = secret.as_slice().try_into().map_err(|_| {
        anyhow::anyhow!(
            "the webhook signing secret has {} bytes instead of 32; restore the database from a \
             backup",
            secret.len()
        )
    })?;
    Ok(UrlSigner::new(&secret))
}

/// Seals a location's AccuLynx key for that location only.
pub fn seal_location_key(secret_box: &SecretBox, location_id: &str, key: &AccuLynxKey) -> Vec<u8> {
    secret_box.seal(key.expose().as_bytes(), location_id.as_bytes())
}

/// Opens a location's sealed AccuLynx key.
pub fn open_location_key(
    secret_box: &SecretBox,
    location_id: &str,
    sealed: &[u8],
) -> Result<AccuLynxKey, OpenError> {
    let bytes = secret_box.open(sealed, location_id.as_bytes())?;
    // Keys are sealed from a `&str`; anything else was not sealed by leadrelay.
    let text = String::from_utf8(bytes).map_err(|_| OpenError::Malformed)?;
    Ok(AccuLynxKey::new(text))
}

/// Checks a key as typed or piped: surrounding whitespace (a trailing newline, say) is
/// removed; what remains must look like a key.
pub fn parse_acculynx_key(text: &str) -> Result<AccuLynxKey, String> {
    let key = text.trim();
    if key.is_empty() {
        return Err(
            "Paste the location's AccuLynx API key first: the field was empty.".to_string(),
        );
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(
            "That is not an AccuLynx API key: it contains spaces or line breaks. Copy the key \
             alone from my.acculynx.com/apikeys."
                .to_string(),
        );
    }
    if key.chars().count() > 500 {
        return Err(
            "That is not an AccuLynx API key: it is longer than 500 characters. Copy the key \
             alone from my.acculynx.com/apikeys."
                .to_string(),
        );
    }
    Ok(AccuLynxKey::new(key.to_string()))
}

/// Writes `name` unless it exists (the first writer wins; later ones change nothing).
pub fn insert_if_absent(conn: &mut DbConn, name: &str, ciphertext: &[u8]) -> QueryResult<()> {
    let now = crate::db::now();
    let row = (
        instance_secrets::name.eq(name),
        instance_secrets::ciphertext.eq(ciphertext),
        instance_secrets::created_at.eq(now),
        instance_secrets::updated_at.eq(now),
    );
    // Upserts do not compile through the MultiConnection (STYLE.md): one per backend.
    match conn {
        DbConn::Sqlite(conn) => diesel::insert_or_ignore_into(instance_secrets::table)
            .values(row)
            .execute(conn),
        DbConn::Pg(conn) => diesel::insert_into(instance_secrets::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(conn),
    }
    .map(drop)
}

/// The sealed value of `name`; its absence is an error naming it.
pub fn read(conn: &mut DbConn, name: &str) -> anyhow::Result<Vec<u8>> {
    instance_secrets::table
        .find(name)
        .select(instance_secrets::ciphertext)
        .first(conn)
        .optional()
        .with_context(|| format!("while reading the instance secret {name}"))?
        .ok_or_else(|| anyhow::anyhow!("the instance secret {name} is missing from the database"))
}

/// Every instance secret, by name, locking the rows on PostgreSQL so that two rotations
/// cannot interleave (SQLite's `BEGIN IMMEDIATE` already serialises writers).
pub fn list_for_update(conn: &mut DbConn) -> QueryResult<Vec<(String, Vec<u8>)>> {
    let query = instance_secrets::table
        .select((instance_secrets::name, instance_secrets::ciphertext))
        .order(instance_secrets::name.asc());
    match conn {
        DbConn::Sqlite(conn) => query.load(conn),
        DbConn::Pg(conn) => query.for_update().load(conn),
    }
}

/// Replaces the sealed value of `name`.
pub fn replace(conn: &mut DbConn, name: &str, ciphertext: &[u8]) -> QueryResult<()> {
    diesel::update(instance_secrets::table.find(name))
        .set((
            instance_secrets::ciphertext.eq(ciphertext),
            instance_secrets::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_keys_are_trimmed_and_checked() {
        let key = parse_acculynx_key("  abcdefgh-1234\r\n").unwrap();
        assert_eq!(key.expose(), "abcdefgh-1234");
        assert!(parse_acculynx_key(" \n").unwrap_err().contains("empty"));
        assert!(
            parse_acculynx_key("abc def")
                .unwrap_err()
                .contains("spaces")
        );
        assert!(parse_acculynx_key(&"k".repeat(501)).is_err());
    }

    #[test]
    fn a_key_sealed_for_one_location_opens_only_there() {
        let secret_box = SecretBox::new(&crate::crypto::master_key::MasterKey::generate());
        let key = AccuLynxKey::new("0123456789abcdef".to_string());
        let sealed = seal_location_key(&secret_box, "location-a", &key);
        assert_eq!(
            open_location_key(&secret_box, "location-a", &sealed).unwrap(),
            key
        );
        assert_eq!(
            open_location_key(&secret_box, "location-b", &sealed),
            Err(OpenError::WrongContextOrTampered)
        );
    }
}
