//! The cost of reading and mapping one typical lead. The intake targets 15,000 leads/s on two
//! cores with database writes on top, so reading and mapping must stay within a few
//! microseconds. Timing is only meaningful in an optimised build:
//! `cargo test --release --lib intake::tests::speed -- --ignored --nocapture`.

use std::time::Instant;

use actix_web::web::Bytes;

use crate::intake::LocationMapping;
use crate::intake::body::parse_body;

const FORM: &str = "First+Name=Jane&Last+Name=Doe&Phone+Cell=%28303%29+555-0100+ext.+12&\
Phone+Home=1-720-555-0199&Email=jane%40EXAMPLE.com+&Address=1600+Pennsylvania+Ave&City=Denver&\
State=CO&Zip_code=80202&appointment=03%2F14%2F2027+2%3A30+PM&\
whiteboard=Hail+damage%2C+back+side+of+roof&Lead+Source=Facebook&contactId=88231&\
jobCategory=residential&workType=insurance";

#[actix_web::test]
#[ignore = "a timing check; run it in release mode"]
async fn reading_and_mapping_a_typical_lead_takes_a_few_microseconds() {
    let mut mapping = LocationMapping::default();
    mapping.defaults.time_zone = Some("America/Denver".to_string());
    let compiled = mapping.compile();
    let body = Bytes::from_static(FORM.as_bytes());
    let rounds = 200_000u32;

    let start = Instant::now();
    let mut fields = Vec::new();
    for _ in 0..rounds {
        fields = parse_body(Some("application/x-www-form-urlencoded"), body.clone())
            .await
            .unwrap();
    }
    let parse = start.elapsed() / rounds;

    let start = Instant::now();
    let mut mapped = compiled.map(&fields);
    for _ in 0..rounds {
        mapped = compiled.map(&fields);
    }
    let map = start.elapsed() / rounds;
    assert!(mapped.warnings.is_empty(), "{:?}", mapped.warnings);
    assert_eq!(mapped.lead.phone_extension1.as_deref(), Some("12"));

    let start = Instant::now();
    let mut keys = 0;
    for _ in 0..rounds {
        keys += mapped.lead.dedupe_key().len();
    }
    let dedupe = start.elapsed() / rounds;
    assert_eq!(keys, 64 * rounds as usize);

    let start = Instant::now();
    for _ in 0..rounds / 100 {
        std::hint::black_box(mapping.compile());
    }
    let compile = start.elapsed() / (rounds / 100);
    println!(
        "per lead: parse {parse:?}, map {map:?}, dedupe key {dedupe:?}; compile a mapping {compile:?}"
    );
    if !cfg!(debug_assertions) {
        // Generous bounds (a shared, busy machine), still an order of magnitude below what
        // would threaten the target.
        assert!(
            parse.as_micros() < 10 && map.as_micros() < 20,
            "{parse:?} {map:?}"
        );
    }
}
