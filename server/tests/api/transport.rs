//! An SMTP outage loses nothing: the request is stored, its emails wait in the outbox and are retried.

use crate::helpers::{Backend, Options, spawn_app_with};

#[tokio::test]
async fn emails_wait_in_the_outbox_while_smtp_is_down() {
    // Nothing listens on this port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
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
        status, 201,
        "the request does not depend on the mail server"
    );
    for _ in 0..120 {
        if app
            .count("SELECT COUNT(*) FROM outbox WHERE attempts > 0")
            .await
            == 2
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let (waiting, with_error): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(last_error) FROM outbox WHERE status = 'waiting' AND attempts > 0 AND next_attempt_at > created_at",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("outbox");
    assert_eq!(
        (waiting, with_error),
        (2, 2),
        "both emails kept for a later attempt, with the cause"
    );
}
