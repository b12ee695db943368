//! Loading INSEE's StockUniteLegale file (CSV, or the ZIP INSEE publishes) into the local directory.
//!
//! Columns are found by their header names, so the 33-, 34- and 35-column layouts (and the reduced extract the
//! product ships) load alike. Rows are upserted in batches within transactions.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, bail};
use sqlx::Any;

use crate::store::{Db, now_ms};

/// The shipped extract: real units from INSEE's files and public registers (see `server/data/README.md`).
pub const SHIPPED_EXTRACT: &[u8] = include_bytes!("../../data/sirene-extract.csv");

/// One legal unit read from the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub siren: String,
    pub state: &'static str,
    pub diffusible: bool,
    pub name: Option<String>,
    pub legal_category: Option<String>,
}

struct Columns {
    siren: usize,
    state: usize,
    diffusion: Option<usize>,
    denomination: Option<usize>,
    usual: Vec<usize>,
    sigle: Option<usize>,
    first_name: Vec<usize>,
    last_name: Option<usize>,
    usage_name: Option<usize>,
    category: Option<usize>,
}

impl Columns {
    fn find(headers: &csv::StringRecord) -> anyhow::Result<Self> {
        let at = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == name)
        };
        let Some(siren) = at("siren") else {
            bail!("the file has no 'siren' column: is it a StockUniteLegale file?")
        };
        let Some(state) = at("etatAdministratifUniteLegale") else {
            bail!("the file has no 'etatAdministratifUniteLegale' column")
        };
        Ok(Self {
            siren,
            state,
            diffusion: at("statutDiffusionUniteLegale"),
            denomination: at("denominationUniteLegale"),
            usual: [
                "denominationUsuelle1UniteLegale",
                "denominationUsuelle2UniteLegale",
                "denominationUsuelle3UniteLegale",
            ]
            .iter()
            .filter_map(|n| at(n))
            .collect(),
            sigle: at("sigleUniteLegale"),
            first_name: ["prenomUsuelUniteLegale", "prenom1UniteLegale"]
                .iter()
                .filter_map(|n| at(n))
                .collect(),
            last_name: at("nomUniteLegale"),
            usage_name: at("nomUsageUniteLegale"),
            category: at("categorieJuridiqueUniteLegale"),
        })
    }

    fn unit(&self, record: &csv::StringRecord) -> Option<Unit> {
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty() && *v != "[ND]")
        };
        let siren = get(Some(self.siren))?;
        if siren.len() != 9 || !siren.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let diffusible = get(self.diffusion) != Some("P");
        let category = get(self.category).map(str::to_string);
        let name = if category.as_deref() == Some("1000") {
            // A natural person: "PRENOM NOM", the usage name first.
            let first = self.first_name.iter().find_map(|&i| get(Some(i)));
            let last = get(self.usage_name).or_else(|| get(self.last_name));
            match (first, last) {
                (Some(f), Some(l)) => Some(format!("{f} {l}")),
                (None, Some(l)) => Some(l.to_string()),
                _ => None,
            }
        } else {
            get(self.denomination)
                .or_else(|| self.usual.iter().find_map(|&i| get(Some(i))))
                .or_else(|| get(self.sigle))
                .map(str::to_string)
        };
        Some(Unit {
            siren: siren.to_string(),
            state: if get(Some(self.state)) == Some("C") {
                "ceased"
            } else {
                "active"
            },
            diffusible,
            name: if diffusible { name } else { None },
            legal_category: category,
        })
    }
}

/// Reads every unit of a StockUniteLegale CSV.
pub fn read_units(reader: impl Read) -> anyhow::Result<impl Iterator<Item = anyhow::Result<Unit>>> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let columns = Columns::find(csv.headers().context("cannot read the header line")?)?;
    Ok(csv.into_records().filter_map(move |record| match record {
        Ok(record) => columns.unit(&record).map(Ok),
        Err(e) => Some(Err(anyhow::Error::new(e).context("unreadable CSV row"))),
    }))
}

const BATCH: usize = 500;

/// Loads units into the directory; returns how many were written.
pub async fn load(
    db: &Db,
    source: &str,
    units: impl Iterator<Item = anyhow::Result<Unit>>,
) -> anyhow::Result<u64> {
    let mut written = 0u64;
    let mut batch = Vec::with_capacity(BATCH);
    for unit in units {
        batch.push(unit?);
        if batch.len() == BATCH {
            written += write_batch(db, &batch).await?;
            batch.clear();
        }
    }
    written += write_batch(db, &batch).await?;
    record_import(db, source, written).await?;
    Ok(written)
}

async fn record_import(db: &Db, source: &str, written: u64) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO sirene_imports (source, units, imported_at) VALUES ($1, $2, $3)")
        .bind(source)
        .bind(i64::try_from(written).unwrap_or(i64::MAX))
        .bind(now_ms())
        .execute(&db.pool)
        .await?;
    Ok(())
}

