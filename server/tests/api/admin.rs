//! `/api/v1/admin`: sessions and roles on every route, decisions and their emails, races, identifiants,
//! throttling, CSRF, the outbox and the audit trail.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, Backend, emails_to, spawn_app};
use crate::on_both_databases;

/// The routes under `/api/v1/admin`, read from the OpenAPI document so that a new route cannot be forgotten.
async fn admin_routes(app: &crate::helpers::TestApp) -> Vec<(String, String)> {
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
fn required_role(method: &str, path: &str) -> &'static str {
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

fn concrete(path: &str, registration: i64) -> String {
    path.replace("{id}", &registration.to_string())
        .replace("{code}", "doublon")
}

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

async fn approval_creates_the_account_and_sends_one_validation_email(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.submit_as("valide", "Marie", "Test").await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let (status, body) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["login"], "mtest");

    let emails = emails_to(&app.email("valide"), 2).await;
    let validation: Vec<&Value> = emails
        .iter()
        .filter(|m| m["subject"].as_str().is_some_and(|s| s.contains("validé")))
        .collect();
    assert_eq!(validation.len(), 1, "exactly one validation email");
    let text = validation[0]["text"].as_str().expect("text");
    assert!(text.contains("Votre identifiant : mtest"), "{text}");
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/compte/mot-de-passe?jeton="))
        .expect("password link");
    assert!(
        link.starts_with("http://comptes.geodae.test/compte/mot-de-passe?jeton="),
        "{link}"
    );
    let secret = link.rsplit('=').next().expect("token");
    assert!(secret.len() >= 22, "at least 128 bits: {secret}");
    let (stored, lifetime): (String, i64) = sqlx::query_as(
        "SELECT t.token_hash, t.expires_at - t.created_at FROM account_tokens t JOIN accounts a ON a.id = t.account_id WHERE a.login = 'mtest'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("token row");
    assert_eq!(
        stored,
        server::auth::token::digest(secret),
        "only the digest is stored"
    );
    assert_eq!(lifetime, 7 * 24 * 3600 * 1000);

    let (status, again) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(again["code"], "already_decided");
    assert!(
        again["message"]
            .as_str()
            .is_some_and(|m| m.contains("instructeur")),
        "{again}"
    );

    let (status, detail) = app
        .call(
            Some(&reviewer),
            "GET",
            &format!("/api/v1/admin/registrations/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(detail["decision"]["login"], "mtest");
    assert_eq!(detail["decision"]["decided_by"], "instructeur");
    assert_eq!(detail["register"]["company_name"], "LA POSTE");
    let actions: Vec<&str> = detail["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|h| h["action"].as_str())
        .collect();
    assert_eq!(actions, ["submitted", "approved"]);

    // The applicant cannot apply again with this address: an account exists.
    let (status, body) = app.submit(&app.request("valide")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_registered"))
    );
}
on_both_databases!(approval_creates_the_account_and_sends_one_validation_email);

async fn refusal_quotes_the_reasons_and_links_to_a_filled_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.submit_as("refus", "Marie", "Test").await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let url = format!("/api/v1/admin/registrations/{id}/refuse");

    let (status, body) = app
        .call(
            Some(&reviewer),
            "POST",
            &url,
            Some(json!({ "reasons": [], "message": "" })),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("validation")),
        "at least one reason"
    );
    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &url,
            Some(json!({ "reasons": ["inconnu"] })),
        )
        .await;
    assert_eq!(status, 422, "an unknown reason");

    let (status, body) = app
        .call(
            Some(&reviewer),
            "POST",
            &url,
            Some(json!({ "reasons": ["email_personnel", "nom_demandeur"], "message": "Merci de refaire la demande." })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let emails = emails_to(&app.email("refus"), 2).await;
    let refusal: Vec<&Value> = emails
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.contains("pas été acceptée"))
        })
        .collect();
    assert_eq!(refusal.len(), 1, "exactly one refusal email");
    let text = refusal[0]["text"].as_str().expect("text");
    assert!(text.contains("adresse email professionnelle"), "{text}");
    assert!(text.contains("nom d'une personne physique"), "{text}");
    assert!(text.contains("Merci de refaire la demande."), "{text}");
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/inscription?reprise="))
        .expect("re-application link");
    let token = link.rsplit('=').next().expect("token");

    let (status, prefill) = app
        .get(&format!("/api/v1/registrations/reprise/{token}"))
        .await;
    assert_eq!(status, 200, "{prefill}");
    assert_eq!(prefill["email"], app.email("refus"));
    assert_eq!(prefill["siren"], "356000000");
    assert_eq!(prefill["phone_prefix"], "+33");
    assert_eq!(prefill["phone_number"], "123456789");
    assert_eq!(prefill["first_name"], "Marie");

    let forged = format!("{}x", token);
    let (status, body) = app
        .get(&format!("/api/v1/registrations/reprise/{forged}"))
        .await;
    assert_eq!((status, body["code"].as_str()), (404, Some("link_unknown")));

    // The refused applicant may apply again with the same address.
    let (status, body) = app.submit(&app.request("refus")).await;
    assert_eq!(status, 201, "{body}");
}
on_both_databases!(refusal_quotes_the_reasons_and_links_to_a_filled_form);

