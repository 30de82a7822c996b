//! The lead's `initialAppointmentDate`, read from the formats CRMs send (SPEC §6.2) and written
//! the way AccuLynx reads it.
//!
//! - RFC 3339 with `Z` or an offset ("2027-03-14T14:30:00-06:00") is an instant: sent in UTC
//!   as `YYYY-MM-DDTHH:MM:SSZ`. Fractions of a second are dropped.
//! - Local forms: `YYYY-MM-DD HH:MM[:SS]` (also with `T`), `MM/DD/YYYY h:mm AM|PM`,
//!   `MM/DD/YYYY HH:MM[:SS]`, and a bare `YYYY-MM-DD` or `MM/DD/YYYY` (midnight). Month and day
//!   may have one digit; `AM`/`PM` may be written `am`, `a.m.`, `A`, with or without a space.
//!   With the location's time zone they are read in that zone and sent in UTC with `Z`; without
//!   one they are sent as `YYYY-MM-DDTHH:MM:SS` so AccuLynx applies the company's time zone.
//! - A local time that does not exist (clocks went forward) is moved forward by the gap, as a
//!   wall clock would be ("2:30 AM" on the spring-forward day becomes 3:30 AM daylight time);
//!   a local time that happens twice (clocks went back) is taken as the first one. Either case
//!   is reported so the caller can warn.
//! - Years are 1000–9999, so the date always has AccuLynx's four-digit form.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Offset, TimeZone, Timelike};
use chrono_tz::Tz;

use super::local_time::parse_local;

/// An appointment time as it will be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appointment {
    /// A known instant, in UTC.
    Utc(NaiveDateTime),
    /// A wall-clock time in AccuLynx's company time zone.
    Local(NaiveDateTime),
}

/// A local time that needed a choice because of a daylight-saving change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneAdjustment {
    /// The time does not exist in the zone; `used` is the wall-clock time it was moved to.
    Skipped {
        /// The time as written.
        written: NaiveDateTime,
        /// The wall-clock time used.
        used: NaiveDateTime,
    },
    /// The time happens twice in the zone; the first was used.
    Repeated {
        /// The time as written.
        written: NaiveDateTime,
    },
}

/// The text is not a date this reader knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadableDate;

impl Appointment {
    /// Reads `text`, placing local times in `zone` when one is given.
    pub fn parse(
        text: &str,
        zone: Option<Tz>,
    ) -> Result<(Appointment, Option<ZoneAdjustment>), UnreadableDate> {
        let text = text.trim();
        if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
            let utc = instant.naive_utc();
            return in_range(utc)
                .map(|at| (Appointment::Utc(at.with_nanosecond(0).unwrap_or(at)), None));
        }
        let (local, offset) = parse_local(text).ok_or(UnreadableDate)?;
        if let Some(offset_seconds) = offset {
            let utc = local - Duration::seconds(i64::from(offset_seconds));
            return in_range(utc).map(|at| (Appointment::Utc(at), None));
        }
        let local = in_range(local)?;
        let Some(zone) = zone else {
            return Ok((Appointment::Local(local), None));
        };
        let (utc, adjustment) = resolve(zone, local);
        Ok((Appointment::Utc(in_range(utc)?), adjustment))
    }

    /// The text AccuLynx receives: `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS`.
    pub fn to_acculynx(&self) -> String {
        let (at, zone) = match self {
            Appointment::Utc(at) => (at, "Z"),
            Appointment::Local(at) => (at, ""),
        };
        let mut out = String::with_capacity(20);
        let _ = write!(
            out,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
            at.year(),
            at.month(),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        );
        out
    }
}

fn in_range(at: NaiveDateTime) -> Result<NaiveDateTime, UnreadableDate> {
    if (1000..=9999).contains(&at.year()) {
        Ok(at)
    } else {
        Err(UnreadableDate)
    }
}

