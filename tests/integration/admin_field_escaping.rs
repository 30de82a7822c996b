//! Markup typed into any admin-entered field (a company's, a location's or an API token's
//! name, an audit entry's target and detail) is shown escaped on every page of the portal:
//! every GET route of `ROUTES` is walked as the company's admin and as a platform admin.

use diesel::prelude::*;
use leadrelay::db::schema::{api_tokens, companies, locations};
use leadrelay::routes::{Access, ROUTES};

use crate::access::{fixture, path_for};
use crate::support::fixtures::login;

const SCRIPT: &str = "<script>alert('lr')</script>";
const ATTRIBUTE: &str = "\"><img src=x onerror=alert('lr')>";

fn hostile(label: &str) -> String {
    format!("{label} {SCRIPT}{ATTRIBUTE}")
}

#[tokio::test]
async fn markup_in_admin_entered_fields_is_escaped_on_every_page() {
    let f = fixture().await;
    let a = &f.world.a;
    let mut conn = f.app.conn();
    diesel::update(companies::table.filter(companies::id.eq(&a.id)))
        .set(companies::name.eq(hostile("Company")))
        .execute(&mut *conn)
        .unwrap();
    diesel::update(locations::table.filter(locations::company_id.eq(&a.id)))
        .set(locations::name.eq(hostile("Location")))
        .execute(&mut *conn)
        .unwrap();
    diesel::update(api_tokens::table.filter(api_tokens::company_id.eq(&a.id)))
        .set(api_tokens::name.eq(hostile("Token")))
        .execute(&mut *conn)
        .unwrap();
    leadrelay::audit::queries::record(
        &mut conn,
        &leadrelay::audit::model::Actor::command_line(),
        Some(&a.id),
        leadrelay::audit::model::Action::LocationRenamed,
        &hostile("Target"),
        &hostile("Detail"),
    )
    .unwrap();
    drop(conn);
    // Platform admins see every page; the company's admin sees the company's and its own.
    let admin = login(&f.app, &a.admin.email).await;
    let platform = login(&f.app, &f.world.platform.email).await;
    // askama escapes `<` and `>` as numeric references.
    let escaped_script = "&#60;script&#62;alert(";
    let mut shown = std::collections::BTreeSet::new();
    let mut walked = 0;
    for route in ROUTES.iter().filter(|r| {
        r.method == "get"
            && r.access != Access::Public
            && !r.access.is_api()
            && !r.path.contains("{path")
    }) {
        let path = path_for(route, &f);
        for (who, session) in [("platform admin", &platform), ("company admin", &admin)] {
            let response = session.get(&path).await;
            let status = response.status().as_u16();
            let html = response.text().await.unwrap();
            walked += 1;
            assert!(status < 500, "{who} GET {path}: {status}");
            assert!(
                !html.contains(SCRIPT) && !html.contains("<img src=x"),
                "{who} GET {path} shows markup unescaped"
            );
            for label in ["Company", "Location", "Token", "Target", "Detail"] {
                if html.contains(&format!("{label} {escaped_script}")) {
                    shown.insert(label);
                }
            }
        }
    }
    assert!(walked >= 36, "walked {walked} pages");
    // Each hostile field was on at least one page, so the walk could have caught it.
    assert_eq!(
        shown.into_iter().collect::<Vec<_>>(),
        ["Company", "Detail", "Location", "Target", "Token"]
    );
}
