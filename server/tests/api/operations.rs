//! Operations: an online backup of the SQLite database while it serves, and its restore.

use crate::helpers::{Backend, Options, spawn_app, spawn_app_with};
use crate::on_both_databases;

#[tokio::test]
async fn a_backup_taken_while_serving_restores_every_request() {
    let app = spawn_app(Backend::Sqlite).await;
    for who in ["avant-1", "avant-2"] {
        let (status, body) = app.submit(&app.request(who)).await;
        assert_eq!(status, 202, "{body}");
    }
    let target = app.dir.path().join("copie.db");
    // Requests keep coming while the copy is written.
    let during = app.request("pendant");
    let (copied, (status, _)) = tokio::join!(app.db.backup(&target), app.submit(&during));
    let bytes = copied.expect("backup");
    assert_eq!(status, 202);
    assert_eq!(bytes, std::fs::metadata(&target).expect("copy").len());
    assert!(!app.dir.path().join("copie.db.partial").exists());

    // Restore: a server started on the copy has every request the copy holds, intact.
    let restored = spawn_app_with(
        Backend::Sqlite,
        Options {
            database_url: Some(format!("sqlite://{}?mode=rwc", target.display())),
            ..Options::default()
        },
    )
    .await;
    let (integrity,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&restored.db.pool)
        .await
        .expect("integrity");
    assert_eq!(integrity, "ok");
    let kept = restored
        .count("SELECT COUNT(*) FROM registrations WHERE email LIKE 'avant-%'")
        .await;
    assert_eq!(kept, 2);
    let all = restored.count("SELECT COUNT(*) FROM registrations").await;
    assert!((2..=3).contains(&all), "{all}");

    // A second backup never overwrites a file.
    let again = app.db.backup(&target).await;
    assert!(
        again.is_err_and(|e| e.to_string().contains("exists already")),
        "an existing file is kept"
    );
}

#[tokio::test]
async fn postgresql_is_backed_up_with_its_own_tools() {
    let app = spawn_app(Backend::Postgres).await;
    let refused = app.db.backup(&app.dir.path().join("copie.db")).await;
    assert!(refused.is_err_and(|e| e.to_string().contains("pg_dump")));
}

async fn readiness_says_which_check_fails(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, ready) = app.get("/api/v1/health/ready").await;
    assert_eq!(status, 200, "{ready}");
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["database_answers"], true);
    assert_eq!(ready["mail"], "smtp");
    let known = ready["migrations_known"].as_i64().expect("known");
    assert!(known >= 5, "{ready}");
    assert_eq!(ready["migrations_applied"].as_i64(), Some(known));

    // The database gone: not ready (out of the load balancer), but alive (no restart needed).
    app.db.pool.close().await;
    let (status, ready) = app.get("/api/v1/health/ready").await;
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["status"], "not_ready");
    assert_eq!(ready["database_answers"], false);
    let (status, _) = app.get("/api/v1/health/live").await;
    assert_eq!(status, 200);
}
on_both_databases!(readiness_says_which_check_fails);
