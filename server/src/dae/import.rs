//! `server dae import FILE`: loads the national export of Géo'DAE published on data.gouv.fr, as CSV or GeoJSON,
//! replacing the records in place in one transaction (readers see the old data until the new data is whole).
//!
//! The export's conventions are read as they come: `c_`-prefixed columns (or the plain `schema-dae` names),
//! `;` or `,` separators, `t`/`f` booleans, PostgreSQL arrays (`{lundi,mardi}`, `{"non renseigné"}`) for the
//! days and hours of the layout before October 2026, `c_dispo_horaires` (OpenStreetMap `opening_hours`) after,
//! `2000-01-01` for an unknown date. It reads as well the `schema-dae` files that producers publish (a city's
//! open data): plain names (or their ten-letter shapefile truncation, `date_insta`), `|`-separated lists,
//! `oui`/`non`, `", "` separators, no identifier (the records are then numbered in the file's order), words
//! whatever their case and accents (`intérieur`, `Heures ouvrables`), dates without their zeros (`2017-12-1`)
//! or French (`01/12/2017`). Each record is checked against `schema-dae` 1.0.7: one that cannot be served (no
//! identifier, name, position, access or state) is refused; an optional value that breaks its rule is left
//! empty; a latitude and longitude given the wrong way round (a point off every French territory that is on
//! one once swapped) are swapped. All three are reported with their line, field and reason.

use std::collections::HashMap;

use anyhow::Context;
use sqlx::Any;

use super::filter::Value;
use super::hours;
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
    /// Values corrected in records kept.
    pub corrected: Vec<Issue>,
    /// The file had no identifiers: the records were numbered in its order, from 1.
    pub numbered: bool,
    /// "ligne" (CSV) or "objet" (GeoJSON): what `Issue::line` counts.
    pub unit: &'static str,
}

