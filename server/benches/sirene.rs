//! The SIRENE directory at national scale: `cargo bench -p server --bench sirene` (`make bench`).
//!
//! One run on one synthetic StockUniteLegale file of `GEODAE_BENCH_SIRENE_ROWS` rows (5 million by default; INSEE's
//! 35-column layout, see `server::sirene::synthetic`): the import by `server sirene import` on SQLite, and on
//! PostgreSQL when `GEODAE_BENCH_POSTGRES_URL` names a server database; beside it, the anchor of the same run:
//! the same file loaded by the `sqlite3` command-line tool's `.import` into a table keyed by SIREN. Then, on the
//! loaded directory: lookups by SIREN in the server and over HTTP, and searches by name over HTTP, beside the
//! round trip of `GET /api/v1/health`. Progress goes to stderr; the table (Markdown rows) to stdout.

#![recursion_limit = "256"]

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
mod common;

use common::{Row, percentile_ms};
use server::sirene::stock::{Reader, Summary};
use server::sirene::{search, synthetic};

const DEFAULT_ROWS: u64 = 5_000_000;
const LOOKUPS: usize = 2_000;
const SEARCHES: usize = 400;

/// What the bench asks of the loaded directory: SIRENs (most of them in the file) and names to search.
struct Samples {
    sirens: Vec<String>,
    queries: Vec<String>,
}

/// Reads the file back for SIRENs and names, and makes queries the way people type them: a whole name, its
/// first two words, its longest word, or a word being typed (its first 3 to 6 letters).
fn samples(file: &Path, rows: u64) -> Samples {
    let mut rng = SmallRng::seed_from_u64(11);
    let every = (rows / 4_000).max(1);
    let mut summary = Summary::default();
    let input = std::io::BufReader::new(std::fs::File::open(file).expect("file"));
    let mut sirens = Vec::new();
    let mut names = Vec::new();
    for (i, unit) in Reader::new(input)
        .expect("header")
        .units(&mut summary)
        .enumerate()
    {
        let unit = unit.expect("unit");
        if (i as u64).is_multiple_of(every) {
            sirens.push(unit.siren_text());
            if unit.searchable() {
                names.push(search::fold(unit.name.as_deref().unwrap_or_default()));
            }
        }
    }
    // One lookup in ten is a valid SIREN the file does not hold.
    for i in 0..sirens.len() / 10 {
        let body = 99_000_000 + i as u32;
        let key = (0..10)
            .find(|k| app::domain::luhn::is_valid(&format!("{body:08}{k}")))
            .unwrap_or(0);
        sirens.push(format!("{body:08}{key}"));
    }
    let queries = names
        .iter()
        .map(|name| {
            let words: Vec<&str> = name.split(' ').collect();
            match rng.random_range(0..10) {
                0..=2 => name.clone(),
                3..=5 => words.iter().take(2).copied().collect::<Vec<_>>().join(" "),
                6..=7 => words
                    .iter()
                    .max_by_key(|w| w.len())
                    .copied()
                    .unwrap_or_default()
                    .to_string(),
                _ => {
                    let (done, typing) = words.split_at(words.len() - 1);
                    let typing = typing[0];
                    let cut = rng.random_range(3..=6).min(typing.len());
                    let mut query = done.join(" ");
                    if !query.is_empty() {
                        query.push(' ');
                    }
                    query + &typing[..cut]
                }
            }
        })
        .filter(|q| search::fold(q).replace(' ', "").len() >= search::MIN_QUERY_CHARS)
        .collect();
    Samples { sirens, queries }
}

/// The anchor: INSEE's file loaded by the sqlite3 tool into a table keyed by SIREN (journal and sync off).
/// Returns its time and the size of its database.
fn sqlite3_import(file: &Path, dir: &Path) -> (f64, u64) {
    let first_line = {
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(std::fs::File::open(file).expect("file"))
            .read_line(&mut line)
            .expect("header");
        line
    };
    let columns: Vec<String> = first_line
        .trim()
        .split(',')
        .skip(1)
        .map(|c| format!("{c} TEXT"))
        .collect();
    let db = dir.join("anchor.db");
    let started = Instant::now();
    let status = Command::new("sqlite3")
        .arg(&db)
        .arg(format!(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; CREATE TABLE t (siren TEXT PRIMARY KEY, {});",
            columns.join(", ")
        ))
        .arg(".mode csv")
        .arg(format!(".import --skip 1 {} t", file.display()))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("the sqlite3 command-line tool (Debian package sqlite3; make bench installs it)");
    assert!(status.success(), "sqlite3 .import failed");
    let seconds = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    std::fs::remove_file(&db).ok();
    (seconds, size)
}

