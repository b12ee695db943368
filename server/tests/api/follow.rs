//! The applicant follows a request from the acknowledgement's private link, withdraws it, and gets a new link
//! when the first is lost.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, emails_to, link_secret, spawn_app};
use crate::on_both_databases;

/// The key of the follow link in the latest email to `address` whose subject contains `subject`.
async fn follow_key(address: &str, subject: &str, at_least: usize) -> String {
    link_secret(address, subject, at_least, "/demande/suivi#cle=").await
}

async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}{path}", app.base))
        .json(&body)
        .send()
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn steps(view: &Value) -> Vec<&str> {
    view["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["step"].as_str())
        .collect()
}

async fn an_applicant_follows_and_withdraws_the_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.submit_as("suivi", "Marie", "Test").await;
    let address = app.email("suivi");
    let key = follow_key(&address, "transmise", 1).await;
    assert!(key.len() >= 22, "{key}");

    // The secret rests nowhere: the outbox keeps the placeholder, the links table its digest.
    let stored: (String,) = sqlx::query_as(
        "SELECT body_text FROM outbox WHERE registration_id = $1 AND kind = 'acknowledgement'",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .expect("the acknowledgement");
    assert!(!stored.0.contains(&key) && stored.0.contains("[jeton-non-conservé]"));
    let digests: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM follow_links")
        .fetch_all(&app.db.pool)
        .await
        .expect("links");
    assert!(digests.iter().all(|(d,)| !d.contains(&key)));

    // The page's data: what was sent, the status, the steps.
    let (status, view) = post(&app, "/api/v1/follow", json!({ "key": key })).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "pending");
    assert_eq!(steps(&view), ["submitted"]);
    assert!(
        view["sent"]
            .as_array()
            .is_some_and(|s| s.iter().any(|f| f[0] == "SIREN")),
        "{view}"
    );
    // A reviewer opens it: « en cours d'examen », once however often it is opened.
    let reviewer = app.admin("instructeur", "reviewer").await;
    for _ in 0..2 {
        let (status, _) = app
            .call(
                Some(&reviewer),
                "GET",
                &format!("/api/v1/admin/registrations/{id}"),
                None,
            )
            .await;
        assert_eq!(status, 200);
    }
    let (_, view) = post(&app, "/api/v1/follow", json!({ "key": key })).await;
    assert_eq!(steps(&view), ["submitted", "in_review"]);

    // A key no request has, or none: 404 link_unknown.
    for wrong in [json!({ "key": "inventée" }), json!({ "key": "" })] {
        let (status, body) = post(&app, "/api/v1/follow", wrong).await;
        assert_eq!((status, body["code"].as_str()), (404, Some("link_unknown")));
    }

    // Withdrawn: out of the queue, the decision refused with a clear 409, a second withdrawal too.
    let (status, view) = post(&app, "/api/v1/follow/withdraw", json!({ "key": key })).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "withdrawn");
    assert_eq!(steps(&view), ["submitted", "in_review", "withdrawn"]);
    let (status, body) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_decided"))
    );
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("retiré")),
        "{body}"
    );
    let (status, body) = post(&app, "/api/v1/follow/withdraw", json!({ "key": key })).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_decided"))
    );
    let confirmation = emails_to(&address, 2).await;
    assert!(
        confirmation
            .iter()
            .any(|m| m["subject"].as_str().is_some_and(|s| s.contains("retirée")))
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.withdrawn'")
            .await,
        1
    );
    let (status, page) = app
        .call(
            Some(&reviewer),
            "GET",
            "/api/v1/admin/registrations?status=withdrawn",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["counts"]["withdrawn"], 1, "{page}");
    assert_eq!(page["counts"]["pending"], 0, "{page}");

    // The duplicate check no longer counts it: the same address may send a new request.
    let second = app.submit_as("suivi", "Marie", "Test").await;
    assert_ne!(second, id);
    // Its page lists the withdrawn one among the requests of the same address and SIREN.
    let (status, detail) = app
        .call(
            Some(&reviewer),
            "GET",
            &format!("/api/v1/admin/registrations/{second}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{detail}");
    assert!(detail.to_string().contains("\"withdrawn\""), "{detail}");

    // Past the refused requests' period, a withdrawn request's personal data goes, its follow links with it.
    let retention = app::api::Retention::default();
    let now = server::store::now_ms();
    sqlx::query("UPDATE registrations SET decided_at = $1 WHERE id = $2")
        .bind(now - (i64::from(retention.refused_days) + 1) * 86_400_000)
        .bind(id)
        .execute(&app.db.pool)
        .await
        .expect("withdrawn long ago");
    let purged = server::retention::purge(&app.db, &retention, now, false)
        .await
        .expect("purge");
    assert!(purged.refused >= 1, "{purged:?}");
    let (status, body) = post(&app, "/api/v1/follow", json!({ "key": key })).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("link_unknown")));
    let links: i64 = app.count("SELECT COUNT(*) FROM follow_links").await;
    assert_eq!(links, 1, "only the second request's link is left");
}
on_both_databases!(an_applicant_follows_and_withdraws_the_request);

async fn a_lost_link_is_sent_again_to_the_requests_address_only(backend: Backend) {
    let app = spawn_app(backend).await;
    app.submit_as("perdu", "Marie", "Test").await;
    let address = app.email("perdu");
    let first = follow_key(&address, "transmise", 1).await;

    let (status, _) = post(
        &app,
        "/api/v1/follow/lost",
        json!({ "email": address.to_uppercase() }),
    )
    .await;
    assert_eq!(status, 202);
    let again = follow_key(&address, "le lien pour suivre", 2).await;
    assert_ne!(again, first);
    // Both links work.
    for key in [&first, &again] {
        let (status, view) = post(&app, "/api/v1/follow", json!({ "key": key })).await;
        assert_eq!((status, view["status"].as_str()), (200, Some("pending")));
    }
    // An address without a request: the same answer, and no email.
    let nobody = app.email("personne");
    let (status, _) = post(&app, "/api/v1/follow/lost", json!({ "email": nobody })).await;
    assert_eq!(status, 202);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'follow_link'")
            .await,
        1
    );
    // A few an hour per request, whoever asks.
    for _ in 0..5 {
        post(&app, "/api/v1/follow/lost", json!({ "email": address })).await;
    }
    for _ in 0..100 {
        if app
            .count("SELECT COUNT(*) FROM outbox WHERE kind = 'follow_link'")
            .await
            >= 3
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'follow_link'")
            .await,
        3
    );
}
on_both_databases!(a_lost_link_is_sent_again_to_the_requests_address_only);

async fn a_withdrawal_and_a_decision_at_once_give_one_outcome(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.submit_as("course", "Marie", "Test").await;
    let key = follow_key(&app.email("course"), "transmise", 1).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let url = format!("/api/v1/admin/registrations/{id}/approve");
    let approve = app.call(Some(&reviewer), "POST", &url, None);
    let withdraw = post(&app, "/api/v1/follow/withdraw", json!({ "key": key }));
    let ((approved, _), (withdrawn, _)) = tokio::join!(approve, withdraw);
    let mut outcomes = [approved, withdrawn];
    outcomes.sort_unstable();
    assert_eq!(outcomes, [200, 409]);
    let status: (String,) = sqlx::query_as("SELECT status FROM registrations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("the request");
    assert_eq!(
        status.0,
        if approved == 200 {
            "approved"
        } else {
            "withdrawn"
        }
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts").await,
        i64::from(approved == 200)
    );
}
on_both_databases!(a_withdrawal_and_a_decision_at_once_give_one_outcome);