impl Report {
    /// The summary and every issue, in French, for the terminal.
    pub fn describe(&self) -> String {
        let mut out = format!(
            "{} défibrillateurs importés, {} refusés, {} valeurs laissées vides, {} corrigées.",
            self.accepted,
            self.rejected.len(),
            self.emptied.len(),
            self.corrected.len()
        );
        if self.numbered {
            out.push_str(
                "\nLe fichier ne donne pas d'identifiant (gid) : les défibrillateurs sont numérotés dans son ordre, à partir de 1.",
            );
        }
        for (title, issues) in [
            ("Refusés", &self.rejected),
            ("Valeurs laissées vides", &self.emptied),
            ("Valeurs corrigées", &self.corrected),
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
    let (mut rows, unit) = if first == Some(&b'{') {
        (geojson_rows(bytes)?, "objet")
    } else {
        (csv_rows(bytes)?, "ligne")
    };
    // A producer's file has no identifier: its records are numbered in its order.
    let numbered = !rows.is_empty() && rows.iter().all(|r| !r.values.contains_key("gid"));
    if numbered {
        for (rank, row) in rows.iter_mut().enumerate() {
            row.values.insert("gid".to_string(), (rank + 1).to_string());
        }
    }
    let mut report = Report {
        unit,
        numbered,
        ..Report::default()
    };
    let mut records = Vec::with_capacity(rows.len());
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for row in rows {
        match check(&row, &mut report.emptied, &mut report.corrected) {
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
        (Kind::Text | Kind::Date | Kind::List, None) => Param::NullText,
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
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .context("the CSV file has no header line")?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let prefixed = headers.iter().any(|h| h.starts_with("c_"));
    let names: Vec<Option<String>> = headers.iter().map(|h| column_name(h, prefixed)).collect();
    let has = |name: &str| names.iter().flatten().any(|n| n == name);
    anyhow::ensure!(
        has("gid") || (has("nom") && has("lat_coor1") && has("long_coor1")),
        "the CSV file has neither a c_gid (or gid) column nor nom, lat_coor1 and long_coor1: is it Géo'DAE's export or a schema-dae file?"
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
            .filter_map(|(name, value)| Some((name.clone()?, unquoted(value))))
            .collect();
        rows.push(Row { line, values });
    }
    Ok(rows)
}

/// A value as written: a field quoted after a space (`a, "b"`, as schema-dae's examples write them) is not
/// read as quoted by CSV's rules, so its quotes are taken off here.
fn unquoted(value: &str) -> String {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => value.to_string(),
    }
}

/// The `schema-dae` name of an export column. In the export's layout the device's columns carry `c_` (its own
/// `gid` is a row number, not the device's identifier); `cc_photo1` is the URL of the first photo.
fn column_name(header: &str, prefixed: bool) -> Option<String> {
    if header == "cc_photo1" {
        return Some("photo1_url".to_string());
    }
    let name = if prefixed {
        header.strip_prefix("c_")?
    } else {
        header
    };
    // A shapefile keeps ten letters of a name (`date_insta`, `disp_compl`): the one field they begin.
    if name.len() == 10 && !FIELDS.iter().any(|f| f.name == name) {
        let mut longer = FIELDS.iter().filter(|f| f.name.starts_with(name));
        if let (Some(field), None) = (longer.next(), longer.next()) {
            return Some(field.name.to_string());
        }
    }
    Some(name.to_string())
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

fn check(row: &Row, emptied: &mut Vec<Issue>, corrected: &mut Vec<Issue>) -> Result<Record, Issue> {
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
    complete_availability(&mut values);
    if let Some(issue) = swap_if_reversed(&mut values) {
        corrected.push(Issue {
            line: row.line,
            ..issue
        });
    }
    Ok(Record(values))
}

/// Swaps a latitude and longitude given the wrong way round: a point off every French territory that is on one
/// once swapped (a producer's file where `lat_coor1` holds 3.93 and `long_coor1` 43.61, in Montpellier).
fn swap_if_reversed(values: &mut [Option<Value>]) -> Option<Issue> {
    let at = |name: &str| FIELDS.iter().position(|f| f.name == name);
    let (lat_at, lon_at) = (at("lat_coor1")?, at("long_coor1")?);
    let (Some(Value::Number(lat)), Some(Value::Number(lon))) = (&values[lat_at], &values[lon_at])
    else {
        return None;
    };
    let (lat, lon) = (*lat, *lon);
    if in_france(lat, lon) || !in_france(lon, lat) {
        return None;
    }
    values.swap(lat_at, lon_at);
    Some(Issue {
        line: 0,
        field: "lat_coor1".to_string(),
        reason: format!(
            "latitude {lat} et longitude {lon} inversées (le point est hors de France) : lues {lon}, {lat}."
        ),
    })
}

/// Whether a point lies in France: metropolitan France and Corsica, or an overseas territory (boxes, degrees).
fn in_france(lat: f64, lon: f64) -> bool {
    const TERRITORIES: &[(f64, f64, f64, f64)] = &[
        // south, north, west, east
        (41.2, 51.2, -5.3, 9.7),        // metropolitan France and Corsica
        (15.8, 18.2, -63.2, -60.7),     // Guadeloupe, Martinique, Saint-Martin, Saint-Barthélemy
        (14.3, 14.9, -61.3, -60.7),     // Martinique
        (2.0, 6.0, -54.7, -51.5),       // Guyane
        (-21.5, -20.8, 55.1, 55.9),     // La Réunion
        (-13.1, -12.5, 44.9, 45.4),     // Mayotte
        (46.7, 47.2, -56.5, -56.0),     // Saint-Pierre-et-Miquelon
        (-23.0, -19.4, 163.5, 168.2),   // Nouvelle-Calédonie
        (-28.0, -7.8, -154.8, -134.4),  // Polynésie française
        (-14.4, -13.1, -178.3, -176.1), // Wallis-et-Futuna
    ];
    TERRITORIES
        .iter()
        .any(|(s, n, w, e)| (*s..=*n).contains(&lat) && (*w..=*e).contains(&lon))
}

/// Gives a record known in one layout of its availability the other one (see [`hours`]).
fn complete_availability(values: &mut [Option<Value>]) {
    let at = |name: &str| FIELDS.iter().position(|f| f.name == name);
    let (Some(days), Some(hours), Some(opening)) =
        (at("disp_j"), at("disp_h"), at("dispo_horaires"))
    else {
        return;
    };
    let text = |value: &Option<Value>| match value {
        Some(Value::Text(text)) => Some(text.clone()),
        _ => None,
    };
    match (
        text(&values[days]),
        text(&values[hours]),
        text(&values[opening]),
    ) {
        (Some(d), Some(h), None) => {
            values[opening] = hours::opening_hours_of(&d, &h).map(Value::Text);
        }
        (None, None, Some(o)) => {
            if let Some((d, h)) = hours::lists_of(&o) {
                values[days] = Some(Value::Text(d));
                values[hours] = Some(Value::Text(h));
            }
        }
        _ => {}
    }
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
const UNKNOWN: &str = hours::UNKNOWN;
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
            let date =
                date(raw).ok_or_else(|| format!("« {raw} » n'est pas une date AAAA-MM-JJ."))?;
            if PLACEHOLDER_DATES.contains(&date.as_str()) {
                return Ok(None);
            }
            Value::Text(date)
        }
        Kind::Text | Kind::List => Value::Text(text(name, raw)?),
    };
    Ok(Some(value))
}

/// A text field's value, checked against its rule in `schema-dae`.
fn text(name: &str, raw: &str) -> Result<String, String> {
    let one_of = |allowed: &[&str]| {
        if let Some(word) = allowed.iter().find(|w| fold(w) == fold(raw)) {
            Ok((*word).to_string())
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

/// A date as `AAAA-MM-JJ`: so written, or a timestamp whose date is kept (`2023-04-11 19:30:44.302674`),
/// without its zeros (`2017-12-1`), or French (`01/12/2017`).
fn date(raw: &str) -> Option<String> {
    let day_part = raw.split([' ', 'T']).next().unwrap_or(raw);
    let parts: Vec<&str> = if day_part.contains('/') {
        let mut parts: Vec<&str> = day_part.split('/').collect();
        parts.reverse();
        parts
    } else {
        day_part.split('-').collect()
    };
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let short = |t: &str| (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
    if year.len() != 4 || !short(month) || !short(day) {
        return None;
    }
    let date = format!("{year}-{month:0>2}-{day:0>2}");
    is_date(&date).then_some(date)
}

/// A word compared whatever its case and accents (`interieur` is `Intérieur`).
fn fold(word: &str) -> String {
    word.trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c => c,
        })
        .collect()
}

fn is_insee(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && b[0].is_ascii_digit()
        && (b[1].is_ascii_digit() || b[1] == b'A' || b[1] == b'B')
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// Days or hours: a PostgreSQL array (`{lundi,mardi}`, `{"non renseigné"}`) or `schema-dae`'s `|` list (or a
/// comma-separated one, as some producers write it), written as the latter with the schema's words;
/// "non renseigné" stands alone.
fn list(raw: &str, allowed: &[&str]) -> Result<String, String> {
    let inner: Vec<String> = match raw.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        Some(array) => array
            .split(',')
            .map(|p| p.trim().trim_matches('"').to_string())
            .collect(),
        None if raw.contains('|') => raw.split('|').map(|p| p.trim().to_string()).collect(),
        None => raw.split(',').map(|p| p.trim().to_string()).collect(),
    };
    if inner.len() == 1 && fold(&inner[0]) == fold(UNKNOWN) {
        return Ok(UNKNOWN.to_string());
    }
    let words: Option<Vec<&str>> = inner
        .iter()
        .map(|v| allowed.iter().find(|w| fold(w) == fold(v)).copied())
        .collect();
    match words {
        Some(words) if !words.is_empty() => Ok(words.join("|")),
        _ => Err(format!(
            "« {raw} » : des valeurs parmi {}, ou « {UNKNOWN} » seul.",
            allowed.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests;
