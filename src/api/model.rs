//! Rows of `api_tokens` and what a token may do.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::api_tokens;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    /// Read leads and their timelines.
    Read,
    /// Read, and resend leads.
    Resend,
}

impl TokenScope {
    /// Every scope, in the order the form offers them.
    pub const ALL: [TokenScope; 2] = [TokenScope::Read, TokenScope::Resend];

    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Resend => "resend",
        }
    }

    /// Reads a stored or submitted code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == code)
    }

    /// Words for the portal.
    pub fn label(self) -> &'static str {
        match self {
            TokenScope::Read => "Read leads",
            TokenScope::Resend => "Read and resend leads",
        }
    }

    /// Whether a token of this scope may resend leads.
    pub fn may_resend(self) -> bool {
        self == TokenScope::Resend
    }
}

/// A token, as stored (its secret only as a hash).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    /// The public part of the token (16 hex digits), also shown in lists.
    pub id: String,
    /// The company whose leads it reads.
    pub company_id: String,
    /// What the admin called it ("Nightly report").
    pub name: String,
    /// [`TokenScope`] code.
    pub scope: String,
    /// SHA-256 (hex) of the secret part.
    pub secret_hash: String,
    /// Who made it (an email).
    pub created_by: String,
    /// When.
    pub created_at: NaiveDateTime,
    /// Last accepted request (to the minute).
    pub last_used_at: Option<NaiveDateTime>,
    /// When it was revoked; a revoked token is refused.
    pub revoked_at: Option<NaiveDateTime>,
}

impl ApiToken {
    /// Its scope (an unknown stored code reads as the narrowest).
    pub fn scope(&self) -> TokenScope {
        TokenScope::parse(&self.scope).unwrap_or(TokenScope::Read)
    }

    /// Whether it is still accepted.
    pub fn is_live(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A token to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken<'a> {
    /// Public id.
    pub id: &'a str,
    /// Company.
    pub company_id: &'a str,
    /// Name.
    pub name: &'a str,
    /// Scope code.
    pub scope: &'a str,
    /// SHA-256 (hex) of the secret.
    pub secret_hash: &'a str,
    /// Who made it.
    pub created_by: &'a str,
    /// When.
    pub created_at: NaiveDateTime,
}
