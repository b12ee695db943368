//! The directory on PostgreSQL: tables in the shared database, so that every instance reads the same one.
//!
//! A load streams the units with `COPY` into a new table, then the searchable names in rank order into
//! another while the first one's index is built, builds the name index, then swaps both in with one transaction that drops the old tables
//! and renames the new ones. Lookups read the old tables until that commit. A session-level advisory lock makes
//! loads one at a time; a load that died (its process killed) leaves only its `_loading` tables, dropped by the
//! next load.

use anyhow::Context;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgCopyIn, PgPool, PgPoolCopyExt, PgPoolOptions};
use sqlx::{Executor, Postgres};
use std::str::FromStr;

use super::buckets::NameBuckets;
use super::{Hit, Tier};
use crate::sirene::search;
use crate::sirene::stock::Unit;

/// The units matching one tier of a search, best first.
pub async fn search(
    pool: &PgPool,
    words: &[String],
    tier: Tier,
    limit: i64,
) -> anyhow::Result<Vec<Hit>> {
    let Some(query) = tsquery(words, tier) else {
        return Ok(Vec::new());
    };
    // No ORDER BY in the inner query: the table was written in rank-key order and is never updated, and every
    // plan PostgreSQL may choose here reads it in that order (the directory's pool leaves it only bitmap scans of
    // the GIN index, which visit pages in order, see [`pool`]), so it stops after the first matches instead of
    // sorting them all. The outer ORDER BY only restores that order after the join.
    Ok(sqlx::query_as(
        "SELECT CAST(u.siren AS BIGINT) AS siren, u.name, u.legal_category
         FROM (SELECT rank_key FROM sirene_names WHERE words @@ CAST($1 AS tsquery) LIMIT $2) n
         JOIN sirene_units u ON u.siren = n.rank_key % 1000000000
         ORDER BY n.rank_key",
    )
    .bind(query)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// The directory's own connections. A sequential scan of the name table would read every page when no name
/// matches (the planner cannot tell a missing word from a rare one), and could start in the middle of the table
/// (`synchronize_seqscans`): both are turned off, so searches are bitmap scans of the GIN index, in page order.
pub fn pool(database_url: &str) -> anyhow::Result<PgPool> {
    Ok(PgPoolOptions::new()
        .max_connections(8)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("SET enable_seqscan = off; SET synchronize_seqscans = off")
                    .await?;
                Ok(())
            })
        })
        .connect_lazy_with(PgConnectOptions::from_str(database_url)?))
}

/// The tsquery of a tier, written as lexemes (no text search parser on either side: the words are folded by
/// [`search::fold`] when loading and when searching).
fn tsquery(words: &[String], tier: Tier) -> Option<String> {
    let terms: Vec<String> = search::terms(words, tier)?
        .into_iter()
        .map(|(word, prefix)| format!("'{word}'{}", if prefix { ":*" } else { "" }))
        .collect();
    Some(terms.join(" & "))
}

/// Loads are one at a time across every instance and the command line.
const LOAD_LOCK: i64 = 0x5349_5245_4e45;

/// New directory tables being written.
pub struct TableLoader {
    pool: PgPool,
    /// Holds the advisory lock for the whole load.
    lock: PoolConnection<Postgres>,
    units: Option<PgCopyIn<PoolConnection<Postgres>>>,
    buffer: Vec<u8>,
    names: NameBuckets,
}

/// Bytes of COPY data sent at once.
const SEND_AT: usize = 1 << 20;

impl TableLoader {
    pub async fn start(database_url: &str, work_dir: &std::path::Path) -> anyhow::Result<Self> {
        let options = PgConnectOptions::from_str(database_url)?;
        let pool = PgPoolOptions::new()
            .max_connections(3)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(
                        "SET maintenance_work_mem = '256MB'; SET synchronous_commit = off",
                    )
                    .await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .context("cannot connect to PostgreSQL")?;
        let mut lock = pool.acquire().await?;
        let (locked,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
            .bind(LOAD_LOCK)
            .fetch_one(&mut *lock)
            .await?;
        anyhow::ensure!(locked, "another import of the SIRENE directory is running");
        lock.execute(
            "DROP TABLE IF EXISTS sirene_units_loading, sirene_names_loading;
             CREATE TABLE sirene_units_loading (
                 siren INTEGER NOT NULL,
                 ceased SMALLINT NOT NULL,
                 diffusible SMALLINT NOT NULL,
                 name TEXT,
                 legal_category TEXT
             );
             CREATE TABLE sirene_names_loading (rank_key BIGINT NOT NULL, words TSVECTOR NOT NULL);",
        )
        .await?;
        let units = pool
            .copy_in_raw("COPY sirene_units_loading (siren, ceased, diffusible, name, legal_category) FROM STDIN")
            .await?;
        Ok(Self {
            pool,
            lock,
            units: Some(units),
            buffer: Vec::with_capacity(SEND_AT + 4096),
            names: NameBuckets::new(work_dir)?,
        })
    }

    pub async fn write(&mut self, units: Vec<Unit>) -> anyhow::Result<()> {
        use std::io::Write;
        for unit in &units {
            let out = &mut self.buffer;
            write!(
                out,
                "{}\t{}\t{}\t",
                unit.siren,
                u8::from(unit.ceased),
                u8::from(unit.diffusible)
            )?;
            copy_text(out, unit.name.as_deref());
            out.push(b'\t');
            copy_text(out, unit.legal_category.as_deref());
            out.push(b'\n');
            if unit.searchable() {
                let words = search::fold(unit.name.as_deref().unwrap_or_default());
                self.names.push(unit.siren, &words)?;
            }
        }
        if self.buffer.len() >= SEND_AT {
            let units = self.units.as_mut().context("load finished")?;
            units.send(self.buffer.as_slice()).await?;
            self.buffer.clear();
        }
        Ok(())
    }

    /// Copies the names in rank-key order, so that the table's physical order is the ranking (see [`search`]).
    async fn copy_names(pool: &PgPool, names: &mut NameBuckets) -> anyhow::Result<()> {
        use std::io::Write;
        let mut copy = pool
            .copy_in_raw("COPY sirene_names_loading (rank_key, words) FROM STDIN")
            .await?;
        let mut out = Vec::with_capacity(SEND_AT + 4096);
        for length in 0..=u8::MAX {
            for name in names.take(length)? {
                let (siren, words) = name?;
                write!(out, "{}\t", search::rank_key(&words, siren))?;
                for (i, word) in words.split(' ').enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    // A folded word is letters and digits: quoted as a lexeme, it needs no escaping.
                    write!(out, "'{word}'")?;
                }
                out.push(b'\n');
                if out.len() >= SEND_AT {
                    copy.send(out.as_slice()).await?;
                    out.clear();
                }
            }
        }
        copy.send(out.as_slice()).await?;
        copy.finish().await?;
        Ok(())
    }

