//! The directory on SQLite: a file of its own beside the database (`geodae.db` → `geodae-sirene.db`).
//!
//! A load writes a new file (`….loading`) with no journal, then renames it over the old one: the rename is the
//! atomic swap. Until then the server keeps reading the old file, an import never takes the database's single
//! write lock away from the requests being submitted, and an interrupted load leaves only the `.loading` file,
//! removed by the next one. The server notices a new file within a second and opens it; a file in place is never
//! written again, so it is opened `immutable` (no locking at all on reads).

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, Executor};
use tokio::sync::Mutex;

use super::buckets::NameBuckets;
use super::{Hit, Tier, UnitRow};
use crate::sirene::search;
use crate::sirene::stock::Unit;

/// The directory file that goes with a SQLite database URL.
pub fn directory_path(database_url: &str) -> Option<PathBuf> {
    let path = crate::store::sqlite_file(database_url)?;
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    Some(path.with_file_name(format!("{stem}-sirene.db")))
}

/// How the server reads the directory file.
pub struct FileDirectory {
    path: PathBuf,
    open: Mutex<Option<Opened>>,
}

struct Opened {
    pool: SqlitePool,
    identity: (u64, u64),
    checked: Instant,
}

/// A file's identity (device, inode): a new file after a swap has a new one.
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// How often the server looks for a new file.
const RECHECK: Duration = Duration::from_secs(1);

