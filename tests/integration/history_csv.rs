//! The CSV export of a lead list (SPEC §8): the spec's columns, the list's filter, streamed
//! in batches, cells a spreadsheet would run as formulas kept as text.

use chrono::Duration;

use crate::history::{Setup, page, setup};
use crate::support::bulk_leads::{BulkLead, bulk_insert};
use crate::support::fixtures::login;
use crate::support::lead_fixtures::{add_location, now, v7_at};

#[tokio::test]
async fn the_csv_export_streams_the_filtered_list_with_the_spec_columns() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let south = add_location(&app, &a.id, "alpha South");
    let start = now() - Duration::days(3);
    let statuses = ["delivered", "failed", "queued", "retrying", "rejected"];
    let rows: Vec<BulkLead> = (0..1234)
        .map(|i| {
            let received_at = start + Duration::seconds(i / 2 * 60);
            BulkLead {
                id: v7_at(received_at),
                location_id: if i % 4 == 0 {
                    south.clone()
                } else {
                    a.location_id.clone()
                },
                received_at,
                status: statuses[i as usize % statuses.len()],
                first: match i {
                    7 => "=HYPERLINK(\"http://evil\")".to_string(),
                    8 => "@SUM(A1)".to_string(),
                    _ => format!("First{i}"),
                },
                last: format!("Last, \"{i}\""),
                email: format!("lead{i}@example.com"),
                phone: format!("720{i:07}"),
            }
        })
        .collect();
    bulk_insert(&app, &a.id, &rows);
    let mut expected: Vec<&BulkLead> = rows.iter().collect();
    expected.sort_by(|x, y| (y.received_at, &y.id).cmp(&(x.received_at, &x.id)));
    let viewer = login(&app, &a.viewer.email).await;

    let response = viewer
        .get(&format!("/companies/{}/leads.csv", a.slug))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"leads-alpha-"),
        "{disposition}"
    );
    assert!(
        response.headers().get("content-length").is_none(),
        "the export is streamed, not built whole"
    );
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "lead_id",
            "received_at",
            "status",
            "first_name",
            "last_name",
            "email",
            "phone",
            "attempts",
            "last_http_status",
            "delivered_at",
            "last_error"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1234, "every lead, across batches of 500");
    for (record, lead) in records.iter().zip(&expected) {
        assert_eq!(&record[0], lead.id);
        assert_eq!(
            &record[1],
            lead.received_at
                .and_utc()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        );
        assert_eq!(&record[2], lead.status);
        assert_eq!(&record[4], lead.last);
        assert_eq!(&record[6], lead.phone);
    }
    let formula = records.iter().find(|r| r[3].contains("HYPERLINK")).unwrap();
    assert_eq!(&formula[3], "'=HYPERLINK(\"http://evil\")");
    assert!(records.iter().any(|r| &r[3] == "'@SUM(A1)"));
    let failed = records.iter().find(|r| &r[2] == "failed").unwrap();
    assert_eq!(&failed[7], "1");
    assert_eq!(&failed[8], "400");
    assert_eq!(
        &failed[10],
        "AccuLynx rejected the lead: The firstName field is required."
    );

    // The same filter as the list: one location, one status, a search.
    let csv = viewer
        .get(&format!(
            "/locations/{south}/leads.csv?status=failed&q=lead1"
        ))
        .await
        .text()
        .await
        .unwrap();
    let ids: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    let wanted: Vec<String> = expected
        .iter()
        .filter(|l| l.location_id == south && l.status == "failed" && l.email.starts_with("lead1"))
        .map(|l| l.id.clone())
        .collect();
    assert!(!wanted.is_empty());
    assert_eq!(ids, wanted);
    // The list links to the export of its own filter.
    let html = page(
        &viewer,
        &format!("/locations/{south}/leads?status=failed&q=lead1"),
    )
    .await;
    assert!(html.contains(&format!(
        "href=\"/locations/{south}/leads.csv?status=failed&#38;q=lead1\""
    )));
}
