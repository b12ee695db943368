//! The append-only audit trail and the outbox.

use crate::helpers::{Backend, emails_to, spawn_app};
use crate::on_both_databases;

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
