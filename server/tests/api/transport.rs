//! An SMTP outage loses nothing: the request is stored, its emails wait in the outbox with the cause and are
//! retried later.

use std::time::Duration;

use crate::helpers::{Backend, Options, spawn_app_with};

#[tokio::test]
async fn emails_wait_in_the_outbox_while_smtp_is_down() {
    // A port that nothing listens on: bound, then released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port();
    let app = spawn_app_with(
        Backend::Sqlite,
        Options {
            smtp_port: Some(closed),
            ..Options::default()
        },
    )
    .await;
    let (status, _) = app.submit(&app.request("panne")).await;
    assert_eq!(
        status, 202,
        "the request does not depend on the mail server"
    );

    // Wait until both messages have had their first attempt recorded (claimed AND marked).
    let recorded = "SELECT COUNT(*) FROM outbox WHERE last_error IS NOT NULL";
    for _ in 0..120 {
        if app.count(recorded).await == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let (waiting, retried_later, sent): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE status = 'waiting' AND last_error IS NOT NULL),
                COUNT(*) FILTER (WHERE next_attempt_at > created_at),
                COUNT(*) FILTER (WHERE status = 'sent')
         FROM outbox",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("outbox");
    assert_eq!(
        (waiting, retried_later, sent),
        (2, 2, 0),
        "both emails kept for a later attempt, with the cause"
    );
    let total = app.count("SELECT COUNT(*) FROM registrations").await;
    assert_eq!(total, 1, "the request itself is stored");
}
