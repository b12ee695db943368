//! `server dae import FILE`: loads the national export of Géo'DAE published on data.gouv.fr, as CSV or GeoJSON,
//! replacing the records in place in one transaction (readers see the old data until the new data is whole).
//!
//! The export's conventions are read as they come: `c_`-prefixed columns (or the plain `schema-dae` names),
//! `;` or `,` separators, `t`/`f` booleans, PostgreSQL arrays (`{lundi,mardi}`, `{"non renseigné"}`) for the
//! days and hours of the layout before October 2026, `c_dispo_horaires` (OpenStreetMap `opening_hours`) after,
//! `2000-01-01` for an unknown date. Each record is checked against `schema-dae` 1.0.7: one that cannot be
//! served (no identifier, name, position, access or state) is refused; an optional value that breaks its rule
//! is left empty. Both are reported with their line, field and reason.

use std::collections::HashMap;

use anyhow::Context;
use sqlx::Any;

use super::filter::Value;
use super::{FIELDS, Kind, is_date};
use crate::store::{Db, now_ms};
use crate::store::{Param, Sql};

/// The real records shipped with the product, loaded on a first start (see `server/data/README.md`).
pub const SHIPPED: &[u8] = include_bytes!("../../data/dae-cc-loir-luce-berce.geojson");
pub const SHIPPED_NAME: &str = "dae-cc-loir-luce-berce.geojson";

/// Records written per statement.
const BATCH: usize = 200;

/// A problem with one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// The line of the CSV file (the header is line 1), or the rank of the GeoJSON feature (from 1).
    pub line: usize,
    pub field: String,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    pub accepted: usize,
    /// Records refused, with the first reason found.
    pub rejected: Vec<Issue>,
    /// Values left empty in records kept.
    pub emptied: Vec<Issue>,
    /// "ligne" (CSV) or "objet" (GeoJSON): what `Issue::line` counts.
    pub unit: &'static str,
}

impl Report {
    /// The summary and every issue, in French, for the terminal.
    pub fn describe(&self) -> String {
        let mut out = format!(
            "{} défibrillateurs importés, {} refusés, {} valeurs laissées vides.",
            self.accepted,
            self.rejected.len(),
            self.emptied.len()
        );
        for (title, issues) in [
            ("Refusés", &self.rejected),
            ("Valeurs laissées vides", &self.emptied),
        ] {
            if !issues.is_empty() {
                out.push_str(&format!("\n{title} :"));
                for issue in issues {
                    out.push_str(&format!(
                        "\n  {} {}, {} : {}",
                        self.unit, issue.line, issue.field, issue.reason
                    ));
                }
            }
        }
        out
    }
}

/// One record read from the file: its values by `schema-dae` name, as text.
struct Row {
    line: usize,
    values: HashMap<String, String>,
}

/// A record checked: one value (or nothing) per public field, in the order of [`FIELDS`].
pub struct Record(pub Vec<Option<Value>>);

/// Reads and checks a whole file; nothing is written.
pub fn read(bytes: &[u8]) -> anyhow::Result<(Vec<Record>, Report)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let (rows, unit) = if first == Some(&b'{') {
        (geojson_rows(bytes)?, "objet")
    } else {
        (csv_rows(bytes)?, "ligne")
    };
    let mut report = Report {
        unit,
        ..Report::default()
    };
    let mut records = Vec::with_capacity(rows.len());
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for row in rows {
        match check(&row, &mut report.emptied) {
            Ok(record) => {
                let Some(Value::Integer(gid)) = record.0[0] else {
                    continue;
                };
                if let Some(first) = seen.insert(gid, row.line) {
                    report.rejected.push(Issue {
                        line: row.line,
                        field: "gid".to_string(),
                        reason: format!("l'identifiant {gid} est déjà pris ({unit} {first})."),
                    });
                    seen.insert(gid, first);
                    continue;
                }
                records.push(record);
            }
            Err(issue) => report.rejected.push(issue),
        }
    }
    report.accepted = records.len();
    Ok((records, report))
}

