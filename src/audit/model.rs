//! Audit entries and the actions they record.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::audit_events;
use crate::http::extractors::CurrentUser;

/// Who did it.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user, when a signed-in person acted.
    pub user_id: Option<String>,
    /// Their email, or "command line" / "system" / the email tried at a failed login.
    pub label: String,
    /// Client IP ("" for the command line).
    pub ip: String,
}

impl Actor {
    /// The signed-in user of a request.
    pub fn user(user: &CurrentUser) -> Self {
        Self {
            user_id: Some(user.id.clone()),
            label: user.email.clone(),
            ip: user.ip.clone(),
        }
    }

    /// Someone at the command line of the server.
    pub fn command_line() -> Self {
        Self {
            user_id: None,
            label: "command line".to_string(),
            ip: String::new(),
        }
    }

    /// leadrelay itself (e.g. the delivery worker flagging a key).
    pub fn system() -> Self {
        Self {
            user_id: None,
            label: "leadrelay".to_string(),
            ip: String::new(),
        }
    }
}

macro_rules! actions {
    ($( $variant:ident => $code:literal, $label:literal; )*) => {
        /// Everything the audit log records (SPEC §3).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Action { $( #[doc = $label] $variant, )* }

        impl Action {
            /// Stored code, e.g. `location.created`.
            pub fn code(self) -> &'static str {
                match self { $( Action::$variant => $code, )* }
            }

            /// Words for the audit page, from the stored code.
            pub fn label_of(code: &str) -> &'static str {
                match code { $( $code => $label, )* _ => "Other action" }
            }
        }
    };
}

actions! {
    LoginSucceeded => "login.succeeded", "Signed in";
    LoginFailed => "login.failed", "Failed sign-in";
    Logout => "logout", "Signed out";
    PasswordChanged => "password.changed", "Changed own password";
    SetupCompleted => "setup.completed", "Created the first platform admin";
    UserCreated => "user.created", "Added a user";
    UserRoleChanged => "user.role_changed", "Changed a user's role";
    UserPasswordReset => "user.password_reset", "Reset a user's password";
    UserRemoved => "user.removed", "Removed a user";
    CompanyCreated => "company.created", "Created the company";
    CompanyUpdated => "company.updated", "Changed the company";
    LocationCreated => "location.created", "Added a location";
    LocationRenamed => "location.renamed", "Renamed a location";
    LocationPaused => "location.paused", "Paused a location";
    LocationResumed => "location.resumed", "Resumed a location";
    LocationDeleted => "location.deleted", "Deleted a location";
    KeySet => "location.key_set", "Set the AccuLynx API key";
    KeyTested => "location.key_tested", "Tested the AccuLynx API key";
    KeyRejected => "location.key_rejected", "AccuLynx rejected the API key";
    UrlRotated => "location.url_rotated", "Rotated the webhook URL";
    MappingChanged => "location.mapping_changed", "Changed the field mapping";
    ApiChanged => "location.api_changed", "Changed the AccuLynx API";
    V2DefaultsChanged => "location.v2_defaults_changed", "Changed the AccuLynx v2 defaults";
    LeadReplayed => "lead.replayed", "Replayed a lead";
    LeadEdited => "lead.edited", "Edited and resent a lead";
    LeadRetriedNow => "lead.retried_now", "Made a waiting lead due now";
    MasterKeyRotated => "instance.master_key_rotated", "Rotated the master key";
    LeadsBulkResent => "leads.bulk_resent", "Resent many leads at once";
    ApiTokenCreated => "api_token.created", "Made an API token";
    ApiTokenRevoked => "api_token.revoked", "Revoked an API token";
    AlertsChanged => "company.alerts_changed", "Changed the alert settings";
    SecondFactorFailed => "login.second_factor_failed", "Failed two-factor sign-in step";
    TwoFactorEnabled => "user.two_factor_enabled", "Turned on two-factor sign-in";
    TwoFactorDisabled => "user.two_factor_disabled", "Turned off two-factor sign-in";
    TwoFactorReset => "user.two_factor_reset", "Reset a user's two-factor sign-in";
    RecoveryCodesRenewed => "user.recovery_codes_renewed", "Made new recovery codes";
    CompanyTwoFactorChanged => "company.two_factor_changed", "Changed the two-factor requirement";
}

/// A row of `audit_events`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    /// Increasing id.
    pub id: i64,
    /// The company concerned (none for platform-level events).
    pub company_id: Option<String>,
    /// The acting user, if any.
    pub actor_user_id: Option<String>,
    /// Who, in words.
    pub actor: String,
    /// [`Action::code`].
    pub action: String,
    /// What it was done to ("location North Denver").
    pub target: String,
    /// Details ("role viewer → company-admin"); never a secret.
    pub detail: String,
    /// From where.
    pub ip: String,
    /// When.
    pub created_at: NaiveDateTime,
}

/// A new entry.
#[derive(Debug, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent<'a> {
    /// Company.
    pub company_id: Option<&'a str>,
    /// Acting user.
    pub actor_user_id: Option<&'a str>,
    /// Who.
    pub actor: &'a str,
    /// Code.
    pub action: &'a str,
    /// Target.
    pub target: &'a str,
    /// Detail.
    pub detail: &'a str,
    /// IP.
    pub ip: &'a str,
    /// When.
    pub created_at: NaiveDateTime,
}
