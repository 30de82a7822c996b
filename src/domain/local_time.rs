//! Reading the local date-time forms CRMs write ("03/14/2027 2:30 PM", "2027-03-14 14:30",
//! "2027-03-14"), with an optional trailing zone, without regexes or allocation.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// A small cursor over ASCII text.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl Cursor<'_> {
    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let len = self
            .rest
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if len < min {
            return None;
        }
        let value = self.rest[..len]
            .iter()
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
        self.rest = &self.rest[len..];
        Some(value)
    }

    fn eat(&mut self, byte: u8) -> bool {
        match self.rest.split_first() {
            Some((first, rest)) if first.eq_ignore_ascii_case(&byte) => {
                self.rest = rest;
                true
            }
            _ => false,
        }
    }

    fn skip_spaces(&mut self) {
        while self.eat(b' ') {}
    }

    fn is_done(&self) -> bool {
        self.rest.is_empty()
    }
}

/// Reads a local date-time, with an optional trailing zone: (wall-clock time, offset east of
/// UTC in seconds when a zone was written).
pub(super) fn parse_local(text: &str) -> Option<(NaiveDateTime, Option<i32>)> {
    let mut cursor = Cursor {
        rest: text.as_bytes(),
    };
    let date = parse_date(&mut cursor)?;
    let separated = cursor.eat(b'T') || {
        let before = cursor.rest.len();
        cursor.eat(b',');
        cursor.skip_spaces();
        cursor.rest.len() < before
    };
    if cursor.is_done() {
        return Some((date.and_time(NaiveTime::MIN), None));
    }
    if !separated {
        return None;
    }
    let time = parse_time(&mut cursor)?;
    cursor.skip_spaces();
    let offset = parse_zone(&mut cursor)?;
    cursor.is_done().then_some((date.and_time(time), offset))
}

fn parse_date(cursor: &mut Cursor<'_>) -> Option<NaiveDate> {
    let first = cursor.number(1, 4)?;
    let (year, month, day) = if cursor.eat(b'-') {
        let month = cursor.number(1, 2)?;
        if !cursor.eat(b'-') {
            return None;
        }
        (first, month, cursor.number(1, 2)?)
    } else if cursor.eat(b'/') {
        let day = cursor.number(1, 2)?;
        if !cursor.eat(b'/') {
            return None;
        }
        (cursor.number(4, 4)?, first, day)
    } else {
        return None;
    };
    if year < 1000 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

fn parse_time(cursor: &mut Cursor<'_>) -> Option<NaiveTime> {
    let mut hour = cursor.number(1, 2)?;
    if !cursor.eat(b':') {
        return None;
    }
    let minute = cursor.number(2, 2)?;
    let mut second = 0;
    if cursor.eat(b':') {
        second = cursor.number(2, 2)?;
        if cursor.eat(b'.') {
            cursor.number(1, 9)?;
        }
    }
    cursor.skip_spaces();
    let meridiem = if cursor.eat(b'a') {
        Some(false)
    } else if cursor.eat(b'p') {
        Some(true)
    } else {
        None
    };
    if let Some(pm) = meridiem {
        // "a", "am", "a.m." and their capitals.
        cursor.eat(b'.');
        if cursor.eat(b'm') {
            cursor.eat(b'.');
        }
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (hour, true) => hour + 12,
            (hour, false) => hour,
        };
    }
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// `Z`, `UTC`, `GMT`, `±HH:MM`, `±HHMM` or `±HH`; `Some(None)` when no zone is written.
fn parse_zone(cursor: &mut Cursor<'_>) -> Option<Option<i32>> {
    if cursor.is_done() {
        return Some(None);
    }
    if cursor.eat(b'Z') {
        return Some(Some(0));
    }
    let rest = cursor.rest;
    if rest.eq_ignore_ascii_case(b"UTC") || rest.eq_ignore_ascii_case(b"GMT") {
        cursor.rest = &[];
        return Some(Some(0));
    }
    let sign = if cursor.eat(b'+') {
        1
    } else if cursor.eat(b'-') {
        -1
    } else {
        return None;
    };
    let hours = cursor.number(2, 2)?;
    cursor.eat(b':');
    let minutes = if cursor.is_done() {
        0
    } else {
        cursor.number(2, 2)?
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(Some(
        sign * i32::try_from(hours * 3600 + minutes * 60).ok()?,
    ))
}
