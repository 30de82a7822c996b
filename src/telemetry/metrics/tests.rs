use chrono::{NaiveDate, TimeDelta};

use super::*;

fn at(seconds: i64) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 27)
        .and_then(|day| day.and_hms_opt(12, 0, 0))
        .unwrap()
        + TimeDelta::seconds(seconds)
}

/// The value of the sample with exactly this name and labels.
fn value_of(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (name, value) = line.rsplit_once(' ')?;
            (name == series).then(|| value.parse().unwrap())
        })
}

#[test]
fn an_observation_lands_in_the_first_bucket_it_does_not_exceed() {
    let histogram = Histogram::default();
    histogram.observe(Duration::from_millis(5)); // on the bound: le="0.005"
    histogram.observe(Duration::from_micros(5_001)); // just above: le="0.01"
    histogram.observe(Duration::from_millis(300)); // le="0.5"
    histogram.observe(Duration::from_secs(30)); // the last bound
    histogram.observe(Duration::from_secs(31)); // above them all: +Inf only
    let buckets = histogram.cumulative();
    let count = |le: &str| buckets.iter().find(|(label, _)| *label == le).unwrap().1;
    assert_eq!(buckets.len(), 14);
    assert_eq!(count("0.005"), 1);
    assert_eq!(count("0.01"), 2);
    assert_eq!(count("0.25"), 2);
    assert_eq!(count("0.5"), 3);
    assert_eq!(count("15"), 3);
    assert_eq!(count("30"), 4);
    assert_eq!(count("+Inf"), 5);
    assert!((histogram.sum_seconds() - 61.310_001).abs() < 1e-9);
    // Cumulative: never decreasing.
    assert!(buckets.windows(2).all(|pair| pair[0].1 <= pair[1].1));
}

#[test]
fn the_exposition_has_every_family_and_parses_line_by_line() {
    let metrics = Metrics::default();
    metrics.lead_received(LeadStatus::Queued);
    metrics.lead_received(LeadStatus::Queued);
    metrics.lead_received(LeadStatus::Duplicate);
    metrics.lead_received(LeadStatus::Delivered);
    metrics.delivery_recorded(AttemptOutcome::RateLimited);
    metrics.attempt_finished(Duration::from_millis(20));
    metrics.rate_limit_waited(Duration::from_millis(250));
    let queue = QueueDepth {
        queued: 4,
        retrying: 2,
        held: 1,
        oldest_due: Some(at(-90)),
    };
    let body = metrics.render(Some(&queue), at(0));
    for line in body.lines() {
        if let Some(comment) = line.strip_prefix("# ") {
            assert!(
                comment.starts_with("HELP leadrelay_") || comment.starts_with("TYPE leadrelay_"),
                "{line}"
            );
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
        let name = series.split('{').next().unwrap();
        assert!(
            name.starts_with("leadrelay_")
                && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{line}"
        );
    }
    let expect = [
        ("leadrelay_database_up", 1.0),
        (r#"leadrelay_leads_received_total{status="queued"}"#, 2.0),
        (r#"leadrelay_leads_received_total{status="duplicate"}"#, 1.0),
        (r#"leadrelay_leads_received_total{status="held"}"#, 0.0),
        (r#"leadrelay_deliveries_total{outcome="rate_limited"}"#, 1.0),
        (
            r#"leadrelay_delivery_attempt_seconds_bucket{le="0.01"}"#,
            0.0,
        ),
        (
            r#"leadrelay_delivery_attempt_seconds_bucket{le="0.025"}"#,
            1.0,
        ),
        ("leadrelay_delivery_attempt_seconds_count", 1.0),
        ("leadrelay_delivery_attempt_seconds_sum", 0.02),
        ("leadrelay_rate_limit_waits_total", 1.0),
        ("leadrelay_rate_limit_wait_seconds_total", 0.25),
        (r#"leadrelay_queue_depth{status="queued"}"#, 4.0),
        (r#"leadrelay_queue_depth{status="retrying"}"#, 2.0),
        (r#"leadrelay_queue_depth{status="held"}"#, 1.0),
        ("leadrelay_queue_oldest_due_seconds", 90.0),
    ];
    for (series, wanted) in expect {
        assert_eq!(value_of(&body, series), Some(wanted), "{series} in\n{body}");
    }
    assert!(body.contains(&format!(
        "leadrelay_build_info{{version=\"{}\"}} 1\n",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(body.contains("# TYPE leadrelay_delivery_attempt_seconds histogram\n"));
}

#[test]
fn without_the_database_the_counters_remain_and_the_queue_is_left_out() {
    let metrics = Metrics::default();
    metrics.lead_received(LeadStatus::Held);
    let body = metrics.render(None, at(0));
    assert_eq!(value_of(&body, "leadrelay_database_up"), Some(0.0));
    assert_eq!(
        value_of(&body, r#"leadrelay_leads_received_total{status="held"}"#),
        Some(1.0)
    );
    assert!(!body.contains("leadrelay_queue_depth"), "{body}");
    assert!(!body.contains("leadrelay_queue_oldest_due_seconds"));
}

#[test]
fn a_lead_due_in_the_future_is_not_overdue() {
    let queue = QueueDepth {
        retrying: 1,
        oldest_due: Some(at(60)),
        ..QueueDepth::default()
    };
    let body = Metrics::default().render(Some(&queue), at(0));
    assert_eq!(
        value_of(&body, "leadrelay_queue_oldest_due_seconds"),
        Some(0.0)
    );
}
