//! A reviewer asks the applicant to complete a request instead of refusing it; the applicant corrects it from
//! the follow link; unanswered, it is recalled then closed. « Je m'en occupe »: who has which request.

use serde_json::{Value, json};

use crate::helpers::{AdminSession, Backend, TestApp, emails_to, link_secret, spawn_app};
use crate::on_both_databases;

const DAY_MS: i64 = 86_400_000;

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

async fn ask(app: &TestApp, reviewer: &AdminSession, id: i64, body: Value) -> (u16, Value) {
    app.call(
        Some(reviewer),
        "POST",
        &format!("/api/v1/admin/registrations/{id}/complement"),
        Some(body),
    )
    .await
}

async fn status_of(app: &TestApp, id: i64) -> String {
    let (status,): (String,) = sqlx::query_as("SELECT status FROM registrations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("the request");
    status
}

async fn a_reviewer_asks_for_a_complement_and_the_applicant_completes_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.submit_as("complement", "Marie", "Test").await;
    let address = app.email("complement");
    let reviewer = app.admin("instructeur", "reviewer").await;

    let (status, body) = ask(
        &app,
        &reviewer,
        id,
        json!({ "messages": ["telephone_perenne"], "message": "Le standard de la mairie convient." }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "complement");

    // Out of the pending queue, in its own count.
    let (_, page) = app
        .call(Some(&reviewer), "GET", "/api/v1/admin/registrations", None)
        .await;
    assert_eq!(page["counts"]["complement"], 1, "{page}");
    assert_eq!(page["counts"]["pending"], 0, "{page}");
    let (_, filtered) = app
        .call(
            Some(&reviewer),
            "GET",
            "/api/v1/admin/registrations?status=complement",
            None,
        )
        .await;
    assert_eq!(filtered["items"][0]["id"], id, "{filtered}");

    // The email carries the message and a new follow link.
    let key = follow_key(&address, "à compléter", 2).await;
    let mails = emails_to(&address, 2).await;
    let asked = mails
        .iter()
        .find(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.contains("à compléter"))
        })
        .expect("the request for a complement");
    let text = asked["text"].as_str().unwrap_or_default();
    assert!(text.contains("numéro de téléphone pérenne"), "{text}");
    assert!(
        text.contains("Le standard de la mairie convient."),
        "{text}"
    );

    // The follow page: the status, the message (without the reviewer's identifiant) and the form's fields.
    let (status, view) = post(&app, "/api/v1/follow", json!({ "key": key })).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "complement");
    assert_eq!(view["exchanges"][0]["author"], "reviewer");
    assert_eq!(view["exchanges"][0]["actor"], "administrateur");
    assert!(!view.to_string().contains("instructeur"), "{view}");
    let mut form = view["form"].clone();
    assert_eq!(form["phone_number"], "123456789", "{form}");

    // While it waits for the applicant, no decision: a clear 409 naming who asked.
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
            .is_some_and(|m| m.contains("complément") && m.contains("instructeur")),
        "{body}"
    );

    // A field the form's parsers refuse: 422 naming it, nothing changed.
    form["phone_number"] = json!("12");
    let (status, body) = post(
        &app,
        "/api/v1/follow/complete",
        json!({ "key": key, "request": form, "answer": "" }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["phone_number"].is_string(), "{body}");
    assert_eq!(status_of(&app, id).await, "complement");

    // Nothing changed and nothing said: 422.
    let (status, body) = post(
        &app,
        "/api/v1/follow/complete",
        json!({ "key": key, "request": view["form"], "answer": "  " }),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("validation")),
        "{body}"
    );

    // Corrected: back in the queue as « complétée », the change and the answer kept.
    form["phone_number"] = json!("01 45 67 89 10");
    let (status, view) = post(
        &app,
        "/api/v1/follow/complete",
        json!({ "key": key, "request": form, "answer": "Voici le standard." }),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "completed");
    assert!(view["form"].is_null());
    let steps: Vec<&str> = view["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["step"].as_str())
        .collect();
    assert_eq!(steps, ["submitted", "complement_asked", "completed"]);

    // Sent twice: the second is told the request no longer waits for a complement.
    let (status, body) = post(
        &app,
        "/api/v1/follow/complete",
        json!({ "key": key, "request": form, "answer": "Encore." }),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_decided")),
        "{body}"
    );

    // The reviewer sees the thread and what changed, field by field.
    let (status, detail) = app
        .call(
            Some(&reviewer),
            "GET",
            &format!("/api/v1/admin/registrations/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["row"]["status"], "completed");
    assert_eq!(detail["exchanges"][0]["actor"], "instructeur");
    let answer = &detail["exchanges"][1];
    assert_eq!(answer["author"], "applicant");
    assert_eq!(answer["body"], "Voici le standard.");
    assert_eq!(
        answer["changes"],
        json!([{ "field": "Numéro de téléphone avec indicatif", "before": "+33123456789", "after": "+33145678910" }])
    );
    assert_eq!(detail["phone"], "+33145678910");
    let (_, page) = app
        .call(Some(&reviewer), "GET", "/api/v1/admin/registrations", None)
        .await;
    assert_eq!(page["counts"]["completed"], 1, "{page}");
    assert_eq!(
        page["items"][0]["id"], id,
        "back at the head of the queue: {page}"
    );

    // Then decided as any request.
    let (status, body) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, view) = post(&app, "/api/v1/follow", json!({ "key": key })).await;
    assert_eq!(view["status"], "approved");
    for action in [
        "registration.complement_asked",
        "registration.completed",
        "registration.approved",
    ] {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&app.db.pool)
            .await
            .expect("audit");
        assert_eq!(n, 1, "{action}");
    }
    // The secret of the link is in no stored email.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE body_text LIKE '%#cle=%' AND body_text NOT LIKE '%[jeton-non-conservé]%'")
            .await,
        0
    );
}
on_both_databases!(a_reviewer_asks_for_a_complement_and_the_applicant_completes_it);

