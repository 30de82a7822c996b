//! People, their roles and their sessions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{sessions, setup_tokens, users};

/// What a user may do (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Runs the service: all companies; creates companies.
    PlatformAdmin,
    /// Manages one company: locations, keys, users, mappings, replays.
    CompanyAdmin,
    /// Reads one company's history.
    Viewer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 3] = [Role::PlatformAdmin, Role::CompanyAdmin, Role::Viewer];
    /// The roles a company's users can have.
    pub const COMPANY: [Role; 2] = [Role::CompanyAdmin, Role::Viewer];

    /// As stored and typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "platform-admin",
            Role::CompanyAdmin => "company-admin",
            Role::Viewer => "viewer",
        }
    }

    /// As shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "Platform admin",
            Role::CompanyAdmin => "Company admin",
            Role::Viewer => "Viewer",
        }
    }

    /// Parses the stored / typed form.
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text.trim())
    }
}

/// A row of `users`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    /// UUID.
    pub id: String,
    /// `None` for platform admins.
    pub company_id: Option<String>,
    /// Lower-cased email, unique.
    pub email: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// [`Role::as_str`].
    pub role: String,
    /// Consecutive failed logins.
    pub failed_logins: i32,
    /// Set for 15 minutes after 5 failures.
    pub locked_until: Option<NaiveDateTime>,
    /// Last successful sign-in.
    pub last_login_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

impl User {
    /// The user's role (an unknown stored value reads as the least powerful).
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Viewer)
    }
}

/// A new user.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    /// UUID.
    pub id: &'a str,
    /// Company, `None` for platform admins.
    pub company_id: Option<&'a str>,
    /// Lower-cased email.
    pub email: &'a str,
    /// argon2id hash.
    pub password_hash: &'a str,
    /// Role.
    pub role: &'a str,
    /// Now.
    pub created_at: NaiveDateTime,
    /// Now.
    pub updated_at: NaiveDateTime,
}

/// A row of `sessions`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    /// SHA-256 (hex) of the cookie's token.
    pub id: String,
    /// Whose.
    pub user_id: String,
    /// Where it was opened from.
    pub ip: String,
    /// Browser, as it said.
    pub user_agent: String,
    /// Opened.
    pub created_at: NaiveDateTime,
    /// Last request (for the idle timeout).
    pub last_seen_at: NaiveDateTime,
}

/// A row of `setup_tokens`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = setup_tokens)]
pub struct SetupToken {
    /// SHA-256 (hex) of the token in the link.
    pub token_hash: String,
    /// Dead after this.
    pub expires_at: NaiveDateTime,
    /// Set when used.
    pub used_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
}

/// Lower-cases and trims an email for storage and lookup.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Whether an email looks deliverable enough to be a login name.
pub fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}
