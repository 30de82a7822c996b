//! A local stand-in for AccuLynx's `GET /api/v2/company-settings` (how "Test key" checks a
//! key), started on port 0 inside a test. It answers as the reference describes: 200 with the
//! key's location for a known key, 401 ProblemDetails for any other key, 403 for keys
//! starting with `forbidden-`, and it takes 30 s to answer keys starting with `slow-` (to
//! exercise the client's timeout). It records what it was sent.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::json;

/// One request the stand-in received.
#[derive(Debug, Clone)]
pub struct Received {
    /// The `Authorization` header.
    pub authorization: String,
    /// The `User-Agent` header.
    pub user_agent: String,
}

#[derive(Clone)]
struct Known {
    keys: Arc<Vec<(String, String)>>,
    received: Arc<Mutex<Vec<Received>>>,
}

/// A running stand-in.
pub struct StandIn {
    /// Its base URL, for `LEADRELAY_ACCULYNX_BASE_URL`.
    pub url: url::Url,
    received: Arc<Mutex<Vec<Received>>>,
    handle: ServerHandle,
}

impl StandIn {
    /// Starts a stand-in that knows these `(key, AccuLynx location name)` pairs.
    pub async fn start(keys: &[(&str, &str)]) -> StandIn {
        let known = Known {
            keys: Arc::new(
                keys.iter()
                    .map(|(key, name)| (key.to_string(), name.to_string()))
                    .collect(),
            ),
            received: Arc::new(Mutex::new(Vec::new())),
        };
        let received = known.received.clone();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(known.clone()))
                .route("/api/v2/company-settings", web::get().to(company_settings))
        })
        .listen(listener)
        .unwrap()
        .workers(1)
        .disable_signals()
        .shutdown_timeout(0)
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        StandIn {
            url: url::Url::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
            received,
            handle,
        }
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

fn problem(status: u16, title: &str) -> serde_json::Value {
    json!({"type": "about:blank", "title": title, "status": status, "detail": title, "traceId": "stand-in"})
}

async fn company_settings(req: HttpRequest, known: web::Data<Known>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let authorization = header("authorization");
    known.received.lock().unwrap().push(Received {
        authorization: authorization.clone(),
        user_agent: header("user-agent"),
    });
    let key = authorization.strip_prefix("Bearer ").unwrap_or_default();
    if key.starts_with("slow-") {
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
    if key.starts_with("forbidden-") {
        return HttpResponse::Forbidden().json(problem(403, "Not enough permissions"));
    }
    match known.keys.iter().find(|(k, _)| k == key) {
        Some((_, name)) => HttpResponse::Ok().json(json!({
            "id": "3f1c2a9e-0000-4000-8000-000000000001",
            "name": name,
            "timeZoneInfo": "Mountain Standard Time",
            "hasInsurance": false,
        })),
        None => {
            HttpResponse::Unauthorized().json(problem(401, "API Key is invalid or deactivated"))
        }
    }
}

/// A local port nothing listens on (bound, then released), for "AccuLynx is unreachable".
pub fn unused_port_url() -> url::Url {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    url::Url::parse(&format!("http://127.0.0.1:{port}")).unwrap()
}
