//! A database of the previous version, with requests in it, served by this one: its migrations run on data
//! (SQLite rebuilds the requests' table to widen its statuses), and everything the requests are tied to still
//! holds — their history, emails, search index, counters and ids.

use serde_json::json;
use sqlx::any::AnyPoolOptions;

use crate::helpers::{Backend, Options, postgres_database, spawn_app_with};
use crate::on_both_databases;

/// The last migration of the version before the follow-up of requests.
const BEFORE: i64 = 11;

async fn a_database_with_requests_is_upgraded_whole(backend: Backend) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display()),
        Backend::Postgres => {
            postgres_database(&uuid::Uuid::new_v4().simple().to_string()[..10]).await
        }
    };
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    sqlx::Executor::execute(&mut *conn, "PRAGMA foreign_keys = ON;").await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .expect("the old database");
    let migrator = match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    migrator
        .run_to(BEFORE, &pool)
        .await
        .expect("the old schema");
    for (id, reference, status, name) in [
        (1_i64, "DAE-AAAAAAA1", "refused", "Jeanne"),
        (7, "DAE-AAAAAAA7", "pending", "Lucie"),
    ] {
        sqlx::query(
            "INSERT INTO registrations (id, reference, status, profile, last_name, first_name, email, email_key,
                organisation_kind, siren, company_name, company_name_source, siren_verified, phone, phone_national,
                warnings, created_at, queue, search_text)
             VALUES ($1, $2, $3, 'api', 'Martin', $4, $5, $5, 'administration_collectivite', '217500016',
                'VILLE DE PARIS', 'register', 1, '+33612345678', '612345678', '[]', 1000, $6, $7)",
        )
        .bind(id)
        .bind(reference)
        .bind(status)
        .bind(name)
        .bind(format!("{}@exemple.fr", name.to_lowercase()))
        .bind(i64::from(status != "pending"))
        .bind(format!("{} martin {} ville de paris", reference.to_lowercase(), name.to_lowercase()))
        .execute(&pool)
        .await
        .expect("an old request");
        sqlx::query(
            "INSERT INTO registration_events (registration_id, at, actor, kind, detail) VALUES ($1, 1000, 'demandeur', 'submitted', 'Demande déposée')",
        )
        .bind(id)
        .execute(&pool)
        .await
        .expect("its event");
        sqlx::query(
            "INSERT INTO outbox (kind, recipient, subject, body_text, body_html, status, next_attempt_at, registration_id, created_at)
             VALUES ('acknowledgement', 'x@exemple.fr', 'Accusé', 't', 'h', 'sent', 0, $1, 1000)",
        )
        .bind(id)
        .execute(&pool)
        .await
        .expect("its email");
    }
    if backend == Backend::Postgres {
        // Identity columns do not move when ids are given, as an old database restored from a dump would have.
        sqlx::query("SELECT setval(pg_get_serial_sequence('registrations', 'id'), 7)")
            .execute(&pool)
            .await
            .expect("sequence");
    }
    pool.close().await;

    // This version serves it: the remaining migrations run on start.
    let app = spawn_app_with(
        backend,
        Options {
            database_url: Some(url),
            ..Options::default()
        },
    )
    .await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let (status, page) = app
        .call(
            Some(&reviewer),
            "GET",
            "/api/v1/admin/registrations?status=all",
            None,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let references: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|r| r["reference"].as_str())
        .collect();
    assert_eq!(references.len(), 2, "{page}");
    assert_eq!(page["counts"]["pending"], 1, "{page}");
    assert_eq!(page["counts"]["refused"], 1, "{page}");
    // The search index still finds them by their ids.
    let (status, found) = app
        .call(
            Some(&reviewer),
            "GET",
            "/api/v1/admin/registrations?status=all&q=lucie",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(found["items"][0]["reference"], "DAE-AAAAAAA7", "{found}");
    // Their history is theirs, and a new request takes an id after theirs.
    let (status, detail) = app
        .call(
            Some(&reviewer),
            "GET",
            "/api/v1/admin/registrations/7",
            None,
        )
        .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(
        detail["history"][0]["detail"], "Demande déposée",
        "{detail}"
    );
    let id = app.submit_as("nouvelle", "Marie", "Test").await;
    assert!(id > 7, "{id}");
    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            "/api/v1/admin/registrations/7/refuse",
            Some(json!({ "reasons": ["doublon"], "message": "" })),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM registrations WHERE status = 'refused'")
            .await,
        2
    );
}
on_both_databases!(a_database_with_requests_is_upgraded_whole);