struct Engine {
    name: &'static str,
    import: serde_json::Value,
    size_bytes: u64,
    lookup_server: (f64, f64),
    ping_server: f64,
    lookup_http: (f64, f64),
    health_http: f64,
    search_http: (f64, f64),
}

async fn measure(
    name: &'static str,
    database_url: &str,
    file: &Path,
    dir: &Path,
    samples: &Samples,
) -> Engine {
    eprintln!("{name}: importing {}", file.display());
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["sirene", "import", "--json"])
        .arg(file)
        .env("DATABASE_URL", database_url)
        .env("GEODAE_DATA_DIR", dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("server sirene import");
    assert!(
        output.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let import: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {} {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    eprintln!("{name}: {import}");

    let running = server::startup::start(common::config(database_url, dir))
        .await
        .expect("server starts");
    let ctx = running.context.clone();
    let size_bytes = match server::sirene::directory::sqlite::directory_path(database_url) {
        Some(path) => std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        None => {
            let (size,): (i64,) = sqlx::query_as(
                "SELECT CAST(pg_total_relation_size('sirene_units') + pg_total_relation_size('sirene_names') AS BIGINT)",
            )
            .fetch_one(&ctx.db.pool)
            .await
            .expect("size");
            size as u64
        }
    };

    // Warm up, then in the server: the register's lookup, and a trivial query on the database as the anchor.
    for siren in samples.sirens.iter().take(200) {
        ctx.register.lookup(siren).await.expect("lookup");
    }
    let mut times = Vec::with_capacity(LOOKUPS);
    for siren in samples.sirens.iter().cycle().take(LOOKUPS) {
        let started = Instant::now();
        ctx.register.lookup(siren).await.expect("lookup");
        times.push(started.elapsed());
    }
    let lookup_server = (
        percentile_ms(&mut times, 0.5),
        percentile_ms(&mut times, 0.99),
    );
    let mut times = Vec::with_capacity(LOOKUPS);
    for _ in 0..LOOKUPS {
        let started = Instant::now();
        ctx.db.ping().await.expect("ping");
        times.push(started.elapsed());
    }
    let ping_server = percentile_ms(&mut times, 0.5);

    let client = reqwest::Client::new();
    let base = format!("http://{}", running.addr);
    let get = |path: String| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move {
            let started = Instant::now();
            let response = client.get(&url).send().await.expect("request");
            let status = response.status().as_u16();
            let _ = response.bytes().await.expect("body");
            assert!(status == 200 || status == 404, "{url}: {status}");
            started.elapsed()
        }
    };
    let mut times = Vec::with_capacity(LOOKUPS);
    for siren in samples.sirens.iter().cycle().take(LOOKUPS) {
        times.push(get(format!("/api/v1/sirene/{siren}")).await);
    }
    let lookup_http = (
        percentile_ms(&mut times, 0.5),
        percentile_ms(&mut times, 0.99),
    );
    let mut times = Vec::with_capacity(LOOKUPS);
    for _ in 0..LOOKUPS {
        times.push(get("/api/v1/health".to_string()).await);
    }
    let health_http = percentile_ms(&mut times, 0.5);
    let mut times = Vec::with_capacity(SEARCHES);
    let mut slowest = Vec::with_capacity(SEARCHES);
    for query in samples.queries.iter().cycle().take(SEARCHES) {
        let q: String = query.replace(' ', "%20");
        let time = get(format!("/api/v1/sirene?q={q}&limit=10")).await;
        times.push(time);
        slowest.push((time, query));
    }
    slowest.sort();
    for (time, query) in slowest.iter().rev().take(5) {
        eprintln!(
            "{name}: slow search {:.1} ms: {query}",
            time.as_secs_f64() * 1000.0
        );
    }
    let search_http = (
        percentile_ms(&mut times, 0.5),
        percentile_ms(&mut times, 0.95),
    );
    running.server.abort();
    Engine {
        name,
        import,
        size_bytes,
        lookup_server,
        ping_server,
        lookup_http,
        health_http,
        search_http,
    }
}

#[tokio::main]
async fn main() {
    let rows: u64 = std::env::var("GEODAE_BENCH_SIRENE_ROWS")
        .ok()
        .and_then(|r| r.replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_ROWS);
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("StockUniteLegale_synthetic.csv");
    eprintln!("generating {rows} rows into {}", file.display());
    {
        let out =
            std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&file).expect("file"));
        synthetic::Generator::new(rows, 1)
            .write(rows, out)
            .expect("generated");
    }
    let samples = samples(&file, rows);
    eprintln!("anchor: sqlite3 .import of the same file");
    let (anchor_seconds, anchor_size) = sqlite3_import(&file, dir.path());

    let mut engines = Vec::new();
    let sqlite_dir = dir.path().join("sqlite");
    std::fs::create_dir_all(&sqlite_dir).expect("folder");
    let sqlite_url = format!(
        "sqlite://{}?mode=rwc",
        sqlite_dir.join("geodae.db").display()
    );
    engines.push(measure("SQLite", &sqlite_url, &file, &sqlite_dir, &samples).await);
    if let Ok(admin) = std::env::var("GEODAE_BENCH_POSTGRES_URL") {
        let url = common::postgres_database(&admin, "geodae_bench_sirene").await;
        let pg_dir = dir.path().join("postgres");
        std::fs::create_dir_all(&pg_dir).expect("folder");
        engines.push(measure("PostgreSQL", &url, &file, &pg_dir, &samples).await);
    }

    let per_second = |seconds: f64| rows as f64 / seconds;
    let n = engines.len();
    let same = |a: f64| vec![a; n];
    let m = format!("{:.1} M rows", rows as f64 / 1e6);
    let field = |e: &Engine, name: &str| e.import[name].as_f64().unwrap_or(f64::NAN);
    let anchor_rate = per_second(anchor_seconds);
    let mut table = vec![
        Row {
            label: format!(
                "SIRENE import rows/s, name index included, until the swap ({m}; anchor: sqlite3 .import)"
            ),
            values: engines
                .iter()
                .map(|e| per_second(field(e, "seconds")))
                .collect(),
            anchors: same(anchor_rate),
            show: |v| format!("{:.0} k", v / 1000.0),
        },
        Row {
            label: format!(
                "SIRENE load rows/s without the name index ({m}; anchor: sqlite3 .import)"
            ),
            values: engines
                .iter()
                .map(|e| per_second(field(e, "load_seconds")))
                .collect(),
            anchors: same(anchor_rate),
            show: |v| format!("{:.0} k", v / 1000.0),
        },
        Row {
            label: "SIRENE import peak memory, MB (anchor: the 300 MB budget)".into(),
            values: engines
                .iter()
                .map(|e| field(e, "peak_memory_bytes") / 1e6)
                .collect(),
            anchors: same(300.0),
            show: |v| format!("{v:.0}"),
        },
        Row {
            label:
                "SIRENE directory size, MB per million units (anchor: the sqlite3 .import table)"
                    .into(),
            values: engines
                .iter()
                .map(|e| e.size_bytes as f64 / 1e6 / (field(e, "loaded") / 1e6))
                .collect(),
            anchors: same(anchor_size as f64 / 1e6 / (rows as f64 / 1e6)),
            show: |v| format!("{v:.1}"),
        },
    ];
    type Pick = fn(&Engine) -> f64;
    let latencies: [(&str, Pick, Pick); 6] = [
        (
            "SIRENE lookup by SIREN in the server, p50 (anchor: SELECT 1)",
            |e| e.lookup_server.0,
            |e| e.ping_server,
        ),
        (
            "SIRENE lookup by SIREN in the server, p99 (anchor: SELECT 1)",
            |e| e.lookup_server.1,
            |e| e.ping_server,
        ),
        (
            "SIRENE lookup by SIREN over HTTP, p50 (anchor: GET /api/v1/health)",
            |e| e.lookup_http.0,
            |e| e.health_http,
        ),
        (
            "SIRENE lookup by SIREN over HTTP, p99 (anchor: GET /api/v1/health)",
            |e| e.lookup_http.1,
            |e| e.health_http,
        ),
        (
            "SIRENE search by name over HTTP, p50 (anchor: GET /api/v1/health)",
            |e| e.search_http.0,
            |e| e.health_http,
        ),
        (
            "SIRENE search by name over HTTP, p95 (anchor: GET /api/v1/health)",
            |e| e.search_http.1,
            |e| e.health_http,
        ),
    ];
    for (label, pick, anchor) in latencies {
        table.push(Row {
            label: label.into(),
            values: engines.iter().map(pick).collect(),
            anchors: engines.iter().map(anchor).collect(),
            show: common::ms,
        });
    }
    let names: Vec<&str> = engines.iter().map(|e| e.name).collect();
    common::print_table(&names, &table);
}
