//! The AccuLynx HTTP client: one `reqwest` client per process, with the delivery timeout and
//! leadrelay's `User-Agent`, aimed at `LEADRELAY_ACCULYNX_BASE_URL` (AccuLynx or the sandbox).
//!
//! The API key is only ever put in the `Authorization` header (reqwest marks it sensitive);
//! no error or outcome of this module carries it.

use std::sync::Once;
use std::time::Duration;

use anyhow::Context;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Deserialize;
use url::Url;

use crate::config::Settings;
use crate::crypto::secret_box::AccuLynxKey;

/// `User-Agent` of every request to AccuLynx.
pub const USER_AGENT: &str = concat!("leadrelay/", env!("CARGO_PKG_VERSION"));

/// Path of the endpoint that tells which AccuLynx location a key belongs to.
pub const COMPANY_SETTINGS_PATH: &str = "/api/v2/company-settings";

/// Installs rustls' ring provider, once per process. reqwest is built with
/// `rustls-no-provider`, so no client can be built before this has run.
pub fn install_tls_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err only when a provider is already installed, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Talks to AccuLynx (or the sandbox). Cheap to clone: clones share one connection pool.
#[derive(Debug, Clone)]
pub struct AccuLynxClient {
    http: reqwest::Client,
    base_url: Url,
}

impl AccuLynxClient {
    /// A client for `base_url` whose requests give up after `timeout`.
    pub fn new(base_url: Url, timeout: Duration) -> anyhow::Result<Self> {
        install_tls_provider();
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(timeout)
            .build()
            .context("while building the HTTP client for AccuLynx")?;
        Ok(Self { http, base_url })
    }

    /// The client these settings describe (`ACCULYNX_BASE_URL`, `DELIVERY_TIMEOUT`).
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        Self::new(
            settings.acculynx_base_url.clone(),
            settings.delivery_timeout,
        )
    }

    /// Where requests go.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The full URL of an AccuLynx path such as `/api/v1/leads`, keeping any path prefix of
    /// the base URL.
    pub fn endpoint(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.base_url.as_str().trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }

    /// A request to `path` authorised with `key` (`Authorization: Bearer …`), ready for a
    /// body; the building block of every call to AccuLynx.
    pub fn request(&self, method: Method, path: &str, key: &AccuLynxKey) -> RequestBuilder {
        self.http
            .request(method, self.endpoint(path))
            .bearer_auth(key.expose())
            .header(reqwest::header::ACCEPT, "application/json")
    }

    /// Asks AccuLynx which location `key` belongs to (`GET /api/v2/company-settings`).
    pub async fn check_key(&self, key: &AccuLynxKey) -> KeyCheck {
        let sent = self
            .request(Method::GET, COMPANY_SETTINGS_PATH, key)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(err) => return KeyCheck::from_send_error(&err),
        };
        match response.status() {
            status if status.is_success() => {
                // A body we cannot read still means the key was accepted.
                let location_name = match response.json::<CompanySettings>().await {
                    Ok(settings) => settings.name.filter(|name| !name.trim().is_empty()),
                    Err(err) if err.is_timeout() => return KeyCheck::TimedOut,
                    Err(_) => None,
                };
                KeyCheck::Works { location_name }
            }
            StatusCode::UNAUTHORIZED => KeyCheck::InvalidKey,
            StatusCode::FORBIDDEN => KeyCheck::NoPermission,
            status => KeyCheck::Answered {
                status: status.as_u16(),
            },
        }
    }
}

/// The part of AccuLynx's company settings leadrelay reads.
#[derive(Debug, Deserialize)]
struct CompanySettings {
    name: Option<String>,
}

/// What AccuLynx said about a key, in terms a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyCheck {
    /// AccuLynx accepted the key; the location it belongs to, when AccuLynx named it.
    Works {
        /// The AccuLynx location's name.
        location_name: Option<String>,
    },
    /// 401: the key is wrong, deleted or deactivated.
    InvalidKey,
    /// 403: the key is valid but may not read the company settings.
    NoPermission,
    /// Any other HTTP status: AccuLynx could not say.
    Answered {
        /// The status AccuLynx answered.
        status: u16,
    },
    /// No connection could be made (DNS, refused, TLS).
    Unreachable {
        /// Why, in the network stack's words (no key, no header).
        reason: String,
    },
    /// AccuLynx did not answer within the delivery timeout.
    TimedOut,
}

impl KeyCheck {
    fn from_send_error(err: &reqwest::Error) -> Self {
        if err.is_timeout() {
            return Self::TimedOut;
        }
        // The innermost cause is the plain one ("Connection refused (os error 111)").
        let mut cause: &dyn std::error::Error = err;
        while let Some(next) = cause.source() {
            cause = next;
        }
        Self::Unreachable {
            reason: cause.to_string(),
        }
    }

    /// Whether AccuLynx accepted the key.
    pub fn works(&self) -> bool {
        matches!(self, Self::Works { .. })
    }

    /// Whether AccuLynx refused the key itself (so leads sent with it would fail too), as
    /// opposed to not answering.
    pub fn rejected(&self) -> bool {
        matches!(self, Self::InvalidKey | Self::NoPermission)
    }