async fn simultaneous_decisions_end_with_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.admin("premiere", "reviewer").await;
    let second = app.admin("seconde", "reviewer").await;
    for round in 0..12 {
        let id = app
            .submit_as(&format!("course{round}"), "Marie", "Test")
            .await;
        let (approve_url, refuse_url) = (
            format!("/api/v1/admin/registrations/{id}/approve"),
            format!("/api/v1/admin/registrations/{id}/refuse"),
        );
        let approve = app.call(Some(&first), "POST", &approve_url, None);
        let refuse = app.call(
            Some(&second),
            "POST",
            &refuse_url,
            Some(json!({ "reasons": ["doublon"] })),
        );
        let ((a, a_body), (r, r_body)) = tokio::join!(approve, refuse);
        let mut statuses = [a, r];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}: {a_body} {r_body}");
        let loser = if a == 409 { &a_body } else { &r_body };
        assert_eq!(loser["code"], "already_decided");
        let (decisions,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM outbox WHERE registration_id = $1 AND kind IN ('validation', 'refusal')",
        )
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
        assert_eq!(decisions, 1, "round {round}: one decision email");
    }
    let accounts = app.count("SELECT COUNT(*) FROM accounts").await;
    let approved = app
        .count("SELECT COUNT(*) FROM registrations WHERE status = 'approved'")
        .await;
    assert_eq!(accounts, approved, "one account per validation");
}
on_both_databases!(simultaneous_decisions_end_with_one);

