//! The data API with 200 000 defibrillators, through HTTP on a running server: `cargo bench -p server --bench dae`
//! (SQLite; PostgreSQL too when `GEODAE_BENCH_POSTGRES_URL` names a server database). Prints median and p99 of
//! `near` (5 km, 20 results), of Géo'DAE's list call filtered by commune, beside the anchor of the same run: the
//! round trip of `GET /api/v1/health` on the same server.
//!
//! The records are spread as France's population: each of the 34 935 communes (BANATIC 2024, `benches/data`)
//! gets records in proportion to its inhabitants, around a point drawn within its département's reach of the
//! département's chief town (positions are synthetic; densities are the population's: Paris holds 6 000).

#![recursion_limit = "256"]

use std::time::Instant;

mod common;

use common::{Row, percentile_ms};
use server::store::Db;

const RECORDS: usize = 200_000;
const SAMPLES: usize = 300;

/// Chief towns of the départements (degrees) and how far from them their communes lie (km).
const DEPARTEMENTS: &[(&str, f64, f64, f64)] = &[
    ("01", 46.21, 5.23, 45.0),
    ("02", 49.56, 3.62, 50.0),
    ("03", 46.57, 3.33, 50.0),
    ("04", 44.09, 6.24, 50.0),
    ("05", 44.56, 6.08, 45.0),
    ("06", 43.70, 7.27, 30.0),
    ("07", 44.74, 4.60, 45.0),
    ("08", 49.77, 4.72, 40.0),
    ("09", 42.97, 1.61, 40.0),
    ("10", 48.30, 4.08, 45.0),
    ("11", 43.21, 2.35, 50.0),
    ("12", 44.35, 2.57, 55.0),
    ("13", 43.30, 5.37, 35.0),
    ("14", 49.18, -0.37, 40.0),
    ("15", 44.93, 2.44, 40.0),
    ("16", 45.65, 0.16, 40.0),
    ("17", 46.16, -1.15, 50.0),
    ("18", 47.08, 2.40, 50.0),
    ("19", 45.27, 1.77, 40.0),
    ("21", 47.32, 5.04, 55.0),
    ("22", 48.51, -2.76, 50.0),
    ("23", 46.17, 1.87, 40.0),
    ("24", 45.18, 0.72, 55.0),
    ("25", 47.24, 6.02, 45.0),
    ("26", 44.93, 4.89, 50.0),
    ("27", 49.02, 1.15, 45.0),
    ("28", 48.45, 1.49, 45.0),
    ("29", 48.00, -4.10, 50.0),
    ("2A", 41.93, 8.74, 45.0),
    ("2B", 42.70, 9.45, 50.0),
    ("30", 43.84, 4.36, 45.0),
    ("31", 43.60, 1.44, 55.0),
    ("32", 43.65, 0.59, 45.0),
    ("33", 44.84, -0.58, 60.0),
    ("34", 43.61, 3.88, 50.0),
    ("35", 48.11, -1.68, 45.0),
    ("36", 46.81, 1.69, 45.0),
    ("37", 47.39, 0.69, 45.0),
    ("38", 45.19, 5.72, 55.0),
    ("39", 46.67, 5.55, 45.0),
    ("40", 43.89, -0.50, 55.0),
    ("41", 47.59, 1.33, 50.0),
    ("42", 45.44, 4.39, 45.0),
    ("43", 45.04, 3.88, 40.0),
    ("44", 47.22, -1.55, 45.0),
    ("45", 47.90, 1.90, 50.0),
    ("46", 44.45, 1.44, 40.0),
    ("47", 44.20, 0.62, 45.0),
    ("48", 44.52, 3.50, 35.0),
    ("49", 47.47, -0.55, 45.0),
    ("50", 49.12, -1.09, 55.0),
    ("51", 48.96, 4.36, 55.0),
    ("52", 48.11, 5.14, 50.0),
    ("53", 48.07, -0.77, 40.0),
    ("54", 48.69, 6.18, 50.0),
    ("55", 48.77, 5.16, 50.0),
    ("56", 47.66, -2.76, 50.0),
    ("57", 49.12, 6.18, 55.0),
    ("58", 46.99, 3.16, 50.0),
    ("59", 50.63, 3.06, 50.0),
    ("60", 49.43, 2.08, 45.0),
    ("61", 48.43, 0.09, 50.0),
    ("62", 50.29, 2.78, 55.0),
    ("63", 45.78, 3.08, 55.0),
    ("64", 43.30, -0.37, 60.0),
    ("65", 43.23, 0.08, 45.0),
    ("66", 42.70, 2.90, 40.0),
    ("67", 48.57, 7.75, 50.0),
    ("68", 48.08, 7.36, 40.0),
    ("69", 45.76, 4.84, 35.0),
    ("70", 47.62, 6.16, 45.0),
    ("71", 46.31, 4.83, 60.0),
    ("72", 48.00, 0.20, 45.0),
    ("73", 45.56, 5.92, 50.0),
    ("74", 45.90, 6.13, 40.0),
    ("75", 48.857, 2.352, 4.5),
    ("76", 49.44, 1.10, 55.0),
    ("77", 48.54, 2.66, 50.0),
    ("78", 48.80, 2.13, 30.0),
    ("79", 46.32, -0.46, 50.0),
    ("80", 49.89, 2.30, 50.0),
    ("81", 43.93, 2.15, 45.0),
    ("82", 44.02, 1.35, 40.0),
    ("83", 43.12, 5.93, 45.0),
    ("84", 43.95, 4.81, 35.0),
    ("85", 46.67, -1.43, 50.0),
    ("86", 46.58, 0.34, 55.0),
    ("87", 45.83, 1.26, 45.0),
    ("88", 48.17, 6.45, 50.0),
    ("89", 47.80, 3.57, 55.0),
    ("90", 47.64, 6.86, 15.0),
    ("91", 48.63, 2.44, 25.0),
    ("92", 48.89, 2.21, 7.0),
    ("93", 48.91, 2.44, 8.0),
    ("94", 48.79, 2.46, 8.0),
    ("95", 49.04, 2.08, 25.0),
    ("971", 16.25, -61.58, 25.0),
    ("972", 14.64, -61.02, 20.0),
    ("973", 4.94, -52.33, 80.0),
    ("974", -21.12, 55.53, 25.0),
    ("976", -12.78, 45.23, 12.0),
];

