//! Importing INSEE's StockUniteLegale file (the CSV, or the ZIP INSEE publishes) into the local directory.
//!
//! The file is read on a blocking thread and handed over in batches through a bounded channel, so memory stays
//! bounded whatever its size; the directory being written is a new one, swapped in at the very end (see
//! [`super::directory`]). The units of the shipped extract that the file lacks are kept (a partial file never
//! makes the public bodies unknown), and the summary says how many.

mod progress;

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};

use super::directory::{ImportRecord, LocalDirectory};
use super::stock::{self, Summary, Unit};
use crate::store::Db;

pub use progress::{describe, report_progress, thousands};

/// Units handed from the reading thread to the writer at once.
const BATCH: usize = 5_000;

/// What is imported.
#[derive(Clone, Debug)]
pub enum Source {
    /// INSEE's file, or part of it: CSV or ZIP.
    File(PathBuf),
    /// The extract shipped with the product.
    Shipped,
}

impl Source {
    fn describe(&self) -> String {
        match self {
            Self::File(path) => path.display().to_string(),
            Self::Shipped => "extrait SIRENE livré avec Géo'DAE".into(),
        }
    }
}

/// What an import did.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub summary: Summary,
    /// Units of the shipped extract absent from the file, kept.
    pub kept_from_extract: u64,
    /// Reading the file and writing the units, before the name index and the swap.
    pub load_seconds: f64,
    /// The whole import, until the new directory is in place.
    pub seconds: f64,
    /// The process's peak resident memory at the end, when the system tells it.
    pub peak_memory_bytes: Option<u64>,
}

impl Report {
    /// Units in the directory after the import.
    pub fn units(&self) -> u64 {
        self.summary.loaded + self.kept_from_extract
    }

    pub fn to_json(&self) -> serde_json::Value {
        let s = &self.summary;
        serde_json::json!({
            "rows": s.rows,
            "loaded": s.loaded,
            "active": s.active,
            "ceased": s.ceased,
            "non_diffusible": s.non_diffusible,
            "kept_from_extract": self.kept_from_extract,
            "load_seconds": self.load_seconds,
            "seconds": self.seconds,
            "peak_memory_bytes": self.peak_memory_bytes,
            "skipped": s.skipped.iter().map(|(reason, (count, lines))| serde_json::json!({
                "reason": reason.describe(), "rows": count, "first_lines": lines
            })).collect::<Vec<_>>(),
        })
    }
}

/// Counters the reading thread updates, for progress reports.
#[derive(Default)]
pub struct Progress {
    /// Bytes of the file read so far.
    pub bytes: AtomicU64,
    /// Rows read so far.
    pub rows: AtomicU64,
    /// The file's size, when known.
    pub total_bytes: AtomicU64,
    /// Set once the file is read: the name index is being built and the directory swapped.
    pub finishing: std::sync::atomic::AtomicBool,
}

/// Rows may be skipped (a bad SIREN, a repeat), but more than this share means the file is not what it seems.
const MAX_SKIPPED_SHARE: f64 = 0.01;

