//! The retry schedule (SPEC §7): delays before retry 1..n from the settings, each with ±20%
//! jitter so a burst of failures does not come back as a burst; after the last retry the
//! lead is `failed`. A 429 does not use up a step, but no lead is retried past the whole
//! span of the schedule after it was accepted.

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};

/// The schedule of one process.
#[derive(Debug, Clone)]
pub struct RetrySchedule {
    delays: Vec<Duration>,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Try again at this time, having used this many steps.
    RetryAt(NaiveDateTime, i32),
    /// Give up.
    GiveUp,
}

impl RetrySchedule {
    /// A schedule from the settings' delays.
    pub fn new(delays: Vec<Duration>) -> Self {
        Self { delays }
    }

    /// How many retries there are.
    pub fn retries(&self) -> usize {
        self.delays.len()
    }

    /// The sum of all delays: no retry is scheduled later than this after acceptance.
    pub fn span(&self) -> Duration {
        self.delays.iter().sum()
    }

    /// After a passing fault: the next step of the schedule, if any is left.
    pub fn after_fault(&self, steps_used: i32, now: NaiveDateTime) -> Next {
        let Some(delay) = usize::try_from(steps_used)
            .ok()
            .and_then(|i| self.delays.get(i))
        else {
            return Next::GiveUp;
        };
        Next::RetryAt(now + to_delta(jitter(*delay)), steps_used + 1)
    }

    /// After a 429: wait as asked, without using a step, unless that passes the span.
    pub fn after_rate_limit(
        &self,
        wait: Duration,
        steps_used: i32,
        received_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Next {
        let at = now + to_delta(wait);
        if at > received_at + to_delta(self.span()) {
            Next::GiveUp
        } else {
            Next::RetryAt(at, steps_used)
        }
    }
}

/// ±20%, uniformly.
fn jitter(delay: Duration) -> Duration {
    let factor = 0.8 + 0.4 * (f64::from(rand::random::<u32>()) / f64::from(u32::MAX));
    delay.mul_f64(factor)
}

fn to_delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn each_step_waits_its_delay_within_20_percent_then_gives_up() {
        let schedule = RetrySchedule::new(vec![Duration::from_secs(10), Duration::from_secs(60)]);
        for _ in 0..200 {
            let Next::RetryAt(when, used) = schedule.after_fault(0, at(0)) else {
                panic!()
            };
            assert_eq!(used, 1);
            let waited = (when - at(0)).num_milliseconds();
            assert!((8_000..=12_000).contains(&waited), "{waited}");
            let Next::RetryAt(when, used) = schedule.after_fault(1, at(0)) else {
                panic!()
            };
            assert_eq!(used, 2);
            assert!((48_000..=72_000).contains(&(when - at(0)).num_milliseconds()));
        }
        assert_eq!(schedule.after_fault(2, at(0)), Next::GiveUp);
        assert_eq!(schedule.span(), Duration::from_secs(70));
    }

    #[test]
    fn a_rate_limit_keeps_the_step_but_not_past_the_span() {
        let schedule = RetrySchedule::new(vec![Duration::from_secs(10), Duration::from_secs(60)]);
        assert_eq!(
            schedule.after_rate_limit(Duration::from_secs(2), 1, at(0), at(5)),
            Next::RetryAt(at(7), 1)
        );
        assert_eq!(
            schedule.after_rate_limit(Duration::from_secs(30), 1, at(0), at(50)),
            Next::GiveUp
        );
    }
}
