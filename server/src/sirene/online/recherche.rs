//! The API Recherche d'entreprises (`GET /search?q=<siren>`), open to all without a key.

use async_trait::async_trait;
use serde::Deserialize;

use super::{Failure, OnlineRegister, fetch};
use crate::sirene::{Company, UnitState};

pub struct RechercheEntreprises {
    client: reqwest::Client,
    /// e.g. `https://recherche-entreprises.api.gouv.fr`
    base: String,
}

impl RechercheEntreprises {
    pub fn new(client: reqwest::Client, base: &str) -> Self {
        Self {
            client,
            base: base.trim_end_matches('/').to_string(),
        }
    }
}

#[derive(Deserialize)]
struct Answer {
    results: Vec<Unit>,
}

#[derive(Deserialize)]
struct Unit {
    siren: String,
    nom_complet: Option<String>,
    nom_raison_sociale: Option<String>,
    etat_administratif: Option<String>,
    nature_juridique: Option<String>,
    statut_diffusion: Option<String>,
}

/// How the API writes a name it withholds.
const WITHHELD: &str = "[NON-DIFFUSIBLE]";

impl Unit {
    fn company(self) -> Company {
        let diffusible = self.statut_diffusion.as_deref() != Some("P");
        let name = self
            .nom_raison_sociale
            .or(self.nom_complet)
            .filter(|n| diffusible && !n.is_empty() && n != WITHHELD);
        Company {
            siren: self.siren,
            name,
            state: if self.etat_administratif.as_deref() == Some("C") {
                UnitState::Ceased
            } else {
                UnitState::Active
            },
            legal_category: self.nature_juridique,
            diffusible,
        }
    }
}

#[async_trait]
impl OnlineRegister for RechercheEntreprises {
    async fn lookup(&self, siren: &str) -> Result<Option<Company>, Failure> {
        let request = self.client.get(format!("{}/search", self.base)).query(&[
            ("q", siren),
            ("page", "1"),
            ("per_page", "5"),
        ]);
        // The API answers 200 with no results for a SIREN it does not know.
        let Some(answer): Option<Answer> = fetch(request, false).await? else {
            return Ok(None);
        };
        // A full-text search: only the unit with this very SIREN is the answer.
        Ok(answer
            .results
            .into_iter()
            .find(|u| u.siren == siren)
            .map(Unit::company))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(siren: &str) -> Answer {
        let path = format!(
            "{}/tests/fixtures/sirene/q-{siren}.recherche-entreprises.json",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_slice(&std::fs::read(path).expect("fixture")).expect("answer")
    }

    fn company(siren: &str) -> Company {
        fixture(siren)
            .results
            .into_iter()
            .find(|u| u.siren == siren)
            .expect("unit")
            .company()
    }

    #[test]
    fn real_answers_read_as_the_directory_reads_the_file() {
        let poste = company("356000000");
        assert_eq!(poste.name.as_deref(), Some("LA POSTE"));
        assert_eq!(poste.legal_category.as_deref(), Some("5510"));
        assert!(poste.diffusible && poste.state == UnitState::Active);
        let ceased = company("883010316");
        assert_eq!(ceased.name.as_deref(), Some("RAPHAEL DUBIGNY"));
        assert_eq!(ceased.state, UnitState::Ceased);
        let hidden = company("300025764");
        assert!(!hidden.diffusible && hidden.name.is_none());
        assert_eq!(company("400461356").legal_category.as_deref(), Some("9220"));
        assert_eq!(company("217500016").state, UnitState::Active);
    }
}
