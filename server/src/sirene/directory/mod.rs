//! The local SIRENE directory: every legal unit of INSEE's file, looked up by SIREN and searched by name.
//!
//! On SQLite it is a file of its own beside the database ([`sqlite`]); on PostgreSQL, tables of the shared
//! database ([`postgres`]). Both are replaced whole by a load ([`Loader`]) and swapped in atomically.

mod buckets;
pub mod postgres;
pub mod sqlite;

use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;

use super::stock::Unit;
use super::{Company, CompanyRegister, RegisterUnavailable, UnitState, search};
use crate::store::{Backend, Db};

/// The same on both engines (`siren` is an integer, its flags 0/1 integers).
const LOOKUP_SQL: &str = "SELECT CAST(siren AS BIGINT) AS siren, CAST(ceased AS BIGINT) AS ceased,
    CAST(diffusible AS BIGINT) AS diffusible, name, legal_category FROM sirene_units WHERE siren = $1";

#[derive(sqlx::FromRow)]
pub struct UnitRow {
    siren: i64,
    ceased: i64,
    diffusible: i64,
    name: Option<String>,
    legal_category: Option<String>,
}

impl From<UnitRow> for Company {
    fn from(row: UnitRow) -> Self {
        let diffusible = row.diffusible != 0;
        Company {
            siren: format!("{:09}", row.siren),
            name: row.name.filter(|_| diffusible),
            state: if row.ceased != 0 {
                UnitState::Ceased
            } else {
                UnitState::Active
            },
            legal_category: row.legal_category,
            diffusible,
        }
    }
}

/// A unit found by name.
#[derive(sqlx::FromRow, Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub siren: i64,
    pub name: Option<String>,
    pub legal_category: Option<String>,
}

pub use super::search::Tier;

/// Where the directory lives.
pub enum LocalDirectory {
    File(sqlite::FileDirectory),
    Tables {
        pool: sqlx::PgPool,
        /// Where a load keeps its temporary files.
        work_dir: std::path::PathBuf,
        /// Once loaded, a directory stays loaded: no need to ask again.
        loaded: AtomicBool,
    },
}

impl LocalDirectory {
    /// The directory of the database at `database_url`; loads on PostgreSQL work in `data_dir`.
    pub fn new(db: &Db, database_url: &str, data_dir: &std::path::Path) -> anyhow::Result<Self> {
        Ok(match (db.backend, sqlite::directory_path(database_url)) {
            (Backend::Sqlite, Some(path)) => Self::File(sqlite::FileDirectory::new(path)),
            (Backend::Sqlite, None) => {
                anyhow::bail!("the SIRENE directory needs a SQLite database file")
            }
            (Backend::Postgres, _) => Self::Tables {
                pool: postgres::pool(database_url)?,
                work_dir: data_dir.to_path_buf(),
                loaded: AtomicBool::new(false),
            },
        })
    }

    /// False until a first load (the shipped extract or an import).
    pub async fn is_loaded(&self) -> anyhow::Result<bool> {
        match self {
            Self::File(file) => Ok(file.path().exists()),
            Self::Tables { pool, loaded, .. } => {
                if loaded.load(Ordering::Relaxed) {
                    return Ok(true);
                }
                let any: Option<(i64,)> =
                    sqlx::query_as("SELECT CAST(1 AS BIGINT) FROM sirene_units LIMIT 1")
                        .fetch_optional(pool)
                        .await?;
                loaded.store(any.is_some(), Ordering::Relaxed);
                Ok(any.is_some())
            }
        }
    }

    /// Starts replacing the directory.
    pub async fn loader(&self, database_url: &str) -> anyhow::Result<Loader> {
        Ok(match self {
            Self::File(file) => Loader::File(sqlite::FileLoader::start(file.path()).await?),
            Self::Tables { work_dir, .. } => {
                Loader::Tables(postgres::TableLoader::start(database_url, work_dir).await?)
            }
        })
    }

    async fn find(&self, siren: u32) -> anyhow::Result<Option<UnitRow>> {
        match self {
            Self::File(file) => file.lookup(siren).await,
            Self::Tables { pool, .. } => {
                if !self.is_loaded().await? {
                    anyhow::bail!("the SIRENE directory has never been loaded");
                }
                Ok(sqlx::query_as(LOOKUP_SQL)
                    .bind(i64::from(siren))
                    .fetch_optional(pool)
                    .await?)
            }
        }
    }

    /// Active, public units whose name holds the words of `query`: whole words first, then words being typed,
    /// each tier in rank order (shorter names first).
    pub async fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, RegisterUnavailable> {
        let words = search::words(query);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut hits: Vec<Hit> = Vec::new();
        for tier in [Tier::Whole, Tier::LastPrefix, Tier::AllPrefixes] {
            if tier == Tier::AllPrefixes && words.len() < 2 {
                break;
            }
            let wanted = limit - i64::try_from(hits.len()).unwrap_or(0);
            if wanted <= 0 {
                break;
            }
            // Ask for a page more than missing: some may already be in an earlier tier.
            let found = match self {
                Self::File(file) => file.search(&words, tier, wanted + hits.len() as i64).await,
                Self::Tables { pool, .. } => {
                    postgres::search(pool, &words, tier, wanted + hits.len() as i64).await
                }
            }
            .map_err(|e| RegisterUnavailable(format!("{e:#}")))?;
            for hit in found {
                if hits.len() as i64 >= limit {
                    break;
                }
                if !hits.iter().any(|h| h.siren == hit.siren) {
                    hits.push(hit);
                }
            }
        }
        Ok(hits)
    }
}

#[async_trait]
impl CompanyRegister for LocalDirectory {
    async fn lookup(&self, siren: &str) -> Result<Option<Company>, RegisterUnavailable> {
        let number: u32 = siren
            .parse()
            .map_err(|_| RegisterUnavailable(format!("not a SIREN: {siren}")))?;
        self.find(number)
            .await
            .map(|row| row.map(Company::from))
            .map_err(|e| RegisterUnavailable(format!("{e:#}")))
    }
}

/// Writes an [`ImportRecord`] into the history (`$1` source, `$2` units, `$3` time, `$4` summary).
const RECORD_IMPORT: &str =
    "INSERT INTO sirene_imports (source, units, imported_at, summary) VALUES ($1, $2, $3, $4)";

/// What the import history keeps of a load.
pub struct ImportRecord {
    pub source: String,
    pub units: i64,
    /// The summary, as JSON.
    pub summary: String,
}

/// A directory being replaced.
pub enum Loader {
    File(sqlite::FileLoader),
    Tables(postgres::TableLoader),
}

impl Loader {
    pub async fn write(&mut self, units: Vec<Unit>) -> anyhow::Result<()> {
        match self {
            Self::File(file) => file.write(units).await,
            Self::Tables(tables) => tables.write(units).await,
        }
    }

    /// Builds the indexes and swaps the new directory in, then records the import.
    pub async fn finish(self, db: &Db, record: &ImportRecord) -> anyhow::Result<()> {
        match self {
            Self::File(file) => {
                file.finish().await?;
                sqlx::query(RECORD_IMPORT)
                    .bind(&record.source)
                    .bind(record.units)
                    .bind(crate::store::now_ms())
                    .bind(&record.summary)
                    .execute(&db.pool)
                    .await?;
                Ok(())
            }
            Self::Tables(tables) => tables.finish(record).await,
        }
    }

    /// Gives up; the directory in place is untouched.
    pub async fn abort(self) {
        match self {
            Self::File(file) => drop(file),
            Self::Tables(tables) => tables.abort().await,
        }
    }
}
