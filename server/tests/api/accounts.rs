//! API accounts: the one-time password link, sign-in, recovery.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, emails_to, link_secret, spawn_app};
use crate::on_both_databases;

/// `POST /api/v1/password-setup/info`: whose link it is (the link is not used up).
pub(crate) async fn link_info(app: &TestApp, token: &str) -> (u16, Value) {
    app.post("/api/v1/password-setup/info", &json!({ "token": token }))
        .await
}

/// The token of the password link in the latest email to `address` whose subject contains `subject`.
pub(crate) async fn link_token(address: &str, subject: &str, at_least: usize) -> String {
    link_secret(address, subject, at_least, "/compte/mot-de-passe#jeton=").await
}

/// A validated request of `who` (Marie Test): its password link's token.
pub(crate) async fn validated(app: &TestApp, who: &str) -> String {
    let id = app.submit_as(who, "Marie", "Test").await;
    let reviewer = app.admin(&format!("instructeur-{who}"), "reviewer").await;
    let (status, body) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    link_token(&app.email(who), "validé", 2).await
}

async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}{path}", app.base))
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn the_link_works_once_and_opening_it_does_not_use_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = validated(&app, "lien").await;
    for _ in 0..2 {
        let (status, body) = link_info(&app, &token).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["login"], "mtest");
        assert_eq!(body["policy"], json!({ "min": 8, "max": 12, "classes": 3 }));
    }
    let (status, body) = post(
        &app,
        "/api/v1/password-setup",
        json!({ "token": token, "password": "court", "confirmation": "court" }),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (422, Some("validation")));
    assert!(
        body["fields"]["password"]
            .as_str()
            .is_some_and(|m| m.contains("de 8 à 12 caractères")),
        "{body}"
    );
    let (status, body) = post(
        &app,
        "/api/v1/password-setup",
        json!({ "token": token, "password": "motdepasse", "confirmation": "motdepasse" }),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["fields"]["password"]
            .as_str()
            .is_some_and(|m| m.contains("3 types")),
        "{body}"
    );
    let (status, body) = post(
        &app,
        "/api/v1/password-setup",
        json!({ "token": token, "password": "Mtest-2026", "confirmation": "Mtest-2026" }),
    )
    .await;
    assert_eq!(status, 422, "contains the identifiant: {body}");
    let (status, body) = post(
        &app,
        "/api/v1/password-setup",
        json!({ "token": token, "password": "Dae-2026!", "confirmation": "Dae-2026?" }),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["fields"]["confirmation"].is_string(), "{body}");

    let (status, body) = post(
        &app,
        "/api/v1/password-setup",
        json!({ "token": token, "password": "Dae-2026!", "confirmation": "Dae-2026!" }),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = post(
        &app,
        "/api/v1/password-setup",
        json!({ "token": token, "password": "Autre-2026", "confirmation": "Autre-2026" }),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (410, Some("link_expired")),
        "a link works once"
    );
    let (status, _) = link_info(&app, &token).await;
    assert_eq!(status, 410);
    let (status, body) = link_info(&app, "inconnu").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("link_unknown")));

    // Signing in with the identifiant or the email.
    for login in ["mtest".to_string(), app.email("lien").to_uppercase()] {
        let (status, _) = post(
            &app,
            "/api/v1/account/session",
            json!({ "login": login, "password": "Dae-2026!" }),
        )
        .await;
        assert_eq!(status, 204, "{login}");
    }
}
on_both_databases!(the_link_works_once_and_opening_it_does_not_use_it);

async fn two_submissions_at_once_give_one_success(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = validated(&app, "double").await;
    let (a, b) = tokio::join!(
        post(
            &app,
            "/api/v1/password-setup",
            json!({ "token": token, "password": "Dae-2026!", "confirmation": "Dae-2026!" })
        ),
        post(
            &app,
            "/api/v1/password-setup",
            json!({ "token": token, "password": "Dae-2027!", "confirmation": "Dae-2027!" })
        ),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [204, 410], "{a:?} {b:?}");
}
on_both_databases!(two_submissions_at_once_give_one_success);

