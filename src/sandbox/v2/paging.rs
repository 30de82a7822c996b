//! Paging of v2 collections (reference §1.4): `pageSize` with either `recordStartIndex` (the
//! index of the first element) or `pageStartIndex` (the index of the page). A bad page range
//! is a 416 ProblemDetails. The answer's `pageStartIndex` is the index of its first element
//! (what every response schema says it is), and `count` is the number of items that match.

use serde::Serialize;
use serde_json::{Value, json};

use super::request::Query;
use crate::sandbox::answers::Problem;

/// The largest start index AccuLynx accepts (documented on jobs; used everywhere here).
const MAX_START: usize = 100_000;

/// How a collection is paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `recordStartIndex`: an element index.
    Record,
    /// `pageStartIndex`: a page index.
    Page,
}

/// The limits of one collection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub style: Style,
    /// `pageSize` when not given.
    pub default: usize,
    /// The largest `pageSize`.
    pub max: usize,
    /// The status for a `pageSize` outside 1..=max (416, or 400 for contact search).
    pub bad_size: u16,
}

/// One requested page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paging {
    pub size: usize,
    /// Index of the first element.
    pub start: usize,
}

/// Reads the paging parameters of `query`.
pub(crate) fn paging(query: &Query, limits: Limits) -> Result<Paging, Problem> {
    let size = match query.get("pageSize") {
        None => limits.default,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(size) if (1..=limits.max).contains(&size) => size,
            _ => {
                return Err(Problem::V2(
                    limits.bad_size,
                    format!("pageSize must be a whole number from 1 to {}", limits.max),
                ));
            }
        },
    };
    let name = match limits.style {
        Style::Record => "recordStartIndex",
        Style::Page => "pageStartIndex",
    };
    let index = match query.get(name) {
        None => 0,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(index) if index <= MAX_START => index,
            _ => {
                return Err(Problem::V2(
                    416,
                    format!("{name} must be a whole number from 0 to {MAX_START}"),
                ));
            }
        },
    };
    let start = match limits.style {
        Style::Record => index,
        Style::Page => index.saturating_mul(size),
    };
    Ok(Paging { size, start })
}

/// `{count, pageSize, pageStartIndex, items}` of the requested page of `items`.
pub(crate) fn page<T: Serialize>(items: &[T], paging: Paging) -> Value {
    let chosen: Vec<&T> = items.iter().skip(paging.start).take(paging.size).collect();
    json!({
        "count": items.len(),
        "pageSize": paging.size,
        "pageStartIndex": paging.start,
        "items": chosen,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: Limits = Limits {
        style: Style::Record,
        default: 25,
        max: 100,
        bad_size: 416,
    };

    fn status(result: Result<Paging, Problem>) -> u16 {
        match result {
            Err(Problem::V2(status, _)) => status,
            _ => 0,
        }
    }

    #[test]
    fn paging_reads_both_styles_and_refuses_bad_ranges() {
        let query = Query::parse("").unwrap();
        assert_eq!(
            paging(&query, RECORD).unwrap(),
            Paging { size: 25, start: 0 }
        );
        let query = Query::parse("pagesize=2&recordStartIndex=3").unwrap();
        assert_eq!(
            paging(&query, RECORD).unwrap(),
            Paging { size: 2, start: 3 }
        );
        let by_page = Limits {
            style: Style::Page,
            bad_size: 400,
            max: 25,
            ..RECORD
        };
        let query = Query::parse("pageSize=2&pageStartIndex=3").unwrap();
        assert_eq!(
            paging(&query, by_page).unwrap(),
            Paging { size: 2, start: 6 }
        );
        for bad in [
            "pageSize=0",
            "pageSize=101",
            "pageSize=x",
            "recordStartIndex=-1",
            "recordStartIndex=100001",
        ] {
            assert_eq!(
                status(paging(&Query::parse(bad).unwrap(), RECORD)),
                416,
                "{bad}"
            );
        }
        assert_eq!(
            status(paging(&Query::parse("pageSize=26").unwrap(), by_page)),
            400
        );
        let page = page(&[1, 2, 3], Paging { size: 2, start: 2 });
        assert_eq!(
            page,
            json!({"count": 3, "pageSize": 2, "pageStartIndex": 2, "items": [3]})
        );
    }
}
