//! What the benchmarks share: the server's configuration for a run, percentiles, and the table they print
//! (Markdown rows; `make bench` prints one header for all).

use std::path::Path;
use std::time::{Duration, Instant};

use server::config::Config;

/// A server on a free port, mail as files in `dir`, no shipped extract.
pub fn config(database_url: &str, dir: &Path) -> Config {
    Config {
        public_url: "http://127.0.0.1".into(),
        sirene_seed: false,
        flood: server::flood::FloodLimits::uniform(server::flood::Rate::per_minute(10_000_000)),
        // The benchmarks call as fast as they can with one account, and look the register up from one address.
        api_rate: server::dae::usage::ApiRate {
            per_second: 1e9,
            burst: 1e9,
        },
        guards: server::config::Guards {
            sirene_per_address: server::bucket::ApiRate {
                per_second: 1e9,
                burst: 1e9,
            },
            ..Default::default()
        },
        // Data spread over years is measured, not erased by the daily purge.
        legal: app::api::LegalInfo {
            retention: app::api::Retention {
                refused_days: 3_650,
                unactivated_days: 3_650,
                disabled_days: 3_650,
                ended_days: 3_650,
                mail_days: 3_650,
                audit_days: 3_650,
            },
            ..Default::default()
        },
        ..Config::for_tests(database_url, dir)
    }
}

/// The `p` percentile (0 to 1), in milliseconds.
pub fn percentile_ms(times: &mut [Duration], p: f64) -> f64 {
    times.sort();
    let index = ((times.len() as f64 - 1.0) * p).round() as usize;
    times[index].as_secs_f64() * 1000.0
}

/// Prints the table: per row, each engine's figure, the anchor measured in the same run (each engine's own
/// when they differ) and the ratios.
pub fn print_table(engines: &[&str], rows: &[Row]) {
    println!(
        "| measure | {} | anchor (same run) | {} |",
        engines.join(" | "),
        engines
            .iter()
            .map(|n| format!("{n} ÷ anchor"))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!(
        "|---|{}---|{}",
        "---|".repeat(engines.len()),
        "---|".repeat(engines.len())
    );
    for row in rows {
        let ratios: Vec<String> = row
            .values
            .iter()
            .zip(&row.anchors)
            .map(|(v, a)| format!("{:.2}", v / a))
            .collect();
        let mut anchors: Vec<String> = row.anchors.iter().map(|a| (row.show)(*a)).collect();
        anchors.dedup();
        println!(
            "| {} | {} | {} | {} |",
            row.label,
            row.values
                .iter()
                .map(|v| (row.show)(*v))
                .collect::<Vec<_>>()
                .join(" | "),
            anchors.join(" / "),
            ratios.join(" | ")
        );
    }
}

/// One line of the table.
pub struct Row {
    pub label: String,
    /// One per engine.
    pub values: Vec<f64>,
    /// One per engine.
    pub anchors: Vec<f64>,
    pub show: fn(f64) -> String,
}

/// A latency.
pub fn ms(v: f64) -> String {
    format!("{v:.3} ms")
}

/// A new, empty PostgreSQL database `name` on the server of `admin` (a database URL); its URL.
#[allow(dead_code)] // Not every benchmark runs on PostgreSQL.
pub async fn postgres_database(admin: &str, name: &str) -> String {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(admin).await.expect("PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&pool)
    .await
    .expect("drop");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .expect("create");
    pool.close().await;
    let (base, _) = admin.rsplit_once('/').expect("database name");
    format!("{base}/{name}")
}

/// The anchor of the HTTP benchmarks: the median round trip of `GET /api/v1/health` on the server at `base`.
#[allow(dead_code)] // Not every benchmark measures over HTTP.
pub async fn health_median(client: &reqwest::Client, base: &str, samples: usize) -> f64 {
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        let response = client
            .get(format!("{base}/api/v1/health"))
            .send()
            .await
            .expect("health");
        let _ = response.bytes().await.expect("body");
        times.push(started.elapsed());
    }
    percentile_ms(&mut times, 0.5)
}

/// The rows of latencies measured on each engine: per measure (label, median, p99), a median row and a p99 row,
/// beside each engine's anchor; `of` says what the data set was ("100000 requests").
#[allow(dead_code)] // Not every benchmark measures latencies.
pub fn latency_rows(engines: &[&[(&str, f64, f64)]], anchors: &[f64], of: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, (label, _, _)) in engines[0].iter().enumerate() {
        for (p, median) in [("median", true), ("p99", false)] {
            rows.push(Row {
                label: format!("{label}, {p}, {of} (anchor: GET /api/v1/health, median)"),
                values: engines
                    .iter()
                    .map(|m| if median { m[i].1 } else { m[i].2 })
                    .collect(),
                anchors: anchors.to_vec(),
                show: ms,
            });
        }
    }
    rows
}
