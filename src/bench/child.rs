//! A `leadrelay serve` child process for the scenarios that measure a real server from the
//! outside: its memory (read from `/proc/<pid>/status`) and pages fetched by a signed-in user.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::crypto::master_key::MasterKey;
use crate::db::DatabaseUrl;

/// A running `leadrelay serve`, killed when dropped.
pub struct ChildServer {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

/// Resident memory of a process, in KiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// `VmRSS`: resident now.
    pub rss_kib: u64,
    /// `VmHWM`: the most ever resident.
    pub hwm_kib: u64,
}

impl ChildServer {
    /// Starts this binary as `leadrelay serve` on `database` (already migrated and seeded) and
    /// waits until `/readyz` answers 200. `worker` says whether its delivery worker runs.
    pub async fn start(
        database: &DatabaseUrl,
        master_key: &MasterKey,
        worker: bool,
    ) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let url = match database {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => url.expose().clone(),
        };
        let mut command = Command::new(std::env::current_exe()?);
        command.arg("serve");
        if !worker {
            command.arg("--no-worker");
        }
        let child = command
            .env("LEADRELAY_DATABASE_URL", url)
            .env("LEADRELAY_MASTER_KEY", master_key.to_base64())
            .env("LEADRELAY_BIND", format!("127.0.0.1:{port}"))
            .env("LEADRELAY_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            // Nothing may leave the machine: the worker sends to a closed local port.
            .env("LEADRELAY_ACCULYNX_BASE_URL", "http://127.0.0.1:9")
            .env("LEADRELAY_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .context("while starting leadrelay serve")?;
        let mut server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(response) = http.get(format!("{}/readyz", server.base)).send().await
                && response.status() == 200
            {
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                anyhow::bail!("leadrelay serve exited with {status}");
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "leadrelay serve was not ready in 60 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The child's memory now.
    pub fn memory(&self) -> anyhow::Result<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .context("while reading the server's /proc status")?;
        parse_status(&status)
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `VmRSS` and `VmHWM` of a `/proc/<pid>/status` text.
pub fn parse_status(status: &str) -> anyhow::Result<Memory> {
    let field = |name: &str| -> anyhow::Result<u64> {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("no {name} in the process status"))
    };
    Ok(Memory {
        rss_kib: field("VmRSS:")?,
        hwm_kib: field("VmHWM:")?,
    })
}

/// A signed-in browser-like session: the session cookie and nothing else.
pub struct SignedIn {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl SignedIn {
    /// Signs in at `base` as `email` through the login form (CSRF token and cookie included).
    pub async fn login(base: &str, email: &str, password: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let form = http.get(format!("{base}/login")).send().await?;
        let anonymous = cookie_of(&form, crate::http::csrf::ANONYMOUS_COOKIE)
            .context("the login page set no CSRF cookie")?;
        let html = form.text().await?;
        let marker = "name=\"csrf_token\" value=\"";
        let start = html
            .find(marker)
            .context("the login page has no CSRF field")?
            + marker.len();
        let csrf = html[start..].split('"').next().unwrap_or_default();
        let body = serde_urlencoded::to_string([
            ("email", email),
            ("password", password),
            ("csrf_token", csrf),
        ])?;
        let answer = http
            .post(format!("{base}/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(
                "cookie",
                format!("{}={anonymous}", crate::http::csrf::ANONYMOUS_COOKIE),
            )
            .body(body)
            .send()
            .await?;
        anyhow::ensure!(
            answer.status() == 303,
            "sign-in answered {}",
            answer.status()
        );
        let session = cookie_of(&answer, crate::http::csrf::SESSION_COOKIE)
            .context("sign-in set no session cookie")?;
        Ok(Self {
            http,
            base: base.to_string(),
            cookie: format!("{}={session}", crate::http::csrf::SESSION_COOKIE),
        })
    }

    /// GETs `path` signed in; an error unless it answers 200.
    async fn get_ok(&self, path: &str) -> anyhow::Result<reqwest::Response> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await?;
        anyhow::ensure!(
            response.status() == 200,
            "GET {path} answered {}",
            response.status()
        );
        Ok(response)
    }

    /// GETs `path`, which must answer 200; the body's size in bytes and the time to read it
    /// whole.
    pub async fn get(&self, path: &str) -> anyhow::Result<(usize, Duration)> {
        let started = Instant::now();
        let body = self.get_ok(path).await?.bytes().await?;
        Ok((body.len(), started.elapsed()))
    }

    /// GETs `path` as a stream, calling `chunk` with each piece as it arrives.
    pub async fn stream(
        &self,
        path: &str,
        mut chunk: impl FnMut(&[u8]),
    ) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let mut response = self.get_ok(path).await?;
        while let Some(piece) = response.chunk().await? {
            chunk(&piece);
        }
        Ok(started.elapsed())
    }
}

fn cookie_of(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix(&format!("{name}=")).map(str::to_string))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_process_status_gives_resident_and_peak_memory() {
        let status =
            "Name:\tleadrelay\nVmPeak:\t  900000 kB\nVmHWM:\t   31000 kB\nVmRSS:\t   29500 kB\n";
        assert_eq!(
            parse_status(status).unwrap(),
            Memory {
                rss_kib: 29_500,
                hwm_kib: 31_000
            }
        );
        assert!(parse_status("Name:\tx\n").is_err());
    }
}
