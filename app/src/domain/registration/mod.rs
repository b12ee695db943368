//! The account request as a whole: every field parsed at once, every error reported at once.
//!
//! The browser checks a field when its text (or a text it reads) changes, with [`RawRegistration::error`], and
//! shows the errors of the fields the applicant has already visited; the server runs [`RawRegistration::parse`],
//! made of the same per-field parsers, on submission and answers all the errors in one response.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::email::Email;
use super::organisation::{OrganisationKind, Profile};
use super::person_name::{NamePart, PersonName, fold};
use super::phone::{PhoneNumber, PhonePrefix};
use super::siren::{Siren, Siret};

/// The fields of the form, in the guide's order. Serialised as the JSON member names of the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Profile,
    LastName,
    FirstName,
    Email,
    OrganisationKind,
    Siren,
    Siret,
    CompanyName,
    PhonePrefix,
    PhoneNumber,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Self::Profile,
        Self::LastName,
        Self::FirstName,
        Self::Email,
        Self::OrganisationKind,
        Self::Siren,
        Self::Siret,
        Self::CompanyName,
        Self::PhonePrefix,
        Self::PhoneNumber,
    ];

    /// The JSON member name, also used as the HTML id of the input.
    pub fn key(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::LastName => "last_name",
            Self::FirstName => "first_name",
            Self::Email => "email",
            Self::OrganisationKind => "organisation_kind",
            Self::Siren => "siren",
            Self::Siret => "siret",
            Self::CompanyName => "company_name",
            Self::PhonePrefix => "phone_prefix",
            Self::PhoneNumber => "phone_number",
        }
    }

    /// The fields whose text decides this one's error ([`RawRegistration::error`]): its own, and the SIREN for the
    /// SIRET (which must begin with it), the prefix for the number (which it reads by).
    pub fn reads(self) -> &'static [Field] {
        match self {
            Self::Profile => &[Self::Profile],
            Self::LastName => &[Self::LastName],
            Self::FirstName => &[Self::FirstName],
            Self::Email => &[Self::Email],
            Self::OrganisationKind => &[Self::OrganisationKind],
            Self::Siren => &[Self::Siren],
            Self::Siret => &[Self::Siren, Self::Siret],
            Self::CompanyName => &[Self::CompanyName],
            Self::PhonePrefix => &[Self::PhonePrefix],
            Self::PhoneNumber => &[Self::PhonePrefix, Self::PhoneNumber],
        }
    }

    /// The label of the form, as in the guide.
    pub fn label(self) -> &'static str {
        match self {
            Self::Profile => "Profil",
            Self::LastName => "Nom",
            Self::FirstName => "Prénom",
            Self::Email => "Email",
            Self::OrganisationKind => "Type de structure",
            Self::Siren => "Code SIREN",
            Self::Siret => "Code SIRET",
            Self::CompanyName => "Raison sociale",
            Self::PhonePrefix => "Indicatif",
            Self::PhoneNumber => "Numéro de téléphone avec indicatif",
        }
    }
}

/// Field errors, keyed by field, each a French sentence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<Field, String>);

impl FieldErrors {
    pub fn insert(&mut self, field: Field, message: impl fmt::Display) {
        self.0.entry(field).or_insert_with(|| message.to_string());
    }

    pub fn get(&self, field: Field) -> Option<&str> {
        self.0.get(&field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value parsed, or `None` with its error kept under `field`.
    fn take<T>(&mut self, field: Field, parsed: Result<T, String>) -> Option<T> {
        parsed.map_err(|e| self.insert(field, e)).ok()
    }
}

/// Advice that does not block the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Warning {
    /// The name looks like an organisation's, while the guide asks for the person's.
    OrganisationName,
    /// The address looks personal; a generic one (contact@…) outlives staff changes.
    PersonalEmail,
}

impl Warning {
    pub fn message(self, field: Field) -> String {
        match self {
            Self::OrganisationName => format!(
                "Ce {} ressemble à celui d'une structure : indiquez le vôtre, celui du propriétaire du compte, et non celui de votre société ou établissement.",
                if field == Field::FirstName { "prénom" } else { "nom" }
            ),
            Self::PersonalEmail => "Cette adresse semble personnelle : une adresse générique (par exemple contact@votre-structure.fr) reste valable quelle que soit la personne qui a créé le compte.".to_string(),
        }
    }
}

/// The form as typed, borrowed from the request or the browser's signals.
#[derive(Clone, Copy, Debug, Default)]
pub struct RawRegistration<'a> {
    pub profile: &'a str,
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub email: &'a str,
    pub organisation_kind: &'a str,
    pub siren: &'a str,
    pub siret: &'a str,
    pub company_name: &'a str,
    pub phone_prefix: &'a str,
    pub phone_number: &'a str,
}

