//! Alert email settings: `LEADRELAY_SMTP_URL` and `LEADRELAY_MAIL_FROM`, both or neither.

use crate::cli::SettingsArgs;
use crate::config::ConfigError;
use crate::crypto::Secret;

/// Where alert emails go out, and from whom.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `LEADRELAY_SMTP_URL` (may hold a password).
    pub smtp_url: Secret<String>,
    /// `LEADRELAY_MAIL_FROM`, checked as a mailbox.
    pub from: String,
}

pub(super) fn mail_settings(args: &SettingsArgs) -> Result<Option<MailSettings>, ConfigError> {
    let given = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_string)
    };
    match (given(&args.smtp_url), given(&args.mail_from)) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(ConfigError::new(
            "LEADRELAY_MAIL_FROM",
            "is needed with LEADRELAY_SMTP_URL: the sender of alert emails, e.g. alerts@example.com".to_string(),
        )),
        (None, Some(_)) => Err(ConfigError::new(
            "LEADRELAY_SMTP_URL",
            "is needed with LEADRELAY_MAIL_FROM: the SMTP server, e.g. smtp://user:pass@smtp.example.com:587?tls=required".to_string(),
        )),
        (Some(url), Some(from)) => {
            if from.parse::<lettre::message::Mailbox>().is_err() {
                return Err(ConfigError::new(
                    "LEADRELAY_MAIL_FROM",
                    format!("{from:?} is not an email address"),
                ));
            }
            let scheme_ok = url::Url::parse(&url).is_ok_and(|parsed| matches!(parsed.scheme(), "smtp" | "smtps") && parsed.host().is_some());
            if !scheme_ok {
                return Err(ConfigError::new(
                    "LEADRELAY_SMTP_URL",
                    "is not an SMTP URL; use smtp://user:pass@host:587?tls=required, smtps://host:465 or smtp://host:25".to_string(),
                ));
            }
            Ok(Some(MailSettings {
                smtp_url: Secret::new(url),
                from,
            }))
        }
    }
}
