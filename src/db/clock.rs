//! The one clock of stored times: UTC, truncated to microseconds, since PostgreSQL keeps
//! microseconds and a value read back must equal the value written (STYLE.md "Database").

use chrono::{Duration, NaiveDateTime};

/// Now, as stored: UTC `NaiveDateTime` truncated to microseconds.
pub fn now() -> NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    now - Duration::nanoseconds(i64::from(now.and_utc().timestamp_subsec_nanos() % 1000))
}
