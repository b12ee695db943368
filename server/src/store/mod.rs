//! The database: SQLite (a file, the default) or PostgreSQL, behind one `sqlx::Any` pool with the same SQL.
//!
//! Statements use `$1` placeholders, understood by both engines. Migrations are kept per engine (only the
//! identity columns differ) and run at start. The applicants' writes go through [`Db::write`]: a group commit
//! on SQLite (see `batch`).

pub mod batch;
pub mod sql;

use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Executor};

use self::batch::{Committer, WriteFuture};
pub use self::sql::{Param, Sql};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite's group commit; PostgreSQL takes concurrent writers and needs none.
    committer: Option<Committer>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects, creating the SQLite file and its folder when needed, and runs the migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:");
        };
        if backend == Backend::Sqlite {
            create_parent_dir(url)?;
        }
        let options =
            AnyConnectOptions::from_str(url).context("DATABASE_URL is not a valid database URL")?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the {} database", backend.name()))?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&pool)
            .await
            .context("database migrations failed")?;
        let committer = (backend == Backend::Sqlite).then(|| Committer::start(pool.clone()));
        Ok(Self {
            pool,
            backend,
            committer,
        })
    }

    /// Runs `write` in a transaction and returns once it is committed (durable, at `synchronous=FULL`). On
    /// SQLite it shares the transaction of the writes waiting with it (one sync to the disk for all, each in its
    /// savepoint); on PostgreSQL it has its own. An error undoes `write`'s statements and nothing else.
    pub async fn write<T, E, W>(&self, write: W) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
        W: for<'c> FnOnce(&'c mut AnyConnection) -> WriteFuture<'c, T, E> + Send + 'static,
    {
        if let Some(committer) = &self.committer {
            return committer.write(write).await;
        }
        let mut tx = self.pool.begin().await?;
        let value = write(&mut tx).await?;
        tx.commit().await?;
        Ok(value)
    }

    /// A consistent copy of the SQLite database taken while it serves (`VACUUM INTO`: one read transaction,
    /// the writers go on), written beside `target` then renamed, so that `target` is either the whole copy or
    /// absent; returns its size in bytes. PostgreSQL has its own tools (`pg_dump`).
    pub async fn backup(&self, target: &std::path::Path) -> anyhow::Result<u64> {
        if self.backend != Backend::Sqlite {
            anyhow::bail!(
                "the database is PostgreSQL: back it up with pg_dump (pg_dump --format=custom \"$DATABASE_URL\" > FILE)"
            );
        }
        if target.exists() {
            anyhow::bail!("{} exists already: name a new file", target.display());
        }
        let mut partial = target.as_os_str().to_owned();
        partial.push(".partial");
        let partial = std::path::PathBuf::from(partial);
        if partial.exists() {
            std::fs::remove_file(&partial)
                .with_context(|| format!("cannot remove {}", partial.display()))?;
        }
        let name = partial
            .to_str()
            .context("the backup's path must be valid UTF-8")?;
        // Created empty, readable by the server's user only, before SQLite writes the copy into it.
        {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&partial)
                .with_context(|| format!("cannot create {}", partial.display()))?;
        }
        sqlx::query("VACUUM INTO $1")
            .bind(name)
            .execute(&self.pool)
            .await
            .with_context(|| format!("cannot write {}", partial.display()))?;
        std::fs::File::open(&partial)
            .and_then(|file| file.sync_all())
            .with_context(|| format!("cannot sync {}", partial.display()))?;
        std::fs::rename(&partial, target).with_context(|| {
            format!("cannot move {} to {}", partial.display(), target.display())
        })?;
        if let Some(folder) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::File::open(folder).and_then(|f| f.sync_all()).ok();
        }
        Ok(std::fs::metadata(target)?.len())
    }

    /// Migrations applied successfully, and the number this version knows.
    pub async fn migrations(&self) -> Result<(i64, i64), sqlx::Error> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        let known = i64::try_from(migrator.iter().count()).unwrap_or(i64::MAX);
        let (applied,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(&self.pool)
                .await?;
        Ok((applied, known))
    }

    /// A transaction, its failure to start told as such: for one whose first statement writes (on SQLite it
    /// then waits for another writer like a single statement does). One that reads before it writes starts
    /// with [`Db::begin_write`].
    pub async fn begin(&self) -> anyhow::Result<sqlx::Transaction<'static, sqlx::Any>> {
        self.pool.begin().await.context("cannot open a transaction")
    }

    /// A transaction that writes: on SQLite it takes the write lock when it starts (`BEGIN IMMEDIATE`), so that
    /// meeting another writer waits for it (the busy timeout). Started as usual, a transaction that reads before
    /// it writes holds a snapshot, and is told « database is locked » at once, without waiting, when another
    /// write commits before its first write. PostgreSQL waits on the rows themselves: a plain transaction.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// A connection of the pool, its failure told as such.
    pub async fn acquire(&self) -> anyhow::Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        self.pool
            .acquire()
            .await
            .context("cannot reach the database")
    }

    /// `SELECT 1`: whether the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

/// The file of a SQLite database URL; `None` for another engine or an in-memory database.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let path = url.strip_prefix("sqlite:")?.trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

/// The SQLite file's folder, created if needed; the folder and the database's files are made the server's
/// user's only (`crate::files`).
fn create_parent_dir(url: &str) -> anyhow::Result<()> {
    let Some(path) = sqlite_file(url) else {
        return Ok(());
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::files::private_dir(parent)?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.clone().into_os_string();
        file.push(suffix);
        crate::files::private_file(std::path::Path::new(&file))?;
    }
    Ok(())
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A stored word read back as its enum (`Role::parse`…): a word the code never writes is a decoding error.
pub fn decoded<T>(parsed: Option<T>, column: &str, word: &str) -> Result<T, sqlx::Error> {
    parsed.ok_or_else(|| sqlx::Error::Decode(format!("unknown {column} {word:?}").into()))
}

/// True when the error is a unique-constraint violation (a lost race on an insert).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.kind() == sqlx::error::ErrorKind::UniqueViolation)
}
