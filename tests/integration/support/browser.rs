//! Browser tests: real headless Chromium driven through chromedriver (WebDriver).
//!
//! Each [`Browser`] owns its chromedriver process (in a process group of its own, so Chromium
//! goes with it) and a fresh profile directory. Tests run in parallel on few cores, so a
//! process-wide semaphore caps how many browsers live at once. Without Chromium installed the
//! tests are skipped with a printed reason, except in CI, where that is a failure.

#![allow(dead_code)]

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Browsers alive at once across the test binary.
const MAX_BROWSERS: usize = 2;
/// How long a page may take to show what a test waits for.
const WAIT: Duration = Duration::from_secs(10);
/// How long chromedriver may take to start listening.
const DRIVER_START: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

/// A headless Chromium session. Dropping it kills chromedriver and Chromium.
pub struct Browser {
    /// The WebDriver client, for anything the helpers below do not cover.
    pub client: Client,
    driver: Driver,
    // Released only after the processes are gone (fields drop in order).
    _permit: OwnedSemaphorePermit,
}

/// The chromedriver process group and the profile directory it gave Chromium.
struct Driver {
    process: Child,
    profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver leads its own process group, which Chromium's processes inherit.
        let group = format!("-{}", self.process.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Browser {
    /// Starts chromedriver and a headless Chromium. `None` (after printing why) when they are
    /// not installed, unless `CI=true`, where a missing browser fails the test.
    pub async fn start() -> Option<Browser> {
        if let Some(missing) = [CHROMIUM, CHROMEDRIVER]
            .into_iter()
            .find(|path| !Path::new(path).exists())
        {
            let reason =
                format!("{missing} is not installed (apt-get install chromium chromium-driver)");
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("browser tests must run in CI, but {reason}");
            }
            eprintln!("skipped: {reason}");
            return None;
        }
        let permit = semaphore()
            .acquire_owned()
            .await
            .expect("the browser semaphore is never closed");
        let (driver, port) = start_driver().await;
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities(driver.profile.path()))
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|err| panic!("Chromium did not start through chromedriver: {err}"));
        Some(Browser {
            client,
            driver,
            _permit: permit,
        })
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|err| panic!("cannot open {url}: {err}"));
    }

    /// Clears the field matching `css`, then types `text` into it.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        field
            .clear()
            .await
            .unwrap_or_else(|err| panic!("cannot clear `{css}`: {err}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|err| panic!("cannot type into `{css}`: {err}"));
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|err| panic!("cannot click `{css}`: {err}"));
    }

    /// The visible text of the element matching `css`. A page that reloads itself can swap the
    /// element between finding it and reading it; then it is found again (10 s at most).
    pub async fn text(&self, css: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.wait_for(css).await.text().await {
                Ok(text) => return text,
                Err(err) if err.is_stale_element_reference() && Instant::now() < deadline => {}
                Err(err) => panic!("cannot read the text of `{css}`: {err}"),
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The first element matching `css`, polling until it exists (10 s at most).
    pub async fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => return element,
                Err(err) if !err.is_no_such_element() => {
                    panic!("cannot look for `{css}`: {err}")
                }
                Err(_) => {}
            }
            if Instant::now() >= deadline {
                panic!(
                    "no element matches `{css}` on {} after {} s",
                    self.current_path().await,
                    WAIT.as_secs()
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the page's visible text contains `needle` (10 s at most).
    pub async fn wait_for_text(&self, needle: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let body = self.body_text().await;
            if body.contains(needle) {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "the page {} does not show {needle:?} after {} s; it shows:\n{body}",
                    self.current_path().await,
                    WAIT.as_secs()
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The path of the current page (`/companies/acme`), without query or fragment.
    pub async fn current_path(&self) -> String {
        self.client.current_url().await.map_or_else(
            |err| panic!("cannot read the current URL: {err}"),
            |url| url.path().to_owned(),
        )
    }

    /// Saves a PNG of the viewport to `path`.
    pub async fn screenshot(&self, path: &Path) {
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|err| panic!("cannot take a screenshot: {err}"));
        std::fs::write(path, png)
            .unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
    }

    /// The console messages of level SEVERE since the last call: script errors, failed
    /// loads and Content-Security-Policy violations.
    pub async fn console_errors(&self) -> Vec<String> {
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .unwrap_or_else(|err| panic!("cannot read the browser console: {err}"));
        log.as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Ends the session (Chromium exits), then stops chromedriver.
    pub async fn close(self) {
        let Browser {
            client,
            driver,
            _permit,
        } = self;
        let _ = client.close().await;
        drop(driver);
    }

    async fn body_text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }
}

fn semaphore() -> Arc<Semaphore> {
    static BROWSERS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    BROWSERS
        .get_or_init(|| Arc::new(Semaphore::new(MAX_BROWSERS)))
        .clone()
}

fn capabilities(profile: &Path) -> Capabilities {
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        // Without these, Chromium's background connections are refused on a closed network
        // and page loads stall behind them.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    match capabilities {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

/// Starts chromedriver on a free port and waits until it reports ready. A port taken between
/// choosing and binding it makes chromedriver exit; then another port is tried.
async fn start_driver() -> (Driver, u16) {
    let mut last_failure = String::new();
    for _ in 0..3 {
        let port = free_port();
        let profile = tempfile::tempdir().expect("a temp dir for the Chromium profile");
        let process = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {CHROMEDRIVER}: {err}"));
        let mut driver = Driver { process, profile };
        match wait_until_ready(&mut driver, port).await {
            Ok(()) => return (driver, port),
            Err(failure) => last_failure = failure,
        }
    }
    panic!("chromedriver did not start: {last_failure}");
}

async fn wait_until_ready(driver: &mut Driver, port: u16) -> Result<(), String> {
    let status_url = format!("http://127.0.0.1:{port}/status");
    crate::support::helpers::init_tls();
    let http = reqwest::Client::new();
    let deadline = Instant::now() + DRIVER_START;
    loop {
        if let Ok(Some(exit)) = driver.process.try_wait() {
            return Err(format!("it exited with {exit} (port {port})"));
        }
        if let Ok(response) = http.get(&status_url).send().await {
            let status: serde_json::Value = response.json().await.unwrap_or_default();
            if status["value"]["ready"] == true {
                return Ok(());
            }
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "{status_url} did not report ready within {} s",
                DRIVER_START.as_secs()
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free local port")
}

/// chromedriver's `POST /session/{id}/se/log` for the browser console.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (reqwest::Method, Option<String>) {
        (
            reqwest::Method::POST,
            Some(r#"{"type":"browser"}"#.to_owned()),
        )
    }
}
