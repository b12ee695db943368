//! SIREN (9 digits) and SIRET (SIREN + 5-digit NIC) numbers.
//!
//! Both pass the Luhn checksum, except the establishments of La Poste (SIREN 356000000), whose SIRET digits add
//! up to a multiple of 5 instead (the rule INSEE applies, also used by python-stdnum).

use std::fmt;

use super::luhn;

/// SIREN of La Poste, whose establishments follow their own SIRET checksum.
pub const LA_POSTE_SIREN: &str = "356000000";

/// A valid SIREN.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Siren(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SirenError {
    Empty,
    /// Digits separated by spaces: the guide asks for none. Carries the number without them.
    Spaces(String),
    NotDigits,
    Length(usize),
    Checksum,
}

impl fmt::Display for SirenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("Le code SIREN est obligatoire."),
            Self::Spaces(clean) => write!(f, "Le code SIREN s'écrit sans espace : {clean}."),
            Self::NotDigits => f.write_str("Le code SIREN ne contient que des chiffres (9 chiffres)."),
            Self::Length(n) => write!(f, "Le code SIREN compte 9 chiffres (vous en avez saisi {n})."),
            Self::Checksum => f.write_str("Ce code SIREN n'existe pas : vérifiez les chiffres (la clé de contrôle ne correspond pas)."),
        }
    }
}