/// A request whose every field is valid. The company name is kept as typed; whether it is needed depends on
/// what the company register knows (see [`require_company_name`]).
#[derive(Clone, Debug)]
pub struct ValidRegistration {
    pub profile: Profile,
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub email: Email,
    pub organisation_kind: OrganisationKind,
    pub siren: Siren,
    pub siret: Option<Siret>,
    pub company_name: Option<String>,
    pub phone: PhoneNumber,
    pub warnings: Vec<(Field, Warning)>,
}

const COMPANY_NAME_MAX: usize = 250;

impl RawRegistration<'_> {
    /// Parses every field; returns all the errors at once.
    pub fn parse(&self) -> Result<ValidRegistration, FieldErrors> {
        let mut errors = FieldErrors::default();
        let profile = errors.take(Field::Profile, self.profile());
        let last_name = errors.take(Field::LastName, self.person(NamePart::Last));
        let first_name = errors.take(Field::FirstName, self.person(NamePart::First));
        let email = errors.take(Field::Email, self.email());
        let organisation_kind = errors.take(Field::OrganisationKind, self.organisation_kind());
        let siren = errors.take(Field::Siren, self.siren());
        let siret = errors.take(Field::Siret, self.siret());
        let company_name = errors.take(Field::CompanyName, self.company_name());
        let phone = errors
            .take(Field::PhonePrefix, self.phone_prefix())
            .and_then(|prefix| errors.take(Field::PhoneNumber, self.phone(prefix)));

        match (
            profile,
            last_name,
            first_name,
            email,
            organisation_kind,
            siren,
            siret,
            company_name,
            phone,
        ) {
            (
                Some(profile),
                Some(last_name),
                Some(first_name),
                Some(email),
                Some(organisation_kind),
                Some(siren),
                Some(siret),
                Some(company_name),
                Some(phone),
            ) if errors.is_empty() => {
                let warnings = warnings(&last_name, &first_name, &email);
                Ok(ValidRegistration {
                    profile,
                    last_name,
                    first_name,
                    email,
                    organisation_kind,
                    siren,
                    siret,
                    company_name,
                    phone,
                    warnings,
                })
            }
            _ => Err(errors),
        }
    }

    /// The error of one field, the one [`parse`](Self::parse) reports for it, worked out from the texts of
    /// [`Field::reads`] alone: the browser checks the field being typed without parsing the whole form.
    pub fn error(&self, field: Field) -> Option<String> {
        match field {
            Field::Profile => self.profile().err(),
            Field::LastName => self.person(NamePart::Last).err(),
            Field::FirstName => self.person(NamePart::First).err(),
            Field::Email => self.email().err(),
            Field::OrganisationKind => self.organisation_kind().err(),
            Field::Siren => self.siren().err(),
            Field::Siret => self.siret().err(),
            Field::CompanyName => self.company_name().err(),
            Field::PhonePrefix => self.phone_prefix().err(),
            // Without a known prefix the number cannot be read: the prefix carries the error.
            Field::PhoneNumber => self
                .phone_prefix()
                .ok()
                .and_then(|prefix| self.phone(prefix).err()),
        }
    }

    fn profile(&self) -> Result<Profile, String> {
        Profile::from_code(self.profile.trim())
            .ok_or_else(|| "Sélectionnez le profil « API ».".to_string())
    }

    fn person(&self, part: NamePart) -> Result<PersonName, String> {
        let typed = match part {
            NamePart::Last => self.last_name,
            NamePart::First => self.first_name,
        };
        PersonName::parse(typed, part).map_err(|e| e.to_string())
    }

    fn email(&self) -> Result<Email, String> {
        Email::parse(self.email).map_err(|e| e.to_string())
    }

    fn organisation_kind(&self) -> Result<OrganisationKind, String> {
        OrganisationKind::from_code(self.organisation_kind.trim())
            .ok_or_else(|| "Sélectionnez le type de structure dans la liste.".to_string())
    }

    fn siren(&self) -> Result<Siren, String> {
        Siren::parse(self.siren).map_err(|e| e.to_string())
    }

    /// Optional; when the SIREN is valid, it must begin with it.
    fn siret(&self) -> Result<Option<Siret>, String> {
        let typed = self.siret.trim();
        if typed.is_empty() {
            return Ok(None);
        }
        let siret = Siret::parse(typed).map_err(|e| e.to_string())?;
        if let Ok(siren) = Siren::parse(self.siren) {
            siret.belongs_to(&siren).map_err(|e| e.to_string())?;
        }
        Ok(Some(siret))
    }

    fn company_name(&self) -> Result<Option<String>, String> {
        parse_company_name(self.company_name)
    }

    fn phone_prefix(&self) -> Result<PhonePrefix, String> {
        PhonePrefix::from_code(self.phone_prefix)
            .ok_or_else(|| "Sélectionnez l'indicatif de votre numéro de téléphone.".to_string())
    }

    fn phone(&self, prefix: PhonePrefix) -> Result<PhoneNumber, String> {
        PhoneNumber::parse(prefix, self.phone_number).map_err(|e| e.to_string())
    }

    /// The advice to show while typing, for the fields that parse.
    pub fn warnings(&self) -> Vec<(Field, Warning)> {
        let last = PersonName::parse(self.last_name, NamePart::Last);
        let first = PersonName::parse(self.first_name, NamePart::First);
        let email = Email::parse(self.email);
        let mut found = Vec::new();
        for (field, name) in [(Field::LastName, &last), (Field::FirstName, &first)] {
            if name.as_ref().is_ok_and(PersonName::looks_like_organisation) {
                found.push((field, Warning::OrganisationName));
            }
        }
        if let Ok(email) = &email {
            let names: Vec<&PersonName> = [&last, &first]
                .into_iter()
                .filter_map(|n| n.as_ref().ok())
                .collect();
            if email_is_personal(email, &names) {
                found.push((Field::Email, Warning::PersonalEmail));
            }
        }
        found
    }
}