    /// Ends the copies, builds the indexes and swaps the new tables in.
    pub async fn finish(mut self, record: &super::ImportRecord) -> anyhow::Result<()> {
        let mut units = self.units.take().context("load finished")?;
        units.send(self.buffer.as_slice()).await?;
        units.finish().await.context("COPY of the units")?;
        let pool = self.pool.clone();
        let (a, b) = tokio::join!(
            self.pool.execute(
                "ALTER TABLE sirene_units_loading ADD CONSTRAINT sirene_units_loading_pkey PRIMARY KEY (siren);
                 ANALYZE sirene_units_loading"
            ),
            async {
                Self::copy_names(&pool, &mut self.names).await?;
                pool.execute(
                    "CREATE INDEX sirene_names_loading_words ON sirene_names_loading USING gin (words);
                     ALTER TABLE sirene_names_loading SET (parallel_workers = 0);
                     ANALYZE sirene_names_loading",
                )
                .await
                .context("the name index")
            }
        );
        a.context("the unit index")?;
        b?;
        let mut swap = sqlx::Connection::begin(&mut *self.lock).await?;
        swap.execute(
            "SET LOCAL lock_timeout = '30s';
             DROP TABLE IF EXISTS sirene_units, sirene_names;
             ALTER TABLE sirene_units_loading RENAME TO sirene_units;
             ALTER INDEX sirene_units_loading_pkey RENAME TO sirene_units_pkey;
             ALTER TABLE sirene_names_loading RENAME TO sirene_names;
             ALTER INDEX sirene_names_loading_words RENAME TO sirene_names_words;",
        )
        .await?;
        sqlx::query(super::RECORD_IMPORT)
            .bind(&record.source)
            .bind(record.units)
            .bind(crate::store::now_ms())
            .bind(&record.summary)
            .execute(&mut *swap)
            .await?;
        swap.commit().await?;
        self.lock.execute("SELECT pg_advisory_unlock_all()").await?;
        Ok(())
    }

    /// Gives up: the new tables are dropped, the old ones were never touched.
    pub async fn abort(mut self) {
        if let Some(units) = self.units.take() {
            let _ = units.abort("import stopped").await;
        }
        let _ = self
            .lock
            .execute("DROP TABLE IF EXISTS sirene_units_loading, sirene_names_loading; SELECT pg_advisory_unlock_all()")
            .await;
    }
}

/// A field in COPY's text format: `\N` for NULL, backslash escapes for the separators.
fn copy_text(out: &mut Vec<u8>, value: Option<&str>) {
    let Some(value) = value else {
        out.extend_from_slice(b"\\N");
        return;
    };
    for b in value.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tier_is_a_tsquery_of_lexemes() {
        let words = vec!["bur".to_string(), "de".to_string(), "post".to_string()];
        assert_eq!(
            tsquery(&words, Tier::Whole).as_deref(),
            Some("'bur' & 'de' & 'post'")
        );
        assert_eq!(
            tsquery(&words, Tier::LastPrefix).as_deref(),
            Some("'bur' & 'de' & 'post':*")
        );
        assert_eq!(
            tsquery(&words, Tier::AllPrefixes).as_deref(),
            Some("'bur':* & 'de' & 'post':*")
        );
    }

    #[test]
    fn copy_text_escapes_separators_and_writes_null() {
        let mut out = Vec::new();
        copy_text(&mut out, Some("A\tB\\C\nD"));
        out.push(b'|');
        copy_text(&mut out, None);
        assert_eq!(out, b"A\\tB\\\\C\\nD|\\N");
    }
}
