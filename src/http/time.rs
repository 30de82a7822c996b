//! Times as people read them: in their company's time zone, with UTC on hover (SPEC §8).

use chrono::{NaiveDateTime, TimeZone as _};

use crate::domain::time_zone::TimeZone;

/// A moment, ready for a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownTime {
    /// "2026-11-27 14:03 MST"
    pub local: String,
    /// "2026-11-27 21:03:05 UTC"
    pub utc: String,
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
}

/// Shows a UTC timestamp in the IANA zone `time_zone` (UTC when unknown).
pub fn show_time(at: NaiveDateTime, time_zone: &str) -> ShownTime {
    let utc = chrono::Utc.from_utc_datetime(&at);
    let local = TimeZone::or_utc(time_zone)
        .local(at)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string();
    ShownTime {
        local,
        utc: utc.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        iso: utc.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

/// Time zones offered in forms (any IANA name is accepted).
pub const COMMON_TIME_ZONES: &[&str] = TimeZone::COMMON;

/// Whether `name` is a time zone chrono-tz knows.
pub fn is_time_zone(name: &str) -> bool {
    TimeZone::parse(name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_show_in_the_zone_with_utc_alongside() {
        let at = chrono::NaiveDate::from_ymd_opt(2027, 3, 14)
            .unwrap()
            .and_hms_opt(20, 30, 0)
            .unwrap();
        let shown = show_time(at, "America/Denver");
        assert_eq!(shown.local, "2027-03-14 14:30 MDT");
        assert_eq!(shown.utc, "2027-03-14 20:30:00 UTC");
        assert_eq!(show_time(at, "Nowhere/City").local, "2027-03-14 20:30 UTC");
        assert!(is_time_zone("America/Chicago") && !is_time_zone("Mars/Base"));
    }
}