async fn identifiants_get_a_suffix_when_taken(backend: Backend) {
    let app = spawn_app(backend).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let mut logins = Vec::new();
    for (who, first, last) in [
        ("a", "Marie", "Test"),
        ("b", "Mathieu", "Test"),
        ("c", "Mélanie", "Test"),
        ("d", "Éloïse", "Le Bœuf"),
    ] {
        let id = app.submit_as(who, first, last).await;
        let (status, body) = app
            .call(
                Some(&reviewer),
                "POST",
                &format!("/api/v1/admin/registrations/{id}/approve"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        logins.push(body["login"].as_str().expect("login").to_string());
    }
    assert_eq!(logins, ["mtest", "mtest2", "mtest3", "eleboeuf"]);
}
on_both_databases!(identifiants_get_a_suffix_when_taken);

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

async fn the_dashboard_lists_pending_first_searches_and_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let viewer = app.admin("lecteur", "viewer").await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let mut ids = Vec::new();
    for (who, first, last) in [
        ("p1", "Anne", "Durand"),
        ("p2", "Bruno", "Éluard"),
        ("p3", "Chloé", "Faure"),
        ("p4", "Denis", "Garnier"),
        ("p5", "Emma", "Hugo"),
    ] {
        ids.push(app.submit_as(who, first, last).await);
    }
    // The oldest request is decided: it goes after the pending ones.
    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{}/approve", ids[0]),
            None,
        )
        .await;
    assert_eq!(status, 200);

    let mut seen = Vec::new();
    let mut url = "/api/v1/admin/registrations?limit=2".to_string();
    let mut pages = 0;
    loop {
        let (status, page) = app.call(Some(&viewer), "GET", &url, None).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        if pages == 1 {
            assert_eq!(page["counts"]["pending"], 4);
            assert_eq!(page["counts"]["approved"], 1);
            assert_eq!(page["weeks"].as_array().map(Vec::len), Some(12));
            let last = &page["weeks"][11];
            assert_eq!(
                (last["received"].as_i64(), last["decided"].as_i64()),
                (Some(5), Some(1))
            );
        }
        for item in page["items"].as_array().expect("items") {
            seen.push(item["id"].as_i64().expect("id"));
        }
        match page["next"].as_str() {
            Some(next) => url = format!("/api/v1/admin/registrations?limit=2&after={next}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<i64> = ids[1..].iter().copied().chain([ids[0]]).collect();
    assert_eq!(seen, expected, "pending first, oldest first, each once");

    let search = |q: &str| {
        let url = format!("/api/v1/admin/registrations?q={q}");
        let viewer = &viewer;
        let app = &app;
        async move {
            let (status, page) = app.call(Some(viewer), "GET", &url, None).await;
            assert_eq!(status, 200, "{page}");
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["id"].as_i64().expect("id"))
                .collect::<BTreeSet<i64>>()
        }
    };
    assert_eq!(
        search("eluard").await,
        BTreeSet::from([ids[1]]),
        "accents do not matter"
    );
    assert_eq!(search("Garnier").await, BTreeSet::from([ids[3]]));
    assert_eq!(search("356000000").await.len(), 5, "by SIREN");
    assert_eq!(search("la%20poste").await.len(), 5, "by raison sociale");
    assert_eq!(search("100%25").await.len(), 0, "% is literal");

    let (status, page) = app
        .call(
            Some(&viewer),
            "GET",
            "/api/v1/admin/registrations?status=approved",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    let (status, body) = app
        .call(
            Some(&viewer),
            "GET",
            "/api/v1/admin/registrations?status=nimporte",
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_query"))
    );
    let (status, _) = app
        .call(
            Some(&viewer),
            "GET",
            "/api/v1/admin/registrations?after=zzz",
            None,
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .call(
            Some(&viewer),
            "GET",
            "/api/v1/admin/registrations/abc",
            None,
        )
        .await;
    assert_eq!(status, 404);
}
on_both_databases!(the_dashboard_lists_pending_first_searches_and_pages);

async fn decisions_are_in_the_append_only_audit_trail(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.submit_as("journal", "Marie", "Test").await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    app.call(
        Some(&reviewer),
        "POST",
        &format!("/api/v1/admin/registrations/{id}/approve"),
        None,
    )
    .await;
    let (status, entries) = app
        .call(Some(&reviewer), "GET", "/api/v1/admin/audit", None)
        .await;
    assert_eq!(status, 200);
    let actions: Vec<(String, String)> = entries
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap_or("").to_string(),
                e["action"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        actions.contains(&("instructeur".into(), "registration.approved".into())),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("instructeur".into(), "admin.signed_in".into())),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|(_, a)| a == "admin.created"),
        "{actions:?}"
    );

    let update = sqlx::query("UPDATE audit_log SET action = 'rien'")
        .execute(&app.db.pool)
        .await;
    assert!(update.is_err(), "the database refuses to change the trail");
    let delete = sqlx::query("DELETE FROM audit_log")
        .execute(&app.db.pool)
        .await;
    assert!(delete.is_err(), "the database refuses to delete the trail");
}
on_both_databases!(decisions_are_in_the_append_only_audit_trail);

#[tokio::test]
async fn failed_emails_can_be_sent_again() {
    let app = spawn_app(Backend::Sqlite).await;
    let id = app.submit_as("renvoi", "Marie", "Test").await;
    emails_to(&app.email("renvoi"), 1).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let viewer = app.admin("lecteur", "viewer").await;
    let (mail_id,): (i64,) = sqlx::query_as(
        "SELECT id FROM outbox WHERE registration_id = $1 AND kind = 'acknowledgement'",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .expect("outbox row");
    let resend = format!("/api/v1/admin/outbox/{mail_id}/resend");
    let (status, body) = app.call(Some(&reviewer), "POST", &resend, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("not_failed")),
        "a sent email is not resent"
    );

    sqlx::query("UPDATE outbox SET status = 'failed', attempts = 12, last_error = 'SMTP refusé' WHERE id = $1")
        .bind(mail_id)
        .execute(&app.db.pool)
        .await
        .expect("mark failed");
    let (status, listed) = app
        .call(
            Some(&viewer),
            "GET",
            "/api/v1/admin/outbox?status=failed",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(listed[0]["id"].as_i64(), Some(mail_id));
    assert_eq!(listed[0]["last_error"], "SMTP refusé");
    let (status, _) = app.call(Some(&viewer), "POST", &resend, None).await;
    assert_eq!(status, 403, "a viewer cannot resend");
    let (status, _) = app.call(Some(&reviewer), "POST", &resend, None).await;
    assert_eq!(status, 204);
    let emails = emails_to(&app.email("renvoi"), 2).await;
    assert_eq!(emails.len(), 2, "the acknowledgement left a second time");
}

async fn admins_manage_administrators(backend: Backend) {
    let app = spawn_app(backend).await;
    let chief = app.admin("cheffe", "admin").await;
    let (status, created) = app
        .call(
            Some(&chief),
            "POST",
            "/api/v1/admin/admins",
            Some(
                json!({ "login": "nouveau", "email": "nouveau@sante.gouv.fr", "role": "reviewer" }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let first_password = created["password"].as_str().expect("password").to_string();
    assert!(first_password.len() >= 20);
    let id = created["admin"]["id"].as_i64().expect("id");
    let (status, _) = app
        .call(
            Some(&chief),
            "POST",
            "/api/v1/admin/admins",
            Some(json!({ "login": "nouveau", "email": "autre@sante.gouv.fr", "role": "viewer" })),
        )
        .await;
    assert_eq!(status, 409, "a login is unique");

    // The new reviewer signs in with the first password, then replaces it.
    let response = app.sign_in("nouveau", &first_password).await;
    assert_eq!(response.status().as_u16(), 204);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("cookie")
        .to_string();
    let mut newcomer = crate::helpers::AdminSession {
        cookie,
        csrf: String::new(),
    };
    let (_, me) = app
        .call(Some(&newcomer), "GET", "/api/v1/admin/session", None)
        .await;
    newcomer.csrf = me["csrf_token"].as_str().expect("csrf").to_string();
    assert_eq!(me["role"], "reviewer");
    let (status, _) = app
        .call(
            Some(&newcomer),
            "PUT",
            "/api/v1/admin/session/password",
            Some(json!({ "current": "faux", "new": "un nouveau mot de passe" })),
        )
        .await;
    assert_eq!(status, 422, "the current password is checked");
    let (status, _) = app
        .call(
            Some(&newcomer),
            "PUT",
            "/api/v1/admin/session/password",
            Some(json!({ "current": first_password, "new": "un nouveau mot de passe" })),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        app.sign_in("nouveau", &first_password)
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        app.sign_in("nouveau", "un nouveau mot de passe")
            .await
            .status()
            .as_u16(),
        204
    );

    // Disabled: every session ends and sign-in fails.
    let (status, _) = app
        .call(
            Some(&chief),
            "PATCH",
            &format!("/api/v1/admin/admins/{id}"),
            Some(json!({ "disabled": true })),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .call(Some(&newcomer), "GET", "/api/v1/admin/session", None)
        .await;
    assert_eq!(status, 401);
    assert_eq!(
        app.sign_in("nouveau", "un nouveau mot de passe")
            .await
            .status()
            .as_u16(),
        401
    );

    // Nobody changes themselves, and the last admin stays.
    let (_, list) = app
        .call(Some(&chief), "GET", "/api/v1/admin/admins", None)
        .await;
    let chief_id = list
        .as_array()
        .expect("admins")
        .iter()
        .find(|a| a["login"] == "cheffe")
        .and_then(|a| a["id"].as_i64())
        .expect("id");
    let (status, _) = app
        .call(
            Some(&chief),
            "PATCH",
            &format!("/api/v1/admin/admins/{chief_id}"),
            Some(json!({ "role": "viewer" })),
        )
        .await;
    assert_eq!(status, 422);
    let (_, list) = app
        .call(Some(&chief), "GET", "/api/v1/admin/admins", None)
        .await;
    let bootstrap = list
        .as_array()
        .expect("admins")
        .iter()
        .find(|a| a["login"] == "admin")
        .and_then(|a| a["id"].as_i64())
        .expect("first administrator");
    let (status, _) = app
        .call(
            Some(&chief),
            "PATCH",
            &format!("/api/v1/admin/admins/{bootstrap}"),
            Some(json!({ "disabled": true })),
        )
        .await;
    assert_eq!(status, 204, "another admin remains (cheffe)");

    let (_, trail) = app
        .call(Some(&chief), "GET", "/api/v1/admin/audit", None)
        .await;
    let actions: Vec<&str> = trail
        .as_array()
        .expect("trail")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in ["admin.created", "admin.changed", "admin.password_changed"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}
on_both_databases!(admins_manage_administrators);