    /// The outcome in one sentence, as stored with the location and shown on its page.
    pub fn message(&self) -> String {
        match self {
            Self::Works {
                location_name: Some(name),
            } => format!("AccuLynx accepted the key: it belongs to the AccuLynx location \"{name}\"."),
            Self::Works {
                location_name: None,
            } => "AccuLynx accepted the key.".to_string(),
            Self::InvalidKey => {
                "AccuLynx refused the key (401): it is wrong, deleted or deactivated.".to_string()
            }
            Self::NoPermission => {
                "AccuLynx knows the key but refused access (403): it does not have enough permissions."
                    .to_string()
            }
            Self::Answered { status } => format!(
                "AccuLynx answered {status} and could not check the key; this is usually temporary."
            ),
            Self::Unreachable { reason } => {
                format!("leadrelay could not reach AccuLynx ({reason}).")
            }
            Self::TimedOut => "AccuLynx did not answer in time.".to_string(),
        }
    }

    /// What the person should do next, in one sentence.
    pub fn next_step(&self) -> &'static str {
        match self {
            Self::Works { .. } => {
                "Next: copy the webhook URL below into the Webhook step of a ClientTether Action Plan."
            }
            Self::InvalidKey => {
                "Create a new API key for this location at my.acculynx.com/apikeys and save it here."
            }
            Self::NoPermission => {
                "Ask an AccuLynx administrator for a key with access to leads, then save it here."
            }
            Self::Answered { .. } | Self::TimedOut => {
                "Try the test again in a few minutes; the key was kept."
            }
            Self::Unreachable { .. } => {
                "Check this server's network connection to AccuLynx and try again; the key was kept."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;

    /// Answers one HTTP request on a local port with `answer`; the request's head comes back
    /// through the receiver.
    fn answer_once(answer: String) -> (Url, std::sync::mpsc::Receiver<String>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = stream.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                head.extend_from_slice(&buf[..n]);
            }
            stream.write_all(answer.as_bytes()).unwrap();
            tx.send(String::from_utf8_lossy(&head).to_lowercase())
                .unwrap();
        });
        (url, rx)
    }

    #[tokio::test]
    async fn check_key_sends_the_key_as_a_bearer_token_with_leadrelays_user_agent() {
        let body = r#"{"id":"x","name":"Denver North","timeZoneInfo":"America/Denver"}"#;
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        let (url, head) = answer_once(answer);
        let client = AccuLynxClient::new(url, Duration::from_secs(5)).unwrap();
        let key = AccuLynxKey::new("k-0123456789".to_string());
        assert_eq!(
            client.check_key(&key).await,
            KeyCheck::Works {
                location_name: Some("Denver North".into())
            }
        );
        let head = head.recv().unwrap();
        assert!(
            head.starts_with("get /api/v2/company-settings http/1.1"),
            "{head}"
        );
        assert!(
            head.contains("authorization: bearer k-0123456789"),
            "{head}"
        );
        assert!(head.contains(&format!("user-agent: {}", USER_AGENT.to_lowercase())));

        let (url, _) = answer_once("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n".into());
        let client = AccuLynxClient::new(url, Duration::from_secs(5)).unwrap();
        assert_eq!(client.check_key(&key).await, KeyCheck::NoPermission);
        let (url, _) = answer_once("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n".into());
        let client = AccuLynxClient::new(url, Duration::from_secs(5)).unwrap();
        assert_eq!(
            client.check_key(&key).await,
            KeyCheck::Answered { status: 502 }
        );
    }

    #[test]
    fn endpoints_keep_the_base_path() {
        let client = AccuLynxClient::new(
            Url::parse("http://127.0.0.1:9/prefix/").unwrap(),
            Duration::from_secs(1),
        )
        .unwrap();
        assert_eq!(
            client.endpoint(COMPANY_SETTINGS_PATH),
            "http://127.0.0.1:9/prefix/api/v2/company-settings"
        );
        let plain = AccuLynxClient::new(
            Url::parse("https://api.acculynx.com").unwrap(),
            Duration::from_secs(1),
        )
        .unwrap();
        assert_eq!(
            plain.endpoint("/api/v1/leads"),
            "https://api.acculynx.com/api/v1/leads"
        );
    }

    #[test]
    fn every_outcome_is_a_sentence_with_a_next_step() {
        let outcomes = [
            KeyCheck::Works {
                location_name: Some("Denver".into()),
            },
            KeyCheck::Works {
                location_name: None,
            },
            KeyCheck::InvalidKey,
            KeyCheck::NoPermission,
            KeyCheck::Answered { status: 502 },
            KeyCheck::Unreachable {
                reason: "Connection refused (os error 111)".into(),
            },
            KeyCheck::TimedOut,
        ];
        for outcome in outcomes {
            let message = outcome.message();
            assert!(message.ends_with('.'), "{message}");
            assert!(outcome.next_step().ends_with('.'));
        }
        assert!(KeyCheck::InvalidKey.rejected() && !KeyCheck::TimedOut.rejected());
        assert!(KeyCheck::Answered { status: 502 }.message().contains("502"));
    }
}
