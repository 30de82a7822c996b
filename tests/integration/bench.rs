//! `leadrelay bench all --json` at tiny counts: every benchmark runs end to end (real
//! application, sandbox, `leadrelay serve` children, bulk seeding) and prints one well-formed
//! JSON object; the Markdown table still prints. The figures themselves are not judged here
//! (the machine of a test run is not quiet); `docs/BENCHMARKS.md` has them.
//!
//! Without `LEADRELAY_TEST_DATABASE_URL` this runs on SQLite; with it, on SQLite and on the
//! PostgreSQL server the URL points to (the bench creates and drops its own databases there).

use serde_json::Value;

use crate::support::helpers::{leadrelay_command, postgres_admin_url as test_database_url};

const SCENARIOS: [&str; 8] = [
    "intake",
    "sustained",
    "soak",
    "delivery",
    "intake_while_delivering",
    "history",
    "csv_export",
    "idle_rss",
];

fn bench(args: &[&str]) -> std::process::Output {
    let mut command = leadrelay_command();
    command.arg("bench").args(args);
    if let Some(url) = test_database_url() {
        command.args(["--postgres", &url]);
    }
    command.output().unwrap()
}

#[test]
fn bench_all_prints_one_json_object_per_benchmark_and_backend() {
    let output = bench(&[
        "all",
        "--json",
        "--leads",
        "300",
        "--senders",
        "4",
        "--concurrency",
        "4",
        "--seconds",
        "2",
        "--sustained-seconds",
        "1",
        "--history-leads",
        "3000",
        "--export-leads",
        "2500",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "bench failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let backends: Vec<&str> = if test_database_url().is_some() {
        vec!["sqlite", "postgres"]
    } else {
        vec!["sqlite"]
    };
    assert_eq!(rows.len(), SCENARIOS.len() * backends.len(), "{stdout}");
    for backend in backends {
        for scenario in SCENARIOS {
            let row = rows
                .iter()
                .find(|row| row["scenario"] == scenario && row["backend"] == backend)
                .unwrap_or_else(|| panic!("no {scenario} on {backend}: {stdout}"));
            assert!(row["met"].is_boolean(), "{row}");
            assert!(
                row["target"].as_str().is_some_and(|t| !t.is_empty()),
                "{row}"
            );
            assert!(row["measured"].is_object(), "{row}");
            assert!(row.get("error").is_none(), "{row}");
        }
        let row = |scenario: &str| {
            rows.iter()
                .find(|row| row["scenario"] == scenario && row["backend"] == backend)
                .unwrap()
        };
        let intake = row("intake");
        assert!(intake["measured"]["per_second"].as_f64().unwrap() > 0.0);
        assert!(intake["baseline"]["per_second"].as_f64().unwrap() > 0.0);
        assert!(intake["ratio"].as_f64().unwrap() > 0.0);
        let windows = row("soak")["measured"]["windows"]
            .as_array()
            .unwrap()
            .clone();
        assert!(!windows.is_empty());
        let soaked: u64 = windows
            .iter()
            .map(|w| w["requests"].as_u64().unwrap())
            .sum();
        assert_eq!(
            soaked,
            row("soak")["measured"]["leads"].as_f64().unwrap() as u64
        );
        let delivering = &row("intake_while_delivering")["measured"];
        assert!(delivering["leads_posted"].as_f64().unwrap() > 0.0);
        let history = &row("history")["measured"];
        for page in ["list", "filter", "search", "dashboard"] {
            assert!(history[format!("{page}_p95_ms")].as_f64().unwrap() > 0.0);
        }
        let export = &row("csv_export")["measured"];
        // A header line and one line per lead, at least.
        assert!(export["csv_lines"].as_f64().unwrap() >= 2501.0, "{export}");
        assert!(row("idle_rss")["measured"]["rss_mib"].as_f64().unwrap() > 1.0);
    }
}

#[test]
fn bench_without_json_prints_the_markdown_table() {
    let output = bench(&["idle_rss"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.starts_with("| benchmark | load | baseline (same run) | leadrelay | target |"));
    assert!(stdout.contains("| idle_rss (sqlite) |"), "{stdout}");
    assert!(stdout.contains("MiB** resident"), "{stdout}");
}
