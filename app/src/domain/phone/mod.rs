//! Telephone numbers with the form's 8 prefixes (`DOMAIN.md` §4).
//!
//! People write the national form: with or without the leading 0, with spaces, dots, dashes or parentheses,
//! sometimes with the international prefix again. The number is checked against the numbering plan of the
//! prefix's territories (every range the plan assigns) and stored in E.164 (`+33612345678`). A number that
//! belongs to another of the 8 prefixes is pointed out, so the applicant can pick the right one.

mod pattern;
mod plan;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use plan::Plan;

/// The guide's 8 prefixes, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PhonePrefix {
    #[serde(rename = "+33")]
    Metropole,
    #[serde(rename = "+590")]
    Guadeloupe,
    #[serde(rename = "+594")]
    Guyane,
    #[serde(rename = "+596")]
    Martinique,
    #[serde(rename = "+262")]
    ReunionMayotte,
    #[serde(rename = "+508")]
    SaintPierreEtMiquelon,
    #[serde(rename = "+687")]
    NouvelleCaledonie,
    #[serde(rename = "+689")]
    Polynesie,
}

impl PhonePrefix {
    pub const ALL: [PhonePrefix; 8] = [
        Self::Metropole,
        Self::Guadeloupe,
        Self::Guyane,
        Self::Martinique,
        Self::ReunionMayotte,
        Self::SaintPierreEtMiquelon,
        Self::NouvelleCaledonie,
        Self::Polynesie,
    ];

    /// The prefix as written, "+33".
    pub fn code(self) -> &'static str {
        match self {
            Self::Metropole => "+33",
            Self::Guadeloupe => "+590",
            Self::Guyane => "+594",
            Self::Martinique => "+596",
            Self::ReunionMayotte => "+262",
            Self::SaintPierreEtMiquelon => "+508",
            Self::NouvelleCaledonie => "+687",
            Self::Polynesie => "+689",
        }
    }

    /// The territories, as the guide's table names them.
    pub fn label(self) -> &'static str {
        match self {
            Self::Metropole => "Métropole",
            Self::Guadeloupe => "Guadeloupe, Saint-Martin, Saint-Barthélemy",
            Self::Guyane => "Guyane",
            Self::Martinique => "Martinique",
            Self::ReunionMayotte => "La Réunion, Mayotte",
            Self::SaintPierreEtMiquelon => "Saint-Pierre-et-Miquelon",
            Self::NouvelleCaledonie => "Nouvelle-Calédonie",
            Self::Polynesie => "Polynésie Française",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code.trim())
    }

    pub fn plan(self) -> &'static Plan {
        match self {
            Self::Metropole => &plan::FR,
            Self::Guadeloupe => &plan::GP,
            Self::Guyane => &plan::GF,
            Self::Martinique => &plan::MQ,
            Self::ReunionMayotte => &plan::RE_YT,
            Self::SaintPierreEtMiquelon => &plan::PM,
            Self::NouvelleCaledonie => &plan::NC,
            Self::Polynesie => &plan::PF,
        }
    }

    /// An example in the national form, for the field's hint.
    pub fn example(self) -> &'static str {
        match self {
            Self::Metropole => "01 23 45 67 89",
            Self::Guadeloupe => "0590 12 34 56",
            Self::Guyane => "0594 10 12 34",
            Self::Martinique => "0596 30 12 34",
            Self::ReunionMayotte => "0262 16 12 34",
            Self::SaintPierreEtMiquelon => "41 23 45",
            Self::NouvelleCaledonie => "75.12.34",
            Self::Polynesie => "87 12 34 56",
        }
    }

    /// The digits after the prefix: the national number without its trunk 0, where the plan has one.
    fn national_significant(self, digits: &str) -> &str {
        match digits.strip_prefix('0') {
            Some(national) if self.plan().trunk_zero => national,
            _ => digits,
        }
    }

    /// The region in which `nsn` (the digits after the prefix) is assigned, if any.
    fn territory_of(self, nsn: &str) -> Option<&'static plan::Territory> {
        if !self.plan().lengths.contains(&nsn.len()) {
            return None;
        }
        self.plan()
            .territories
            .iter()
            .find(|t| t.patterns.iter().any(|p| pattern::full_match(p, nsn)))
    }
}

