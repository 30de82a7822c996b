//! `/api/openapi.json`: a valid OpenAPI document (read with a parser) that lists exactly the
//! API routes of the route table, every reference defined.

use leadrelay::routes::ROUTES;
use serde_json::Value;

use crate::support::helpers::spawn_app;

fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "$ref" {
                    found.push(inner.as_str().unwrap().to_string());
                }
                refs(inner, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_parses_and_lists_exactly_the_api_routes() {
    let app = spawn_app().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let text = response.text().await.unwrap();
    let spec = oas3::from_json(&text).expect("a valid OpenAPI 3.1 document");
    assert_eq!(spec.info.version, env!("CARGO_PKG_VERSION"));
    assert!(spec.openapi.starts_with("3.1"), "{}", spec.openapi);

    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in spec.paths.as_ref().expect("paths") {
        for (method, _) in item.methods() {
            documented.push((method.as_str().to_lowercase(), path.clone()));
        }
    }
    documented.sort();
    let mut routed: Vec<(String, String)> = ROUTES
        .iter()
        .filter(|route| route.access.is_api())
        .map(|route| (route.method.to_string(), route.path.to_string()))
        .collect();
    routed.sort();
    assert_eq!(documented, routed);

    let components = spec.components.as_ref().expect("components");
    assert!(components.security_schemes.contains_key("token"));
    let raw: Value = serde_json::from_str(&text).unwrap();
    let mut found = Vec::new();
    refs(&raw, &mut found);
    assert!(found.len() >= 5, "{found:?}");
    for reference in found {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{reference}"));
        assert!(
            components.schemas.contains_key(name),
            "{reference} is defined"
        );
    }
    for (path, item) in spec.paths.as_ref().unwrap() {
        for (method, operation) in item.methods() {
            assert!(
                operation
                    .responses
                    .as_ref()
                    .is_some_and(|r| r.contains_key("401")),
                "{method} {path} documents 401"
            );
            assert!(operation.security.iter().any(|s| s.0.contains_key("token")));
        }
    }
}