/// Local time in `zone` → UTC, moving through daylight-saving gaps and choosing the first of
/// repeated times.
fn resolve(zone: Tz, local: NaiveDateTime) -> (NaiveDateTime, Option<ZoneAdjustment>) {
    use chrono::offset::LocalResult;
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) => (at.naive_utc(), None),
        LocalResult::Ambiguous(first, _) => (
            first.naive_utc(),
            Some(ZoneAdjustment::Repeated { written: local }),
        ),
        LocalResult::None => {
            // Read the wall-clock time with the offset in force before the gap, which lands
            // it after the gap by the gap's length.
            let before = local - Duration::hours(24);
            let offset = zone
                .from_local_datetime(&before)
                .earliest()
                .map_or(0, |at| at.offset().fix().local_minus_utc());
            let utc = local - Duration::seconds(i64::from(offset));
            let used = zone.from_utc_datetime(&utc).naive_local();
            (
                utc,
                Some(ZoneAdjustment::Skipped {
                    written: local,
                    used,
                }),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(text: &str, zone: Option<&str>) -> Option<String> {
        let zone = zone.map(|name| name.parse::<Tz>().unwrap());
        Appointment::parse(text, zone)
            .ok()
            .map(|(at, _)| at.to_acculynx())
    }

    #[test]
    fn rfc3339_instants_are_sent_in_utc() {
        assert_eq!(
            sent("2027-03-14T14:30:00-06:00", None).unwrap(),
            "2027-03-14T20:30:00Z"
        );
        assert_eq!(
            sent("2027-03-14T20:30:00.250Z", Some("America/Denver")).unwrap(),
            "2027-03-14T20:30:00Z"
        );
        assert_eq!(
            sent("2027-03-14 14:30 -0600", None).unwrap(),
            "2027-03-14T20:30:00Z"
        );
    }

    #[test]
    fn local_times_are_read_in_the_location_zone() {
        let denver = Some("America/Denver");
        assert_eq!(
            sent("03/14/2027 2:30 PM", denver).unwrap(),
            "2027-03-14T20:30:00Z"
        );
        assert_eq!(
            sent("3/14/2027 2:30pm", denver).unwrap(),
            "2027-03-14T20:30:00Z"
        );
        assert_eq!(
            sent("03/13/2027 2:30 p.m.", denver).unwrap(),
            "2027-03-13T21:30:00Z"
        );
        assert_eq!(
            sent("2027-03-14 14:30", denver).unwrap(),
            "2027-03-14T20:30:00Z"
        );
        assert_eq!(
            sent("2027-03-14T14:30:15", denver).unwrap(),
            "2027-03-14T20:30:15Z"
        );
        assert_eq!(
            sent("03/14/2027 14:30", denver).unwrap(),
            "2027-03-14T20:30:00Z"
        );
        // Midnight comes before the 2 AM change, so it is still standard time (UTC-7).
        assert_eq!(sent("2027-03-14", denver).unwrap(), "2027-03-14T07:00:00Z");
        assert_eq!(
            sent("12/01/2027 12:05 AM", denver).unwrap(),
            "2027-12-01T07:05:00Z"
        );
    }

    #[test]
    fn without_a_zone_local_times_are_sent_without_one() {
        assert_eq!(
            sent("03/14/2027 2:30 PM", None).unwrap(),
            "2027-03-14T14:30:00"
        );
        assert_eq!(sent("03/14/2027", None).unwrap(), "2027-03-14T00:00:00");
        assert_eq!(
            sent("2027-03-14 9:05:07", None).unwrap(),
            "2027-03-14T09:05:07"
        );
    }

    #[test]
    fn daylight_saving_gaps_move_forward_and_repeats_take_the_first() {
        let denver: Tz = "America/Denver".parse().unwrap();
        let (at, adjustment) = Appointment::parse("2027-03-14 02:30", Some(denver)).unwrap();
        assert_eq!(at.to_acculynx(), "2027-03-14T09:30:00Z"); // 3:30 AM MDT
        assert!(
            matches!(adjustment, Some(ZoneAdjustment::Skipped { used, .. }) if used.hour() == 3)
        );
        let (at, adjustment) = Appointment::parse("11/07/2027 1:30 AM", Some(denver)).unwrap();
        assert_eq!(at.to_acculynx(), "2027-11-07T07:30:00Z"); // the first 1:30, MDT
        assert!(matches!(adjustment, Some(ZoneAdjustment::Repeated { .. })));
    }

    #[test]
    fn things_that_are_not_dates_are_refused() {
        for text in [
            "",
            "next tuesday",
            "14/03/2027",
            "2027-02-30",
            "03/14/27",
            "2027-03-14 25:00",
            "03/14/2027 13:30 PM",
            "03/14/2027 0:30 AM",
            "2027-03-14 14:30 tomorrow",
            "2027-03-1414:30",
            "0999-01-01",
            "10000-01-01",
            "03/14/2027 2:30 PM +25:00",
        ] {
            assert_eq!(sent(text, None), None, "{text:?}");
        }
    }

    proptest::proptest! {
        // The appointment half of the `retry_after` fuzz target: what is read is written as
        // AccuLynx reads it, and an instant reads back as itself.
        #[test]
        fn a_date_that_is_read_is_one_acculynx_reads(
            text in "\\PC{0,30}|[0-9]{1,5}[-/][0-9]{1,2}[-/][0-9]{1,5}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?( ?[AaPp]\\.?[Mm]?\\.?)?)?(Z|[+-][0-9]{2}:[0-9]{2})?",
            zone in proptest::option::of(proptest::sample::select(vec![
                "America/Denver", "Australia/Lord_Howe", "Europe/London", "Pacific/Kiritimati",
            ])),
        ) {
            let zone = zone.map(|name| name.parse::<Tz>().unwrap());
            if let Ok((at, _)) = Appointment::parse(&text, zone) {
                let written = at.to_acculynx();
                proptest::prop_assert!(crate::sandbox::schema::is_date_time(&written), "{written}");
                let (again, _) = Appointment::parse(&written, zone).unwrap();
                if matches!(at, Appointment::Utc(_)) {
                    proptest::prop_assert_eq!(again.to_acculynx(), written);
                }
            }
        }
    }
}