async fn an_expired_link_is_renewed_by_exactly_one_email(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = validated(&app, "expire").await;
    sqlx::query("UPDATE account_tokens SET expires_at = 1")
        .execute(&app.db.pool)
        .await
        .expect("expire");
    let (status, body) = link_info(&app, &token).await;
    assert_eq!((status, body["code"].as_str()), (410, Some("link_expired")));
    let (status, _) = post(
        &app,
        "/api/v1/password-setup/renew",
        json!({ "token": token }),
    )
    .await;
    assert_eq!(status, 202);
    let fresh = link_token(&app.email("expire"), "nouveau lien", 3).await;
    assert_ne!(fresh, token);
    let (status, body) = link_info(&app, &fresh).await;
    assert_eq!((status, body["login"].as_str()), (200, Some("mtest")));
    let renewals = emails_to(&app.email("expire"), 3)
        .await
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.contains("nouveau lien"))
        })
        .count();
    assert_eq!(renewals, 1, "exactly one new email");

    // An unknown link gets the same answer and sends nothing.
    let (status, _) = post(
        &app,
        "/api/v1/password-setup/renew",
        json!({ "token": "inconnu" }),
    )
    .await;
    assert_eq!(status, 202);
}
on_both_databases!(an_expired_link_is_renewed_by_exactly_one_email);

async fn recovery_is_silent_and_rate_limited(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = validated(&app, "oubli").await;
    let (status, _) = post(
        &app,
        "/api/v1/password-setup",
        json!({ "token": token, "password": "Dae-2026!", "confirmation": "Dae-2026!" }),
    )
    .await;
    assert_eq!(status, 204);

    let (status, _) = post(
        &app,
        "/api/v1/account/forgot-password",
        json!({ "email": "personne@exemple.fr" }),
    )
    .await;
    assert_eq!(status, 202, "the same answer for an unknown address");
    let (status, _) = post(
        &app,
        "/api/v1/account/forgot-login",
        json!({ "email": app.email("oubli") }),
    )
    .await;
    assert_eq!(status, 202);
    let emails = emails_to(&app.email("oubli"), 3).await;
    let reminder = emails
        .iter()
        .find(|m| m["subject"] == "Géo'DAE : votre identifiant")
        .expect("identifiant email");
    assert!(
        reminder["text"]
            .as_str()
            .is_some_and(|t| t.contains("Votre identifiant : mtest"))
    );

    let (status, _) = post(
        &app,
        "/api/v1/account/forgot-password",
        json!({ "email": app.email("oubli") }),
    )
    .await;
    assert_eq!(status, 202);
    let reset = link_token(&app.email("oubli"), "réinitialisation", 4).await;
    let (status, _) = post(
        &app,
        "/api/v1/password-setup",
        json!({ "token": reset, "password": "Neuf-2026!", "confirmation": "Neuf-2026!" }),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = post(
        &app,
        "/api/v1/account/session",
        json!({ "login": "mtest", "password": "Neuf-2026!" }),
    )
    .await;
    assert_eq!(status, 204);

    // A fourth recovery email within the hour is not sent (the answer stays 202).
    for _ in 0..3 {
        let (status, _) = post(
            &app,
            "/api/v1/account/forgot-password",
            json!({ "email": app.email("oubli") }),
        )
        .await;
        assert_eq!(status, 202);
    }
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let resets = emails_to(&app.email("oubli"), 1)
        .await
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.contains("réinitialisation"))
        })
        .count();
    assert_eq!(
        resets, 2,
        "at most three emails per account and hour (reminder + 2 resets)"
    );
}
on_both_databases!(recovery_is_silent_and_rate_limited);

