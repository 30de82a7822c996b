//! The `Retry-After` reader (seconds or an HTTP date) of v1 and v2 deliveries, and the date
//! readers beside it: appointment dates, the sandbox's ISO date-time check.
//!
//! Asserts: no panic; a `Retry-After` delay is always within 1 s and the longest wait (1 h for
//! v1, the given maximum otherwise), 30 s when unreadable; whole seconds are taken as written
//! (clamped); an HTTP date one to 3,600 s ahead gives back that many seconds; an appointment
//! date that is read is written as a date-time AccuLynx reads, and reading that text again
//! gives the same text.
//!
//! Input: 8 bytes (now, the longest wait, how far ahead a date is, the zone), then the header
//! text (also read as an appointment date).

#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use leadrelay::acculynx::classify::{retry_after_delay, retry_after_delay_within};
use leadrelay::domain::appointment::Appointment;
use leadrelay::sandbox::schema::is_date_time;
use libfuzzer_sys::fuzz_target;

const ONE_HOUR: Duration = Duration::from_secs(3600);
const ZONES: [&str; 4] = [
    "America/Denver",
    "Australia/Lord_Howe",
    "Europe/London",
    "UTC",
];

fuzz_target!(|data: &[u8]| {
    let Some((head, text)) = data.split_first_chunk::<8>() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let [n0, n1, n2, m0, m1, a0, a1, zone] = *head;
    // "Now" between 1970 and about 2500, in steps of 1 s.
    let now = UNIX_EPOCH
        + Duration::from_secs(
            u64::from(u32::from_le_bytes([n0, n1, n2, 0])) * 1000 + u64::from(a0),
        );
    // No header at all when the text is the single byte 0.
    let header = (text != "\0").then_some(text);
    let delay = retry_after_delay(header, now);
    assert!(
        (Duration::from_secs(1)..=ONE_HOUR).contains(&delay),
        "{header:?} → {delay:?}"
    );
    let max = Duration::from_secs(u64::from(u16::from_le_bytes([m0, m1])) * 60);
    let within = retry_after_delay_within(header, now, max);
    assert!(within >= Duration::from_secs(1));
    assert!(
        within <= max.max(Duration::from_secs(1)),
        "{header:?} → {within:?}"
    );
    if let Some(text) = header.map(str::trim) {
        if let Ok(seconds) = text.parse::<u64>() {
            assert_eq!(delay.as_secs(), seconds.clamp(1, 3600));
        } else if text.is_empty() || httpdate::parse_http_date(text).is_err() {
            assert_eq!(delay, Duration::from_secs(30));
        }
    }
    // An HTTP date in the future, as a server writes it.
    let ahead = u64::from(u16::from_le_bytes([a1, zone]) % 3600) + 1;
    let date = httpdate::fmt_http_date(now + Duration::from_secs(ahead));
    assert_eq!(
        retry_after_delay(Some(&date), now),
        Duration::from_secs(ahead)
    );

    if let Some(text) = header {
        let zone = (zone < 200).then(|| {
            ZONES[usize::from(zone) % ZONES.len()]
                .parse()
                .expect("a known zone")
        });
        if let Ok((at, _)) = Appointment::parse(text, zone) {
            let written = at.to_acculynx();
            assert!(is_date_time(&written), "{text:?} → {written:?}");
            let (again, adjustment) =
                Appointment::parse(&written, zone).expect("its own text reads back");
            if matches!(at, Appointment::Utc(_)) {
                assert_eq!(again.to_acculynx(), written);
                assert!(adjustment.is_none());
            }
        }
        let _ = is_date_time(text);
    }
});
