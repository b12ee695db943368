//! The name and first name of the person who owns the account.
//!
//! The guide insists on a person's name, not the organisation's: letters (with accents), spaces, hyphens and
//! apostrophes are accepted, digits and other symbols are refused, and a name that looks like an organisation
//! raises a gentle warning rather than an error (some family names are also common words).

use std::fmt;

const MAX_CHARS: usize = 80;

/// Which of the two name fields is parsed, so that messages name the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamePart {
    Last,
    First,
}

impl NamePart {
    fn label(self) -> &'static str {
        match self {
            Self::Last => "Le nom",
            Self::First => "Le prénom",
        }
    }
}

/// A person's name, trimmed, with single spaces and typographic apostrophes made plain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameError {
    Empty(NamePart),
    TooLong(NamePart),
    Forbidden(NamePart, char),
    NoLetter(NamePart),
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty(part) => write!(f, "{} est obligatoire.", part.label()),
            Self::TooLong(part) => write!(
                f,
                "{} ne peut pas dépasser {MAX_CHARS} caractères.",
                part.label()
            ),
            Self::Forbidden(part, c) => write!(
                f,
                "{} ne peut contenir que des lettres, des espaces, des traits d'union et des apostrophes (« {c} » n'est pas accepté).",
                part.label()
            ),
            Self::NoLetter(part) => {
                write!(f, "{} doit contenir au moins une lettre.", part.label())
            }
        }
    }
}

impl PersonName {
    pub fn parse(input: &str, part: NamePart) -> Result<Self, NameError> {
        let normalised = input
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace(['’', 'ʼ'], "'");
        if normalised.is_empty() {
            return Err(NameError::Empty(part));
        }
        if let Some(c) = normalised
            .chars()
            .find(|c| !(c.is_alphabetic() || matches!(c, ' ' | '-' | '\'')))
        {
            return Err(NameError::Forbidden(part, c));
        }
        if !normalised.chars().any(char::is_alphabetic) {
            return Err(NameError::NoLetter(part));
        }
        if normalised.chars().count() > MAX_CHARS {
            return Err(NameError::TooLong(part));
        }
        Ok(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the name contains a word typical of an organisation (legal form, "mairie", "association"…).
    pub fn looks_like_organisation(&self) -> bool {
        looks_like_organisation(&self.0)
    }
}

/// Words that name organisations rather than people, compared without accents and case.
const ORGANISATION_WORDS: &[&str] = &[
    "sa",
    "sas",
    "sasu",
    "sarl",
    "eurl",
    "sci",
    "snc",
    "scop",
    "scp",
    "selarl",
    "gie",
    "eirl",
    "ei",
    "sem",
    "spl",
    "association",
    "asso",
    "assoc",
    "mairie",
    "commune",
    "ville",
    "societe",
    "ste",
    "entreprise",
    "ets",
    "etablissement",
    "etablissements",
    "groupe",
    "cabinet",
    "syndic",
    "syndicat",
    "copropriete",
    "residence",
    "departement",
    "region",
    "prefecture",
    "ministere",
    "hopital",
    "clinique",
    "pharmacie",
    "club",
    "federation",
    "fondation",
    "communaute",
    "agglomeration",
    "metropole",
    "sdis",
    "ehpad",
    "college",
    "lycee",
    "universite",
    "service",
    "services",
    "france",
    "cie",
    "compagnie",
    "holding",
    "conseil",
];

fn looks_like_organisation(name: &str) -> bool {
    fold(name)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| ORGANISATION_WORDS.contains(&word))
}

/// Lowercase ASCII with the French accents removed, for comparisons.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_names_are_normalised() {
        let cases = [
            ("Martin", "Martin"),
            ("  Le   Goff ", "Le Goff"),
            ("Jean-Éric", "Jean-Éric"),
            ("N’Diaye", "N'Diaye"),
            ("d'Ormesson", "d'Ormesson"),
            ("Çelik", "Çelik"),
            ("Zoë", "Zoë"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                PersonName::parse(input, NamePart::Last).map(|n| n.0),
                Ok(expected.to_string()),
                "{input}"
            );
        }
    }

    #[test]
    fn refused_names_say_why_and_name_the_field() {
        let cases = [
            ("", NameError::Empty(NamePart::First)),
            ("   ", NameError::Empty(NamePart::First)),
            ("Jean2", NameError::Forbidden(NamePart::First, '2')),
            ("Jean@", NameError::Forbidden(NamePart::First, '@')),
            ("Jean & Marie", NameError::Forbidden(NamePart::First, '&')),
            ("--", NameError::NoLetter(NamePart::First)),
        ];
        for (input, expected) in cases {
            assert_eq!(
                PersonName::parse(input, NamePart::First),
                Err(expected),
                "{input}"
            );
        }
        let long = "a".repeat(81);
        assert_eq!(
            PersonName::parse(&long, NamePart::Last),
            Err(NameError::TooLong(NamePart::Last))
        );
        assert!(
            NameError::Forbidden(NamePart::First, '2')
                .to_string()
                .starts_with("Le prénom")
        );
        assert!(
            NameError::Empty(NamePart::Last)
                .to_string()
                .starts_with("Le nom")
        );
    }

    #[test]
    fn organisation_like_names_are_flagged_but_people_are_not() {
        for org in [
            "SARL Dupont",
            "Mairie de Lyon",
            "Association Cœur",
            "Société Générale",
            "Ets Martin",
            "SAS",
        ] {
            assert!(
                PersonName::parse(org, NamePart::Last)
                    .expect(org)
                    .looks_like_organisation(),
                "{org}"
            );
        }
        for person in [
            "Dupont",
            "Sasso",
            "Villeneuve",
            "Saint-Maire",
            "Marie-Claire",
            "Associé",
        ] {
            assert!(
                !PersonName::parse(person, NamePart::Last)
                    .expect(person)
                    .looks_like_organisation(),
                "{person}"
            );
        }
    }
}