/// A number valid for its prefix, kept in E.164.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneNumber {
    prefix: PhonePrefix,
    nsn: String,
    region: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    Characters,
    /// The number starts with an international prefix that is not one of the 8.
    ForeignCountry,
    /// The number was typed with another of the 8 prefixes than the one chosen.
    PrefixMismatch {
        typed: PhonePrefix,
        chosen: PhonePrefix,
    },
    Length {
        prefix: PhonePrefix,
        digits: usize,
    },
    /// Valid under another of the 8 prefixes: the applicant probably chose the wrong one.
    OtherTerritory {
        prefix: PhonePrefix,
        name_in: &'static str,
    },
    Unassigned(PhonePrefix),
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("Le numéro de téléphone est obligatoire."),
            Self::Characters => f.write_str(
                "Le numéro de téléphone ne peut contenir que des chiffres, des espaces, des points ou des tirets.",
            ),
            Self::ForeignCountry => f.write_str(
                "Ce numéro commence par un indicatif étranger : seuls les numéros de la métropole et des outre-mer sont acceptés.",
            ),
            Self::PrefixMismatch { typed, chosen } => write!(
                f,
                "Le numéro commence par {} alors que l'indicatif choisi est {} : choisissez {} dans la liste des indicatifs.",
                typed.code(),
                chosen.code(),
                typed.code()
            ),
            Self::Length { prefix, digits } => {
                let plan = prefix.plan();
                let expected = length_words(plan.lengths);
                if plan.trunk_zero && plan.lengths == [9] {
                    write!(
                        f,
                        "Avec l'indicatif {} ({}), le numéro compte 10 chiffres en commençant par 0, ou 9 sans le 0 (vous en avez saisi {digits}).",
                        prefix.code(),
                        prefix.label()
                    )
                } else {
                    write!(
                        f,
                        "Avec l'indicatif {} ({}), le numéro compte {expected} (vous en avez saisi {digits}).",
                        prefix.code(),
                        prefix.label()
                    )
                }
            }
            Self::OtherTerritory { prefix, name_in } => write!(
                f,
                "Ce numéro est un numéro {name_in} : choisissez l'indicatif {} ({}).",
                prefix.code(),
                prefix.label()
            ),
            Self::Unassigned(prefix) => write!(
                f,
                "Ce numéro n'est pas attribué avec l'indicatif {} ({}) : vérifiez les premiers chiffres.",
                prefix.code(),
                prefix.label()
            ),
        }
    }
}

fn length_words(lengths: &[usize]) -> String {
    let mut sorted = lengths.to_vec();
    sorted.sort_unstable();
    let words: Vec<String> = sorted.iter().map(ToString::to_string).collect();
    match words.split_last() {
        Some((last, [])) => format!("{last} chiffres"),
        Some((last, rest)) => format!("{} ou {last} chiffres", rest.join(", ")),
        None => String::new(),
    }
}

impl PhoneNumber {
    /// Parses a number as people type it, under the chosen prefix.
    pub fn parse(prefix: PhonePrefix, input: &str) -> Result<Self, PhoneError> {
        let compact: String = input
            .trim()
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-' | '(' | ')' | '/')))
            .collect();
        if compact.is_empty() {
            return Err(PhoneError::Empty);
        }
        let (international, rest) = if let Some(rest) = compact.strip_prefix('+') {
            (true, rest)
        } else if let Some(rest) = compact.strip_prefix("00") {
            (true, rest)
        } else {
            (false, compact.as_str())
        };
        if !rest.chars().all(|c| c.is_ascii_digit()) {
            return Err(PhoneError::Characters);
        }
        let mut digits = rest;
        if international {
            let typed = PhonePrefix::ALL
                .into_iter()
                .find(|p| rest.starts_with(&p.code()[1..]))
                .ok_or(PhoneError::ForeignCountry)?;
            if typed != prefix {
                return Err(PhoneError::PrefixMismatch {
                    typed,
                    chosen: prefix,
                });
            }
            digits = &rest[typed.code().len() - 1..];
            // "+33 (0)1 23 45 67 89": the trunk 0 kept after the country code.
        }
        let nsn = prefix.national_significant(digits);
        if let Some(territory) = prefix.territory_of(nsn) {
            return Ok(Self {
                prefix,
                nsn: nsn.to_string(),
                region: territory.region,
            });
        }
        // Is it a number of one of the other prefixes, typed under the wrong one? Overseas first:
        // metropolitan France's plan also covers some 059x numbers.
        let others = PhonePrefix::ALL
            .into_iter()
            .skip(1)
            .chain([PhonePrefix::Metropole]);
        for other in others.filter(|p| *p != prefix) {
            if let Some(territory) = other.territory_of(other.national_significant(digits)) {
                return Err(PhoneError::OtherTerritory {
                    prefix: other,
                    name_in: territory.name_in,
                });
            }
        }
        if !prefix.plan().lengths.contains(&nsn.len()) {
            return Err(PhoneError::Length {
                prefix,
                digits: digits.len(),
            });
        }
        Err(PhoneError::Unassigned(prefix))
    }

    /// Rebuilds a stored E.164 number, checking it again.
    pub fn from_e164(e164: &str) -> Result<Self, PhoneError> {
        let prefix = PhonePrefix::ALL
            .into_iter()
            .find(|p| e164.starts_with(p.code()))
            .ok_or(PhoneError::Characters)?;
        Self::parse(prefix, e164)
    }

    pub fn prefix(&self) -> PhonePrefix {
        self.prefix
    }

    /// The libphonenumber region the number belongs to ("FR", "GP", "YT"…).
    pub fn region(&self) -> &'static str {
        self.region
    }

    /// The number in E.164, e.g. `+33612345678`.
    pub fn e164(&self) -> String {
        format!("{}{}", self.prefix.code(), self.nsn)
    }

    /// The national significant number (the digits after the prefix).
    pub fn nsn(&self) -> &str {
        &self.nsn
    }

    /// The number as written at home, in pairs: `06 12 34 56 78` (nine digits after the trunk 0, where the
    /// plan has one), `41 23 45` in Saint-Pierre-et-Miquelon.
    pub fn national(&self) -> String {
        let trunk = if self.prefix.plan().trunk_zero && self.nsn.len() == 9 {
            "0"
        } else {
            ""
        };
        let digits: Vec<char> = format!("{trunk}{}", self.nsn).chars().collect();
        digits
            .chunks(2)
            .map(|pair| pair.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests;