/// Replaces the records in place with those of `bytes`, in one transaction.
pub async fn import(db: &Db, source: &str, bytes: &[u8]) -> anyhow::Result<Report> {
    let (records, report) = read(bytes)?;
    anyhow::ensure!(
        !records.is_empty(),
        "aucun défibrillateur valable dans {source} : les données en place sont gardées"
    );
    let mut tx = db.pool.begin().await?;
    sqlx::query::<Any>("DELETE FROM dae")
        .execute(&mut *tx)
        .await
        .context("cannot empty the DAE table")?;
    let columns = super::field_names();
    for chunk in records.chunks(BATCH) {
        let mut sql = Sql::new(format!("INSERT INTO dae ({columns}) VALUES "));
        for (r, record) in chunk.iter().enumerate() {
            sql.push(if r > 0 { ", (" } else { "(" });
            sql.bind_list(
                FIELDS
                    .iter()
                    .zip(&record.0)
                    .map(|(field, value)| param(field.kind, value.as_ref())),
            );
            sql.push(")");
        }
        sql.query()
            .execute(&mut *tx)
            .await
            .context("cannot write the DAE records")?;
    }
    sqlx::query::<Any>(
        "INSERT INTO dae_imports (source, imported_at, accepted, rejected) VALUES ($1, $2, $3, $4)",
    )
    .bind(source)
    .bind(now_ms())
    .bind(i64::try_from(report.accepted).unwrap_or(i64::MAX))
    .bind(i64::try_from(report.rejected.len()).unwrap_or(i64::MAX))
    .execute(&mut *tx)
    .await?;
    tx.commit().await.context("cannot commit the DAE import")?;
    Ok(report)
}

/// Loads the shipped records when no import was ever made; `None` when there was one.
pub async fn seed_if_never_imported(db: &Db) -> anyhow::Result<Option<Report>> {
    let imports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dae_imports")
        .fetch_one(&db.pool)
        .await?;
    if imports > 0 {
        return Ok(None);
    }
    import(db, SHIPPED_NAME, SHIPPED).await.map(Some)
}

/// One value of a field of `kind`, or `NULL` typed as the column.
fn param(kind: Kind, value: Option<&Value>) -> Param {
    match (kind, value) {
        (_, Some(value)) => Param::from(value),
        (Kind::Number, None) => Param::NullReal,
        (Kind::Integer | Kind::Boolean, None) => Param::NullInt,
        (Kind::Text | Kind::Date, None) => Param::NullText,
    }
}

fn geojson_rows(bytes: &[u8]) -> anyhow::Result<Vec<Row>> {
    let document: serde_json::Value =
        serde_json::from_slice(bytes).context("the file is not valid JSON")?;
    let features = document
        .get("features")
        .and_then(serde_json::Value::as_array)
        .context("the GeoJSON has no \"features\" array (a FeatureCollection is expected)")?;
    let mut rows = Vec::with_capacity(features.len());
    for (i, feature) in features.iter().enumerate() {
        let mut values = HashMap::new();
        if let Some(properties) = feature.get("properties").and_then(|p| p.as_object()) {
            let prefixed = properties.keys().any(|k| k.starts_with("c_"));
            for (key, value) in properties {
                let text = match value {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if let Some(name) = column_name(key, prefixed) {
                    values.insert(name, text);
                }
            }
        }
        // The geometry is the exact point; the latitude and longitude columns are a rounded copy.
        if let Some([lon, lat]) = feature
            .pointer("/geometry/coordinates")
            .and_then(|c| c.as_array())
            .map(Vec::as_slice)
            && let (Some(lon), Some(lat)) = (lon.as_f64(), lat.as_f64())
        {
            values.insert("long_coor1".to_string(), lon.to_string());
            values.insert("lat_coor1".to_string(), lat.to_string());
        }
        rows.push(Row {
            line: i + 1,
            values,
        });
    }
    Ok(rows)
}

fn csv_rows(bytes: &[u8]) -> anyhow::Result<Vec<Row>> {
    let header_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let semicolons = header_line.iter().filter(|b| **b == b';').count();
    let commas = header_line.iter().filter(|b| **b == b',').count();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if semicolons > commas { b';' } else { b',' })
        .flexible(true)
        .from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .context("the CSV file has no header line")?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let prefixed = headers.iter().any(|h| h.starts_with("c_"));
    let names: Vec<Option<String>> = headers.iter().map(|h| column_name(h, prefixed)).collect();
    anyhow::ensure!(
        names.iter().flatten().any(|n| n == "gid"),
        "the CSV file has no c_gid (or gid) column: is it Géo'DAE's export?"
    );
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.context("the CSV file cannot be read")?;
        let line = record
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
        let values = names
            .iter()
            .zip(record.iter())
            .filter_map(|(name, value)| Some((name.clone()?, value.to_string())))
            .collect();
        rows.push(Row { line, values });
    }
    Ok(rows)
}

