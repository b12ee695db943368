//! The dashboard's list latency with 100 000 requests in the database, through the HTTP API of a running
//! server: `cargo bench -p server --bench dashboard` (SQLite; PostgreSQL too when `GEODAE_BENCH_POSTGRES_URL`
//! names a server database). Prints median and p99 per query as Markdown rows, beside the anchor of the same
//! run: the round trip of `GET /api/v1/health` on the same server.

#![recursion_limit = "256"]

use std::time::Instant;

mod common;

use common::percentile_ms;
use server::store::Db;

const REQUESTS: i64 = 100_000;
const SAMPLES: usize = 200;

/// 100 000 requests over two years: one in ten pending, the others decided.
async fn fill(db: &Db) {
    let now = server::store::now_ms();
    let span = 730 * 24 * 3600 * 1000_i64;
    let names = [
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau",
    ];
    let mut tx = db.pool.begin().await.expect("transaction");
    let batch = 500;
    for start in (0..REQUESTS).step_by(batch) {
        let mut sql = String::from(
            "INSERT INTO registrations (reference, status, profile, last_name, first_name, email, email_key, organisation_kind, siren, siret, company_name, company_name_source, siren_verified, phone, phone_national, warnings, created_at, decided_at, queue, search_text) VALUES ",
        );
        for i in start..(start + batch as i64).min(REQUESTS) {
            let created = now - span + i * (span / REQUESTS);
            let pending = i % 10 == 0;
            let status = if pending {
                "pending"
            } else if i % 3 == 0 {
                "refused"
            } else {
                "approved"
            };
            let name = names[(i % 10) as usize];
            let email = format!("contact{i}@structure{i}.fr");
            let siren = format!("{:09}", 100_000_000 + i);
            let company = format!("STRUCTURE {name} {i}");
            let reference = format!("DAE-{i:08}");
            let search =
                format!("{reference} {name} marie {email} {siren} {company}").to_lowercase();
            if i != start {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('{reference}', '{status}', 'api', '{name}', 'Marie', '{email}', '{email}', 'entreprise_association', '{siren}', NULL, '{company}', 'register', 1, '+33123456789', '123456789', '[]', {created}, {decided}, {queue}, '{search}')",
                decided = if pending { "NULL".to_string() } else { (created + 86_400_000).to_string() },
                queue = i64::from(!pending),
            ));
        }
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .expect("insert");
    }
    tx.commit().await.expect("commit");
}

/// Per query: label, median and p99 in milliseconds; then the anchor's median.
struct Measured {
    rows: Vec<(&'static str, f64, f64)>,
    anchor: f64,
}

async fn measure(engine: &str, database_url: String, dir: &std::path::Path) -> Measured {
    let running = server::startup::start(common::config(&database_url, dir))
        .await
        .expect("server starts");
    let db = running.context.db.clone();
    let started = Instant::now();
    fill(&db).await;
    if db.backend == server::store::Backend::Postgres {
        // What autovacuum does within a minute of such a bulk write: without statistics the planner reads the
        // whole table for the chart's weeks, and without the visibility map a count reads the rows its index
        // names. (SQLite is measured as the product runs it, without ANALYZE.)
        sqlx::query("VACUUM ANALYZE registrations")
            .execute(&db.pool)
            .await
            .expect("analyze");
    }
    eprintln!(
        "{engine}: {REQUESTS} requests inserted in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    server::admins::create(
        &db,
        &server::audit::Actor::system(),
        "banc",
        "banc@sante.gouv.fr",
        server::admins::Role::Viewer,
        "mot de passe du banc d'essai",
    )
    .await
    .expect("administrator");
    let client = reqwest::Client::new();
    let base = format!("http://{}", running.addr);
    let response = client
        .post(format!("{base}/api/v1/admin/session"))
        .json(&serde_json::json!({ "login": "banc", "password": "mot de passe du banc d'essai" }))
        .send()
        .await
        .expect("sign in");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("cookie")
        .to_string();

    // A cursor deep in the list: page 1000 of 50.
    let deep: serde_json::Value = client
        .get(format!(
            "{base}/api/v1/admin/registrations?limit=200&status=approved"
        ))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("page")
        .json()
        .await
        .expect("json");
    let mut after = deep["next"].as_str().expect("next").to_string();
    for _ in 0..200 {
        let page: serde_json::Value = client
            .get(format!(
                "{base}/api/v1/admin/registrations?limit=200&status=approved&after={after}"
            ))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("page")
            .json()
            .await
            .expect("json");
        after = page["next"].as_str().expect("next").to_string();
    }
    let (_, last) = after.split_once('-').expect("cursor");
    let all_deep = format!("1-{last}");

    let cases = [
        (
            "dashboard first page, all statuses (with counts and chart)",
            "limit=50".to_string(),
        ),
        (
            "dashboard first page, pending",
            "limit=50&status=pending".to_string(),
        ),
        (
            "dashboard page after 40 000 decided requests",
            format!("limit=50&status=approved&after={after}"),
        ),
        (
            "dashboard deep page, all statuses",
            format!("limit=50&after={all_deep}"),
        ),
        (
            "dashboard search by SIREN",
            "limit=50&q=100054321".to_string(),
        ),
        ("dashboard search by name", "limit=50&q=durand".to_string()),
    ];
    let mut measured = Measured {
        rows: Vec::new(),
        anchor: 0.0,
    };
    measured.anchor = common::health_median(&client, &base, SAMPLES).await;
    for (label, query) in cases {
        let url = format!("{base}/api/v1/admin/registrations?{query}");
        let mut times = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let started = Instant::now();
            let response = client
                .get(&url)
                .header("cookie", &cookie)
                .send()
                .await
                .expect("page");
            assert_eq!(response.status().as_u16(), 200, "{label}");
            let _ = response.bytes().await.expect("body");
            times.push(started.elapsed());
        }
        measured.rows.push((
            label,
            percentile_ms(&mut times, 0.5),
            percentile_ms(&mut times, 0.99),
        ));
    }
    running.server.abort();
    measured
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let mut engines = vec![("SQLite", measure("sqlite", url, dir.path()).await)];
    if let Ok(admin) = std::env::var("GEODAE_BENCH_POSTGRES_URL") {
        let url = common::postgres_database(&admin, "geodae_bench").await;
        engines.push(("PostgreSQL", measure("postgres", url, dir.path()).await));
    }
    let names: Vec<&str> = engines.iter().map(|(n, _)| *n).collect();
    let anchors: Vec<f64> = engines.iter().map(|(_, m)| m.anchor).collect();
    let latencies: Vec<&[(&str, f64, f64)]> =
        engines.iter().map(|(_, m)| m.rows.as_slice()).collect();
    let rows = common::latency_rows(&latencies, &anchors, &format!("{REQUESTS} requests"));
    common::print_table(&names, &rows);
}