/// Imports `source` into the directory, replacing it whole. The directory in place keeps answering until the
/// new one is complete; an error, or `stop` resolving first, leaves it untouched.
pub async fn import(
    db: &Db,
    directory: &LocalDirectory,
    database_url: &str,
    source: Source,
    progress: Arc<Progress>,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<Report> {
    let started = Instant::now();
    let mut loader = directory.loader(database_url).await?;
    let (sender, mut batches) = tokio::sync::mpsc::channel::<Vec<Unit>>(4);
    let reading = {
        let source = source.clone();
        let progress = progress.clone();
        tokio::task::spawn_blocking(move || read(&source, &progress, &sender))
    };
    tokio::pin!(stop);
    let written: anyhow::Result<()> = async {
        loop {
            tokio::select! {
                batch = batches.recv() => match batch {
                    Some(batch) => loader.write(batch).await?,
                    None => return Ok(()),
                },
                () = &mut stop => bail!("the import was stopped"),
            }
        }
    }
    .await;
    drop(batches);
    let read = reading.await.context("the file reader stopped")?;
    let report = match (written, read) {
        (Ok(()), Ok(report)) => report,
        (Err(e), _) | (Ok(()), Err(e)) => {
            loader.abort().await;
            return Err(e);
        }
    };
    if let Err(e) = check(&report.summary) {
        loader.abort().await;
        return Err(e);
    }
    let mut report = report;
    report.load_seconds = started.elapsed().as_secs_f64();
    progress.finishing.store(true, Ordering::Relaxed);
    report.seconds = report.load_seconds;
    let record = ImportRecord {
        source: source.describe(),
        units: i64::try_from(report.units()).unwrap_or(i64::MAX),
        summary: report.to_json().to_string(),
    };
    loader.finish(db, &record).await?;
    report.seconds = started.elapsed().as_secs_f64();
    report.peak_memory_bytes = peak_memory();
    Ok(report)
}

/// The peak resident memory of this process (`VmHWM`, Linux).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// Refuses a file that loaded nothing, or whose rows were mostly unreadable.
fn check(summary: &Summary) -> anyhow::Result<()> {
    if summary.loaded == 0 {
        bail!(
            "the file holds no legal unit ({} rows read): is it a StockUniteLegale file?",
            summary.rows
        );
    }
    let skipped = summary.skipped_total();
    if skipped > 100 && skipped as f64 > summary.rows as f64 * MAX_SKIPPED_SHARE {
        let first = summary
            .skipped
            .iter()
            .map(|(reason, (n, lines))| format!("{n} × {} (lines {lines:?})", reason.describe()))
            .collect::<Vec<_>>()
            .join("; ");
        bail!(
            "{skipped} of {} rows cannot be read, the file looks damaged: {first}",
            summary.rows
        );
    }
    Ok(())
}

/// The reading thread: the CSV to read is the file itself, or the first CSV inside a ZIP (recognised by its
/// signature, whatever its name). Bytes read from the file are counted in `progress`.
fn read(
    source: &Source,
    progress: &Arc<Progress>,
    sender: &tokio::sync::mpsc::Sender<Vec<Unit>>,
) -> anyhow::Result<Report> {
    let path = match source {
        Source::Shipped => {
            return send_units(stock::SHIPPED_EXTRACT, HashMap::new(), progress, sender);
        }
        Source::File(path) => path,
    };
    let shipped: HashMap<u32, Unit> = stock::shipped_units()?
        .into_iter()
        .map(|u| (u.siren, u))
        .collect();
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    progress.total_bytes.store(size, Ordering::Relaxed);
    let mut signature = [0u8; 4];
    let is_zip = file.read_exact(&mut signature).is_ok() && signature == *b"PK\x03\x04";
    file.seek(SeekFrom::Start(0))?;
    let counted = Counted {
        inner: file,
        progress: progress.clone(),
    };
    if !is_zip {
        return send_units(
            std::io::BufReader::with_capacity(1 << 20, counted),
            shipped,
            progress,
            sender,
        );
    }
    let mut archive = zip::ZipArchive::new(counted).context("the ZIP file is damaged")?;
    let index = (0..archive.len())
        .find(|&i| {
            archive
                .by_index(i)
                .is_ok_and(|f| f.name().to_ascii_lowercase().ends_with(".csv"))
        })
        .context("the ZIP file holds no CSV file")?;
    let entry = archive.by_index(index)?;
    send_units(entry, shipped, progress, sender)
}

/// Sends the units of a CSV in batches, then the shipped units it lacks.
fn send_units(
    input: impl Read,
    mut shipped: HashMap<u32, Unit>,
    progress: &Progress,
    sender: &tokio::sync::mpsc::Sender<Vec<Unit>>,
) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let units = stock::Reader::new(input)?.units(&mut report.summary);
    let mut batch = Vec::with_capacity(BATCH);
    for unit in units {
        let unit = unit?;
        shipped.remove(&unit.siren);
        batch.push(unit);
        if batch.len() == BATCH {
            progress.rows.fetch_add(BATCH as u64, Ordering::Relaxed);
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            sender
                .blocking_send(full)
                .context("the import was stopped")?;
        }
    }
    report.kept_from_extract = shipped.len() as u64;
    let mut kept: Vec<Unit> = shipped.into_values().collect();
    kept.sort_by_key(|u| u.siren);
    batch.extend(kept);
    progress.rows.store(report.summary.rows, Ordering::Relaxed);
    for chunk in batch.chunks(BATCH) {
        sender
            .blocking_send(chunk.to_vec())
            .context("the import was stopped")?;
    }
    Ok(report)
}

/// A file that reports how far it was read.
struct Counted {
    inner: std::fs::File,
    progress: Arc<Progress>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Seek for Counted {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let position = self.inner.seek(to)?;
        self.progress.bytes.store(position, Ordering::Relaxed);
        Ok(position)
    }
}

/// Loads the shipped extract when the directory has never been loaded.
pub async fn seed_if_empty(
    db: &Db,
    directory: &LocalDirectory,
    database_url: &str,
) -> anyhow::Result<Option<Report>> {
    if directory.is_loaded().await? {
        return Ok(None);
    }
    let report = import(
        db,
        directory,
        database_url,
        Source::Shipped,
        Arc::default(),
        std::future::pending(),
    )
    .await?;
    Ok(Some(report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sirene::stock::Skip;

    #[test]
    fn large_numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1\u{202f}000");
        assert_eq!(thousands(29_123_456), "29\u{202f}123\u{202f}456");
    }

    #[test]
    fn a_file_of_unreadable_rows_is_refused() {
        let mut summary = Summary {
            rows: 10_000,
            loaded: 9_000,
            ..Summary::default()
        };
        summary
            .skipped
            .insert(Skip::InvalidSiren, (1_000, vec![2, 3]));
        assert!(check(&summary).is_err());
        summary.skipped.insert(Skip::InvalidSiren, (50, vec![2, 3]));
        assert!(check(&summary).is_ok());
        assert!(check(&Summary::default()).is_err());
    }
}
