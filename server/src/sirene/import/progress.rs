//! What an import shows while it runs and says at its end.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{Progress, Report};

/// Prints progress while an import runs: a bar on a terminal, a log line every ten seconds otherwise.
pub async fn report_progress(progress: Arc<Progress>, terminal: bool) {
    let started = Instant::now();
    let bar = terminal.then(|| {
        let bar = indicatif::ProgressBar::new(progress.total_bytes.load(Ordering::Relaxed));
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {elapsed_precise} [{bar:30}] {bytes}/{total_bytes} · {msg} · reste {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    });
    let mut tick = tokio::time::interval(if terminal {
        Duration::from_millis(200)
    } else {
        Duration::from_secs(10)
    });
    tick.tick().await;
    loop {
        tick.tick().await;
        let rows = progress.rows.load(Ordering::Relaxed);
        let bytes = progress.bytes.load(Ordering::Relaxed);
        let total = progress.total_bytes.load(Ordering::Relaxed);
        let rate = rows as f64 / started.elapsed().as_secs_f64().max(0.001);
        let message = format!(
            "{} lignes, {} lignes/s",
            thousands(rows),
            thousands(rate as u64)
        );
        match &bar {
            Some(bar) => {
                bar.set_length(total);
                bar.set_position(bytes.min(total));
                bar.set_message(message);
            }
            None => {
                let share = if total > 0 {
                    bytes as f64 * 100.0 / total as f64
                } else {
                    0.0
                };
                tracing::info!("import: {message}, {:.1} % of the file read", share);
            }
        }
    }
}

/// 12345678 → "12 345 678", the French way.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// The summary printed at the end of an import.
pub fn describe(report: &Report) -> String {
    let s = &report.summary;
    let mut out = format!(
        "Lignes lues : {}\nUnités chargées : {} (actives {}, cessées {}, non diffusibles {})\n",
        thousands(s.rows),
        thousands(s.loaded),
        thousands(s.active),
        thousands(s.ceased),
        thousands(s.non_diffusible),
    );
    if report.kept_from_extract > 0 {
        out += &format!(
            "Unités de l'extrait livré absentes du fichier, conservées : {} (organismes publics et exemples)\n",
            thousands(report.kept_from_extract)
        );
    }
    if s.skipped.is_empty() {
        out += "Lignes ignorées : aucune\n";
    }
    for (reason, (count, lines)) in &s.skipped {
        let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
        out += &format!(
            "Lignes ignorées ({}) : {} — premières lignes : {}\n",
            reason.describe(),
            thousands(*count),
            lines.join(", ")
        );
    }
    out += &format!(
        "Répertoire : {} unités · {:.1} s ({} lignes/s), dont {:.1} s de lecture et chargement des unités",
        thousands(report.units()),
        report.seconds,
        thousands((s.rows as f64 / report.seconds.max(0.001)) as u64),
        report.load_seconds,
    );
    if let Some(bytes) = report.peak_memory_bytes {
        out += &format!(" · mémoire (pic) {} Mo", thousands(bytes / 1_000_000));
    }
    out
}
