//! A company's (or person's) time zone: an IANA name chrono-tz knows, read once, with the few
//! calculations the portal needs — a moment's local time, the day it falls on, the UTC moment a
//! local day starts.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone as _};
use chrono_tz::Tz;

/// A known IANA time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(Tz);

impl TimeZone {
    /// UTC.
    pub const UTC: TimeZone = TimeZone(Tz::UTC);

    /// Time zones offered in forms (any IANA name is accepted).
    pub const COMMON: &'static [&'static str] = &[
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
        "America/Halifax",
        "America/Toronto",
        "America/Winnipeg",
        "America/Edmonton",
        "America/Vancouver",
        "UTC",
    ];

    /// Reads an IANA name ("America/Denver"); `None` for a name chrono-tz does not know.
    pub fn parse(name: &str) -> Option<TimeZone> {
        name.trim().parse::<Tz>().ok().map(TimeZone)
    }

    /// Reads a stored name, UTC when it is unknown (times are then shown in UTC, which says so).
    pub fn or_utc(name: &str) -> TimeZone {
        Self::parse(name).unwrap_or(Self::UTC)
    }

    /// Its IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// A UTC moment in this zone.
    pub fn local(self, at: NaiveDateTime) -> DateTime<Tz> {
        chrono::Utc.from_utc_datetime(&at).with_timezone(&self.0)
    }

    /// The local date of a UTC moment.
    pub fn date_of(self, at: NaiveDateTime) -> NaiveDate {
        self.local(at).date_naive()
    }

    /// The UTC moment `date` starts here. A day whose midnight a clock change skips starts at
    /// the first moment that exists.
    pub fn start_of_day(self, date: NaiveDate) -> NaiveDateTime {
        let midnight = date.and_time(chrono::NaiveTime::MIN);
        let mut local = midnight;
        // Clock changes move by at most an hour or two; step until a local time exists.
        for _ in 0..24 * 4 {
            if let Some(moment) = self.0.from_local_datetime(&local).earliest() {
                return moment.naive_utc();
            }
            local += chrono::Duration::minutes(15);
        }
        midnight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn names_are_read_once_and_unknown_ones_fall_back_to_utc() {
        let denver = TimeZone::parse(" America/Denver ").unwrap();
        assert_eq!(denver.name(), "America/Denver");
        assert_eq!(TimeZone::parse("Mars/Base"), None);
        assert_eq!(TimeZone::or_utc("Mars/Base"), TimeZone::UTC);
        for name in TimeZone::COMMON {
            assert!(TimeZone::parse(name).is_some(), "{name}");
        }
    }

    #[test]
    fn days_start_and_dates_fall_in_the_zone() {
        let denver = TimeZone::or_utc("America/Denver");
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(denver.start_of_day(day), at("2026-12-02 07:00"));
        assert_eq!(denver.date_of(at("2026-12-03 06:59")), day);
        // Santiago skips from 24:00 to 01:00 on 2026-09-06.
        let santiago = TimeZone::or_utc("America/Santiago");
        let skipped = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        assert_eq!(santiago.start_of_day(skipped), at("2026-09-06 04:00"));
    }
}
