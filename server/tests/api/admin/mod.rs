//! `/api/v1/admin`, by topic.

mod access;
mod administrators;
mod dashboard;
mod decisions;
mod trail;

use crate::helpers::TestApp;

/// The routes under `/api/v1/admin`, read from the OpenAPI document so that a new route cannot be forgotten.
pub(super) async fn admin_routes(app: &TestApp) -> Vec<(String, String)> {
    let (status, doc) = app.get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if !path.starts_with("/api/v1/admin") {
            continue;
        }
        for method in item.as_object().expect("path item").keys() {
            routes.push((method.to_uppercase(), path.clone()));
        }
    }
    assert!(routes.len() >= 12, "{routes:?}");
    routes
}

/// The least role each route needs: what the tests expect, written independently of the handlers.
pub(super) fn required_role(method: &str, path: &str) -> &'static str {
    if path.ends_with("/session") || path.ends_with("/session/password") {
        "viewer"
    } else if path.contains("/admins") || path.contains("/refusal-reasons/") {
        "admin"
    } else if method == "GET" {
        "viewer"
    } else {
        "reviewer"
    }
}

pub(super) fn concrete(path: &str, registration: i64) -> String {
    path.replace("{id}", &registration.to_string())
        .replace("{code}", "doublon")
}