/// The `schema-dae` name of an export column. In the export's layout the device's columns carry `c_` (its own
/// `gid` is a row number, not the device's identifier); `cc_photo1` is the URL of the first photo.
fn column_name(header: &str, prefixed: bool) -> Option<String> {
    if header == "cc_photo1" {
        return Some("photo1_url".to_string());
    }
    if prefixed {
        header.strip_prefix("c_").map(str::to_string)
    } else {
        Some(header.to_string())
    }
}

/// The fields a record cannot be served without.
const REQUIRED: &[&str] = &[
    "gid",
    "nom",
    "lat_coor1",
    "long_coor1",
    "acc",
    "acc_lib",
    "etat_fonct",
];

fn check(row: &Row, emptied: &mut Vec<Issue>) -> Result<Record, Issue> {
    let mut values = Vec::with_capacity(FIELDS.len());
    for field in FIELDS {
        let raw = row
            .values
            .get(field.name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty());
        let raw = match (field.name, raw) {
            // A photo is a URL (schema-dae's pattern); the export gives a file name and its URL beside it.
            ("photo1", Some(name)) if !is_photo_url(name) => row
                .values
                .get("photo1_url")
                .map(|u| u.trim())
                .filter(|u| !u.is_empty()),
            (_, raw) => raw,
        };
        let issue = |reason: String| Issue {
            line: row.line,
            field: field.name.to_string(),
            reason,
        };
        let checked = match raw {
            None => Ok(None),
            Some(raw) => normalise(field.name, field.kind, raw).map_err(issue),
        };
        let value = match checked {
            Ok(value) => value,
            Err(problem) if REQUIRED.contains(&field.name) => return Err(problem),
            Err(problem) => {
                emptied.push(problem);
                None
            }
        };
        if value.is_none() && REQUIRED.contains(&field.name) {
            return Err(issue("valeur obligatoire absente.".to_string()));
        }
        values.push(value);
    }
    Ok(Record(values))
}

fn is_photo_url(text: &str) -> bool {
    let lower = text.to_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && [".jpg", ".jpeg", ".gif", ".png"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

const DAYS: &[&str] = &[
    "7j/7",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "jours fériés",
    "événements",
];
const HOURS: &[&str] = &["heures ouvrables", "heures de nuit", "24h/24"];
const UNKNOWN: &str = "non renseigné";
/// Dates the export writes for "unknown".
const PLACEHOLDER_DATES: &[&str] = &["2000-01-01", "1900-01-01", "1970-01-01"];

/// One value of the export as its field's kind, per `schema-dae` 1.0.7; `Ok(None)` for "unknown".
fn normalise(name: &str, kind: Kind, raw: &str) -> Result<Option<Value>, String> {
    let value = match kind {
        Kind::Integer => raw
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Value::Integer)
            .ok_or_else(|| format!("« {raw} » n'est pas un identifiant (entier positif)."))?,
        Kind::Number => {
            let n: f64 = raw
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| format!("« {raw} » n'est pas un nombre."))?;
            let limit = if name == "lat_coor1" { 90.0 } else { 180.0 };
            if n.abs() > limit {
                return Err(format!("{n} est hors de [-{limit}, {limit}]."));
            }
            Value::Number(n)
        }
        Kind::Boolean => match raw.to_lowercase().as_str() {
            "t" | "true" | "oui" | "1" => Value::Boolean(true),
            "f" | "false" | "non" | "0" => Value::Boolean(false),
            _ => return Err(format!("« {raw} » n'est pas un booléen (t/f, oui/non).")),
        },
        Kind::Date => {
            // A date, or a timestamp whose date is kept ("2023-04-11 19:30:44.302674").
            let date = match raw.get(10..11) {
                None => raw,
                Some(" " | "T") => &raw[..10],
                Some(_) => "",
            };
            if !is_date(date) {
                return Err(format!("« {raw} » n'est pas une date AAAA-MM-JJ."));
            }
            if PLACEHOLDER_DATES.contains(&date) {
                return Ok(None);
            }
            Value::Text(date.to_string())
        }
        Kind::Text => Value::Text(text(name, raw)?),
    };
    Ok(Some(value))
}

