//! `leadrelay rotate-master-key` (SPEC §2, §4): re-encrypts every sealed value — each
//! location's AccuLynx key, the webhook signing secret, the master-key check — under a new
//! master key, in one transaction: either all of them move to the new key, or none does.
//!
//! The signing secret itself does not change, so every webhook URL stays the same. Once the
//! check is sealed under the new key, a start with the old key is refused.

use std::path::Path;

use anyhow::bail;

use crate::audit::{self, Action, Actor};
use crate::config::MasterKeySource;
use crate::crypto::secret_box::{OpenError, SecretBox};
use crate::db::DbConn;
use crate::tenants::queries;
use crate::tenants::secrets::{self, MASTER_KEY_CHECK};

/// Another feature's sealed values (two-factor secrets, alert webhook URLs, …), re-sealed in
/// the rotation's own transaction. The wiring passes the list, so this feature never imports
/// the features that own those values.
#[derive(Debug, Clone, Copy)]
pub struct Resealer {
    /// What one value is, for the summary ("two-factor secret").
    pub one: &'static str,
    /// What several are ("two-factor secrets").
    pub many: &'static str,
    /// Re-seals every such value from the old key to the new one; returns how many.
    pub reseal: fn(&mut DbConn, &SecretBox, &SecretBox) -> anyhow::Result<usize>,
}

/// What a rotation re-encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationReport {
    /// AccuLynx keys of locations.
    pub location_keys: usize,
    /// Names of the instance secrets (the signing secret, the key check, …).
    pub instance_secrets: Vec<String>,
    /// Other features' values, in the words of their [`Resealer`], with how many.
    pub others: Vec<(String, usize)>,
}

impl RotationReport {
    /// What was re-encrypted, in one sentence.
    pub fn summary(&self) -> String {
        let keys = match self.location_keys {
            1 => "1 AccuLynx API key".to_string(),
            n => format!("{n} AccuLynx API keys"),
        };
        let names: Vec<&str> = self
            .instance_secrets
            .iter()
            .map(|name| match name.as_str() {
                secrets::WEBHOOK_SIGNING_SECRET => "the webhook signing secret",
                MASTER_KEY_CHECK => "the master-key check",
                other => other,
            })
            .collect();
        let others: Vec<String> = self
            .others
            .iter()
            .map(|(what, count)| format!("{count} {what}"))
            .collect();
        let mut items = vec![keys.as_str()];
        items.extend(names);
        items.extend(others.iter().map(String::as_str));
        let listed = match items.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => items.join(""),
        };
        format!("Re-encrypted under the new master key: {listed}. Webhook URLs are unchanged.")
    }
}

/// Re-seals every secret from `old` to `new` in one write transaction and records it in the
/// audit log, with every `resealers`' values in the same transaction. Fails, changing nothing,
/// if any value does not open with `old`.
pub fn rotate_master_key(
    conn: &mut DbConn,
    old: &SecretBox,
    new: &SecretBox,
    resealers: &[Resealer],
) -> anyhow::Result<RotationReport> {
    if old.fingerprint() == new.fingerprint() {
        bail!("the new master key is the one already in use; nothing to do");
    }
    crate::db::write_transaction(conn, |conn| {
        let stored = secrets::list_for_update(conn)?;
        let mut instance_secrets = Vec::with_capacity(stored.len());
        for (name, sealed) in &stored {
            let resealed = if name == MASTER_KEY_CHECK {
                match old.verify_key_check(sealed) {
                    Ok(()) => new.key_check_value(),
                    Err(OpenError::OtherMasterKey) if new.verify_key_check(sealed).is_ok() => {
                        bail!(
                            "this database is already encrypted with the new master key; \
                             restart every instance with it"
                        )
                    }
                    Err(err) => bail!("the master-key check does not open: {err}"),
                }
            } else {
                let plain = old.open(sealed, name.as_bytes()).map_err(|err| {
                    anyhow::anyhow!(
                        "the instance secret {name} cannot be decrypted ({err}); nothing was changed"
                    )
                })?;
                new.seal(&plain, name.as_bytes())
            };
            secrets::replace(conn, name, &resealed)?;
            instance_secrets.push(name.clone());
        }
        let keys = queries::list_sealed_keys(conn)?;
        for (location_id, sealed) in &keys {
            let plain = old.open(sealed, location_id.as_bytes()).map_err(|err| {
                anyhow::anyhow!(
                    "the AccuLynx key of location {location_id} cannot be decrypted ({err}); \
                     nothing was changed"
                )
            })?;
            queries::replace_sealed_key(
                conn,
                location_id,
                &new.seal(&plain, location_id.as_bytes()),
            )?;
        }
        let mut others = Vec::with_capacity(resealers.len());
        for resealer in resealers {
            let count = (resealer.reseal)(conn, old, new)?;
            if count > 0 {
                let what = if count == 1 {
                    resealer.one
                } else {
                    resealer.many
                };
                others.push((what.to_string(), count));
            }
        }
        let report = RotationReport {
            location_keys: keys.len(),
            instance_secrets,
            others,
        };
        audit::record(
            conn,
            &Actor::command_line(),
            None,
            Action::MasterKeyRotated,
            "all secrets",
            &report.summary(),
        )?;
        Ok(report)
    })
}

/// What the operator must do after a rotation, naming where the current key came from.
pub fn restart_advice(source: &MasterKeySource, new_key_file: &Path) -> String {
    let new = new_key_file.display();
    match source {
        MasterKeySource::File { path, variable, .. } => format!(
            "Now copy {new} over {} (or set {variable}={new}) and restart every leadrelay \
             instance with it; the old key is refused from now on.",
            path.display()
        ),
        MasterKeySource::Inline(_) | MasterKeySource::Missing => format!(
            "Now set LEADRELAY_MASTER_KEY to the contents of {new} (or LEADRELAY_MASTER_KEY_FILE={new}) \
             and restart every leadrelay instance with it; the old key is refused from now on."
        ),
    }
}

/// `leadrelay rotate-master-key`: re-seals every secret under the new key in one transaction,
/// the other features' values through `resealers`.
pub async fn rotate_command(
    settings: crate::config::Settings,
    args: crate::cli::RotateMasterKeyArgs,
    resealers: &'static [Resealer],
) -> anyhow::Result<()> {
    use crate::crypto::master_key::MasterKey;
    use crate::crypto::secret_box::SecretBox;
    use crate::tenants::secrets;
    let old_key = crate::startup::load_master_key(&settings)?;
    let new_key = MasterKey::read_file(&args.new_key_file)
        .map_err(|msg| anyhow::anyhow!("--new-key-file: {msg}"))?;
    let variable = secrets::master_key_variable(&settings.master_key);
    let mut conn = crate::startup::command_connection(&settings).await?;
    let report = tokio::task::spawn_blocking(move || {
        let old = SecretBox::new(&old_key);
        secrets::open_instance_secrets(&mut conn, &old, variable)?;
        rotate_master_key(&mut conn, &old, &SecretBox::new(&new_key), resealers)
    })
    .await??;
    println!("{}", report.summary());
    println!(
        "{}",
        restart_advice(&settings.master_key, &args.new_key_file)
    );
    Ok(())
}
