//! Two-factor sign-in (issue 12): a TOTP authenticator (RFC 6238) per user, with ten one-time
//! recovery codes.
//!
//! Policy:
//! - The TOTP secret is sealed by the secret box (SPEC §4) with the context
//!   `two-factor:<user id>`; it is shown (QR code and text) only while enrolment waits for its
//!   confirming code, never after, and never logged ([`codes::TotpSecret`] prints `***`).
//! - Recovery codes are shown once, when made; only their SHA-256 is stored; each works once.
//! - After a right password, an enrolled user gets no session yet: a challenge row (its token
//!   in a cookie, 5 minutes) waits for the code. Wrong codes count toward the same lockout as
//!   wrong passwords (5 in a row lock the account for 15 minutes) and are audited; a right
//!   password alone never clears that count for an enrolled user.
//! - A code is accepted once: the newest accepted time step is kept per user, and only newer
//!   steps pass.
//! - A company may require two factors: its users who have not enrolled reach only the
//!   enrolment page and sign-out until they do ([`allowed_before_enrolment`]).
//! - A platform admin can reset a user's two factors (audited); the user's sessions end.

pub mod admin;
pub mod check;
pub mod codes;
pub mod enrol;
pub mod pages;
pub mod qr;
pub mod queries;
pub mod sign_in;

use anyhow::Context;

use crate::crypto::secret_box::{OpenError, SecretBox};
use crate::db::DbConn;
use crate::tenants::key_rotation::Resealer;
use codes::TotpSecret;

/// The enrolment page, where users of a company that requires two factors are sent.
pub const ENROL_PATH: &str = "/account/two-factor";

/// What a user who must enrol may still reach: the enrolment pages and sign-out.
pub fn allowed_before_enrolment(path: &str) -> bool {
    path == ENROL_PATH || path.starts_with("/account/two-factor/") || path == "/logout"
}

/// Seals a user's TOTP secret for that user only.
pub fn seal_secret(secret_box: &SecretBox, user_id: &str, secret: &TotpSecret) -> Vec<u8> {
    secret_box.seal(secret.expose(), &queries::seal_context(user_id))
}

/// Opens a user's sealed TOTP secret.
pub fn open_secret(
    secret_box: &SecretBox,
    user_id: &str,
    sealed: &[u8],
) -> Result<TotpSecret, OpenError> {
    secret_box
        .open(sealed, &queries::seal_context(user_id))
        .map(TotpSecret::from_bytes)
}

/// Re-seals every TOTP secret from `old` to `new` (inside the rotation's transaction).
pub fn reseal_all(conn: &mut DbConn, old: &SecretBox, new: &SecretBox) -> anyhow::Result<usize> {
    let sealed =
        queries::list_sealed_for_update(conn).context("while reading two-factor secrets")?;
    for (user_id, value) in &sealed {
        let secret = open_secret(old, user_id, value).map_err(|err| {
            anyhow::anyhow!(
                "the two-factor secret of user {user_id} cannot be decrypted ({err}); nothing \
                 was changed"
            )
        })?;
        queries::replace_sealed(conn, user_id, &seal_secret(new, user_id, &secret))?;
    }
    Ok(sealed.len())
}

/// The two-factor secrets in a master-key rotation.
pub const RESEALER: Resealer = Resealer {
    one: "two-factor secret",
    many: "two-factor secrets",
    reseal: reseal_all,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_sealed_for_one_user_opens_only_for_them() {
        let secret_box = SecretBox::new(&crate::crypto::master_key::MasterKey::generate());
        let secret = TotpSecret::generate();
        let sealed = seal_secret(&secret_box, "user-a", &secret);
        assert_eq!(open_secret(&secret_box, "user-a", &sealed).unwrap(), secret);
        assert!(open_secret(&secret_box, "user-b", &sealed).is_err());
    }

    #[test]
    fn only_enrolment_and_sign_out_are_reachable_before_enrolment() {
        for path in [ENROL_PATH, "/account/two-factor/confirm", "/logout"] {
            assert!(allowed_before_enrolment(path), "{path}");
        }
        for path in [
            "/",
            "/account",
            "/companies/a",
            "/account/two-factorx",
            "/audit",
        ] {
            assert!(!allowed_before_enrolment(path), "{path}");
        }
    }
}
