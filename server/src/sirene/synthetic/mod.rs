//! A synthetic StockUniteLegale file, for benchmarks, tests and trying the import without INSEE's file.
//!
//! It has INSEE's exact 35-column layout (header names and order of the 2026 file), SIRENs in ascending order that
//! pass the Luhn checksum, and a mix close to the national register: natural persons (catégorie juridique 1000)
//! beside companies, SCI and associations, about 45 % ceased units and non-diffusible units whose names are masked
//! as `[ND]`. Names are drawn from French first names, surnames, trades and the communes of the shipped extract,
//! with a long tail of invented words, so that name searches meet both frequent and rare words. The same seed
//! always gives the same file.

mod names;
mod words;

use std::io::Write;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use self::names::{FIRST_NAMES_F, FIRST_NAMES_M, SURNAMES};
use self::words::{ASSOCIATIONS, LINKS, NAF, SCI_WORDS, SYLLABLES, TRADES, TRANCHES};
use super::stock::SHIPPED_EXTRACT;

/// INSEE's header, 2026 layout.
pub const HEADER: [&str; 35] = [
    "siren",
    "statutDiffusionUniteLegale",
    "unitePurgeeUniteLegale",
    "dateCreationUniteLegale",
    "sigleUniteLegale",
    "sexeUniteLegale",
    "prenom1UniteLegale",
    "prenom2UniteLegale",
    "prenom3UniteLegale",
    "prenom4UniteLegale",
    "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale",
    "identifiantAssociationUniteLegale",
    "trancheEffectifsUniteLegale",
    "anneeEffectifsUniteLegale",
    "dateDernierTraitementUniteLegale",
    "nombrePeriodesUniteLegale",
    "categorieEntreprise",
    "anneeCategorieEntreprise",
    "dateDebut",
    "etatAdministratifUniteLegale",
    "nomUniteLegale",
    "nomUsageUniteLegale",
    "denominationUniteLegale",
    "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale",
    "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale",
    "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale",
    "activitePrincipaleNAF25UniteLegale",
];

/// A deterministic generator of StockUniteLegale rows.
pub struct Generator {
    rng: SmallRng,
    places: Vec<String>,
    /// Mean gap between consecutive SIREN bodies (the 8 digits before the Luhn key).
    mean_gap: u64,
    next_body: u64,
}

impl Generator {
    /// A generator of about `rows` rows spread over the whole SIREN range.
    pub fn new(rows: u64, seed: u64) -> Self {
        Self {
            rng: SmallRng::seed_from_u64(seed),
            places: places(),
            mean_gap: (90_000_000 / rows.max(1)).max(1),
            next_body: 500_000,
        }
    }

    /// Writes the header and `rows` rows.
    pub fn write(mut self, rows: u64, out: impl Write) -> anyhow::Result<()> {
        let mut csv = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        csv.write_record(HEADER)?;
        let mut record: [String; 35] = std::array::from_fn(|_| String::new());
        for _ in 0..rows {
            self.row(&mut record);
            csv.write_record(&record)?;
        }
        csv.flush()?;
        Ok(())
    }