async fn forbidden_transitions_are_refused_with_a_clear_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.submit_as("interdit", "Marie", "Test").await;
    let key = follow_key(&app.email("interdit"), "transmise", 1).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let viewer = app.admin("lecteur", "viewer").await;

    // Nothing to say, an unknown message, a viewer.
    let (status, body) = ask(
        &app,
        &reviewer,
        id,
        json!({ "messages": [], "message": " " }),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("validation")),
        "{body}"
    );
    let (status, body) = ask(&app, &reviewer, id, json!({ "messages": ["inventé"] })).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("validation")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("inventé")),
        "{body}"
    );
    let (status, _) = ask(&app, &viewer, id, json!({ "message": "Précisez." })).await;
    assert_eq!(status, 403);
    let (status, _) = ask(&app, &reviewer, 999_999, json!({ "message": "Précisez." })).await;
    assert_eq!(status, 404);

    // Completing a request nobody asked to complete.
    let (_, view) = post(&app, "/api/v1/follow", json!({ "key": key })).await;
    assert!(view["form"].is_null(), "{view}");
    let (status, body) = post(
        &app,
        "/api/v1/follow/complete",
        json!({ "key": key, "request": app.request("interdit"), "answer": "Bonjour" }),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_decided")),
        "{body}"
    );

    // Asked twice: the second is told who asked.
    let (status, _) = ask(
        &app,
        &reviewer,
        id,
        json!({ "message": "Précisez le service." }),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = ask(&app, &reviewer, id, json!({ "message": "Et le SIRET." })).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_decided")),
        "{body}"
    );
    // Refusing meanwhile: refused as well.
    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/refuse"),
            Some(json!({ "reasons": ["doublon"] })),
        )
        .await;
    assert_eq!(status, 409);

    // Withdrawn while waiting: nothing more can be asked.
    let (status, _) = post(&app, "/api/v1/follow/withdraw", json!({ "key": key })).await;
    assert_eq!(status, 200);
    let (status, body) = ask(&app, &reviewer, id, json!({ "message": "Précisez." })).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_decided")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("retiré")),
        "{body}"
    );
}
on_both_databases!(forbidden_transitions_are_refused_with_a_clear_code);

async fn asking_and_deciding_at_once_give_one_outcome(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.admin("premiere", "reviewer").await;
    let second = app.admin("seconde", "reviewer").await;
    for round in 0..3 {
        let who = format!("course{round}");
        let id = app.submit_as(&who, "Marie", "Test").await;
        let url = format!("/api/v1/admin/registrations/{id}/approve");
        let approve = app.call(Some(&second), "POST", &url, None);
        let asking = ask(&app, &first, id, json!({ "message": "Précisez." }));
        let ((approved, _), (asked, _)) = tokio::join!(approve, asking);
        let mut outcomes = [approved, asked];
        outcomes.sort_unstable();
        assert_eq!(outcomes, [200, 409], "round {round}");
        assert_eq!(
            status_of(&app, id).await,
            if approved == 200 {
                "approved"
            } else {
                "complement"
            }
        );
    }
}
on_both_databases!(asking_and_deciding_at_once_give_one_outcome);