fn warnings(last: &PersonName, first: &PersonName, email: &Email) -> Vec<(Field, Warning)> {
    let raw = RawRegistration {
        last_name: last.as_str(),
        first_name: first.as_str(),
        email: email.as_str(),
        ..Default::default()
    };
    raw.warnings()
}

/// An address whose local part contains the person's name (at least 3 letters) looks personal.
fn email_is_personal(email: &Email, names: &[&PersonName]) -> bool {
    let local = fold(email.local_part());
    names.iter().any(|name| {
        fold(name.as_str())
            .split(|c: char| !c.is_alphanumeric())
            .any(|part| part.chars().count() >= 3 && local.contains(part))
    })
}

/// Trims the typed company name; `None` when empty.
pub fn parse_company_name(input: &str) -> Result<Option<String>, String> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Ok(None);
    }
    if name.chars().count() > COMPANY_NAME_MAX {
        return Err(format!(
            "La raison sociale ne peut pas dépasser {COMPANY_NAME_MAX} caractères."
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("La raison sociale contient un caractère non autorisé.".to_string());
    }
    Ok(Some(name))
}

/// The company name typed by the applicant, when the register cannot give it.
pub fn require_company_name(typed: Option<&str>) -> Result<&str, String> {
    typed.filter(|n| !n.is_empty()).ok_or_else(|| {
        "La raison sociale est obligatoire ici : saisissez le nom officiel de votre structure."
            .to_string()
    })
}

#[cfg(test)]
mod tests;
