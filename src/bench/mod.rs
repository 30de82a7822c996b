//! `leadrelay bench`: the performance harness. Each benchmark measures a baseline in the
//! same run (what the machine does without leadrelay's work), so numbers from different
//! machines can be compared by their ratio. Results are printed as Markdown.

pub mod delivery;
pub mod intake;
pub mod load;
pub mod support;

/// `leadrelay bench`: the chosen benchmarks (all by default), as one Markdown table.
pub async fn run(args: crate::cli::BenchArgs) -> anyhow::Result<()> {
    let all = args.which.is_empty();
    let wants = |name: &str| all || args.which.iter().any(|w| w == name);
    if let Some(unknown) = args
        .which
        .iter()
        .find(|w| !["intake", "delivery"].contains(&w.as_str()))
    {
        anyhow::bail!("unknown benchmark {unknown:?}; choose intake or delivery");
    }
    println!("| benchmark | load | baseline (same run) | leadrelay |\n|---|---|---|---|");
    let databases: Vec<Option<&str>> = std::iter::once(None)
        .chain(args.postgres.as_deref().map(Some))
        .collect();
    for database in databases {
        if wants("intake") {
            let report = crate::bench::intake::run(args.leads, args.senders, database).await?;
            println!("{}", report.markdown());
        }
        if wants("delivery") {
            let report =
                crate::bench::delivery::run(args.leads, args.concurrency, database).await?;
            println!("{}", report.markdown());
        }
    }
    Ok(())
}