async fn unanswered_requests_are_recalled_once_then_closed(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.submit_as("silence", "Marie", "Test").await;
    let address = app.email("silence");
    let reviewer = app.admin("instructeur", "reviewer").await;
    let (status, _) = ask(&app, &reviewer, id, json!({ "messages": ["nom_personne"] })).await;
    assert_eq!(status, 200);
    let key = follow_key(&address, "à compléter", 2).await;
    let now = server::store::now_ms();
    let sweep = |at: i64| server::review::complement::sweep(&app.context, at);

    // Before the reminder's delay (7 days by default): nothing.
    let swept = sweep(now + 6 * DAY_MS).await.expect("sweep");
    assert_eq!((swept.reminded, swept.closed), (0, 0));
    // After it: one reminder, once however often the sweep runs.
    let swept = sweep(now + 7 * DAY_MS + 60_000).await.expect("sweep");
    assert_eq!((swept.reminded, swept.closed), (1, 0));
    let swept = sweep(now + 8 * DAY_MS).await.expect("sweep");
    assert_eq!((swept.reminded, swept.closed), (0, 0));
    let reminder = follow_key(&address, "rappel", 3).await;
    assert_ne!(reminder, key);
    let mails = emails_to(&address, 3).await;
    let text = mails
        .iter()
        .find(|m| m["subject"].as_str().is_some_and(|s| s.contains("rappel")))
        .and_then(|m| m["text"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(text.contains("ceux d'une personne"), "{text}");
    assert!(text.contains("classée sans suite le"), "{text}");
    assert_eq!(status_of(&app, id).await, "complement");

    // After the closing delay (30 days): classée sans suite, the applicant told.
    let closing = now + 30 * DAY_MS + 60_000;
    let swept = sweep(closing).await.expect("sweep");
    assert_eq!((swept.reminded, swept.closed), (0, 1));
    assert_eq!(status_of(&app, id).await, "closed");
    let mails = emails_to(&address, 4).await;
    assert!(
        mails.iter().any(|m| m["subject"]
            .as_str()
            .is_some_and(|s| s.contains("classée sans suite"))),
        "{mails:?}"
    );
    let (_, view) = post(&app, "/api/v1/follow", json!({ "key": key })).await;
    assert_eq!(view["status"], "closed");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.closed'")
            .await,
        1
    );
    // Too late to complete.
    let (status, _) = post(
        &app,
        "/api/v1/follow/complete",
        json!({ "key": key, "request": app.request("silence"), "answer": "Pardon" }),
    )
    .await;
    assert_eq!(status, 409);
    // The address may send a new request.
    app.submit_as("silence", "Marie", "Test").await;

    // Retention applies from the closing, as for refused requests: the exchange goes with the rest.
    let retention = app::api::Retention::default();
    let (decided_at,): (i64,) =
        sqlx::query_as("SELECT decided_at FROM registrations WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .expect("the closing's date");
    assert_eq!(decided_at, closing);
    sqlx::query("UPDATE registrations SET decided_at = $1 WHERE id = $2")
        .bind(now - (i64::from(retention.refused_days) + 1) * DAY_MS)
        .bind(id)
        .execute(&app.db.pool)
        .await
        .expect("closed long ago");
    let purged = server::retention::purge(&app.db, &retention, now, false)
        .await
        .expect("purge");
    assert!(purged.refused >= 1, "{purged:?}");
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM registration_messages WHERE registration_id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .expect("messages");
    assert_eq!(n, 0);
    let (status, _) = post(&app, "/api/v1/follow", json!({ "key": key })).await;
    assert_eq!(status, 404);
}
on_both_databases!(unanswered_requests_are_recalled_once_then_closed);

async fn a_reviewer_takes_a_request_and_the_others_see_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.submit_as("prise", "Marie", "Test").await;
    let first = app.admin("premiere", "reviewer").await;
    let second = app.admin("seconde", "reviewer").await;
    let viewer = app.admin("lecteur", "viewer").await;
    let take = format!("/api/v1/admin/registrations/{id}/take");
    let taken_by = |page: Value| page["items"][0]["taken_by"].clone();

    let (status, _) = app.call(Some(&viewer), "POST", &take, None).await;
    assert_eq!(status, 403);
    let (status, _) = app.call(Some(&first), "POST", &take, None).await;
    assert_eq!(status, 204);
    let (_, page) = app
        .call(Some(&second), "GET", "/api/v1/admin/registrations", None)
        .await;
    assert_eq!(taken_by(page), "premiere");
    let (_, detail) = app
        .call(
            Some(&second),
            "GET",
            &format!("/api/v1/admin/registrations/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["row"]["taken_by"], "premiere");
    assert!(detail["taken_at"].is_i64(), "{detail}");

    // Another takes it over: the history says from whom.
    let (status, _) = app.call(Some(&second), "POST", &take, None).await;
    assert_eq!(status, 204);
    let (_, detail) = app
        .call(
            Some(&first),
            "GET",
            &format!("/api/v1/admin/registrations/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["row"]["taken_by"], "seconde");
    assert!(
        detail["history"]
            .as_array()
            .is_some_and(|h| h.iter().any(|e| e["detail"]
                .as_str()
                .is_some_and(|d| d.contains("à la place de premiere")))),
        "{detail}"
    );
    // Let go.
    let (status, _) = app.call(Some(&second), "DELETE", &take, None).await;
    assert_eq!(status, 204);
    let (_, page) = app
        .call(Some(&first), "GET", "/api/v1/admin/registrations", None)
        .await;
    assert!(taken_by(page).is_null());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('registration.taken', 'registration.released')")
            .await,
        3
    );

    // Taken, then decided: deciding stays possible; a decided request can no longer be taken.
    let (status, _) = app.call(Some(&first), "POST", &take, None).await;
    assert_eq!(status, 204);
    let (status, _) = app
        .call(
            Some(&second),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app.call(Some(&first), "POST", &take, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_decided")),
        "{body}"
    );
    let (_, page) = app
        .call(Some(&first), "GET", "/api/v1/admin/registrations", None)
        .await;
    assert!(taken_by(page).is_null(), "a decided request is nobody's");
}
on_both_databases!(a_reviewer_takes_a_request_and_the_others_see_it);

async fn a_completion_and_a_withdrawal_at_once_give_one_outcome(backend: Backend) {
    let app = spawn_app(backend).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    for round in 0..3 {
        let who = format!("double{round}");
        let id = app.submit_as(&who, "Marie", "Test").await;
        let (status, _) = ask(&app, &reviewer, id, json!({ "message": "Précisez." })).await;
        assert_eq!(status, 200);
        let key = follow_key(&app.email(&who), "à compléter", 2).await;
        let mut form = app.request(&who);
        form["phone_number"] = json!("01 45 67 89 10");
        let complete = post(
            &app,
            "/api/v1/follow/complete",
            json!({ "key": key, "request": form, "answer": "Voici." }),
        );
        let withdraw = post(&app, "/api/v1/follow/withdraw", json!({ "key": key }));
        let ((completed, _), (withdrawn, _)) = tokio::join!(complete, withdraw);
        // A completed request may still be withdrawn: the withdrawal always wins, before or after the
        // completion; a withdrawn request is never completed back into the queue.
        assert_eq!(withdrawn, 200, "round {round}");
        assert!(matches!(completed, 200 | 409), "round {round}: {completed}");
        assert_eq!(status_of(&app, id).await, "withdrawn", "round {round}");
        let (answers,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM registration_messages WHERE registration_id = $1 AND author = 'applicant'",
        )
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("answers");
        assert_eq!(answers, i64::from(completed == 200), "round {round}");
    }
}
on_both_databases!(a_completion_and_a_withdrawal_at_once_give_one_outcome);

async fn completions_in_a_loop_are_refused_past_ten_an_hour(backend: Backend) {
    let app = spawn_app(backend).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let id = app.submit_as("boucle", "Marie", "Test").await;
    let (status, _) = ask(&app, &reviewer, id, json!({ "message": "Précisez." })).await;
    assert_eq!(status, 200);
    let key = follow_key(&app.email("boucle"), "à compléter", 2).await;
    let mut form = app.request("boucle");
    form["phone_number"] = json!("12");
    // Each attempt counts, a wrong one too: ten an hour per request, whatever the address.
    for attempt in 0..10 {
        let (status, _) = post(
            &app,
            "/api/v1/follow/complete",
            json!({ "key": key, "request": form, "answer": "" }),
        )
        .await;
        assert_eq!(status, 422, "attempt {attempt}");
    }
    form["phone_number"] = json!("01 45 67 89 10");
    let (status, body) = post(
        &app,
        "/api/v1/follow/complete",
        json!({ "key": key, "request": form, "answer": "Voici." }),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("rate_limited")),
        "{body}"
    );
    assert_eq!(
        status_of(&app, id).await,
        "complement",
        "nothing written past the limit"
    );
}
on_both_databases!(completions_in_a_loop_are_refused_past_ten_an_hour);
