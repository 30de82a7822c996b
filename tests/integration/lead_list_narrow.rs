//! The lead list on a 360 px wide phone screen, in real headless Chromium: every lead's status
//! is on screen (inside the viewport, with a size, not covered), without scrolling sideways:
//! the page is only scrolled down to each row, never across.

use crate::history::{Setup, setup};
use crate::history_browser::sign_in;
use crate::support::browser::Browser;
use crate::support::lead_fixtures::*;

#[tokio::test]
async fn the_lead_list_shows_each_status_on_a_360_px_screen() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Setup { app, world } = setup().await;
    let a = &world.a;
    insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id)
            .status("failed")
            .person(
                "Maximiliana-Josephine",
                "Vandenberghe-Oppenheimer",
                "maximiliana.vandenberghe@example.com",
                "3035550100",
            ),
    );
    insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id).status("retrying"),
    );
    let mut warned = LeadSeed::new(&a.id, &a.location_id).person("Marcus", "Reyes", "", "");
    warned.warnings = vec!["The phone number \"555\" is too short to send.".to_string()];
    insert_lead(&app, &warned);
    sign_in(&browser, &app, &a.admin.email).await;
    browser.client.set_window_size(360, 800).await.unwrap();
    for path in [
        format!("/companies/{}/leads", a.slug),
        format!("/locations/{}/leads", a.location_id),
    ] {
        browser.goto(&app.url(&path)).await;
        browser.wait_for("#leads td.status .badge").await;
        let boxes = browser
            .client
            .execute(
                "return [window.innerWidth, window.innerHeight].concat(\
                   Array.from(document.querySelectorAll('#leads tbody td.status')).map(cell => {\
                     window.scrollTo(0, cell.getBoundingClientRect().top + window.scrollY - 200);\
                     const r = cell.getBoundingClientRect();\
                     const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);\
                     return [r.left, r.top, r.right, r.bottom, cell.contains(hit) ? 1 : 0, cell.innerText];\
                   }));",
                vec![],
            )
            .await
            .unwrap();
        let values = boxes.as_array().unwrap();
        let width = values[0].as_f64().unwrap();
        let height = values[1].as_f64().unwrap();
        assert!(width <= 400.0, "the window is narrow: {width}px");
        let cells = &values[2..];
        assert_eq!(cells.len(), 3, "{path}: {boxes}");
        for cell in cells {
            let cell = cell.as_array().unwrap();
            let [left, top, right, bottom, seen] =
                [0, 1, 2, 3, 4].map(|i| cell[i].as_f64().unwrap());
            let text = cell[5].as_str().unwrap();
            assert!(
                right - left > 0.0 && bottom - top > 0.0,
                "{path}: {text} has no size"
            );
            assert!(
                left >= 0.0 && right <= width && top >= 0.0 && bottom <= height,
                "{path}: the status {text:?} is outside the {width}px screen: {cell:?}"
            );
            assert_eq!(seen, 1.0, "{path}: the status {text:?} is covered");
            assert!(!text.trim().is_empty());
        }
    }
    browser.close().await;
}
