//! The company register (SIRENE): what it says of a SIREN, and which units bear a name.
//!
//! Lookups go through [`CompanyRegister`]: the local directory loaded from INSEE's StockUniteLegale file
//! ([`directory`], [`import`]) and the online registers can answer alike.

pub mod directory;
pub mod import;
pub mod online;
pub mod search;
pub mod stock;
pub mod synthetic;

use async_trait::async_trait;

pub use directory::LocalDirectory;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitState {
    Active,
    Ceased,
}

impl UnitState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Ceased => "ceased",
        }
    }
}

/// A legal unit as the register describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Company {
    pub siren: String,
    /// `None` for a non-diffusible unit (its name is not public).
    pub name: Option<String>,
    pub state: UnitState,
    pub legal_category: Option<String>,
    pub diffusible: bool,
}

/// How the register names a natural person (catégorie juridique 1000): "PRENOM NOM", the usage name before
/// the birth name.
pub fn person_name(first: Option<&str>, usage: Option<&str>, last: Option<&str>) -> Option<String> {
    match (first, usage.or(last)) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (None, Some(last)) => Some(last.to_string()),
        _ => None,
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the company register is unavailable: {0}")]
pub struct RegisterUnavailable(pub String);

#[async_trait]
pub trait CompanyRegister: Send + Sync {
    /// `Ok(None)` when the register does not know the SIREN.
    async fn lookup(&self, siren: &str) -> Result<Option<Company>, RegisterUnavailable>;
}
