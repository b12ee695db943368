//! What a reviewer must check about a request's company, in one place and in one wording: computed when the
//! request is submitted (stored with the request, listed in the ministry's notice) and again, against the
//! register's current answer, when a reviewer opens it.

use app::domain::company::SIREN_NOT_VERIFIED;
use app::domain::person_name::fold;
use app::domain::{OrganisationKind, dates};

use crate::sirene::{Company, UnitState};

/// What the register says of the request's SIREN.
#[derive(Clone, Copy, Debug)]
pub enum Answer<'a> {
    /// The register knows the unit.
    Found(&'a Company),
    /// A register that should know said it does not.
    Unknown {
        /// When it said so (ms since the epoch).
        checked_at: Option<i64>,
    },
    /// No register answered when the request was submitted; it is checked again in the background.
    NotVerified,
    /// Verified at submission, but the register no longer has it.
    Gone,
    /// No register answers now.
    Unavailable,
}

/// What the applicant gave about the company.
#[derive(Clone, Copy, Debug)]
pub struct Applied<'a> {
    /// The raison sociale stored with the request.
    pub company_name: &'a str,
    /// The type de structure chosen.
    pub organisation_kind: Option<OrganisationKind>,
}

/// How every point starts: a stored point is recognised by its opening, so that the request page lists it
/// once (the current one) and not again among the stored warnings.
const OPENINGS: [&str; 7] = [
    SIREN_NOT_VERIFIED,
    "SIREN inconnu du répertoire SIRENE",
    "Structure cessée au répertoire SIRENE",
    "Structure non diffusible au répertoire SIRENE",
    "Raison sociale saisie «",
    "Type de structure «",
    "Le répertoire SIRENE",
];

/// The points to check, each a sentence for the reviewer.
pub fn points(answer: Answer<'_>, applied: Applied<'_>) -> Vec<String> {
    let company = match answer {
        Answer::Found(company) => company,
        Answer::Unknown { checked_at } => {
            return vec![format!(
                "SIREN inconnu du répertoire SIRENE (vérifié le {}).",
                checked_at.map(dates::date_time).unwrap_or_default()
            )];
        }
        Answer::NotVerified => {
            return vec![format!(
                "{SIREN_NOT_VERIFIED} : le répertoire SIRENE ne répondait pas lors de la demande ; il est interrogé à nouveau automatiquement."
            )];
        }
        Answer::Gone => {
            return vec![
                "Le répertoire SIRENE n'a plus ce SIREN, vérifié lors de la demande.".into(),
            ];
        }
        Answer::Unavailable => {
            return vec![
                "Le répertoire SIRENE ne répond pas : la structure ne peut pas être vérifiée maintenant."
                    .into(),
            ];
        }
    };
    let mut points = Vec::new();
    if company.state == UnitState::Ceased {
        points.push("Structure cessée au répertoire SIRENE.".to_string());
    }
    match &company.name {
        Some(name) if company.diffusible => {
            if fold(name) != fold(applied.company_name) {
                points.push(format!(
                    "Raison sociale saisie « {} », répertoire « {name} ».",
                    applied.company_name
                ));
            }
        }
        _ => points.push(
            "Structure non diffusible au répertoire SIRENE : raison sociale saisie par le demandeur, à vérifier."
                .to_string(),
        ),
    }
    if let (Some(category), Some(kind)) = (&company.legal_category, applied.organisation_kind)
        && let Some(expected) = OrganisationKind::expected_for_legal_category(category)
        && expected != kind
    {
        points.push(format!(
            "Type de structure « {} » alors que la catégorie juridique {category} correspond à « {} ».",
            kind.label(),
            expected.label()
        ));
    }
    points
}

/// Whether a stored warning is one of these points.
pub fn is_point(text: &str) -> bool {
    OPENINGS.iter().any(|opening| text.starts_with(opening))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company(name: Option<&str>, diffusible: bool, category: &str) -> Company {
        Company {
            siren: "356000000".into(),
            name: name.map(Into::into),
            state: UnitState::Active,
            legal_category: Some(category.into()),
            diffusible,
        }
    }

    #[test]
    fn every_point_is_recognised_as_one() {
        let association = company(None, false, "9220");
        let ceased = Company {
            state: UnitState::Ceased,
            ..company(Some("LA POSTE"), true, "5510")
        };
        let applied = Applied {
            company_name: "Autre nom",
            organisation_kind: Some(OrganisationKind::AdministrationCollectivite),
        };
        let answers = [
            Answer::Found(&association),
            Answer::Found(&ceased),
            Answer::Unknown {
                checked_at: Some(1_795_874_400_000),
            },
            Answer::NotVerified,
            Answer::Gone,
            Answer::Unavailable,
        ];
        let all: Vec<String> = answers
            .into_iter()
            .flat_map(|answer| points(answer, applied))
            .collect();
        assert_eq!(all.len(), 9, "{all:#?}");
        assert!(all.iter().all(|p| is_point(p)), "{all:#?}");
        assert!(!is_point(
            "Téléphone : ce numéro ressemble à un numéro surtaxé."
        ));
    }

    #[test]
    fn a_matching_diffusible_unit_raises_nothing() {
        let poste = company(Some("LA POSTE"), true, "5510");
        let applied = Applied {
            company_name: "La Poste",
            organisation_kind: None,
        };
        assert!(points(Answer::Found(&poste), applied).is_empty());
    }
}
