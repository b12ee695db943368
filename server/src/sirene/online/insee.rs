//! INSEE's API Sirene 3.11 (`GET /siren/{siren}`, key in the `X-INSEE-Api-Key-Integration` header).

use async_trait::async_trait;
use serde::Deserialize;

use super::{Failure, OnlineRegister, fetch};
use crate::sirene::{Company, UnitState};

pub struct InseeSirene {
    client: reqwest::Client,
    /// e.g. `https://api.insee.fr/api-sirene/3.11`
    base: String,
    key: String,
}

impl InseeSirene {
    pub fn new(client: reqwest::Client, base: &str, key: &str) -> Self {
        Self {
            client,
            base: base.trim_end_matches('/').to_string(),
            key: key.to_string(),
        }
    }
}

#[derive(Deserialize)]
struct Answer {
    #[serde(rename = "uniteLegale")]
    unit: Unit,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Unit {
    siren: String,
    statut_diffusion_unite_legale: Option<String>,
    prenom_usuel_unite_legale: Option<String>,
    prenom1_unite_legale: Option<String>,
    /// The current values come first.
    periodes_unite_legale: Vec<Period>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Period {
    etat_administratif_unite_legale: Option<String>,
    nom_unite_legale: Option<String>,
    nom_usage_unite_legale: Option<String>,
    denomination_unite_legale: Option<String>,
    denomination_usuelle1_unite_legale: Option<String>,
    categorie_juridique_unite_legale: Option<String>,
}

/// How INSEE writes a value it withholds.
fn public(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty() && v != "[ND]")
}

impl Unit {
    fn company(self) -> Option<Company> {
        let diffusible = self.statut_diffusion_unite_legale.as_deref() != Some("P");
        let current = self.periodes_unite_legale.into_iter().next()?;
        let category = public(current.categorie_juridique_unite_legale);
        let name = if category.as_deref() == Some("1000") {
            crate::sirene::person_name(
                public(self.prenom_usuel_unite_legale)
                    .or(public(self.prenom1_unite_legale))
                    .as_deref(),
                public(current.nom_usage_unite_legale).as_deref(),
                public(current.nom_unite_legale).as_deref(),
            )
        } else {
            public(current.denomination_unite_legale)
                .or(public(current.denomination_usuelle1_unite_legale))
        };
        Some(Company {
            siren: self.siren,
            name: name.filter(|_| diffusible),
            state: if current.etat_administratif_unite_legale.as_deref() == Some("C") {
                UnitState::Ceased
            } else {
                UnitState::Active
            },
            legal_category: category,
            diffusible,
        })
    }
}

#[async_trait]
impl OnlineRegister for InseeSirene {
    async fn lookup(&self, siren: &str) -> Result<Option<Company>, Failure> {
        let request = self
            .client
            .get(format!("{}/siren/{siren}", self.base))
            .header("X-INSEE-Api-Key-Integration", &self.key)
            .header(reqwest::header::ACCEPT, "application/json");
        let Some(answer): Option<Answer> = fetch(request, true).await? else {
            return Ok(None);
        };
        answer
            .unit
            .company()
            .map(Some)
            .ok_or_else(|| Failure::Unavailable("an answer without periods".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_answer_gives_the_current_values() {
        let path = format!(
            "{}/tests/fixtures/sirene/q-356000000.insee-api-sirene.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let answer: Answer =
            serde_json::from_slice(&std::fs::read(path).expect("fixture")).expect("answer");
        let poste = answer.unit.company().expect("company");
        assert_eq!(poste.siren, "356000000");
        assert_eq!(poste.name.as_deref(), Some("LA POSTE"));
        assert_eq!(poste.legal_category.as_deref(), Some("5510"));
        assert_eq!(poste.state, UnitState::Active);
        assert!(poste.diffusible);
    }
}
