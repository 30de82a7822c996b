//! `leadrelay` as separate processes: a server whose log says where it listens, and a
//! worker on a test application's database.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::Duration;

use diesel::prelude::*;
use leadrelay::db::schema::leads;

use crate::support::delivery::worker_command;
use crate::support::helpers::{TestApp, leadrelay_command};

/// A `leadrelay` process whose log says where it listens.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
}

impl Server {
    /// Starts `leadrelay` (serve) in `dir` with these variables, on a free port; returns once
    /// it logs that it is serving.
    pub fn start(dir: &std::path::Path, vars: &[(&str, &str)]) -> Server {
        let mut child = leadrelay_command()
            .envs(vars.iter().copied())
            .env("LEADRELAY_BIND", "127.0.0.1:0")
            .env("LEADRELAY_LOG_FORMAT", "json")
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads the log to its end, so a busy server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(json) = serde_json::from_str::<serde_json::Value>(&line)
                    && json["fields"]["message"] == "leadrelay is serving"
                {
                    let _ = tx.send(Ok(json["fields"]["url"].as_str().unwrap_or("").to_string()));
                } else if line.contains("error") && !line.starts_with('{') {
                    let _ = tx.send(Err(line));
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(url)) => Server {
                child,
                url: url.trim_end_matches('/').to_string(),
            },
            Ok(Err(line)) => panic!("leadrelay failed to start: {line}"),
            Err(_) => panic!("leadrelay did not start within 60 s"),
        }
    }

    /// The status of a GET of `path`.
    pub fn get(&self, path: &str) -> u16 {
        http_status_of(&format!("{}{path}", self.url))
    }

    /// Sends Ctrl-C.
    pub fn interrupt(&self) {
        crate::support::helpers::interrupt(&self.child);
    }

    /// Waits for the process to exit; its exit code.
    pub fn wait_for_exit(&mut self, limit: Duration) -> i32 {
        crate::support::helpers::wait_for_exit(&mut self.child, limit)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny blocking GET returning the status (usable without a runtime).
pub fn http_status_of(url: &str) -> u16 {
    let url = url::Url::parse(url).unwrap();
    let address = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    use std::io::{Read, Write};
    write!(
        stream,
        "GET {} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        url.path()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// Starts `leadrelay worker` on the app's database, delivering to `sandbox_url` with these
/// parallel deliveries, a 1 s timeout and no rate limit of its own.
pub fn start_worker(app: &TestApp, sandbox_url: &str, concurrency: usize) -> Child {
    worker_command(app, sandbox_url)
        .env("LEADRELAY_ACCULYNX_RATE_PER_KEY", "100000")
        .env("LEADRELAY_ACCULYNX_RATE_GLOBAL", "100000")
        .env("LEADRELAY_DELIVERY_TIMEOUT", "1s")
        .env("LEADRELAY_DELIVERY_CONCURRENCY", concurrency.to_string())
        .spawn()
        .unwrap()
}

/// How many leads are leased (claimed by a worker and not given back).
pub fn leased(app: &TestApp) -> i64 {
    leads::table
        .filter(leads::lease_owner.is_not_null())
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

/// SIGKILL: the process gets no chance to give anything back.
pub fn kill(child: &mut Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}
