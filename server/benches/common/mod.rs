//! What the benchmarks share: the server's configuration for a run, percentiles, and the table they print
//! (Markdown rows; `make bench` prints one header for all).

use std::path::{Path, PathBuf};
use std::time::Duration;

use server::config::{Config, MailConfig, MailTransport};

/// A server on a free port, mail as files in `dir`, no shipped extract.
pub fn config(database_url: &str, dir: &Path) -> Config {
    Config {
        addr: "127.0.0.1:0".parse().expect("address"),
        site_root: PathBuf::from("target/site"),
        database_url: database_url.to_string(),
        data_dir: dir.to_path_buf(),
        public_url: "http://127.0.0.1".into(),
        mail: MailConfig {
            from: "Géo'DAE <ne-pas-repondre@geodae.test>".into(),
            transport: MailTransport::Files(dir.join("mail")),
        },
        admin_emails: vec![],
        sirene_seed: false,
        sirene: Default::default(),
        review_target_days: 5,
        password_link_days: 7,
        trust_proxy: false,
        password_policy: Default::default(),
        flood: server::flood::FloodLimits::uniform(server::flood::Rate::per_minute(10_000_000)),
        // The benchmarks call as fast as they can with one account.
        api_rate: server::dae::usage::ApiRate {
            per_second: 1e9,
            burst: 1e9,
        },
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
