//! SPEC §4, §5: no AccuLynx key and no webhook token in the logs (at any level), in command
//! output, or in any page, except the webhook URL on its location's page.

use leadrelay::routes::{Access, ROUTES};
use serde_json::json;

use crate::support::fixtures::{Session, login, seed_world};
use crate::support::helpers::{captured_logs, spawn_app_with};
use crate::support::secrets::{
    new_key, page, post_and_follow, run_cli, sandbox_knowing, save_key, test_key, url_signer_of,
    webhook_url_in,
};

fn token_of(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn no_key_and_no_token_appears_in_logs_output_or_pages() {
    let (good, bad, piped) = (new_key(), new_key(), new_key());
    let (_sandbox, acculynx) = sandbox_knowing(&[(&good, "Leak Check")]).await;
    let app = spawn_app_with(|s| s.acculynx_base_url = acculynx).await;
    let world = seed_world(&app);
    let id = world.a.location_id.clone();
    let admin = login(&app, &world.a.admin.email).await;
    let mut shown = Vec::new();

    // Every path that handles a key or a token.
    shown.push(save_key(&admin, &id, &bad).await);
    shown.push(test_key(&admin, &id).await);
    shown.push(save_key(&admin, &id, &good).await);
    shown.push(test_key(&admin, &id).await);
    let first = webhook_url_in(&page(&admin, &format!("/locations/{id}")).await).unwrap();
    let rotate = format!("/locations/{id}/rotate-url");
    shown.push(post_and_follow(&admin, &rotate, &[("grace", "1h"), ("confirm", "yes")]).await);
    let second = webhook_url_in(shown.last().unwrap()).unwrap();
    shown.push(post_and_follow(&admin, &rotate, &[("grace", "0"), ("confirm", "yes")]).await);
    let current = webhook_url_in(shown.last().unwrap()).unwrap();
    let forged = format!(
        "{}/hooks/{id}/{}",
        app.address,
        url_signer_of(&app).token(&world.b.location_id, 1)
    );
    for url in [&first, &second, &current, &forged] {
        let _ = app
            .client
            .post(url)
            .json(&json!({"firstName": "Dana"}))
            .send()
            .await
            .unwrap();
        let _ = app.client.get(url).send().await.unwrap();
    }
    let added = run_cli(
        &app,
        &[
            "location",
            "add",
            "--company",
            "alpha",
            "--name",
            "Piped",
            "--acculynx-key-stdin",
        ],
        Some(&format!("{piped}\n")),
    )
    .await;
    assert_eq!(added.code, 0, "{added:?}");
    let piped_url = added.stdout.trim().to_string();
    let listed = run_cli(&app, &["location", "list", "--company", "alpha"], None).await;
    let rotated = run_cli(
        &app,
        &["location", "rotate-url", &id, "--grace", "1h"],
        None,
    )
    .await;
    let rotated_url = rotated.stdout.trim().to_string();

    let keys = [&good, &bad, &piped];
    let tokens: Vec<String> = [&first, &second, &current, &forged, &piped_url, &rotated_url]
        .iter()
        .map(|url| token_of(url))
        .collect();

    // Command output: the URLs only where a command prints them, never a key.
    for out in [&added, &listed, &rotated] {
        for key in keys {
            assert!(!out.stdout.contains(key.as_str()) && !out.stderr.contains(key.as_str()));
        }
        for token in &tokens {
            assert!(!out.stderr.contains(token.as_str()), "{}", out.stderr);
        }
    }

    // Pages: flash messages and every page of the route table, for every role.
    let viewer = login(&app, &world.a.viewer.email).await;
    let platform = login(&app, &world.platform.email).await;
    let location_page = format!("/locations/{id}");
    let current_token = token_of(&rotated_url);
    for (who, session) in [
        ("admin", &admin),
        ("viewer", &viewer),
        ("platform", &platform),
    ] {
        let lead_id: Option<String> = {
            use diesel::prelude::*;
            leadrelay::db::schema::leads::table
                .select(leadrelay::db::schema::leads::id)
                .first(&mut *app.conn())
                .ok()
        };
        let lead_id = lead_id.as_deref();
        for (path, html) in
            every_page(session, &world.a.slug, &id, &world.a.viewer.id, lead_id).await
        {
            for key in keys {
                assert!(!html.contains(key.as_str()), "{who}: a key on {path}");
            }
            for token in &tokens {
                let expected = usize::from(
                    path == location_page && who != "viewer" && *token == current_token,
                );
                assert_eq!(
                    html.matches(token.as_str()).count(),
                    expected,
                    "{who}: a token on {path}"
                );
            }
            if expected_url_here(&path, &location_page, who) {
                assert_eq!(
                    webhook_url_in(&html).map(|url| token_of(&url)),
                    Some(current_token.clone())
                );
            }
        }
    }
    for html in &shown {
        for key in keys {
            assert!(
                !html.contains(key.as_str()),
                "a key in a page after an action"
            );
        }
    }

    // Logs: the requests were logged, with the token redacted; no secret at any level.
    let logs = captured_logs();
    assert!(
        logs.contains(&format!("/hooks/{id}/***")),
        "webhook requests are logged"
    );
    for key in keys {
        assert!(!logs.contains(key.as_str()), "a key in the logs");
    }
    for token in &tokens {
        assert!(!logs.contains(token.as_str()), "a token in the logs");
    }
}

fn expected_url_here(path: &str, location_page: &str, who: &str) -> bool {
    path == location_page && who != "viewer"
}

/// Every GET page of the route table (with company A's identifiers) and the start page.
async fn every_page(
    session: &Session,
    slug: &str,
    location_id: &str,
    user_id: &str,
    lead_id: Option<&str>,
) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    for route in ROUTES
        .iter()
        .filter(|r| r.method == "get" && r.access != Access::Public && !r.access.is_api())
    {
        let id = if route.path.starts_with("/users/") {
            user_id
        } else if route.path.starts_with("/leads/") {
            match lead_id {
                Some(id) => id,
                None => continue,
            }
        } else if route.path.starts_with("/resend-jobs/") {
            // No bulk resend was made here; its page is walked by bulk_resend.rs.
            continue;
        } else {
            location_id
        };
        let path = route.path.replace("{slug}", slug).replace("{id}", id);
        let response = session.get(&path).await;
        let status = response.status().as_u16();
        assert!(matches!(status, 200 | 403), "GET {path}: {status}");
        pages.push((path, response.text().await.unwrap()));
    }
    pages
}