/// A text field's value, checked against its rule in `schema-dae`.
fn text(name: &str, raw: &str) -> Result<String, String> {
    let one_of = |allowed: &[&str]| {
        if allowed.contains(&raw) {
            Ok(raw.to_string())
        } else {
            Err(format!(
                "« {raw} » n'est pas l'une des valeurs : {}.",
                allowed.join(", ")
            ))
        }
    };
    match name {
        "acc" => one_of(&["Intérieur", "Extérieur"]),
        "etat_fonct" => one_of(&[
            "En fonctionnement",
            "Hors service",
            "Supprimé définitivement",
            "Absent momentanément",
            "Inconnu",
        ]),
        "etat" => one_of(&["Actif", "A supprimer", "Non identifié"]),
        "com_cp" if !(raw.len() == 5 && raw.bytes().all(|b| b.is_ascii_digit())) => {
            Err(format!("« {raw} » n'est pas un code postal (5 chiffres)."))
        }
        "com_insee" if !is_insee(raw) => Err(format!(
            "« {raw} » n'est pas un code commune INSEE (5 caractères, 2A/2B pour la Corse)."
        )),
        "expt_siren" => {
            let siren: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
            app::domain::Siren::parse(&siren)
                .map(|s| s.to_string())
                .map_err(|e| format!("« {raw} » : {e}"))
        }
        "expt_siret" => {
            let siret: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
            app::domain::Siret::parse(&siret)
                .map(|s| s.as_str().to_string())
                .map_err(|e| format!("« {raw} » : {e}"))
        }
        "disp_j" => list(raw, DAYS),
        "disp_h" => list(raw, HOURS),
        "photo1" | "photo2" if !is_photo_url(raw) => Err(format!(
            "« {raw} » n'est pas l'adresse (http…) d'une image jpg, png ou gif."
        )),
        _ => Ok(raw.to_string()),
    }
}

fn is_insee(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && b[0].is_ascii_digit()
        && (b[1].is_ascii_digit() || b[1] == b'A' || b[1] == b'B')
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// Days or hours: a PostgreSQL array (`{lundi,mardi}`, `{"non renseigné"}`) or `schema-dae`'s `|` list,
/// written as the latter; "non renseigné" stands alone.
fn list(raw: &str, allowed: &[&str]) -> Result<String, String> {
    let inner = raw
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .map(|r| r.split(','))
        .map(|parts| {
            parts
                .map(|p| p.trim().trim_matches('"').to_string())
                .collect::<Vec<_>>()
        })
        .unwrap_or_else(|| raw.split('|').map(|p| p.trim().to_string()).collect());
    if inner.len() == 1 && inner[0] == UNKNOWN {
        return Ok(UNKNOWN.to_string());
    }
    match inner.iter().find(|v| !allowed.contains(&v.as_str())) {
        None if !inner.is_empty() => Ok(inner.join("|")),
        _ => Err(format!(
            "« {raw} » : des valeurs parmi {}, ou « {UNKNOWN} » seul.",
            allowed.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests;
