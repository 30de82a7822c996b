//! `leadrelay bench`: the performance harness. Each benchmark measures a baseline in the
//! same run where one exists (what the machine does without leadrelay's work), so numbers
//! from different machines can be compared by their ratio. Results are printed as a Markdown
//! table, or with `--json` as one JSON object per benchmark and backend, one per line, each
//! with its target and whether it was met (`docs/BENCHMARKS.md`).

pub mod app;
pub mod child;
pub mod delivery;
pub mod history;
pub mod intake;
pub mod load;
pub mod memory;
pub mod mixed;
pub mod report;
pub mod seed;
pub mod support;
pub mod sustained;
pub mod timed;
pub mod window;

use std::io::Write as _;

use crate::bench::report::{HEADER, Row};

/// Every benchmark, in the order `bench all` runs them on each backend.
pub const SCENARIOS: [&str; 8] = [
    "intake",
    "sustained",
    "soak",
    "delivery",
    "intake_while_delivering",
    "history",
    "csv_export",
    "idle_rss",
];
/// Seconds of the soak inside `bench all` (kept short so `all` stays within minutes).
const SOAK_IN_ALL: u64 = 20;

/// The benchmarks a command line names: `all`, some names, or intake and delivery.
pub fn chosen(which: &[String]) -> anyhow::Result<Vec<&'static str>> {
    if let Some(unknown) = which
        .iter()
        .find(|w| w.as_str() != "all" && !SCENARIOS.contains(&w.as_str()))
    {
        anyhow::bail!(
            "unknown benchmark {unknown:?}; choose all or some of {}",
            SCENARIOS.join(", ")
        );
    }
    Ok(if which.is_empty() {
        vec!["intake", "delivery"]
    } else if which.iter().any(|w| w == "all") {
        SCENARIOS.to_vec()
    } else {
        SCENARIOS
            .iter()
            .copied()
            .filter(|name| which.iter().any(|w| w == name))
            .collect()
    })
}

/// `leadrelay bench`: the chosen benchmarks on SQLite, then on PostgreSQL when given.
pub async fn run(args: crate::cli::BenchArgs) -> anyhow::Result<()> {
    let chosen = chosen(&args.which)?;
    // Every scenario builds HTTP clients (some before any AccuLynx client would).
    crate::acculynx::client::install_tls_provider();
    let in_all = args.which.iter().any(|w| w == "all");
    let soak_seconds = args
        .seconds
        .unwrap_or(if in_all { SOAK_IN_ALL } else { 300 });
    if !args.json {
        println!("{HEADER}");
    }
    let databases: Vec<Option<&str>> = std::iter::once(None)
        .chain(args.postgres.as_deref().map(Some))
        .collect();
    let mut details = Vec::new();
    let mut failures = Vec::new();
    for database in databases {
        for name in &chosen {
            let result = match *name {
                "intake" => crate::bench::intake::run(args.leads, args.senders, database)
                    .await
                    .map(|report| report.row()),
                "sustained" => {
                    crate::bench::sustained::sustained(
                        args.leads,
                        args.senders,
                        args.sustained_seconds,
                        database,
                    )
                    .await
                }
                "soak" => crate::bench::sustained::soak(args.senders, soak_seconds, database).await,
                "delivery" => crate::bench::delivery::run(args.leads, args.concurrency, database)
                    .await
                    .map(|report| report.row()),
                "intake_while_delivering" => {
                    crate::bench::mixed::run(args.senders, args.sustained_seconds, database).await
                }
                "history" => crate::bench::history::run(args.history_leads, database).await,
                "csv_export" => crate::bench::memory::csv_export(args.export_leads, database).await,
                _ => crate::bench::memory::idle_rss(database).await,
            };
            let backend = if database.is_some() {
                "postgres"
            } else {
                "sqlite"
            };
            match result {
                Ok(row) => {
                    print_row(&row, args.json);
                    details.extend(row.details);
                }
                Err(err) => {
                    let error = format!("{err:#}");
                    if args.json {
                        println!(
                            "{}",
                            serde_json::json!({"scenario": name, "backend": backend, "error": error, "met": false})
                        );
                    } else {
                        println!(
                            "| {name} ({backend}) | — | — | failed: {error} | — | **not met** |"
                        );
                    }
                    failures.push(format!("{name} ({backend}): {error}"));
                }
            }
            let _ = std::io::stdout().flush();
        }
    }
    if !args.json {
        for detail in details {
            print!("{detail}");
        }
    }
    anyhow::ensure!(
        failures.is_empty(),
        "{} benchmark(s) failed: {}",
        failures.len(),
        failures.join("; ")
    );
    Ok(())
}

fn print_row(row: &Row, json: bool) {
    if json {
        println!("{}", row.json());
    } else {
        println!("{}", row.markdown());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_string()).collect()
    }

    #[test]
    fn no_name_means_intake_and_delivery_and_all_means_every_benchmark() {
        assert_eq!(chosen(&[]).unwrap(), ["intake", "delivery"]);
        assert_eq!(chosen(&names(&["all"])).unwrap(), SCENARIOS.to_vec());
        assert_eq!(
            chosen(&names(&["idle_rss", "soak"])).unwrap(),
            ["soak", "idle_rss"]
        );
        assert!(chosen(&names(&["wrk"])).is_err());
    }
}
