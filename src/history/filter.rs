//! What a lead list shows: the query of SPEC §8 (`status`, `q`, `from`, `to`, `before`)
//! read into a [`LeadFilter`], leniently — a part that cannot be read is left out and said
//! so on the page, rather than refusing the whole list.

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::time_zone::TimeZone;
use serde::Deserialize;

use crate::leads::figures::{Figure, Period};
use crate::leads::filter::LeadFilter;
pub use crate::leads::filter::Search;
use crate::leads::status::LeadStatus;

/// The query string of a lead list or its CSV export, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LeadQuery {
    /// A status (`failed`), a figure of the dashboard that is not one status (`waiting`,
    /// `delivered_with_warnings`), or empty for all.
    pub status: Option<String>,
    /// A rolling window of the dashboard: `24h` or `7d` back from now.
    pub period: Option<String>,
    /// Name, email or phone (any formatting), or a lead id.
    pub q: Option<String>,
    /// First day (`YYYY-MM-DD`, in the viewer's time zone).
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// Keyset cursor: show leads older than this lead.
    pub before: Option<String>,
}

/// A query read into a filter, with what could not be read.
#[derive(Debug, Clone)]
pub struct ParsedQuery {
    /// The filter to apply.
    pub filter: LeadFilter,
    /// The cursor lead id, if any.
    pub before: Option<String>,
    /// Sentences about parts of the query that were left out.
    pub problems: Vec<String>,
}

impl LeadQuery {
    /// Reads the query; dates are days in `time_zone` (an IANA name, the viewer's).
    pub fn parse(&self, time_zone: &str, location_id: Option<String>) -> ParsedQuery {
        let mut problems = Vec::new();
        let (status, figure) = match non_empty(&self.status) {
            None => (None, None),
            Some(text) => match (LeadStatus::parse(text), Figure::parse_group(text)) {
                (Some(status), _) => (Some(status), None),
                (None, Some(figure)) => (None, Some(figure)),
                (None, None) => {
                    problems.push(format!(
                        "\"{text}\" is not a lead status, so leads of every status are shown."
                    ));
                    (None, None)
                }
            },
        };
        let period = match non_empty(&self.period) {
            None => None,
            Some(text) => {
                let period = Period::parse(text);
                if period.is_none() {
                    problems.push(format!(
                        "The period \"{text}\" was not understood (use 24h or 7d), so it is not applied."
                    ));
                }
                period
            }
        };
        let mut day = |value: &Option<String>, what: &str| {
            let text = non_empty(value)?;
            match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    problems.push(format!(
                        "The {what} date \"{text}\" was not understood (use a date like 2026-11-27), so it is not applied."
                    ));
                    None
                }
            }
        };
        let from = day(&self.from, "from");
        let to = day(&self.to, "to");
        ParsedQuery {
            filter: LeadFilter {
                location_id,
                status,
                figure,
                received_since: period.map(|period| period.since(crate::db::now())),
                search: self.q.as_deref().and_then(Search::parse),
                received_from: from.map(|date| start_of_day(date, time_zone)),
                received_until: to
                    .and_then(|date| date.succ_opt())
                    .map(|date| start_of_day(date, time_zone)),
            },
            before: non_empty(&self.before).map(str::to_string),
            problems,
        }
    }
}

