//! An applicant's rights, exercised by administrators: the copy of everything held (one call, JSON) and the
//! erasure; both in the audit trail with who and why.

use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::future::join_all;
use serde_json::{Value, json};
use server::store::now_ms;

use crate::helpers::{AdminSession, Backend, TestApp, spawn_app};
use crate::on_both_databases;

async fn rights(
    app: &TestApp,
    session: &AdminSession,
    id: i64,
    right: &str,
    reason: &str,
) -> (u16, Value, Option<String>) {
    let response = app
        .client
        .post(format!(
            "{}/api/v1/admin/registrations/{id}/{right}",
            app.base
        ))
        .header("cookie", &session.cookie)
        .header("x-csrf-token", &session.csrf)
        .json(&json!({ "reason": reason }))
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let disposition = response
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    (
        status,
        response.json().await.unwrap_or(Value::Null),
        disposition,
    )
}

async fn audit_of(app: &TestApp, action: &str) -> Vec<(String, String)> {
    sqlx::query_as("SELECT actor_login, detail FROM audit_log WHERE action = $1 ORDER BY id")
        .bind(action)
        .fetch_all(&app.db.pool)
        .await
        .expect("audit")
}

on_both_databases!(an_applicant_gets_a_copy_of_everything_held);
async fn an_applicant_gets_a_copy_of_everything_held(backend: Backend) {
    let app = spawn_app(backend).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let viewer = app.admin("lecteur", "viewer").await;
    let id = app.submit_as("copie", "Marie", "Copie").await;
    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    crate::helpers::emails_to(&app.email("copie"), 2).await;

    let (status, body, _) = rights(&app, &reviewer, id, "export", " ").await;
    assert_eq!((status, body["code"].as_str()), (422, Some("validation")));
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Motif")),
        "{body}"
    );
    let (status, _, _) = rights(&app, &viewer, id, "export", "mail du 3 mars").await;
    assert_eq!(status, 403);
    let (status, _, _) = rights(&app, &reviewer, 999_999, "export", "mail du 3 mars").await;
    assert_eq!(status, 404);
    assert!(audit_of(&app, "registration.exported").await.is_empty());

    let (status, copy, disposition) = rights(
        &app,
        &reviewer,
        id,
        "export",
        "Mail de Marie Copie du 3 mars",
    )
    .await;
    assert_eq!(status, 200, "{copy}");
    let reference = copy["request"]["reference"].as_str().expect("reference");
    assert_eq!(
        disposition.as_deref(),
        Some(format!("attachment; filename=\"donnees-{reference}.json\"").as_str())
    );
    assert_eq!(copy["request"]["email"], app.email("copie"));
    assert_eq!(copy["request"]["last_name"], "Copie");
    assert_eq!(copy["request"]["phone"], "+33123456789");
    assert_eq!(copy["account"]["login"], "mcopie");
    assert_eq!(copy["account"]["password_set"], false);
    assert_eq!(copy["links"].as_array().map(Vec::len), Some(1));
    assert!(
        copy["history"].as_array().is_some_and(|h| h.len() >= 2),
        "{copy}"
    );
    let subjects: Vec<&str> = copy["emails"]
        .as_array()
        .expect("emails")
        .iter()
        .filter_map(|e| e["subject"].as_str())
        .collect();
    assert!(
        subjects.iter().any(|s| s.contains("validé")),
        "{subjects:?}"
    );
    assert!(copy["audit"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(
        copy["controller"]
            .as_str()
            .is_some_and(|c| c.contains("contact@geodae.sante.gouv.fr"))
    );
    // No secret leaves: hashes of the password, links, sessions or tokens.
    let text = copy.to_string();
    for secret in ["hash", "argon2", "csrf"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_eq!(
        audit_of(&app, "registration.exported").await,
        [(
            "instructeur".to_string(),
            format!(r#"{{"reason":"Mail de Marie Copie du 3 mars","reference":"{reference}"}}"#)
        )]
    );
}

on_both_databases!(copies_asked_at_once_are_all_given);
/// A copy reads everything held, then records itself in the audit trail: another write committed meanwhile
/// (another copy, here) makes it wait, not fail.
async fn copies_asked_at_once_are_all_given(backend: Backend) {
    let app = spawn_app(backend).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let id = app.submit_as("copies", "Marie", "Copies").await;
    for _ in 0..3 {
        let copies = (0..8).map(|_| rights(&app, &reviewer, id, "export", "mail du 3 mars"));
        for (status, body, _) in join_all(copies).await {
            assert_eq!(status, 200, "{body}");
        }
    }
    assert_eq!(audit_of(&app, "registration.exported").await.len(), 24);
}

on_both_databases!(copies_asked_in_a_loop_shut_no_applicant_out);
/// A reviewer's session asking for copies without pause, eight at a time, holds the write lock again and again:
/// applicants sending their requests meanwhile are served all the same.
async fn copies_asked_in_a_loop_shut_no_applicant_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let id = app.submit_as("copies", "Marie", "Copies").await;
    let running = AtomicBool::new(true);
    let copier = || async {
        let mut asked = 0;
        while running.load(Ordering::Relaxed) {
            let (status, body, _) = rights(&app, &reviewer, id, "export", "mail du 3 mars").await;
            assert_eq!(status, 200, "{body}");
            asked += 1;
        }
        asked
    };
    let applicants = async {
        let mut statuses = Vec::new();
        for n in 0..6 {
            statuses.push(app.submit(&app.request(&format!("demandeur{n}"))).await.0);
        }
        running.store(false, Ordering::Relaxed);
        statuses
    };
    let (copies, statuses) = tokio::join!(join_all((0..8).map(|_| copier())), applicants);
    assert_eq!(statuses, vec![202; 6]);
    assert!(
        copies.iter().sum::<usize>() >= 8,
        "the copies ran meanwhile: {copies:?}"
    );
}

on_both_databases!(an_erasure_ends_the_account_and_keeps_an_anonymous_statistic);
async fn an_erasure_ends_the_account_and_keeps_an_anonymous_statistic(backend: Backend) {
    let app = spawn_app(backend).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let admin = app.admin("administratrice", "admin").await;
    let validated = app.submit_as("efface", "Marie", "Efface").await;
    let pending = app.submit_as("attente", "Paul", "Attente").await;
    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{validated}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (account,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE registration_id = $1")
        .bind(validated)
        .fetch_one(&app.db.pool)
        .await
        .expect("account");
    sqlx::query("INSERT INTO api_tokens (token_hash, account_id, created_at, expires_at) VALUES ('jeton', $1, $2, $3)")
        .bind(account)
        .bind(now_ms())
        .bind(now_ms() + 1_800_000)
        .execute(&app.db.pool)
        .await
        .expect("token");

    // Irreversible: administrators only, with a reason.
    let (status, _, _) = rights(&app, &reviewer, validated, "erase", "mail du 3 mars").await;
    assert_eq!(status, 403);
    let (status, body, _) = rights(&app, &admin, validated, "erase", "").await;
    assert_eq!((status, body["code"].as_str()), (422, Some("validation")));

    let (status, erased, _) = rights(
        &app,
        &admin,
        validated,
        "erase",
        "Demande d'effacement reçue le 3 mars",
    )
    .await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(erased, json!({ "deleted": false, "account_deleted": true }));
    for (sql, n) in [
        ("SELECT COUNT(*) FROM accounts WHERE id = $1", 0),
        (
            "SELECT COUNT(*) FROM account_tokens WHERE account_id = $1",
            0,
        ),
        ("SELECT COUNT(*) FROM api_tokens WHERE account_id = $1", 0),
    ] {
        let (count,): (i64,) = sqlx::query_as(sql)
            .bind(account)
            .fetch_one(&app.db.pool)
            .await
            .expect(sql);
        assert_eq!(count, n, "{sql}");
    }
    // The request's page shows what is left: the statistic, no name.
    let (status, detail) = app
        .call(
            Some(&reviewer),
            "GET",
            &format!("/api/v1/admin/registrations/{validated}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(detail["erased_at"].as_i64().is_some(), "{detail}");
    assert_eq!(detail["row"]["last_name"], "");
    assert_eq!(detail["row"]["email"], "");
    assert_eq!(detail["row"]["status"], "approved");
    assert_eq!(detail["row"]["organisation_kind"], "entreprise_association");
    assert!(!detail.to_string().contains("Efface"), "{detail}");
    // Nothing left to copy or erase.
    assert_eq!(
        rights(&app, &admin, validated, "export", "mail du 3 mars")
            .await
            .0,
        404
    );
    assert_eq!(
        rights(&app, &admin, validated, "erase", "mail du 3 mars")
            .await
            .0,
        404
    );

    // A pending request is deleted whole: nothing to count as a decision.
    let (status, erased, _) = rights(
        &app,
        &admin,
        pending,
        "erase",
        "Retrait de la demande par mail",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(erased, json!({ "deleted": true, "account_deleted": false }));
    let (status, _) = app
        .call(
            Some(&reviewer),
            "GET",
            &format!("/api/v1/admin/registrations/{pending}"),
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (_, page) = app
        .call(Some(&reviewer), "GET", "/api/v1/admin/registrations", None)
        .await;
    assert_eq!(
        (
            page["counts"]["pending"].as_i64(),
            page["counts"]["approved"].as_i64()
        ),
        (Some(0), Some(1))
    );

    let erasures = audit_of(&app, "registration.erased").await;
    assert_eq!(erasures.len(), 2);
    assert_eq!(erasures[0].0, "administratrice");
    assert!(
        erasures[0]
            .1
            .contains("Demande d'effacement reçue le 3 mars"),
        "{}",
        erasures[0].1
    );
    assert!(
        erasures[1].1.contains(r#""deleted":true"#),
        "{}",
        erasures[1].1
    );
}
