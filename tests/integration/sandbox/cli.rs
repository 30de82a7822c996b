//! `leadrelay sandbox` as a newcomer runs it.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::helpers::leadrelay_command;

#[test]
fn sandbox_help_explains_every_flag() {
    let output = leadrelay_command()
        .args(["sandbox", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout).to_lowercase();
    for needle in [
        "--bind",
        "127.0.0.1:9090",
        "--key",
        "LOCATION NAME",
        "--fail-rate",
        "500",
        "--latency",
        "milliseconds",
        "--rate-limits",
        "Retry-After",
        "LEADRELAY_ACCULYNX_BASE_URL",
        "/sandbox/leads",
    ] {
        let needle = needle.to_lowercase();
        assert!(help.contains(&needle), "{needle} in {help}");
    }
}

#[test]
fn a_bad_sandbox_flag_exits_2_with_one_line_naming_it() {
    let cases: [(&[&str], &str); 6] = [
        (&["--fail-rate", "1.5"], "--fail-rate"),
        (&["--fail-rate", "often"], "--fail-rate"),
        (&["--latency", "slow"], "--latency"),
        (&["--rate-limits", "maybe"], "--rate-limits"),
        (&["--bind", "nowhere"], "--bind"),
        (&["--key", "=Denver"], "--key"),
    ];
    for (args, flag) in cases {
        let output = leadrelay_command()
            .arg("sandbox")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line for {args:?}, got: {stderr}");
        assert!(lines[0].starts_with(&format!("error: {flag}")), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

/// A `leadrelay sandbox` process and the URL it printed.
struct SandboxProcess {
    child: Child,
    url: String,
}

impl SandboxProcess {
    fn start(args: &[&str]) -> Self {
        let mut child = leadrelay_command()
            .arg("sandbox")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the sandbox prints its URL");
        SandboxProcess {
            child,
            url: url.trim().to_string(),
        }
    }

    fn interrupt(&self) {
        crate::support::helpers::interrupt(&self.child);
    }

    fn wait_for_exit(&mut self, limit: Duration) -> i32 {
        crate::support::helpers::wait_for_exit(&mut self.child, limit)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn the_sandbox_command_serves_its_keys_until_ctrl_c_and_exits_0() {
    let key = "cli-sandbox-key-93b1";
    let mut process = SandboxProcess::start(&[
        "--bind",
        "127.0.0.1:0",
        "--key",
        &format!("{key}=Denver Office"),
        "--rate-limits",
        "off",
    ]);
    assert!(
        process.url.starts_with("http://127.0.0.1:"),
        "{}",
        process.url
    );
    let client = super::client();
    let settings: Value = client
        .get(format!("{}/api/v2/company-settings", process.url))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(settings["name"], "Denver Office");
    let lead = json!({"firstName": "Jane"});
    let url = format!("{}/api/v1/leads", process.url);
    let accepted = client
        .post(&url)
        .bearer_auth(key)
        .json(&lead)
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 202);
    let refused = client
        .post(&url)
        .bearer_auth("other")
        .json(&lead)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let listed: Vec<Value> = client
        .get(format!("{}/sandbox/leads", process.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["body"], lead);

    process.interrupt();
    assert_eq!(process.wait_for_exit(Duration::from_secs(10)), 0);
    let mut stderr = String::new();
    process
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("sandbox"), "it says what it is: {stderr}");
    assert!(!stderr.contains(key), "the key is never logged: {stderr}");
}
