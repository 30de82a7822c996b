//! Checking a code a user typed against their enrolment, with its effects: an accepted TOTP
//! code claims its time step (so it never works again), an accepted recovery code is spent.

use crate::accounts::two_factor::codes::{self, TypedCode};
use crate::accounts::two_factor::open_secret;
use crate::accounts::two_factor::queries::{self, TwoFactorRow};
use crate::crypto::secret_box::SecretBox;
use crate::db::DbConn;
use crate::error::AppError;

/// What a typed code turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    /// A right authenticator code, now used.
    Totp,
    /// A right recovery code, now spent.
    Recovery,
    /// Not right (or already used).
    Wrong,
}

impl CodeCheck {
    /// Whether the code was right.
    pub fn accepted(self) -> bool {
        self != CodeCheck::Wrong
    }

    /// For the audit log.
    pub fn words(self) -> &'static str {
        match self {
            CodeCheck::Totp => "with an authenticator code",
            CodeCheck::Recovery => "with a recovery code",
            CodeCheck::Wrong => "wrong code",
        }
    }
}

/// Checks `typed` against an enabled enrolment; a recovery code counts only when
/// `allow_recovery`.
pub fn check_code(
    conn: &mut DbConn,
    secret_box: &SecretBox,
    row: &TwoFactorRow,
    typed: &str,
    allow_recovery: bool,
) -> Result<CodeCheck, AppError> {
    match codes::read_code(typed) {
        TypedCode::Totp(code) => {
            let secret = open_secret(secret_box, &row.user_id, &row.secret).map_err(|err| {
                AppError::Unexpected(anyhow::anyhow!(
                    "the two-factor secret of user {} cannot be opened: {err}",
                    row.user_id
                ))
            })?;
            let last = row.last_step.and_then(|step| u64::try_from(step).ok());
            let now_step = codes::step_of(codes::unix_now());
            let Some(step) = codes::accepted_step(&secret, &code, now_step, last) else {
                return Ok(CodeCheck::Wrong);
            };
            let step = i64::try_from(step).map_err(anyhow::Error::from)?;
            if queries::claim_step(conn, &row.user_id, step)? {
                Ok(CodeCheck::Totp)
            } else {
                Ok(CodeCheck::Wrong)
            }
        }
        TypedCode::Recovery(code) if allow_recovery => {
            let hash = codes::recovery_code_hash(&code);
            if queries::spend_recovery_code(conn, &row.user_id, &hash)? {
                Ok(CodeCheck::Recovery)
            } else {
                Ok(CodeCheck::Wrong)
            }
        }
        TypedCode::Recovery(_) | TypedCode::Empty => Ok(CodeCheck::Wrong),
    }
}