/// A deterministic generator (SplitMix64): the same records at every run.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A point uniformly within `km` of (lat, lon).
    fn around(&mut self, lat: f64, lon: f64, km: f64) -> (f64, f64) {
        let r = km * self.unit().sqrt();
        let a = self.unit() * std::f64::consts::TAU;
        let lat2 = lat + r * a.cos() / 111.2;
        let lon2 = lon + r * a.sin() / (111.2 * lat.to_radians().cos());
        (lat2, lon2)
    }
}

struct Commune {
    insee: String,
    name: String,
    lat: f64,
    lon: f64,
    /// Radius of the commune's records, km.
    reach: f64,
    population: f64,
}

fn communes(draw: &mut Draw) -> Vec<Commune> {
    let text = include_str!("data/communes-2024.csv");
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let Some(Ok(record)) = reader.records().next() else {
            continue;
        };
        let (insee, dep, name, population) = (&record[0], &record[1], &record[2], &record[3]);
        let Some(&(_, lat, lon, reach)) = DEPARTEMENTS.iter().find(|d| d.0 == dep) else {
            continue;
        };
        let population: f64 = population.parse().unwrap_or(0.0);
        let (clat, clon) = draw.around(lat, lon, reach);
        out.push(Commune {
            insee: insee.to_string(),
            name: name.to_string(),
            lat: clat,
            lon: clon,
            // A big town spreads further: about 1 km for 10 000 inhabitants, 4.5 km for Paris.
            reach: (population / 10_000.0).sqrt().clamp(0.5, 4.5),
            population,
        });
    }
    out
}