async fn sign_in_is_throttled_and_disabled_accounts_cannot_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = validated(&app, "connexion").await;
    let (status, _) = post(
        &app,
        "/api/v1/password-setup",
        json!({ "token": token, "password": "Dae-2026!", "confirmation": "Dae-2026!" }),
    )
    .await;
    assert_eq!(status, 204);

    let response = app
        .client
        .post(format!("{}/api/v1/account/session", app.base))
        .json(&json!({ "login": "mtest", "password": "Dae-2026!" }))
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status().as_u16(), 204);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(
        cookie.starts_with("geodae_compte=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().expect("cookie").to_string();
    let account: Value = app
        .client
        .get(format!("{}/api/v1/account/session", app.base))
        .header("cookie", &session)
        .send()
        .await
        .expect("account")
        .json()
        .await
        .expect("json");
    assert_eq!(account["login"], "mtest");
    assert_eq!(account["company_name"], "LA POSTE");
    assert_eq!(account["history"][1]["action"], "approved");

    sqlx::query("UPDATE accounts SET disabled = 1")
        .execute(&app.db.pool)
        .await
        .expect("disable");
    let (status, body) = post(
        &app,
        "/api/v1/account/session",
        json!({ "login": "mtest", "password": "Dae-2026!" }),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("invalid_credentials")),
        "a disabled account"
    );
    sqlx::query("UPDATE accounts SET disabled = 0")
        .execute(&app.db.pool)
        .await
        .expect("enable");

    // The disabled attempt was the first failure; five more make six: the login is locked.
    for _ in 0..5 {
        let (status, _) = post(
            &app,
            "/api/v1/account/session",
            json!({ "login": "mtest", "password": "faux" }),
        )
        .await;
        assert_eq!(status, 401);
    }
    let (status, body) = post(
        &app,
        "/api/v1/account/session",
        json!({ "login": "mtest", "password": "Dae-2026!" }),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("rate_limited")),
        "locked after the failures: {body}"
    );

    // Like the administrators', every sign-in and failure of an account is in the audit trail.
    let actions: Vec<(String, i64)> = sqlx::query_as(
        "SELECT action, COUNT(*) FROM audit_log WHERE actor_kind = 'account' AND action LIKE 'account.sign%' GROUP BY action ORDER BY action",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("audit");
    assert_eq!(
        actions,
        vec![
            ("account.sign_in_failed".to_string(), 6),
            ("account.signed_in".to_string(), 1)
        ]
    );
}
on_both_databases!(sign_in_is_throttled_and_disabled_accounts_cannot_sign_in);

async fn administrators_disable_enable_and_send_links(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = validated(&app, "gestion").await;
    let (status, _) = post(
        &app,
        "/api/v1/password-setup",
        json!({ "token": token, "password": "Dae-2026!", "confirmation": "Dae-2026!" }),
    )
    .await;
    assert_eq!(status, 204);
    let reviewer = app.admin("responsable", "reviewer").await;
    let (account,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE login = 'mtest'")
        .fetch_one(&app.db.pool)
        .await
        .expect("account");
    let (registration,): (i64,) =
        sqlx::query_as("SELECT registration_id FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_one(&app.db.pool)
            .await
            .expect("registration");
    let (_, detail) = app
        .call(
            Some(&reviewer),
            "GET",
            &format!("/api/v1/admin/registrations/{registration}"),
            None,
        )
        .await;
    assert_eq!(detail["decision"]["account_id"].as_i64(), Some(account));
    assert_eq!(detail["decision"]["account_activated"], true);

    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/accounts/{account}/disable"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = post(
        &app,
        "/api/v1/account/session",
        json!({ "login": "mtest", "password": "Dae-2026!" }),
    )
    .await;
    assert_eq!(status, 401, "a disabled account cannot sign in");
    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/accounts/{account}/password-link"),
            None,
        )
        .await;
    assert_eq!(status, 404, "no link for a disabled account");
    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/accounts/{account}/enable"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = post(
        &app,
        "/api/v1/account/session",
        json!({ "login": "mtest", "password": "Dae-2026!" }),
    )
    .await;
    assert_eq!(status, 204);

    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/accounts/{account}/password-link"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let fresh = link_token(&app.email("gestion"), "lien pour créer", 3).await;
    let (status, body) = link_info(&app, &fresh).await;
    assert_eq!((status, body["login"].as_str()), (200, Some("mtest")));

    let (_, trail) = app
        .call(Some(&reviewer), "GET", "/api/v1/admin/audit", None)
        .await;
    let actions: Vec<&str> = trail
        .as_array()
        .expect("trail")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "account.disabled",
        "account.enabled",
        "account.password_link_sent",
        "account.password_set",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}
on_both_databases!(administrators_disable_enable_and_send_links);
