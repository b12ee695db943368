//! Reading INSEE's StockUniteLegale file: the legal units, and what was skipped and why.
//!
//! Columns are found by their header names, so the 33-, 34- and 35-column layouts (and the reduced extract the
//! product ships) read alike. Rows are read as bytes and only the fields the directory keeps are decoded, so a
//! national file (≈ 29 million rows) streams at the speed of the disk with bounded memory.

use std::collections::BTreeMap;
use std::io::Read;

use anyhow::{Context, bail};

/// The shipped extract: real units from INSEE's files and public registers (see `server/data/README.md`).
pub const SHIPPED_EXTRACT: &[u8] = include_bytes!("../../../data/sirene-extract.csv");

/// One legal unit as the directory keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub siren: u32,
    pub ceased: bool,
    pub diffusible: bool,
    /// `None` for a non-diffusible unit, or one with no name in the file.
    pub name: Option<String>,
    pub legal_category: Option<String>,
}

impl Unit {
    /// The SIREN as written: nine digits.
    pub fn siren_text(&self) -> String {
        format!("{:09}", self.siren)
    }

    /// Found by the search by name: active, public and named.
    pub fn searchable(&self) -> bool {
        !self.ceased && self.diffusible && self.name.is_some()
    }
}

/// Why a row was not loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// The `siren` field is not nine digits.
    InvalidSiren,
    /// The SIREN was already read earlier in the file (the first row is kept).
    Duplicate,
    /// The row has fewer fields than the columns the directory needs.
    MissingFields,
}

impl Skip {
    /// The reason, in the words of the import's summary.
    pub fn describe(self) -> &'static str {
        match self {
            Self::InvalidSiren => "SIREN absent ou qui n'a pas 9 chiffres",
            Self::Duplicate => "SIREN déjà lu plus haut dans le fichier",
            Self::MissingFields => "ligne incomplète",
        }
    }
}

/// How many rows of each kind were read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub rows: u64,
    pub loaded: u64,
    pub active: u64,
    pub ceased: u64,
    pub non_diffusible: u64,
    /// Per reason: how many rows, and the line numbers of the first few.
    pub skipped: BTreeMap<Skip, (u64, Vec<u64>)>,
}

/// Line numbers kept per skip reason, to show where to look.
const SKIP_EXAMPLES: usize = 5;

impl Summary {
    fn count(&mut self, unit: &Unit) {
        self.loaded += 1;
        if unit.ceased {
            self.ceased += 1;
        } else {
            self.active += 1;
        }
        if !unit.diffusible {
            self.non_diffusible += 1;
        }
    }

    fn skip(&mut self, reason: Skip, line: u64) {
        let (count, lines) = self.skipped.entry(reason).or_default();
        *count += 1;
        if lines.len() < SKIP_EXAMPLES {
            lines.push(line);
        }
    }

    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().map(|(n, _)| n).sum()
    }
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
    /// The highest index among the required columns: a shorter row cannot be read.
    required: usize,
}

impl Columns {
    fn find(headers: &csv::ByteRecord) -> anyhow::Result<Self> {
        let at = |name: &str| {
            headers
                .iter()
                .position(|h| h.strip_prefix("\u{feff}".as_bytes()).unwrap_or(h) == name.as_bytes())
        };
        let Some(siren) = at("siren") else {
            bail!("the file has no 'siren' column: is it a StockUniteLegale file?")
        };
        let Some(state) = at("etatAdministratifUniteLegale") else {
            bail!("the file has no 'etatAdministratifUniteLegale' column")
        };
        let many = |names: &[&str]| names.iter().filter_map(|n| at(n)).collect::<Vec<_>>();
        Ok(Self {
            siren,
            state,
            diffusion: at("statutDiffusionUniteLegale"),
            denomination: at("denominationUniteLegale"),
            usual: many(&[
                "denominationUsuelle1UniteLegale",
                "denominationUsuelle2UniteLegale",
                "denominationUsuelle3UniteLegale",
            ]),
            sigle: at("sigleUniteLegale"),
            first_name: many(&["prenomUsuelUniteLegale", "prenom1UniteLegale"]),
            last_name: at("nomUniteLegale"),
            usage_name: at("nomUsageUniteLegale"),
            category: at("categorieJuridiqueUniteLegale"),
            required: siren.max(state),
        })
    }