impl Siren {
    pub fn parse(input: &str) -> Result<Self, SirenError> {
        let digits = digits_only(input, 9).map_err(|e| match e {
            DigitsError::Empty => SirenError::Empty,
            DigitsError::Spaces(clean) => SirenError::Spaces(clean),
            DigitsError::NotDigits => SirenError::NotDigits,
            DigitsError::Length(n) => SirenError::Length(n),
        })?;
        if !luhn::is_valid(&digits) {
            return Err(SirenError::Checksum);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Siren {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A valid SIRET.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Siret(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SiretError {
    Spaces(String),
    NotDigits,
    Length(usize),
    Checksum,
    /// The first 9 digits are not the SIREN given in the form.
    OtherSiren(String),
}

impl fmt::Display for SiretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Spaces(clean) => write!(f, "Le code SIRET s'écrit sans espace : {clean}."),
            Self::NotDigits => f.write_str("Le code SIRET ne contient que des chiffres (14 chiffres)."),
            Self::Length(n) => write!(f, "Le code SIRET compte 14 chiffres : le SIREN puis 5 chiffres (vous en avez saisi {n})."),
            Self::Checksum => f.write_str("Ce code SIRET n'existe pas : vérifiez les chiffres (la clé de contrôle ne correspond pas)."),
            Self::OtherSiren(siren) => write!(f, "Le code SIRET doit commencer par le code SIREN saisi ({siren})."),
        }
    }
}

impl Siret {
    /// Parses a SIRET on its own; [`Siret::belongs_to`] checks it against the SIREN.
    pub fn parse(input: &str) -> Result<Self, SiretError> {
        let digits = digits_only(input, 14).map_err(|e| match e {
            DigitsError::Empty | DigitsError::Length(_) => SiretError::Length(count_digits(input)),
            DigitsError::Spaces(clean) => SiretError::Spaces(clean),
            DigitsError::NotDigits => SiretError::NotDigits,
        })?;
        let la_poste = digits.starts_with(LA_POSTE_SIREN) && digit_sum(&digits).is_multiple_of(5);
        if !(luhn::is_valid(&digits) || la_poste) {
            return Err(SiretError::Checksum);
        }
        Ok(Self(digits))
    }

    pub fn belongs_to(&self, siren: &Siren) -> Result<(), SiretError> {
        if self.0.starts_with(siren.as_str()) {
            Ok(())
        } else {
            Err(SiretError::OtherSiren(siren.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

enum DigitsError {
    Empty,
    Spaces(String),
    NotDigits,
    Length(usize),
}

/// Removes the whitespace people paste (spaces, no-break spaces) from a number.
pub fn strip_spaces(input: &str) -> String {
    input.chars().filter(|c| !c.is_whitespace()).collect()
}

fn count_digits(input: &str) -> usize {
    input.chars().filter(char::is_ascii_digit).count()
}

fn digit_sum(digits: &str) -> u32 {
    digits.bytes().map(|b| u32::from(b - b'0')).sum()
}

fn digits_only(input: &str, len: usize) -> Result<String, DigitsError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(DigitsError::Empty);
    }
    let compact = strip_spaces(trimmed);
    if !compact.chars().all(|c| c.is_ascii_digit()) {
        return Err(DigitsError::NotDigits);
    }
    if compact.len() != len {
        return Err(DigitsError::Length(compact.len()));
    }
    if compact != trimmed {
        return Err(DigitsError::Spaces(compact));
    }
    Ok(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siren_table() {
        let cases: &[(&str, Result<&str, SirenError>)] = &[
            ("356000000", Ok("356000000")),
            ("130025265", Ok("130025265")),
            (" 217500016 ", Ok("217500016")),
            ("880878145", Ok("880878145")),
            ("", Err(SirenError::Empty)),
            ("   ", Err(SirenError::Empty)),
            ("356 000 000", Err(SirenError::Spaces("356000000".into()))),
            (
                "356\u{a0}000\u{a0}000",
                Err(SirenError::Spaces("356000000".into())),
            ),
            ("35600000", Err(SirenError::Length(8))),
            ("3560000000", Err(SirenError::Length(10))),
            ("35600000A", Err(SirenError::NotDigits)),
            ("356-000-000", Err(SirenError::NotDigits)),
            ("356000001", Err(SirenError::Checksum)),
            ("123456789", Err(SirenError::Checksum)),
        ];
        for (input, expected) in cases {
            let got = Siren::parse(input);
            assert_eq!(
                got.as_ref().map(Siren::as_str).map_err(Clone::clone),
                expected.clone(),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn siret_table() {
        let cases: &[(&str, Result<&str, SiretError>)] = &[
            ("88087814500015", Ok("88087814500015")),
            ("13002526500013", Ok("13002526500013")),
            ("35600000000048", Ok("35600000000048")),
            (
                "880 878 145 00015",
                Err(SiretError::Spaces("88087814500015".into())),
            ),
            ("8808781450001", Err(SiretError::Length(13))),
            ("88087814500016", Err(SiretError::Checksum)),
            ("8808781450001X", Err(SiretError::NotDigits)),
            // Not La Poste: the digit-sum rule does not apply to other companies.
            ("88087814500051", Err(SiretError::Checksum)),
        ];
        for (input, expected) in cases {
            let got = Siret::parse(input);
            assert_eq!(
                got.as_ref().map(Siret::as_str).map_err(Clone::clone),
                expected.clone(),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn every_real_la_poste_siret_is_accepted_though_none_passes_luhn() {
        let list = include_str!("../../tests/fixtures/laposte_sirets.txt");
        let sirets: Vec<&str> = list
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(sirets.len(), 40);
        let siren = Siren::parse(LA_POSTE_SIREN).expect("La Poste SIREN");
        for s in sirets {
            assert!(!luhn::is_valid(s), "{s} unexpectedly passes Luhn");
            let siret = Siret::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert!(siret.belongs_to(&siren).is_ok());
        }
    }

    #[test]
    fn la_poste_sirets_with_a_wrong_digit_are_refused() {
        assert_eq!(Siret::parse("35600000021829"), Err(SiretError::Checksum));
    }

    #[test]
    fn siret_must_start_with_the_siren() {
        let siret = Siret::parse("88087814500015").expect("valid");
        let other = Siren::parse("356000000").expect("valid");
        assert_eq!(
            siret.belongs_to(&other),
            Err(SiretError::OtherSiren("356000000".into()))
        );
    }
}
