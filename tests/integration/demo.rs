//! `leadrelay demo` as a newcomer runs it: start it, sign in with what it printed, send a lead
//! with its curl line, stop it with Ctrl-C.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::history::{listed, page};
use crate::support::helpers::{init_tls, leadrelay_command, wait_until};
use crate::support::secrets::login_at_with;

/// A running `leadrelay demo` and what it printed up to its curl line.
struct Demo {
    child: Child,
    printed: Vec<String>,
    /// Standard error, collected by a thread until the process ends.
    stderr: mpsc::Receiver<String>,
}

impl Demo {
    fn start(cwd: &std::path::Path) -> Demo {
        let mut child = leadrelay_command()
            .args(["demo", "--bind", "127.0.0.1:0"])
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (lines_tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = lines_tx.send(line);
            }
        });
        let (stderr_tx, stderr) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = stderr_tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut printed = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => {
                    let done = line.starts_with("curl ");
                    printed.push(line);
                    if done {
                        break;
                    }
                }
                Err(_) => {
                    let errors: Vec<String> = stderr.try_iter().collect();
                    panic!(
                        "no curl line within 60 s; printed:\n{}\nstderr:\n{}",
                        printed.join("\n"),
                        errors.join("\n")
                    );
                }
            }
        }
        Demo {
            child,
            printed,
            stderr,
        }
    }

    /// The value printed after `label` ("Password          x" → "x").
    fn value(&self, label: &str) -> String {
        self.printed
            .iter()
            .find_map(|line| line.strip_prefix(label))
            .unwrap_or_else(|| panic!("no {label:?} line in\n{}", self.printed.join("\n")))
            .trim()
            .to_string()
    }

    fn curl_line(&self) -> &str {
        self.printed.last().unwrap()
    }

    fn interrupt(&self) {
        crate::support::helpers::interrupt(&self.child);
    }

    fn wait_for_exit(&mut self, limit: Duration) -> i32 {
        crate::support::helpers::wait_for_exit(&mut self.child, limit)
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The words of a shell line made of plain and single-quoted words.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut in_word = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                in_word = true;
            }
            ' ' if !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// What the curl line sends: its URL and its form fields.
fn curl_request(line: &str) -> (String, Vec<(String, String)>) {
    let words = shell_words(line);
    assert_eq!(words[0], "curl");
    let url = words
        .iter()
        .find(|word| word.starts_with("http"))
        .expect("a URL")
        .clone();
    let fields = words
        .windows(2)
        .filter(|pair| pair[0] == "--data-urlencode")
        .map(|pair| {
            let (name, value) = pair[1].split_once('=').expect("name=value");
            (name.to_string(), value.to_string())
        })
        .collect();
    (url, fields)
}

#[tokio::test]
async fn the_demo_prints_a_login_and_a_curl_line_that_work_and_ctrl_c_cleans_up() {
    init_tls();
    let cwd = tempfile::tempdir().unwrap();
    let cwd_path = cwd.path().to_path_buf();
    let mut demo = tokio::task::spawn_blocking(move || Demo::start(&cwd_path))
        .await
        .unwrap();
    let portal = demo.value("Portal").trim_end_matches('/').to_string();
    let email = demo.value("Sign in as");
    let password = demo.value("Password");
    let webhook_url = demo.value("Webhook URL");
    let sandbox_leads = demo.value("Sandbox leads");
    let sandbox_leads = sandbox_leads.split_whitespace().next().unwrap().to_string();
    let data = demo.value("Data");
    let data_dir = std::path::PathBuf::from(data.split_whitespace().next().unwrap());
    assert!(data_dir.join("leadrelay.db").exists());
    assert!(webhook_url.starts_with(&format!("{portal}/hooks/")));

    let admin = login_at_with(&portal, &email, &password).await;
    let leads = page(&admin, "/companies/demo-roofing/leads").await;
    assert_eq!(listed(&leads).len(), 4, "the four sample leads");
    for shown in ["Jane Cooper", "Marcus Reyes", "Nguyen"] {
        assert!(leads.contains(shown), "{shown} in the list");
    }
    for status in ["delivered", "rejected", "duplicate"] {
        assert!(
            leads.contains(&format!("badge-{status}")),
            "a {status} sample lead"
        );
    }

    // The rejected sample, corrected and resent as the README says, reaches the sandbox.
    let row = &leads[..leads.find("Nguyen").unwrap()];
    let rejected = row.rsplit("<tr data-lead=\"").next().unwrap();
    let rejected = rejected.split('"').next().unwrap();
    let response = admin
        .post(
            &format!("/leads/{rejected}/edit"),
            &[("firstName", "Linh"), ("lastName", "Nguyen")],
        )
        .await;
    assert_eq!(response.status(), 303, "edit and resend");
    let sandbox_has = |first_name: &'static str| {
        let url = sandbox_leads.clone();
        async move {
            let accepted: serde_json::Value =
                reqwest::get(&url).await.unwrap().json().await.unwrap();
            accepted
                .as_array()
                .unwrap()
                .iter()
                .any(|lead| lead["body"]["firstName"] == first_name)
        }
    };
    wait_until(
        "the corrected lead to reach the sandbox",
        Duration::from_secs(10),
        || sandbox_has("Linh"),
    )
    .await;

    let (url, fields) = curl_request(demo.curl_line());
    assert_eq!(url, webhook_url);
    let answer = reqwest::Client::new()
        .post(&url)
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    let answer: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(answer["status"], "queued");
    let leads = page(&admin, "/companies/demo-roofing/leads").await;
    assert_eq!(listed(&leads).len(), 5);
    assert!(listed(&leads).contains(&answer["lead_id"].as_str().unwrap().to_string()));
    // The sandbox gets it, as AccuLynx would.
    wait_until(
        "the curl lead to reach the sandbox",
        Duration::from_secs(10),
        || sandbox_has("Pat"),
    )
    .await;

    demo.interrupt();
    let code = tokio::task::spawn_blocking(move || {
        let code = demo.wait_for_exit(Duration::from_secs(15));
        let stderr: Vec<String> = demo.stderr.try_iter().collect();
        (code, stderr)
    })
    .await
    .unwrap();
    assert_eq!(code.0, 0, "exit code; stderr: {:?}", code.1);
    assert!(!data_dir.exists(), "{} is deleted", data_dir.display());
    assert_eq!(
        std::fs::read_dir(cwd.path()).unwrap().count(),
        0,
        "nothing is left in the working directory"
    );
}