impl FileDirectory {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            open: Mutex::new(None),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The pool on the current file; `None` when there is no file yet.
    pub async fn pool(&self) -> anyhow::Result<Option<SqlitePool>> {
        let mut open = self.open.lock().await;
        if let Some(opened) = open.as_mut() {
            if opened.checked.elapsed() < RECHECK {
                return Ok(Some(opened.pool.clone()));
            }
            opened.checked = Instant::now();
            if identity(&self.path) == Some(opened.identity) {
                return Ok(Some(opened.pool.clone()));
            }
        }
        let Some(current) = identity(&self.path) else {
            return Ok(open.as_ref().map(|o| o.pool.clone()));
        };
        let options = SqliteConnectOptions::new()
            .filename(&self.path)
            .read_only(true)
            .immutable(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(1)
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open {}", self.path.display()))?;
        if let Some(previous) = open.replace(Opened {
            pool: pool.clone(),
            identity: current,
            checked: Instant::now(),
        }) {
            tracing::info!(file = %self.path.display(), "new SIRENE directory file opened");
            // Lookups under way finish on the old file; it is deleted once its last connection closes.
            tokio::spawn(async move { previous.pool.close().await });
        }
        Ok(Some(pool))
    }

    pub async fn lookup(&self, siren: u32) -> anyhow::Result<Option<UnitRow>> {
        let Some(pool) = self.pool().await? else {
            anyhow::bail!("the directory file {} does not exist", self.path.display())
        };
        Ok(sqlx::query_as(super::LOOKUP_SQL)
            .bind(i64::from(siren))
            .fetch_optional(&pool)
            .await?)
    }

    /// The units matching one tier of a search, best first.
    pub async fn search(
        &self,
        words: &[String],
        tier: Tier,
        limit: i64,
    ) -> anyhow::Result<Vec<Hit>> {
        let Some(pool) = self.pool().await? else {
            anyhow::bail!("the directory file {} does not exist", self.path.display())
        };
        let Some(query) = fts_query(words, tier) else {
            return Ok(Vec::new());
        };
        Ok(sqlx::query_as(
            "SELECT u.siren, u.name, u.legal_category
             FROM (SELECT rowid AS rank_key FROM sirene_names WHERE sirene_names MATCH $1 ORDER BY rowid LIMIT $2) n
             JOIN sirene_units u ON u.siren = n.rank_key % 1000000000
             ORDER BY n.rank_key",
        )
        .bind(query)
        .bind(limit)
        .fetch_all(&pool)
        .await?)
    }
}

/// The FTS5 query of a tier: every word as a whole token, or the last (or every) one as a prefix.
fn fts_query(words: &[String], tier: Tier) -> Option<String> {
    let terms: Vec<String> = search::terms(words, tier)?
        .into_iter()
        // Folded words hold only letters and digits; quoting keeps FTS5 from reading one as an operator.
        .map(|(word, prefix)| format!("\"{word}\"{}", if prefix { "*" } else { "" }))
        .collect();
    Some(terms.join(" AND "))
}

/// Rows per INSERT statement while loading.
const CHUNK: usize = 200;

static INSERT_UNITS: LazyLock<String> = LazyLock::new(|| {
    let rows = vec!["(?, ?, ?, ?, ?)"; CHUNK].join(", ");
    format!(
        "INSERT INTO sirene_units (siren, ceased, diffusible, name, legal_category) VALUES {rows}"
    )
});

static INSERT_NAMES: LazyLock<String> = LazyLock::new(|| {
    let rows = vec!["(?, ?)"; CHUNK].join(", ");
    format!("INSERT INTO sirene_names (rowid, words) VALUES {rows}")
});

const SCHEMA: &str = "
CREATE TABLE sirene_units (
    siren INTEGER PRIMARY KEY,
    ceased INTEGER NOT NULL,
    diffusible INTEGER NOT NULL,
    name TEXT,
    legal_category TEXT
);
-- The name index: rowid is the rank key (name length, then SIREN), so matches are read best first.
CREATE VIRTUAL TABLE sirene_names USING fts5 (
    words, content = '', columnsize = 0, detail = none, prefix = '3', tokenize = 'unicode61 remove_diacritics 2'
);
-- Large in-memory segments, merged once at the end rather than again and again while loading.
INSERT INTO sirene_names (sirene_names, rank) VALUES ('hashsize', 33554432);
INSERT INTO sirene_names (sirene_names, rank) VALUES ('automerge', 0);
INSERT INTO sirene_names (sirene_names, rank) VALUES ('crisismerge', 1000);
";

/// A new directory file being written.
pub struct FileLoader {
    conn: Option<SqliteConnection>,
    loading: PathBuf,
    target: PathBuf,
    _lock: File,
    units: Vec<Unit>,
    names: NameBuckets,
}

impl FileLoader {
    /// Takes the directory's lock (one load at a time) and creates the new file.
    pub async fn start(target: &Path) -> anyhow::Result<Self> {
        let lock = lock(target)?;
        let loading = target.with_extension("db.loading");
        // Ours to remove: whoever wrote it did not hold the lock any more.
        remove_if_present(&loading)?;
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(&loading)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Off)
            .synchronous(SqliteSynchronous::Off)
            .pragma("locking_mode", "EXCLUSIVE")
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "MEMORY");
        let mut conn = SqliteConnection::connect_with(&options)
            .await
            .with_context(|| format!("cannot create {}", loading.display()))?;
        conn.execute(SCHEMA).await?;
        conn.execute("BEGIN").await?;
        Ok(Self {
            conn: Some(conn),
            loading,
            target: target.to_path_buf(),
            _lock: lock,
            units: Vec::with_capacity(CHUNK),
            names: NameBuckets::new(
                target
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new(".")),
            )?,
        })
    }

    fn conn(&mut self) -> anyhow::Result<&mut SqliteConnection> {
        self.conn.as_mut().context("the directory file is closed")
    }

    pub async fn write(&mut self, units: Vec<Unit>) -> anyhow::Result<()> {
        for unit in units {
            if unit.searchable() {
                let words = search::fold(unit.name.as_deref().unwrap_or_default());
                self.names.push(unit.siren, &words)?;
            }
            self.units.push(unit);
            if self.units.len() == CHUNK {
                self.flush_units().await?;
            }
        }
        Ok(())
    }

    async fn flush_units(&mut self) -> anyhow::Result<()> {
        let units = std::mem::take(&mut self.units);
        let conn = self.conn()?;
        if units.len() == CHUNK {
            let mut insert = sqlx::query(INSERT_UNITS.as_str());
            for unit in &units {
                insert = bind_unit(insert, unit);
            }
            insert.execute(&mut *conn).await?;
        } else {
            for unit in &units {
                bind_unit(
                    sqlx::query(
                        "INSERT INTO sirene_units (siren, ceased, diffusible, name, legal_category) VALUES (?, ?, ?, ?, ?)",
                    ),
                    unit,
                )
                .execute(&mut *conn)
                .await?;
            }
        }
        self.units = units;
        self.units.clear();
        Ok(())
    }

    /// Feeds the name index length after length, so that its rowids (the rank keys) only grow.
    async fn write_names(&mut self) -> anyhow::Result<()> {
        for length in 0..=u8::MAX {
            let mut names = self.names.take(length)?;
            loop {
                let chunk: Vec<(u32, String)> =
                    names.by_ref().take(CHUNK).collect::<anyhow::Result<_>>()?;
                let conn = self.conn()?;
                if chunk.len() == CHUNK {
                    let mut insert = sqlx::query(INSERT_NAMES.as_str());
                    for (siren, words) in &chunk {
                        insert = insert
                            .bind(search::rank_key(words, *siren))
                            .bind(words.as_str());
                    }
                    insert.execute(&mut *conn).await?;
                    continue;
                }
                for (siren, words) in &chunk {
                    sqlx::query("INSERT INTO sirene_names (rowid, words) VALUES (?, ?)")
                        .bind(search::rank_key(words, *siren))
                        .bind(words.as_str())
                        .execute(&mut *conn)
                        .await?;
                }
                break;
            }
        }
        Ok(())
    }

    /// Ends the writing: the name index merged into one segment, then the file synced and swapped in.
    pub async fn finish(mut self) -> anyhow::Result<()> {
        self.flush_units().await?;
        let started = Instant::now();
        self.write_names().await?;
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            "name index written"
        );
        let mut conn = self.conn.take().context("the directory file is closed")?;
        conn.execute("COMMIT").await?;
        let started = Instant::now();
        conn.execute("INSERT INTO sirene_names (sirene_names) VALUES ('optimize')")
            .await?;
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            "name index merged"
        );
        conn.close().await?;
        let file = File::open(&self.loading)?;
        file.sync_all()
            .with_context(|| format!("cannot sync {}", self.loading.display()))?;
        std::fs::rename(&self.loading, &self.target).with_context(|| {
            format!(
                "cannot move {} to {}",
                self.loading.display(),
                self.target.display()
            )
        })?;
        if let Some(folder) = self.target.parent() {
            File::open(folder).and_then(|f| f.sync_all()).ok();
        }
        Ok(())
    }
}

impl Drop for FileLoader {
    fn drop(&mut self) {
        // Not finished (an error, or the import was stopped): the old file stays, the new one goes.
        if self.conn.is_some() {
            let _ = std::fs::remove_file(&self.loading);
        }
    }
}

fn bind_unit<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    unit: &Unit,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    query
        .bind(i64::from(unit.siren))
        .bind(i64::from(unit.ceased))
        .bind(i64::from(unit.diffusible))
        .bind(unit.name.clone())
        .bind(unit.legal_category.clone())
}

/// The directory's lock file, held for the whole load; another load is refused rather than queued.
fn lock(target: &Path) -> anyhow::Result<File> {
    if let Some(folder) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    let path = target.with_extension("db.lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => {
            anyhow::bail!(
                "another import of the SIRENE directory is running ({} is locked)",
                path.display()
            )
        }
        Err(TryLockError::Error(e)) => Err(e).context("cannot lock the directory"),
    }
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
