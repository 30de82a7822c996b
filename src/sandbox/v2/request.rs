//! What every v2 endpoint does around its own work: [`SandboxState::admit_as`] (per-IP
//! limit, key, per-key limit, write quota, programmed faults), reading the JSON body, carrying
//! the request out, then applying any after-action fault, the quota headers and the latency.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;
use uuid::Uuid;

use crate::sandbox::V2Step;
use crate::sandbox::answers::Problem;
use crate::sandbox::handlers::{MAX_BODY_BYTES, declared_too_large, drain, is_json};
use crate::sandbox::server::{Admission, AfterAction, SandboxState};

/// Who is calling, for an endpoint's work.
pub(crate) struct Ctx {
    /// The accepted key: the company whose data is read and written.
    pub key: Arc<str>,
    /// The key's location id, reported as `companyId`.
    pub company_id: String,
    /// `http://host/api/v2`, for `_link`s.
    pub base: String,
}

impl Ctx {
    /// An absolute link to `path` (which starts with `/`).
    pub(crate) fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// An endpoint's own work: the answer, or the problem to answer with.
pub(crate) type Outcome = Result<HttpResponse, Problem>;

/// How one v2 request is handled.
pub(crate) struct Endpoint {
    /// The step its programmed faults are taken from.
    pub step: V2Step,
    /// Whether the write quotas count it.
    pub write: bool,
}

impl Endpoint {
    /// A read of `step`.
    pub(crate) const fn read(step: V2Step) -> Self {
        Self { step, write: false }
    }

    /// A quota-counted write of `step`.
    pub(crate) const fn write(step: V2Step) -> Self {
        Self { step, write: true }
    }
}

/// Serves one v2 request: `payload` is the body to read as JSON (`None` for a GET), handed
/// to `work` with the caller.
pub(crate) async fn serve(
    req: &HttpRequest,
    payload: Option<web::Payload>,
    state: &SandboxState,
    endpoint: Endpoint,
    work: impl FnOnce(&Ctx, Option<Value>) -> Outcome,
) -> HttpResponse {
    let arrived = Instant::now();
    let presented = state.presented_key(req);
    let kind = Admission {
        step: Some(endpoint.step),
        write: endpoint.write,
    };
    let caller = match state.admit_as(req, presented.as_ref(), arrived, kind) {
        Ok(caller) => caller,
        Err(problem) => {
            if let Some(payload) = payload {
                drain(req, payload).await;
            }
            return finish(req, state, arrived, Duration::ZERO, problem.respond()).await;
        }
    };
    // A plain `Delay` holds the request before it is carried out.
    if !caller.delay.is_zero() {
        tokio::time::sleep(caller.delay).await;
    }
    let body = match payload {
        None => Ok(None),
        Some(payload) => read_json(req, payload).await.map(Some),
    };
    let ctx = Ctx {
        company_id: state
            .location(&caller.key)
            .map(|location| location.id)
            .unwrap_or_default(),
        key: caller.key.clone(),
        base: base_url(req),
    };
    let outcome = body.and_then(|body| work(&ctx, body));
    let extra = match caller.after {
        Some(AfterAction::Delay(delay)) => delay,
        _ => Duration::ZERO,
    };
    let mut response = match (outcome, caller.after) {
        (Ok(_), Some(AfterAction::Status(status))) => Problem::Status(status).respond(),
        (Ok(response), _) => response,
        (Err(problem), _) => problem.respond(),
    };
    if response.status().is_success()
        && let Some(quota) = &caller.quota
    {
        for (name, value) in [
            ("ratelimit-limit", quota.limit.to_string()),
            ("ratelimit-remaining", quota.remaining.to_string()),
            ("ratelimit-reset", quota.reset_secs.to_string()),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(name), value);
            }
        }
    }
    finish(
        req,
        state,
        arrived,
        caller.delay.saturating_add(extra),
        response,
    )
    .await
}

/// Waits for the latency (and programmed delays), logs the status (never a key or body).
async fn finish(
    req: &HttpRequest,
    state: &SandboxState,
    arrived: Instant,
    extra: Duration,
    response: HttpResponse,
) -> HttpResponse {
    state.hold_answer(arrived, extra).await;
    tracing::debug!(
        path = req.match_pattern().unwrap_or_default(),
        status = response.status().as_u16(),
        "sandbox answered"
    );
    response
}

fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}/api/v2", info.scheme(), info.host())
}

/// The body as JSON: 415 unless `application/json`, 413 over the limit, 400 unreadable.
async fn read_json(req: &HttpRequest, payload: web::Payload) -> Result<Value, Problem> {
    if !is_json(req) {
        drain(req, payload).await;
        return Err(Problem::V2(
            415,
            "The request body must be sent with Content-Type: application/json.".to_string(),
        ));
    }
    let too_large = || {
        Problem::V2(
            413,
            format!("The request body is larger than the limit of {MAX_BODY_BYTES} bytes."),
        )
    };
    if declared_too_large(req) {
        return Err(too_large());
    }
    let bytes = match payload.to_bytes_limited(MAX_BODY_BYTES).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return Err(Problem::V2(
                400,
                "The request body could not be read.".to_string(),
            ));
        }
        Err(_) => return Err(too_large()),
    };
    parse_json(&bytes)
}

/// Reads a JSON body, naming where it went wrong.
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Value, Problem> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Problem::V2(
            400,
            "A non-empty request body is required.".to_string(),
        ));
    }
    serde_json::from_slice(bytes).map_err(|err| {
        let text = err.to_string();
        let reason = text.split(" at line ").next().unwrap_or(&text);
        Problem::V2(
            400,
            format!(
                "The JSON value could not be read: {reason} (line {}, column {}).",
                err.line(),
                err.column()
            ),
        )
    })
}

/// The uuid in the path segment `name`, or 400 naming it.
pub(crate) fn path_uuid(req: &HttpRequest, name: &str) -> Result<Uuid, Problem> {
    req.match_info()
        .get(name)
        .and_then(|text| Uuid::parse_str(text).ok())
        .ok_or_else(|| Problem::V2(400, format!("{name} must be a uuid")))
}

/// The query string's parameters; names are matched without regard to case, as ASP.NET
/// binds them.
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// Parses a query string; `None` when it is not valid form encoding.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        serde_urlencoded::from_str(text).ok().map(Self)
    }

    /// The query of a request, or 400.
    pub(crate) fn of(req: &HttpRequest) -> Result<Self, Problem> {
        Self::parse(req.query_string())
            .ok_or_else(|| Problem::V2(400, "The query string could not be read.".to_string()))
    }

    /// The first value of `name`, if given.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}