    fn pick<'a>(&mut self, list: &'a [&'a str]) -> &'a str {
        // Squaring a uniform draw favours the start of each list: a few very frequent words, a long tail.
        let u: f64 = self.rng.random();
        list[((u * u) * list.len() as f64) as usize % list.len()]
    }

    fn place(&mut self) -> String {
        let u: f64 = self.rng.random();
        let i = ((u * u * u) * self.places.len() as f64) as usize % self.places.len();
        self.places[i].clone()
    }

    fn invented(&mut self) -> String {
        let syllables = self.rng.random_range(2..=4);
        (0..syllables)
            .map(|_| SYLLABLES[self.rng.random_range(0..SYLLABLES.len())])
            .collect()
    }

    fn surname(&mut self) -> String {
        if self.rng.random_bool(0.55) {
            self.pick(SURNAMES).to_string()
        } else {
            self.invented()
        }
    }

    fn date(&mut self, from: i32, to: i32) -> String {
        format!(
            "{}-{:02}-{:02}",
            self.rng.random_range(from..=to),
            self.rng.random_range(1..=12),
            self.rng.random_range(1..=28)
        )
    }

    fn siren(&mut self) -> String {
        self.next_body += self.rng.random_range(1..=2 * self.mean_gap - 1).max(1);
        let body = format!("{:08}", self.next_body % 100_000_000);
        let key = (0..=9)
            .find(|k| app::domain::luhn::is_valid(&format!("{body}{k}")))
            .unwrap_or(0);
        format!("{body}{key}")
    }

    fn company_name(&mut self, category: &str) -> String {
        match category {
            "6540" => {
                if self.rng.random_bool(0.5) {
                    format!("SCI {}", self.pick(SCI_WORDS))
                } else {
                    format!("SCI {}", self.surname())
                }
            }
            "9220" => format!("{} DE {}", self.pick(ASSOCIATIONS), self.place()),
            _ => match self.rng.random_range(0..10) {
                0..=2 => format!("{} {}", self.pick(TRADES), self.surname()),
                3..=4 => format!("{} {}", self.pick(TRADES), self.place()),
                5 => format!("{} {}", self.surname(), self.pick(LINKS)),
                6 => format!("{} {}", self.invented(), self.pick(TRADES)),
                7 => format!("{}, {} ET ASSOCIES", self.surname(), self.surname()),
                8 => format!("LE \"{}\" {}", self.invented(), self.pick(TRADES)),
                _ => self.invented(),
            },
        }
    }

    fn row(&mut self, r: &mut [String; 35]) {
        for field in r.iter_mut() {
            field.clear();
        }
        let natural = self.rng.random_bool(0.55);
        let ceased = self.rng.random_bool(0.45);
        let hidden = self.rng.random_bool(if natural { 0.08 } else { 0.005 });
        r[0] = self.siren();
        r[1] = if hidden { "P" } else { "O" }.into();
        if ceased && natural && self.rng.random_bool(0.2) {
            r[2] = "true".into();
        }
        r[3] = self.date(1950, 2026);
        r[13] = self.pick(TRANCHES).into();
        if r[13] != "NN" {
            r[14] = "2023".into();
        }
        r[15] = format!("{}T05:25:38", self.date(2019, 2026));
        r[16] = self.rng.random_range(1..=12).to_string();
        r[19] = self.date(2000, 2026);
        r[20] = if ceased { "C" } else { "A" }.into();
        r[28] = self.pick(NAF).into();
        r[29] = "NAFRev2".into();
        r[30] = format!("{:05}", self.rng.random_range(10..=400));
        r[34] = r[28].replace('Z', "Y");
        let masked = |value: String| if hidden { "[ND]".to_string() } else { value };
        if natural {
            let female = self.rng.random_bool(0.45);
            let first = self
                .pick(if female { FIRST_NAMES_F } else { FIRST_NAMES_M })
                .to_string();
            r[5] = if female { "F" } else { "M" }.into();
            r[6] = masked(first.clone());
            if self.rng.random_bool(0.4) {
                let second = self.pick(if female { FIRST_NAMES_F } else { FIRST_NAMES_M });
                r[7] = masked(second.to_string());
            }
            r[10] = masked(first);
            let surname = self.surname();
            r[21] = masked(surname);
            if female && self.rng.random_bool(0.2) {
                let usage = self.surname();
                r[22] = masked(usage);
            }
            r[27] = "1000".into();
        } else {
            let category = match self.rng.random_range(0..100) {
                0..=21 => "5499",
                22..=46 => "5710",
                47..=56 => "5720",
                57..=74 => "6540",
                75..=90 => "9220",
                91..=93 => "5599",
                94..=97 => "5498",
                _ => "6599",
            };
            let name = self.company_name(category);
            r[23] = masked(name);
            if self.rng.random_bool(0.05) {
                let usual = self.invented();
                r[24] = masked(usual);
            }
            if self.rng.random_bool(0.03) {
                r[4] = masked(self.invented());
            }
            if category == "9220" {
                r[12] = format!("W{:09}", self.rng.random_range(0..1_000_000_000u32));
            }
            r[17] = "PME".into();
            r[18] = "2023".into();
            r[27] = category.into();
            r[31] = if self.rng.random_bool(0.1) { "O" } else { "N" }.into();
            r[33] = if self.rng.random_bool(0.4) { "O" } else { "N" }.into();
        }
    }
}

/// The communes of the shipped extract, written as INSEE writes names (capitals without accents).
fn places() -> Vec<String> {
    let mut places: Vec<String> = csv::Reader::from_reader(SHIPPED_EXTRACT)
        .into_records()
        .filter_map(Result::ok)
        .filter(|r| r.get(3) == Some("7210"))
        .filter_map(|r| {
            r.get(4)
                .and_then(|n| n.strip_prefix("Commune de "))
                .map(|n| super::search::fold(n).to_uppercase())
        })
        .collect();
    if places.is_empty() {
        places.push("PARIS".into());
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sirene::stock;

    #[test]
    fn generated_rows_read_back_in_insee_layout() {
        let mut file = Vec::new();
        Generator::new(2_000, 7)
            .write(2_000, &mut file)
            .expect("generated");
        let header = file.split(|b| *b == b'\n').next().expect("header");
        assert_eq!(header, HEADER.join(",").as_bytes());
        let mut summary = stock::Summary::default();
        let units: Vec<stock::Unit> = stock::Reader::new(file.as_slice())
            .expect("header")
            .units(&mut summary)
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(units.len(), 2_000);
        assert!(units.windows(2).all(|w| w[0].siren < w[1].siren));
        let ceased = units.iter().filter(|u| u.ceased).count();
        let hidden = units.iter().filter(|u| !u.diffusible).count();
        let natural = units
            .iter()
            .filter(|u| u.legal_category.as_deref() == Some("1000"))
            .count();
        assert!((800..1_000).contains(&ceased), "{ceased}");
        assert!((40..120).contains(&hidden), "{hidden}");
        assert!((1_000..1_200).contains(&natural), "{natural}");
        assert!(
            units
                .iter()
                .filter(|u| !u.diffusible)
                .all(|u| u.name.is_none())
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_file() {
        let run = || {
            let mut file = Vec::new();
            Generator::new(100, 3).write(100, &mut file).expect("file");
            file
        };
        assert_eq!(run(), run());
    }
}