/// The records: communes drawn in proportion to their population; returns the (commune, lat, lon) of each.
async fn fill(db: &Db) -> Vec<(String, f64, f64)> {
    let mut draw = Draw(2026);
    let communes = communes(&mut draw);
    let total: f64 = communes.iter().map(|c| c.population).sum();
    let mut cumulative = Vec::with_capacity(communes.len());
    let mut sum = 0.0;
    for c in &communes {
        sum += c.population;
        cumulative.push(sum / total);
    }
    let mut placed = Vec::with_capacity(RECORDS);
    let mut tx = db.pool.begin().await.expect("transaction");
    sqlx::query("DELETE FROM dae")
        .execute(&mut *tx)
        .await
        .expect("empty");
    let batch = 500;
    let states = [
        "En fonctionnement",
        "En fonctionnement",
        "En fonctionnement",
        "Hors service",
    ];
    for start in (0..RECORDS).step_by(batch) {
        let mut sql = String::from(
            "INSERT INTO dae (gid, nom, lat_coor1, long_coor1, com_insee, com_nom, com_cp, acc, acc_lib, etat_fonct, etat_valid, disp_j, disp_h, expt_siren, expt_rais) VALUES ",
        );
        for i in start..(start + batch).min(RECORDS) {
            let u = draw.unit();
            let index = cumulative
                .partition_point(|c| *c < u)
                .min(communes.len() - 1);
            let commune = &communes[index];
            let (lat, lon) = draw.around(commune.lat, commune.lon, commune.reach);
            if i != start {
                sql.push(',');
            }
            let name = commune.name.replace('\'', "''");
            let cp = format!("{:0>5}", commune.insee.replace(['A', 'B'], "0"));
            sql.push_str(&format!(
                "({gid}, 'DAE {gid}', {lat}, {lon}, '{insee}', '{name}', '{cp}', '{acc}', {lib}, '{state}', 'validées', '7j/7', '24h/24', '356000000', 'LA POSTE')",
                gid = i + 1,
                insee = commune.insee,
                acc = if i % 3 == 0 { "Extérieur" } else { "Intérieur" },
                lib = i64::from(i % 4 != 0),
                state = states[i % states.len()],
            ));
            placed.push((commune.name.clone(), lat, lon));
        }
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .expect("insert");
    }
    sqlx::query(
        "INSERT INTO dae_imports (source, imported_at, accepted, rejected) VALUES ('banc', 0, 0, 0)",
    )
    .execute(&mut *tx)
    .await
    .expect("import row");
    tx.commit().await.expect("commit");
    placed
}

/// A validated account with a token for the data API.
async fn token(db: &Db) -> String {
    let now = server::store::now_ms();
    let registration: i64 = sqlx::query_scalar(
        "INSERT INTO registrations (reference, status, profile, last_name, first_name, email, email_key, organisation_kind, siren, siret, company_name, company_name_source, siren_verified, phone, phone_national, warnings, created_at, decided_at, queue, search_text)
         VALUES ('DAE-BANC', 'approved', 'api', 'Banc', 'Marie', 'banc@exemple.fr', 'banc@exemple.fr', 'entreprise_association', '356000000', NULL, 'LA POSTE', 'register', 1, '+33123456789', '123456789', '[]', $1, $1, 1, 'banc') RETURNING id",
    )
    .bind(now)
    .fetch_one(&db.pool)
    .await
    .expect("registration");
    let account: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (login, email_key, email, siren, registration_id, created_at, disabled)
         VALUES ('banc', 'banc@exemple.fr', 'banc@exemple.fr', '356000000', $1, $2, 0) RETURNING id",
    )
    .bind(registration)
    .bind(now)
    .fetch_one(&db.pool)
    .await
    .expect("account");
    server::accounts::tokens::issue(db, account)
        .await
        .expect("token")
}

