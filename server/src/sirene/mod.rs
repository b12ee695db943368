//! The company register (SIRENE): what it says of a SIREN.
//!
//! Lookups go through [`CompanyRegister`], so that online registers (API Recherche d'entreprises, INSEE's API
//! Sirene) can join the local directory loaded from INSEE's StockUniteLegale file.

pub mod import;
mod local;

use async_trait::async_trait;

pub use local::LocalDirectory;

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

#[derive(Debug, thiserror::Error)]
#[error("the company register is unavailable: {0}")]
pub struct RegisterUnavailable(pub String);

#[async_trait]
pub trait CompanyRegister: Send + Sync {
    /// `Ok(None)` when the register does not know the SIREN.
    async fn lookup(&self, siren: &str) -> Result<Option<Company>, RegisterUnavailable>;
}
