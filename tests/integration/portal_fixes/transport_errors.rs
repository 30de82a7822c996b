//! Network failures on the way to AccuLynx read as one plain sentence, with the network's own
//! words kept behind a disclosure.

use crate::support::delivery::{GOOD_KEY, lead_body, seed_leads, set_key, status_of};
use crate::support::fixtures::{login, page, seed_company};
use crate::support::helpers::spawn_app_with;
use crate::support::intake::stored;

#[tokio::test]
async fn a_refused_connection_is_said_plainly_with_the_detail_behind_a_disclosure() {
    // Nothing listens on port 1: the connection is refused.
    let app = spawn_app_with(|s| {
        s.acculynx_base_url = url::Url::parse("http://127.0.0.1:1").unwrap();
    })
    .await;
    let company = seed_company(&app, "alpha");
    set_key(&app, &company.location_id, GOOD_KEY);
    let lead = seed_leads(&app, &company, &company.location_id, &[lead_body(1)]).remove(0);
    assert_eq!(app.deliver_due().await, 1);
    assert_eq!(status_of(&app, &lead), "retrying");
    let kept = stored(&app, &lead).last_error.unwrap();
    assert!(
        kept.contains("Connection refused") || kept.contains("os error 111"),
        "the stored detail stays: {kept}"
    );

    let admin = login(&app, &company.admin.email).await;
    let html = page(&admin, &format!("/leads/{lead}")).await;
    let plain = "AccuLynx could not be reached: the connection was refused.";
    assert!(html.contains(&format!("<dt>Last error</dt><dd>{plain} <details class=\"detail\"><summary>Technical detail</summary>")), "{html}");
    let attempt = &html[html.find("class=\"tl-attempt\"").unwrap()..];
    assert!(attempt.contains(&format!("<p>{plain}</p>")), "{attempt}");
    assert!(attempt.contains(&format!("<dt>Network error</dt><dd>{plain} <details class=\"detail\"><summary>Technical detail</summary><span class=\"mono\">")));
    // The raw words appear only inside the disclosures.
    for shown in html
        .split("<details class=\"detail\">")
        .map(|part| part.split("</details>").last().unwrap())
    {
        assert!(
            !shown.contains("os error 111"),
            "raw detail outside a disclosure"
        );
    }
    let list = page(&admin, &format!("/locations/{}/leads", company.location_id)).await;
    assert!(list.contains(plain));
    assert!(!list.contains("os error 111"));
}
