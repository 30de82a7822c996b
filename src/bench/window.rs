//! Per-window figures of a timed run: each request's start (since the run began) and latency
//! are grouped into fixed windows by when they finished.

use std::time::Duration;

use crate::bench::support::percentile;

/// One request of a timed run.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// When it was sent, since the run started.
    pub sent: Duration,
    /// How long its answer took.
    pub latency: Duration,
}

/// The figures of one window.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Seconds since the run started, where the window begins.
    pub start_seconds: u64,
    /// Requests answered within the window.
    pub requests: usize,
    /// Requests answered per second within the window.
    pub per_second: f64,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Slowest answer.
    pub max: Duration,
}

/// Latency figures of a set of samples: (p50, p99, max).
pub fn latencies(samples: &[Sample]) -> (Duration, Duration, Duration) {
    let mut sorted: Vec<Duration> = samples.iter().map(|s| s.latency).collect();
    sorted.sort();
    (
        percentile(&sorted, 50.0),
        percentile(&sorted, 99.0),
        sorted.last().copied().unwrap_or_default(),
    )
}

/// Groups samples into windows of `width` by when each was answered, over a run of `total`;
/// the last window may be shorter (its rate uses its own length).
pub fn windows(samples: &[Sample], width: Duration, total: Duration) -> Vec<Window> {
    let width_s = width.as_secs_f64().max(0.001);
    let count = (total.as_secs_f64() / width_s).ceil().max(1.0) as usize;
    let mut groups: Vec<Vec<Sample>> = vec![Vec::new(); count];
    for sample in samples {
        let done = (sample.sent + sample.latency).as_secs_f64();
        let index = ((done / width_s) as usize).min(count - 1);
        groups[index].push(*sample);
    }
    groups
        .iter()
        .enumerate()
        .map(|(index, group)| {
            let start = index as f64 * width_s;
            let length = (total.as_secs_f64() - start).clamp(0.001, width_s);
            let (p50, p99, max) = latencies(group);
            Window {
                start_seconds: start.round() as u64,
                requests: group.len(),
                per_second: group.len() as f64 / length,
                p50,
                p99,
                max,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(sent_ms: u64, latency_ms: u64) -> Sample {
        Sample {
            sent: Duration::from_millis(sent_ms),
            latency: Duration::from_millis(latency_ms),
        }
    }

    #[test]
    fn samples_fall_into_the_window_where_they_were_answered() {
        let samples = [
            sample(0, 5),
            sample(9_990, 20),
            sample(10_500, 1),
            sample(12_000, 300),
        ];
        let found = windows(&samples, Duration::from_secs(10), Duration::from_secs(20));
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].start_seconds, found[0].requests), (0, 1));
        assert_eq!((found[1].start_seconds, found[1].requests), (10, 3));
        assert_eq!(found[1].max, Duration::from_millis(300));
        assert_eq!(found[1].p50, Duration::from_millis(20));
        assert!((found[1].per_second - 0.3).abs() < 1e-9);
    }

    #[test]
    fn a_short_last_window_is_rated_by_its_own_length_and_late_answers_stay_in_it() {
        let samples = [sample(24_000, 2), sample(24_900, 500)];
        let found = windows(&samples, Duration::from_secs(10), Duration::from_secs(25));
        assert_eq!(found.len(), 3);
        assert_eq!(found[2].requests, 2);
        assert!((found[2].per_second - 0.4).abs() < 1e-9);
        assert_eq!(found[0].requests, 0);
        assert_eq!(found[0].p99, Duration::ZERO);
    }

    #[test]
    fn latencies_give_median_tail_and_maximum() {
        let samples: Vec<Sample> = (1..=100).map(|n| sample(0, n)).collect();
        let (p50, p99, max) = latencies(&samples);
        assert_eq!(p50, Duration::from_millis(51));
        assert_eq!(p99, Duration::from_millis(99));
        assert_eq!(max, Duration::from_millis(100));
    }
}