    fn unit(&self, record: &csv::ByteRecord) -> Result<Unit, Skip> {
        if record.len() <= self.required {
            return Err(Skip::MissingFields);
        }
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(<[u8]>::trim_ascii)
                .filter(|v| !v.is_empty() && *v != b"[ND]")
        };
        let text = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
        let siren = get(Some(self.siren))
            .filter(|s| s.len() == 9 && s.iter().all(u8::is_ascii_digit))
            .and_then(|s| std::str::from_utf8(s).ok()?.parse::<u32>().ok())
            .ok_or(Skip::InvalidSiren)?;
        let diffusible = get(self.diffusion) != Some(b"P");
        let category = get(self.category).map(text);
        let name = if !diffusible {
            None
        } else if category.as_deref() == Some("1000") {
            let first = self.first_name.iter().find_map(|&i| get(Some(i))).map(text);
            super::person_name(
                first.as_deref(),
                get(self.usage_name).map(text).as_deref(),
                get(self.last_name).map(text).as_deref(),
            )
        } else {
            get(self.denomination)
                .or_else(|| self.usual.iter().find_map(|&i| get(Some(i))))
                .or_else(|| get(self.sigle))
                .map(text)
        };
        Ok(Unit {
            siren,
            ceased: get(Some(self.state)) == Some(b"C"),
            diffusible,
            name,
            legal_category: category,
        })
    }
}

/// The SIRENs already read, to skip a repeated one: one bit per SIREN body (the eight digits before the Luhn key,
/// which they determine), 12 MB, plus a set for the rare SIRENs that fail the checksum.
struct Seen {
    bodies: Vec<u64>,
    others: std::collections::HashSet<u32>,
}

impl Seen {
    fn new() -> Self {
        Self {
            bodies: vec![0; 100_000_000 / 64 + 1],
            others: Default::default(),
        }
    }

    /// Marks the SIREN; false when it was already marked.
    fn insert(&mut self, siren: u32) -> bool {
        if app::domain::luhn::is_valid(&format!("{siren:09}")) {
            let body = (siren / 10) as usize;
            let (word, bit) = (body / 64, 1u64 << (body % 64));
            let fresh = self.bodies[word] & bit == 0;
            self.bodies[word] |= bit;
            fresh
        } else {
            self.others.insert(siren)
        }
    }
}

/// A StockUniteLegale file being read.
pub struct Reader<R: Read> {
    csv: csv::Reader<LastByte<R>>,
    columns: Columns,
}

/// Remembers the last byte read, to tell a file cut in its last line from one that ends its last line.
struct LastByte<R> {
    inner: R,
    last: u8,
}

impl<R: Read> Read for LastByte<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.last = buf[n - 1];
        }
        Ok(n)
    }
}

impl<R: Read> Reader<R> {
    /// Reads the header line and finds the columns.
    pub fn new(input: R) -> anyhow::Result<Self> {
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(LastByte {
                inner: input,
                last: b'\n',
            });
        let columns = Columns::find(csv.byte_headers().context("cannot read the header line")?)?;
        Ok(Self { csv, columns })
    }

    /// The units, in file order; skipped rows are counted in `summary`. An error ends the reading: the input
    /// cannot be read (an I/O error, a damaged archive) or its last line is cut short (a truncated file).
    pub fn units<'s>(
        mut self,
        summary: &'s mut Summary,
    ) -> impl Iterator<Item = anyhow::Result<Unit>> + 's
    where
        R: 's,
    {
        let mut record = csv::ByteRecord::new();
        let mut seen = Seen::new();
        let width = self
            .csv
            .byte_headers()
            .map(csv::ByteRecord::len)
            .unwrap_or(0);
        // A row shorter than the header, when it is the last one and the file does not end its line.
        let mut short_row: Option<(u64, usize)> = None;
        std::iter::from_fn(move || {
            loop {
                match self.csv.read_byte_record(&mut record) {
                    Ok(false) => {
                        let (line, fields) = short_row.take()?;
                        if self.csv.get_ref().last == b'\n' {
                            return None;
                        }
                        return Some(Err(anyhow::anyhow!(
                            "line {line}, the last one, has {fields} fields instead of {width} and no end: the file is truncated"
                        )));
                    }
                    Err(e) => {
                        return Some(Err(
                            anyhow::Error::new(e).context("the file cannot be read to the end")
                        ));
                    }
                    Ok(true) => {}
                }
                summary.rows += 1;
                let line = record.position().map_or(0, csv::Position::line);
                short_row = (record.len() < width).then_some((line, record.len()));
                match self.columns.unit(&record) {
                    Ok(unit) if seen.insert(unit.siren) => {
                        summary.count(&unit);
                        return Some(Ok(unit));
                    }
                    Ok(_) => summary.skip(Skip::Duplicate, line),
                    Err(reason) => summary.skip(reason, line),
                }
            }
        })
    }
}

/// Every unit of the shipped extract.
pub fn shipped_units() -> anyhow::Result<Vec<Unit>> {
    let mut summary = Summary::default();
    Reader::new(SHIPPED_EXTRACT)?.units(&mut summary).collect()
}

#[cfg(test)]
mod tests;
