//! One result per scenario: what was measured, the baseline of the same run, the target and
//! whether it was met; printed as one JSON object on one line (`--json`) or as a Markdown row.

use serde_json::{Map, Value, json};

/// The result of one scenario on one backend.
#[derive(Debug, Clone)]
pub struct Row {
    /// The scenario's name (`intake`, `sustained`, …).
    pub scenario: &'static str,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The load, in words ("30000 leads, 64 senders").
    pub load: String,
    /// The measured figures (milliseconds end in `_ms`, rates in `_per_second`).
    pub measured: Map<String, Value>,
    /// The baseline measured in the same run, where the scenario has one.
    pub baseline: Option<Map<String, Value>>,
    /// Measured ÷ baseline (or the ratio the target speaks of).
    pub ratio: Option<f64>,
    /// The target, in words.
    pub target: String,
    /// Whether the target was met.
    pub met: bool,
    /// The Markdown cells for the baseline and the measured figures.
    pub cells: (String, String),
    /// Lines printed under the table (per-window figures of a soak).
    pub details: Option<String>,
}

impl Row {
    /// The JSON object of this row.
    pub fn json(&self) -> Value {
        json!({
            "scenario": self.scenario,
            "backend": self.backend,
            "load": self.load,
            "measured": self.measured,
            "baseline": self.baseline,
            "ratio": self.ratio.map(|ratio| (ratio * 10_000.0).round() / 10_000.0),
            "target": self.target,
            "met": self.met,
        })
    }

    /// The Markdown row (see [`HEADER`]).
    pub fn markdown(&self) -> String {
        format!(
            "| {} ({}) | {} | {} | {} | {} | {} |",
            self.scenario,
            self.backend,
            self.load,
            self.cells.0,
            self.cells.1,
            self.target,
            if self.met { "met" } else { "**not met**" }
        )
    }
}

/// The Markdown table's head.
pub const HEADER: &str =
    "| benchmark | load | baseline (same run) | leadrelay | target | |\n|---|---|---|---|---|---|";

/// A JSON map from pairs; numbers are rounded to two decimals.
pub fn figures(pairs: &[(&str, f64)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_string(), json!((value * 100.0).round() / 100.0)))
        .collect()
}

/// Milliseconds of a duration, as a float.
pub fn millis(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Row {
        Row {
            scenario: "intake",
            backend: "sqlite",
            load: "100 leads, 4 senders".to_string(),
            measured: figures(&[("per_second", 1234.567), ("p99_ms", 2.346)]),
            baseline: Some(figures(&[("per_second", 10_000.0)])),
            ratio: Some(0.123_456_7),
            target: "≥ 18% of the bare handler".to_string(),
            met: false,
            cells: ("10000 req/s".to_string(), "1235 leads/s".to_string()),
            details: None,
        }
    }

    #[test]
    fn a_row_is_one_json_object_on_one_line_with_every_field() {
        let text = row().json().to_string();
        assert!(!text.contains('\n'));
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["scenario"], "intake");
        assert_eq!(value["backend"], "sqlite");
        assert_eq!(value["measured"]["per_second"], 1234.57);
        assert_eq!(value["measured"]["p99_ms"], 2.35);
        assert_eq!(value["baseline"]["per_second"], 10000.0);
        assert_eq!(value["ratio"], 0.1235);
        assert_eq!(value["met"], false);
        assert_eq!(value["target"], "≥ 18% of the bare handler");
    }

    #[test]
    fn a_row_without_baseline_says_null_and_markdown_says_met() {
        let mut row = row();
        row.baseline = None;
        row.ratio = None;
        row.met = true;
        let value = row.json();
        assert!(value["baseline"].is_null() && value["ratio"].is_null());
        assert!(
            row.markdown()
                .starts_with("| intake (sqlite) | 100 leads, 4 senders |")
        );
        assert!(row.markdown().ends_with("| met |"));
    }
}
