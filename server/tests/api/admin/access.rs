//! Sessions and roles on every route, CSRF and origin checks, cookies, sign-in throttling.

use serde_json::{Value, json};

use super::{admin_routes, concrete, required_role};

use crate::helpers::{ADMIN_PASSWORD, Backend, spawn_app};
use crate::on_both_databases;

async fn every_admin_route_needs_a_session_and_its_role(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.submit_as("roles", "Marie", "Test").await;
    let viewer = app.admin("lecteur", "viewer").await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    for (method, path) in admin_routes(&app).await {
        let url = concrete(&path, id);
        let body = Some(json!({}));
        let (status, answer) = app.call(None, &method, &url, body.clone()).await;
        if method == "POST" && path == "/api/v1/admin/session" {
            assert_eq!(status, 422, "sign-in without fields: {answer}");
            continue;
        }
        assert_eq!(status, 401, "{method} {path} without a session: {answer}");
        assert_eq!(answer["code"], "unauthenticated");

        let needed = required_role(&method, &path);
        if needed != "viewer" {
            let (status, answer) = app.call(Some(&viewer), &method, &url, body.clone()).await;
            assert_eq!(status, 403, "{method} {path} as a viewer: {answer}");
            assert_eq!(answer["code"], "forbidden");
        }
        if needed == "admin" {
            let (status, answer) = app.call(Some(&reviewer), &method, &url, body.clone()).await;
            assert_eq!(status, 403, "{method} {path} as a reviewer: {answer}");
        }
    }
    // Reading is open to every role.
    let (status, _) = app
        .call(
            Some(&viewer),
            "GET",
            &format!("/api/v1/admin/registrations/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
}
on_both_databases!(every_admin_route_needs_a_session_and_its_role);

#[tokio::test]
async fn state_changes_need_the_csrf_token_and_this_origin() {
    let app = spawn_app(Backend::Sqlite).await;
    let id = app.submit_as("csrf", "Marie", "Test").await;
    let mut reviewer = app.admin("instructeur", "reviewer").await;
    let url = format!("{}/api/v1/admin/registrations/{id}/approve", app.base);

    let without = app
        .client
        .post(&url)
        .header("cookie", &reviewer.cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(without.status().as_u16(), 403);
    let body: Value = without.json().await.expect("json");
    assert_eq!(body["code"], "csrf");

    let elsewhere = app
        .client
        .post(&url)
        .header("cookie", &reviewer.cookie)
        .header("x-csrf-token", &reviewer.csrf)
        .header("origin", "https://malveillant.example")
        .send()
        .await
        .expect("request");
    assert_eq!(
        elsewhere.status().as_u16(),
        403,
        "a request from another site"
    );

    let real = reviewer.csrf.clone();
    reviewer.csrf = "a".repeat(real.len());
    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 403, "a wrong token");
    reviewer.csrf = real;
    let (status, body) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM registrations WHERE status = 'approved'")
            .await,
        1
    );
}

#[tokio::test]
async fn sessions_are_http_only_strict_cookies_ended_by_sign_out() {
    let app = spawn_app(Backend::Sqlite).await;
    app.admin("lecteur", "viewer").await;
    let response = app.sign_in("lecteur", ADMIN_PASSWORD).await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(cookie.starts_with("geodae_admin="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP on a test address");
    let session = app.admin("lecteur2", "viewer").await;
    let (status, _) = app
        .call(Some(&session), "DELETE", "/api/v1/admin/session", None)
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .call(Some(&session), "GET", "/api/v1/admin/session", None)
        .await;
    assert_eq!(
        status, 401,
        "the session is over on the server, not only in the browser"
    );
    let (sessions, digests) = (
        app.count("SELECT COUNT(*) FROM sessions").await,
        app.count("SELECT COUNT(*) FROM sessions WHERE length(token_hash) = 64")
            .await,
    );
    assert_eq!(
        (sessions, digests),
        (2, 2),
        "the two sessions of lecteur remain, stored as digests"
    );
    let secret = session
        .cookie
        .split_once('=')
        .map(|(_, v)| v.to_string())
        .expect("cookie value");
    let (raw,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE token_hash = $1")
        .bind(&secret)
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(raw, 0, "the cookie's token itself is never stored");
}

#[tokio::test]
async fn repeated_failures_lock_the_login_and_unknown_logins_cost_the_same() {
    let app = spawn_app(Backend::Sqlite).await;
    app.admin("cible", "viewer").await;
    let timed = |login: &'static str, password: &'static str| {
        let app = &app;
        async move {
            let started = std::time::Instant::now();
            let status = app.sign_in(login, password).await.status().as_u16();
            (status, started.elapsed())
        }
    };
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..5 {
        let (status, elapsed) = timed("cible", "mauvais mot de passe").await;
        assert_eq!(status, 401);
        wrong.push(elapsed);
        let (status, elapsed) = timed("personne", "mauvais mot de passe").await;
        assert_eq!(status, 401);
        unknown.push(elapsed);
    }
    wrong.sort();
    unknown.sort();
    let (w, u) = (wrong[2].as_secs_f64(), unknown[2].as_secs_f64());
    assert!(
        u > w * 0.5 && u < w * 2.0,
        "median wrong password {w:.3} s, unknown login {u:.3} s"
    );

    // The 6th failure locks the login: even the right password is refused, with Retry-After.
    assert_eq!(timed("cible", "mauvais mot de passe").await.0, 401);
    let locked = app.sign_in("cible", ADMIN_PASSWORD).await;
    assert_eq!(locked.status().as_u16(), 429);
    let retry: i64 = locked.headers()["retry-after"]
        .to_str()
        .expect("header")
        .parse()
        .expect("seconds");
    assert!((1..=30).contains(&retry), "{retry}");
    let body: Value = locked.json().await.expect("json");
    assert_eq!(body["code"], "rate_limited");

    // Another login from the same address still works until the address's allowance is spent.
    app.admin("autre", "viewer").await;
}

#[tokio::test]
async fn many_failures_from_one_address_lock_it() {
    let app = spawn_app(Backend::Sqlite).await;
    for n in 0..20 {
        let status = app
            .sign_in(&format!("inconnu{n}"), "x")
            .await
            .status()
            .as_u16();
        assert_eq!(status, 401, "attempt {n}");
    }
    let status = app.sign_in("inconnu-encore", "x").await.status().as_u16();
    assert_eq!(status, 401, "the 21st failure is counted…");
    let status = app.sign_in("admin", "x").await.status().as_u16();
    assert_eq!(status, 429, "…and the address is locked");
}
