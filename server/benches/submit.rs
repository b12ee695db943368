//! Submitting requests: the server's `POST /api/v1/registrations` under 16 concurrent clients on SQLite, beside
//! the raw commit rate of the same rows on the same kind of database file in the same run (a loop writing one
//! request, its event and its two emails per transaction, with the product's connection settings).
//! `cargo bench -p server --bench submit`; prints Markdown rows.

#![recursion_limit = "256"]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod common;

use common::{Row, percentile_ms};
use server::store::{Db, now_ms};

const CLIENTS: usize = 16;
const RUN: Duration = Duration::from_secs(10);

/// Transactions per second of the raw loop: the rows and counters `registration::submit` writes, nothing else.
async fn raw_commits(db: &Db) -> f64 {
    let started = Instant::now();
    let mut done = 0u64;
    while started.elapsed() < RUN {
        let now = now_ms();
        let mut tx = db.pool.begin().await.expect("transaction");
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO registrations (reference, status, profile, last_name, first_name, email, email_key, organisation_kind,
                siren, siret, company_name, company_name_source, siren_verified, register_state, register_diffusible,
                legal_category, phone, phone_national, warnings, created_at, queue, search_text, register_checked_at)
             VALUES ($1, 'pending', 'api', 'Test', 'Marie', $2, $2, 'entreprise_association', '356000000', NULL, 'LA POSTE',
                'register', 1, 'active', 1, '5510', '+33123456789', '123456789', '[]', $3, 0, $4, $3)
             RETURNING id",
        )
        .bind(format!("RAW-{done:08}"))
        .bind(format!("brut{done}@exemple.fr"))
        .bind(now)
        .bind(format!("raw-{done:08} test marie brut{done}@exemple.fr 356000000 la poste"))
        .fetch_one(&mut *tx)
        .await
        .expect("insert");
        sqlx::query(
            "INSERT INTO registration_events (registration_id, at, actor, kind, detail) VALUES ($1, $2, 'applicant', 'submitted', 'Demande déposée')",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .expect("event");
        for recipient in ["brut@exemple.fr", "ministere@exemple.fr"] {
            sqlx::query(
                "INSERT INTO outbox (kind, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, registration_id, created_at)
                 VALUES ('acknowledgement', $1, 'Objet', 'Texte du mail, quelques centaines d''octets.', '<p>Le même en HTML.</p>', 'sent', 0, $2, $3, $2)",
            )
            .bind(recipient)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await
            .expect("outbox");
        }
        // The flood counters: the client address's, everyone's, the ministry's notices.
        for key in [
            "flood:registration:ip:127.0.0.1",
            "flood:registration:all",
            "notice:ministry",
        ] {
            sqlx::query(
                "INSERT INTO rate_counters (counter_key, window_start, hits) VALUES ($1, $2, 1)
                 ON CONFLICT (counter_key) DO UPDATE SET hits = rate_counters.hits + 1",
            )
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await
            .expect("counter");
        }
        tx.commit().await.expect("commit");
        done += 1;
    }
    done as f64 / started.elapsed().as_secs_f64()
}

/// Requests per second and latencies of the server's submit path, `CLIENTS` at a time.
async fn served(base: &str) -> (f64, Vec<Duration>) {
    let client = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let client = client.clone();
            let next = next.clone();
            let url = format!("{base}/api/v1/registrations");
            tokio::spawn(async move {
                let mut times = Vec::new();
                while started.elapsed() < RUN {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let body = serde_json::json!({
                        "profile": "api", "last_name": "Test", "first_name": "Marie",
                        "email": format!("charge{i}@exemple.fr"),
                        "organisation_kind": "entreprise_association", "siren": "356000000", "siret": "",
                        "company_name": "", "phone_prefix": "+33", "phone_number": "01 23 45 67 89"
                    });
                    let sent = Instant::now();
                    let status = client
                        .post(&url)
                        .json(&body)
                        .send()
                        .await
                        .expect("answer")
                        .status();
                    assert_eq!(status.as_u16(), 202, "submit");
                    times.push(sent.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await.expect("client"));
    }
    (times.len() as f64 / started.elapsed().as_secs_f64(), times)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("folder");
        let raw_url = format!("sqlite://{}?mode=rwc", dir.path().join("brut.db").display());
        let raw_db = Db::connect(&raw_url).await.expect("raw database");
        let raw = raw_commits(&raw_db).await;
        raw_db.pool.close().await;
        eprintln!("raw loop: {raw:.0} commits/s");

        let url = format!("sqlite://{}?mode=rwc", dir.path().join("geodae.db").display());
        let mut config = common::config(&url, dir.path());
        config.sirene_seed = true;
        config.admin_emails = vec!["ministere@exemple.fr".into()];
        let running = server::startup::start(config).await.expect("server starts");
        let base = format!("http://{}", running.addr);
        let (rate, mut times) = served(&base).await;
        let p50 = percentile_ms(&mut times, 0.5);
        let p99 = percentile_ms(&mut times, 0.99);
        eprintln!("server: {rate:.0} requests/s, p50 {p50:.1} ms, p99 {p99:.1} ms");
        common::print_table(
            &["SQLite"],
            &[
                Row {
                    label: format!(
                        "submits per second, {CLIENTS} clients (target ≥ 70 % of the raw commit rate)"
                    ),
                    values: vec![rate],
                    anchors: vec![raw],
                    show: |v| format!("{v:.0}/s"),
                },
                Row {
                    label: format!("submit p99, {CLIENTS} clients (target < 50 ms)"),
                    values: vec![p99],
                    anchors: vec![1000.0 / raw],
                    show: common::ms,
                },
            ],
        );
        running.stop().await.expect("server stops");
    });
}
