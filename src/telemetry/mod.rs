//! Logging: `tracing` to standard error (standard output is kept for command results such as
//! a webhook URL), pretty or JSON, and one line per HTTP request.
//!
//! Webhook URLs carry a secret token, so request paths under `/hooks/` are logged as
//! `/hooks/{location_id}/***` (SPEC §5). Query strings are never logged (they hold search
//! terms, i.e. lead PII).

pub mod metrics;

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, LogSettings};

/// Installs the global subscriber. Safe to call twice (the second call does nothing).
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_new(&settings.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, not in files or log collectors.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    let _ = match settings.format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// One running application (a `serve` or `worker` process, or an application a test starts),
/// named in every log line it writes — `leadrelay{instance=1f3a9c07}: …` — so the lines of
/// several instances sharing one log collector, or one test process, can be told apart.
#[derive(Debug, Clone)]
pub struct Instance {
    id: String,
    span: tracing::Span,
}

impl Instance {
    /// A new instance with a random 8-hex-digit id.
    pub fn new() -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
        // At error level, so the name shows on every line whatever the filter lets through.
        let span = tracing::error_span!("leadrelay", instance = %id);
        Self { id, span }
    }

    /// Its id, as logged.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The span every task of the instance runs in.
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }
}

impl Default for Instance {
    fn default() -> Self {
        Self::new()
    }
}

/// The request path as it may appear in logs.
pub fn redact_path(path: &str) -> String {
    match path.strip_prefix("/hooks/") {
        Some(rest) => match rest.split_once('/') {
            Some((location, _token)) => format!("/hooks/{location}/***"),
            None => format!("/hooks/{rest}"),
        },
        None => path.to_string(),
    }
}

/// Middleware: one log line per request with method, redacted path, status and time.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = redact_path(req.path());
    let span = req
        .app_data::<actix_web::web::Data<Instance>>()
        .map_or_else(tracing::Span::none, |instance| instance.span().clone());
    let response = next.call(req).instrument(span.clone()).await;
    let _in_instance = span.entered();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    match &response {
        Ok(res) => {
            let status = res.status().as_u16();
            if res.status().is_server_error() {
                tracing::warn!(%method, %path, status, elapsed_ms, "request");
            } else {
                tracing::info!(%method, %path, status, elapsed_ms, "request");
            }
        }
        Err(err) => tracing::warn!(%method, %path, error = %err, elapsed_ms, "request failed"),
    }
    response
}

#[cfg(test)]
mod tests {
    use super::redact_path;

    #[test]
    fn webhook_tokens_are_redacted() {
        assert_eq!(redact_path("/hooks/abc/s3cr3t-token"), "/hooks/abc/***");
        assert_eq!(redact_path("/hooks/abc/s3cr3t/extra"), "/hooks/abc/***");
        assert_eq!(redact_path("/hooks/abc"), "/hooks/abc");
        assert_eq!(redact_path("/locations/1"), "/locations/1");
    }
}
