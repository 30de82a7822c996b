//! Times as people read them: in the viewer's own time zone (chosen on the account page, else
//! their company's, else UTC), the zone named beside every time, UTC on hover (SPEC §8).

use chrono::{NaiveDateTime, TimeZone as _};

use crate::domain::time_zone::TimeZone;

/// A moment, ready for a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownTime {
    /// "2026-11-27 14:03 MST"
    pub local: String,
    /// "2026-11-27 14:03:05 MST", where seconds matter (a lead's timeline).
    pub precise: String,
    /// "2026-11-27 21:03:05 UTC"
    pub utc: String,
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
}

/// Shows a UTC timestamp in the IANA zone `time_zone` (UTC when unknown).
pub fn show_time(at: NaiveDateTime, time_zone: &str) -> ShownTime {
    let utc = chrono::Utc.from_utc_datetime(&at);
    let local = TimeZone::or_utc(time_zone).local(at);
    let zone = zone_name(&local.format("%Z").to_string());
    ShownTime {
        local: format!("{} {zone}", local.format("%Y-%m-%d %H:%M")),
        precise: format!("{} {zone}", local.format("%Y-%m-%d %H:%M:%S")),
        utc: utc.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        iso: utc.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

/// The zone's abbreviation ("MST"), or "UTC+04" where the zone has no letters for itself
/// (chrono-tz writes "+04"), so a time always names its zone.
fn zone_name(abbreviation: &str) -> String {
    if abbreviation.starts_with(['+', '-']) {
        format!("UTC{abbreviation}")
    } else {
        abbreviation.to_string()
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
            .and_hms_opt(20, 30, 5)
            .unwrap();
        let shown = show_time(at, "America/Denver");
        assert_eq!(shown.local, "2027-03-14 14:30 MDT");
        assert_eq!(shown.precise, "2027-03-14 14:30:05 MDT");
        assert_eq!(shown.utc, "2027-03-14 20:30:05 UTC");
        assert_eq!(show_time(at, "Nowhere/City").local, "2027-03-14 20:30 UTC");
        assert!(is_time_zone("America/Chicago") && !is_time_zone("Mars/Base"));
    }

    #[test]
    fn a_zone_without_letters_is_named_by_its_offset() {
        let at = chrono::NaiveDate::from_ymd_opt(2027, 1, 10)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        assert_eq!(show_time(at, "Asia/Dubai").local, "2027-01-10 12:00 UTC+04");
        assert_eq!(show_time(at, "UTC").local, "2027-01-10 08:00 UTC");
    }
}
