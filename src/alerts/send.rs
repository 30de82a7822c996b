//! Sending an alert: email over SMTP (lettre; STARTTLS or TLS as `LEADRELAY_SMTP_URL` says)
//! and a POST of `{"text": …}` to a Slack-compatible incoming webhook, to the addresses the
//! SSRF check allowed, without redirects. Errors come back as one sentence for the log; the
//! webhook URL and SMTP credentials never appear in them.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message as Email, Tokio1Executor};
use url::Url;

use crate::alerts::model::AlertSettings;
use crate::alerts::targets;
use crate::config::Settings;
use crate::crypto::secret_box::SecretBox;

/// How long a send may take.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// An alert, ready to send.
#[derive(Debug, Clone)]
pub struct Alert {
    /// One line: "North Denver: AccuLynx rejected the API key".
    pub subject: String,
    /// What happened and what to do, in sentences.
    pub body: String,
    /// The portal page to open.
    pub link: String,
}

impl Alert {
    fn text(&self) -> String {
        format!("{}\n\n{}\n\n{}", self.subject, self.body, self.link)
    }
}

struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Sends alerts for this instance.
#[derive(Clone)]
pub struct Notifier {
    mail: Option<std::sync::Arc<Mailer>>,
    allow_private: bool,
    secret_box: SecretBox,
    /// Links in alerts start with this.
    pub public_url: Url,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("email", &self.mail.is_some())
            .field("allow_private", &self.allow_private)
            .finish_non_exhaustive()
    }
}

impl Notifier {
    /// From the settings (`LEADRELAY_SMTP_URL`, `LEADRELAY_MAIL_FROM`,
    /// `LEADRELAY_ALLOW_PRIVATE_WEBHOOKS`).
    pub fn new(
        settings: &Settings,
        secret_box: SecretBox,
        public_url: Url,
    ) -> anyhow::Result<Self> {
        crate::acculynx::client::install_tls_provider();
        let mail = match &settings.mail {
            None => None,
            Some(mail) => {
                let transport =
                    AsyncSmtpTransport::<Tokio1Executor>::from_url(mail.smtp_url.expose())
                        .map_err(|_| {
                            anyhow::anyhow!("LEADRELAY_SMTP_URL is not a usable SMTP URL")
                        })?
                        .timeout(Some(SEND_TIMEOUT))
                        .build();
                let from = mail
                    .from
                    .parse()
                    .map_err(|_| anyhow::anyhow!("LEADRELAY_MAIL_FROM is not an email address"))?;
                Some(std::sync::Arc::new(Mailer { transport, from }))
            }
        };
        Ok(Self {
            mail,
            allow_private: settings.allow_private_webhooks,
            secret_box,
            public_url,
        })
    }

    /// Whether email can be sent from this instance.
    pub fn can_email(&self) -> bool {
        self.mail.is_some()
    }

    /// Whether webhooks may reach private addresses.
    pub fn allow_private(&self) -> bool {
        self.allow_private
    }

    /// An absolute link to a portal path.
    pub fn link(&self, path: &str) -> String {
        self.public_url
            .join(path)
            .map_or_else(|_| path.to_string(), String::from)
    }

    /// Seals a webhook URL for the company.
    pub fn seal_webhook(&self, company_id: &str, url: &Url) -> Vec<u8> {
        self.secret_box.seal(
            url.as_str().as_bytes(),
            &AlertSettings::webhook_context(company_id),
        )
    }

    /// Emails the alert to the recipients (one message).
    pub async fn email(&self, to: &[String], alert: &Alert) -> Result<(), String> {
        let Some(mail) = &self.mail else {
            return Err(
                "Email is not set up on this server (LEADRELAY_SMTP_URL and LEADRELAY_MAIL_FROM)."
                    .to_string(),
            );
        };
        let mut builder = Email::builder()
            .from(mail.from.clone())
            .subject(format!("[leadrelay] {}", alert.subject));
        for address in to {
            let mailbox: Mailbox = address
                .parse()
                .map_err(|_| format!("{address} is not an email address."))?;
            builder = builder.to(mailbox);
        }
        let email = builder
            .body(alert.text())
            .map_err(|err| format!("The email could not be built: {err}."))?;
        mail.transport
            .send(email)
            .await
            .map(drop)
            .map_err(|err| format!("The SMTP server did not take the email: {err}."))
    }

    /// POSTs the alert to the company's webhook.
    pub async fn webhook(&self, settings: &AlertSettings, alert: &Alert) -> Result<(), String> {
        let Some(sealed) = &settings.webhook_url else {
            return Err("No webhook URL is saved.".to_string());
        };
        let plain = self
            .secret_box
            .open(
                sealed,
                &AlertSettings::webhook_context(&settings.company_id),
            )
            .map_err(|_| {
                "The saved webhook URL cannot be decrypted with this master key.".to_string()
            })?;
        let text = String::from_utf8(plain)
            .map_err(|_| "The saved webhook URL is damaged.".to_string())?;
        let url = targets::parse(&text)?;
        let target = targets::check(&url, self.allow_private).await?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(SEND_TIMEOUT)
            .resolve_to_addrs(&target.host, &target.addresses)
            .build()
            .map_err(|_| "The webhook client could not be built.".to_string())?;
        let answer = client
            .post(target.url)
            .json(&serde_json::json!({ "text": alert.text() }))
            .send()
            .await
            .map_err(|err| {
                let reason = if err.is_timeout() {
                    "it did not answer in time"
                } else if err.is_connect() {
                    "it could not be reached"
                } else {
                    "the request failed"
                };
                format!("The webhook at {} was not called: {reason}.", target.host)
            })?;
        let status = answer.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!(
                "The webhook at {} answered HTTP {}.",
                target.host,
                status.as_u16()
            ))
        }
    }
}