async fn write_batch(db: &Db, units: &[Unit]) -> anyhow::Result<u64> {
    if units.is_empty() {
        return Ok(0);
    }
    let mut tx = db.pool.begin().await?;
    for unit in units {
        sqlx::query::<Any>(
            "INSERT INTO sirene_units (siren, state, diffusible, company_name, legal_category) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (siren) DO UPDATE SET state = excluded.state, diffusible = excluded.diffusible,
             company_name = excluded.company_name, legal_category = excluded.legal_category",
        )
        .bind(&unit.siren)
        .bind(unit.state)
        .bind(i64::from(unit.diffusible))
        .bind(unit.name.as_deref())
        .bind(unit.legal_category.as_deref())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(units.len() as u64)
}

/// Imports a file: a CSV, or a ZIP holding one. The file is parsed on a blocking thread and handed over in
/// batches, so a national file (millions of rows) is never held in memory.
pub async fn import_file(db: &Db, path: &Path) -> anyhow::Result<u64> {
    let source = path.display().to_string();
    let path = path.to_path_buf();
    let (sender, mut batches) = tokio::sync::mpsc::channel::<anyhow::Result<Vec<Unit>>>(4);
    let reader = tokio::task::spawn_blocking(move || {
        let parse = || -> anyhow::Result<()> {
            let file = std::fs::File::open(&path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
            {
                let mut archive = zip::ZipArchive::new(file).context("not a ZIP file")?;
                let index = (0..archive.len())
                    .find(|&i| {
                        archive
                            .by_index(i)
                            .is_ok_and(|f| f.name().to_ascii_lowercase().ends_with(".csv"))
                    })
                    .context("the ZIP file holds no CSV file")?;
                send_batches(read_units(archive.by_index(index)?)?, &sender)
            } else {
                send_batches(read_units(std::io::BufReader::new(file))?, &sender)
            }
        };
        if let Err(e) = parse() {
            let _ = sender.blocking_send(Err(e));
        }
    });
    let mut written = 0u64;
    while let Some(batch) = batches.recv().await {
        written += write_batch(db, &batch?).await?;
    }
    reader.await.context("the file reader stopped")?;
    record_import(db, &source, written).await?;
    Ok(written)
}

fn send_batches(
    units: impl Iterator<Item = anyhow::Result<Unit>>,
    sender: &tokio::sync::mpsc::Sender<anyhow::Result<Vec<Unit>>>,
) -> anyhow::Result<()> {
    let mut batch = Vec::with_capacity(BATCH);
    for unit in units {
        batch.push(unit?);
        if batch.len() == BATCH {
            sender
                .blocking_send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))))
                .context("import stopped")?;
        }
    }
    if !batch.is_empty() {
        sender.blocking_send(Ok(batch)).context("import stopped")?;
    }
    Ok(())
}

/// Loads the shipped extract when the directory has never been loaded.
pub async fn seed_if_empty(db: &Db) -> anyhow::Result<Option<u64>> {
    let loaded: Option<(i64,)> = sqlx::query_as("SELECT id FROM sirene_imports LIMIT 1")
        .fetch_optional(&db.pool)
        .await?;
    if loaded.is_some() {
        return Ok(None);
    }
    let units = read_units(SHIPPED_EXTRACT)?;
    load(db, "extrait SIRENE livré avec Géo'DAE", units)
        .await
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units_of(path: &str) -> Vec<Unit> {
        let file = std::fs::File::open(path).expect(path);
        read_units(file)
            .expect("header")
            .collect::<anyhow::Result<_>>()
            .expect("rows")
    }

    #[test]
    fn the_three_layouts_are_read_by_header_name() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/sirene/");
        let l33 = units_of(&format!("{root}StockUniteLegale_sample_33cols_2019.csv"));
        let l34 = units_of(&format!("{root}StockUniteLegale_sample_34cols_14rows.csv"));
        let l35 = units_of(&format!("{root}StockUniteLegale_sample_35cols.csv"));
        assert_eq!((l33.len(), l34.len(), l35.len()), (3, 14, 9));
        assert_eq!(
            l33[0],
            Unit {
                siren: "000325175".into(),
                state: "active",
                diffusible: true,
                name: Some("THIERRY JANOYER".into()),
                legal_category: Some("1000".into())
            }
        );
        assert_eq!(l34[1].state, "ceased");
        let sucreries = l34.iter().find(|u| u.siren == "005420120").expect("row");
        assert_eq!(
            sucreries.name.as_deref(),
            Some("SOCIETE DES SUCRERIES DU MARQUENTERRE")
        );
        let antinea = l35.iter().find(|u| u.siren == "057502510").expect("row");
        assert_eq!(
            antinea.name.as_deref(),
            Some("ANTINEA COURTAGE D'ASSURANCES")
        );
        assert_eq!(antinea.legal_category.as_deref(), Some("5710"));
    }

    #[test]
    fn a_file_without_siren_column_is_refused() {
        let err = read_units("a,b\n1,2\n".as_bytes()).err().expect("refused");
        assert!(err.to_string().contains("siren"));
    }

    #[test]
    fn the_shipped_extract_reads_whole() {
        let units: Vec<Unit> = read_units(SHIPPED_EXTRACT)
            .expect("header")
            .collect::<anyhow::Result<_>>()
            .expect("rows");
        assert!(units.len() > 30_000, "{}", units.len());
        let poste = units
            .iter()
            .find(|u| u.siren == "356000000")
            .expect("La Poste");
        assert_eq!(poste.name.as_deref(), Some("LA POSTE"));
        let hidden = units
            .iter()
            .find(|u| u.siren == "300025764")
            .expect("non-diffusible unit");
        assert!(!hidden.diffusible && hidden.name.is_none());
    }
}
