//! What the company register said of the SIREN being typed, and what the form makes of it.

use crate::api::client::CallError;
use crate::api::{CompanyLookup, CompanyState, ErrorCode};
use crate::domain::company;

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Register {
    /// No complete SIREN yet.
    #[default]
    Idle,
    Loading(String),
    /// Active and public: the name is filled in.
    Found(CompanyLookup),
    /// Not public: the applicant types the name, the reviewer checks it.
    NonDiffusible(CompanyLookup),
    Ceased(CompanyLookup),
    Unknown(String),
    /// The register did not answer: the applicant may type the name, the request is marked "SIREN non vérifié".
    Unavailable(String),
}

impl Register {
    pub fn from_answer(siren: String, answer: Result<CompanyLookup, CallError>) -> Self {
        match answer {
            Ok(company) if company.state == CompanyState::Ceased => Self::Ceased(company),
            Ok(company) if !company.diffusible || company.company_name.is_none() => {
                Self::NonDiffusible(company)
            }
            Ok(company) => Self::Found(company),
            Err(e) if e.code() == Some(ErrorCode::UnknownSiren) => Self::Unknown(siren),
            Err(_) => Self::Unavailable(siren),
        }
    }

    /// The SIREN this state is about.
    pub fn siren(&self) -> Option<&str> {
        match self {
            Self::Idle => None,
            Self::Loading(s) | Self::Unknown(s) | Self::Unavailable(s) => Some(s),
            Self::Found(c) | Self::NonDiffusible(c) | Self::Ceased(c) => Some(&c.siren),
        }
    }

    /// The error the SIREN field shows because of the register.
    pub fn siren_error(&self) -> Option<String> {
        match self {
            Self::Ceased(c) => Some(company::ceased(c.company_name.as_deref())),
            Self::Unknown(_) => Some(company::UNKNOWN_SIREN.to_string()),
            _ => None,
        }
    }

    /// Whether the applicant types the company name.
    pub fn name_is_typed(&self) -> bool {
        matches!(self, Self::NonDiffusible(_) | Self::Unavailable(_))
    }

    /// The name the register gives, shown in the read-only field.
    pub fn company_name(&self) -> Option<&str> {
        match self {
            Self::Found(c) | Self::Ceased(c) => c.company_name.as_deref(),
            _ => None,
        }
    }

    /// What to tell the applicant under the company name.
    pub fn info(&self) -> Option<&'static str> {
        match self {
            Self::Idle => None,
            Self::Loading(_) => Some("Recherche de la raison sociale dans le répertoire SIRENE…"),
            Self::Found(_) => Some("Raison sociale issue du répertoire SIRENE."),
            Self::NonDiffusible(_) | Self::Ceased(_) | Self::Unknown(_) | Self::Unavailable(_) => {
                None
            }
        }
    }

    pub fn warning(&self) -> Option<&'static str> {
        match self {
            Self::NonDiffusible(_) => Some(company::NON_DIFFUSIBLE),
            Self::Unavailable(_) => Some(company::REGISTER_UNAVAILABLE),
            _ => None,
        }
    }
}