/// Median and p99 (ms) of `SAMPLES` calls of the URLs `urls` yields.
async fn time(
    client: &reqwest::Client,
    token: &str,
    mut urls: impl FnMut(usize) -> String,
    check: fn(&serde_json::Value) -> bool,
) -> (f64, f64) {
    let mut times = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES {
        let url = urls(i);
        let started = Instant::now();
        let response = client
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .expect("call");
        assert_eq!(response.status().as_u16(), 200, "{url}");
        let body = response.bytes().await.expect("body");
        times.push(started.elapsed());
        let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert!(check(&json), "{url}: {json}");
    }
    (
        percentile_ms(&mut times, 0.5),
        percentile_ms(&mut times, 0.99),
    )
}

struct Measured {
    rows: Vec<(&'static str, f64, f64)>,
    anchor: f64,
    /// Records a second, MB a second, peak memory growth (MB), MB in all.
    export: (f64, f64, f64, f64),
    /// The same for `GET /api/dae?limit=200000&sort_by=com_nom:asc`.
    list: (f64, f64, f64, f64),
}

/// The process's resident memory (`VmRSS:`) or its peak (`VmHWM:`), MB.
fn rss(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// Reads a streamed answer of every record without keeping it: records a second, MB a second, growth of the
/// peak resident memory meanwhile (MB; the server runs in this process), MB in all.
async fn long_read(client: &reqwest::Client, token: &str, url: &str) -> (f64, f64, f64, f64) {
    const MARK: &[u8] = b"\"gid\":";
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = rss("VmRSS:");
    let started = Instant::now();
    let mut response = client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("a long read");
    assert_eq!(response.status().as_u16(), 200, "{url}");
    let mut bytes = 0usize;
    let mut records = 0usize;
    // The end of the previous chunk, so that a mark cut in two is counted once.
    let mut tail: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        bytes += chunk.len();
        tail.extend_from_slice(&chunk);
        records += tail.windows(MARK.len()).filter(|w| *w == MARK).count();
        let keep = tail.len().min(MARK.len() - 1);
        tail.drain(..tail.len() - keep);
    }
    let seconds = started.elapsed().as_secs_f64();
    let growth = rss("VmHWM:") - before;
    assert_eq!(records, RECORDS, "{url}: every record once");
    (
        RECORDS as f64 / seconds,
        bytes as f64 / 1e6 / seconds,
        growth,
        bytes as f64 / 1e6,
    )
}

async fn measure(engine: &str, database_url: String, dir: &std::path::Path) -> Measured {
    let running = server::startup::start(common::config(&database_url, dir))
        .await
        .expect("server starts");
    let db = running.context.db.clone();
    let started = Instant::now();
    let placed = fill(&db).await;
    if db.backend == server::store::Backend::Postgres {
        // What autovacuum does within a minute of such a bulk write.
        sqlx::query("VACUUM ANALYZE dae")
            .execute(&db.pool)
            .await
            .expect("analyze");
    }
    eprintln!(
        "{engine}: {RECORDS} defibrillators inserted in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let token = token(&db).await;
    let client = reqwest::Client::new();
    let base = format!("http://{}", running.addr);

    let anchor = common::health_median(&client, &base, SAMPLES).await;

    // Points where people are: the positions of records drawn across the data set.
    let stride = RECORDS / SAMPLES;
    let near = time(
        &client,
        &token,
        |i| {
            let (_, lat, lon) = &placed[i * stride];
            format!("{base}/api/v1/dae?near={lat:.5},{lon:.5}&radius=5000&limit=20")
        },
        |json| json["records"].as_array().is_some_and(|r| !r.is_empty()),
    )
    .await;
    let commune = time(
        &client,
        &token,
        |i| {
            let (name, _, _) = &placed[i * stride + 1];
            let filter = format!(
                "and(eq(com_nom,\"{}\"),eq(etat_fonct,En fonctionnement))",
                name.replace('"', "\\\"")
            );
            let mut url = reqwest::Url::parse(&format!("{base}/api/dae")).expect("url");
            url.query_pairs_mut()
                .append_pair("offset", "0")
                .append_pair("limit", "20")
                .append_pair("sort_by", "com_nom:asc")
                .append_pair("_where", &filter);
            url.to_string()
        },
        |json| json.as_array().is_some(),
    )
    .await;
    // The whole export, streamed, and Géo'DAE's list call asked for every record at once, sorted by commune (no
    // ceiling: read by pages after the last record sent): their pace, and how much the process grows meanwhile
    // (peak resident memory, reset just before; the data set as GeoJSON is some hundred times larger).
    let export = long_read(&client, &token, &format!("{base}/api/v1/dae/export")).await;
    eprintln!(
        "{engine}: export of {RECORDS} records, {:.1} MB in {:.2} s, peak memory +{:.1} MB",
        export.3,
        export.3 / export.1,
        export.2
    );
    let list = long_read(
        &client,
        &token,
        &format!("{base}/api/dae?limit={RECORDS}&sort_by=com_nom:asc"),
    )
    .await;
    eprintln!(
        "{engine}: list of {RECORDS} records sorted by commune, {:.1} MB in {:.2} s, peak memory +{:.1} MB",
        list.3,
        list.3 / list.1,
        list.2
    );
    running.server.abort();
    Measured {
        export,
        list,
        rows: vec![
            ("near, 5 km, 20 results (GET /api/v1/dae)", near.0, near.1),
            (
                "Géo'DAE's list call by commune (GET /api/dae, _where com_nom and etat_fonct, 20 results)",
                commune.0,
                commune.1,
            ),
        ],
        anchor,
    }
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
        let url = common::postgres_database(&admin, "geodae_bench_dae").await;
        engines.push(("PostgreSQL", measure("postgres", url, dir.path()).await));
    }
    let names: Vec<&str> = engines.iter().map(|(n, _)| *n).collect();
    let anchors: Vec<f64> = engines.iter().map(|(_, m)| m.anchor).collect();
    let latencies: Vec<&[(&str, f64, f64)]> =
        engines.iter().map(|(_, m)| m.rows.as_slice()).collect();
    let mut rows = common::latency_rows(&latencies, &anchors, &format!("{RECORDS} defibrillators"));
    // The export beside what a client reads of the health call in the same time (its rate), and its memory
    // beside the size of what it sent.
    rows.push(Row {
        label: format!("export of {RECORDS} defibrillators as GeoJSON, streamed, records/s (anchor: GET /api/v1/health calls/s)"),
        values: engines.iter().map(|(_, m)| m.export.0).collect(),
        anchors: anchors.iter().map(|a| 1000.0 / a).collect(),
        show: |v| format!("{v:.0}/s"),
    });
    rows.push(Row {
        label: "export, MB/s sent (anchor: MB in all)".to_string(),
        values: engines.iter().map(|(_, m)| m.export.1).collect(),
        anchors: engines.iter().map(|(_, m)| m.export.3).collect(),
        show: |v| format!("{v:.1} MB"),
    });
    rows.push(Row {
        label: "export, growth of the server's peak memory meanwhile (anchor: MB sent)".to_string(),
        values: engines.iter().map(|(_, m)| m.export.2).collect(),
        anchors: engines.iter().map(|(_, m)| m.export.3).collect(),
        show: |v| format!("{v:.1} MB"),
    });
    rows.push(Row {
        label: format!("GET /api/dae?limit={RECORDS}&sort_by=com_nom:asc, streamed, records/s (anchor: GET /api/v1/health calls/s)"),
        values: engines.iter().map(|(_, m)| m.list.0).collect(),
        anchors: anchors.iter().map(|a| 1000.0 / a).collect(),
        show: |v| format!("{v:.0}/s"),
    });
    rows.push(Row {
        label: format!("GET /api/dae?limit={RECORDS}, growth of the server's peak memory meanwhile (anchor: MB sent)"),
        values: engines.iter().map(|(_, m)| m.list.2).collect(),
        anchors: engines.iter().map(|(_, m)| m.list.3).collect(),
        show: |v| format!("{v:.1} MB"),
    });
    common::print_table(&names, &rows);
}