impl LeadQuery {
    /// `path` with this query (empty parts left out), e.g.
    /// `/companies/acme/leads?status=failed&q=doe`.
    pub fn href(&self, path: &str) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("status", &self.status),
            ("period", &self.period),
            ("q", &self.q),
            ("from", &self.from),
            ("to", &self.to),
            ("before", &self.before),
        ] {
            if let Some(value) = non_empty(value) {
                query.append_pair(name, value);
            }
        }
        let query = query.finish();
        if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{query}")
        }
    }

    /// Whether a filter (not just a page) is asked for.
    pub fn is_filtered(&self) -> bool {
        [&self.status, &self.period, &self.q, &self.from, &self.to]
            .into_iter()
            .any(|value| non_empty(value).is_some())
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// The UTC moment a day starts in `time_zone` (UTC when the zone is unknown).
pub fn start_of_day(date: NaiveDate, time_zone: &str) -> NaiveDateTime {
    TimeZone::or_utc(time_zone).start_of_day(date)
}

/// Today's date in `time_zone`.
pub fn today_in(time_zone: &str, now: NaiveDateTime) -> NaiveDate {
    TimeZone::or_utc(time_zone).date_of(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_typed_in_any_format_searches_its_digits() {
        for typed in [
            "(303) 555-0100",
            "303.555.0100",
            "+1 303 555 0100",
            "1-303-555-0100",
            " 3035550100 ",
        ] {
            assert_eq!(
                Search::parse(typed),
                Some(Search::Phone("3035550100".into())),
                "{typed}"
            );
        }
        assert_eq!(Search::parse("555-01"), Some(Search::Phone("55501".into())));
    }

    #[test]
    fn names_emails_and_ids_are_searched_as_such() {
        assert_eq!(
            Search::parse("Jane  DOE"),
            Some(Search::Words(vec!["jane".into(), "doe".into()]))
        );
        assert_eq!(
            Search::parse("jane2@example.com"),
            Some(Search::Words(vec!["jane2@example.com".into()]))
        );
        assert_eq!(Search::parse("42"), Some(Search::Words(vec!["42".into()])));
        assert_eq!(Search::parse("   "), None);
        let id = "0192F1C4-7A2B-7C3D-8E4F-123456789ABC";
        assert_eq!(Search::parse(id), Some(Search::LeadId(id.to_lowercase())));
    }

    #[test]
    fn dates_are_whole_days_in_the_company_zone() {
        let query = LeadQuery {
            status: Some(LeadStatus::Failed.as_str().into()),
            from: Some("2027-03-14".into()),
            to: Some("2027-03-14".into()),
            ..LeadQuery::default()
        };
        let parsed = query.parse("America/Denver", None);
        assert!(parsed.problems.is_empty());
        assert_eq!(parsed.filter.status, Some(LeadStatus::Failed));
        // 14 March 2027 is the first day of daylight saving time in Denver: it starts at
        // 07:00 UTC (MST) and ends at 06:00 UTC the next day (MDT).
        assert_eq!(
            parsed.filter.received_from.unwrap().to_string(),
            "2027-03-14 07:00:00"
        );
        assert_eq!(
            parsed.filter.received_until.unwrap().to_string(),
            "2027-03-15 06:00:00"
        );
    }

    #[test]
    fn links_keep_the_filter_and_leave_out_empty_parts() {
        let query = LeadQuery {
            status: Some(LeadStatus::Failed.as_str().into()),
            q: Some("(303) 555 & co".into()),
            from: Some(String::new()),
            ..LeadQuery::default()
        };
        assert_eq!(
            query.href("/companies/acme/leads"),
            "/companies/acme/leads?status=failed&q=%28303%29+555+%26+co"
        );
        assert!(query.is_filtered());
        assert_eq!(LeadQuery::default().href("/x"), "/x");
        assert!(!LeadQuery::default().is_filtered());
    }

    #[test]
    fn dashboard_figures_and_periods_read_into_the_filter() {
        let query = LeadQuery {
            status: Some("waiting".into()),
            period: Some("24h".into()),
            ..LeadQuery::default()
        };
        let parsed = query.parse("UTC", None);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(parsed.filter.figure, Some(Figure::Waiting));
        assert_eq!(parsed.filter.status, None);
        let since = parsed.filter.received_since.unwrap();
        let age = crate::db::now() - since;
        assert!(age >= chrono::Duration::hours(24) && age < chrono::Duration::hours(25));
        assert_eq!(query.href("/x"), "/x?status=waiting&period=24h");
        let odd = LeadQuery {
            period: Some("fortnight".into()),
            ..LeadQuery::default()
        };
        let parsed = odd.parse("UTC", None);
        assert_eq!(parsed.filter.received_since, None);
        assert!(parsed.problems[0].contains("fortnight"));
    }

    #[test]
    fn parts_that_cannot_be_read_are_left_out_and_said_so() {
        let query = LeadQuery {
            status: Some("lost".into()),
            from: Some("yesterday".into()),
            ..LeadQuery::default()
        };
        let parsed = query.parse("UTC", None);
        assert_eq!(parsed.filter, LeadFilter::default());
        assert_eq!(parsed.problems.len(), 2, "{:?}", parsed.problems);
        assert!(parsed.problems[1].contains("yesterday"));
    }

    #[test]
    fn a_day_whose_midnight_does_not_exist_starts_at_the_first_real_moment() {
        // Santiago skips from 24:00 to 01:00 on 2026-09-06.
        let start = start_of_day(
            NaiveDate::from_ymd_opt(2026, 9, 6).unwrap(),
            "America/Santiago",
        );
        assert_eq!(start.to_string(), "2026-09-06 04:00:00");
    }
}
