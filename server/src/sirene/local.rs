//! The local SIRENE directory: legal units stored in the database.

use async_trait::async_trait;

use super::{Company, CompanyRegister, RegisterUnavailable, UnitState};
use crate::store::Db;

pub struct LocalDirectory {
    db: Db,
}

impl LocalDirectory {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[async_trait]
impl CompanyRegister for LocalDirectory {
    async fn lookup(&self, siren: &str) -> Result<Option<Company>, RegisterUnavailable> {
        let loaded: Option<(i64,)> = sqlx::query_as("SELECT id FROM sirene_imports LIMIT 1")
            .fetch_optional(&self.db.pool)
            .await
            .map_err(|e| RegisterUnavailable(e.to_string()))?;
        if loaded.is_none() {
            return Err(RegisterUnavailable(
                "the local directory has never been loaded".into(),
            ));
        }
        let row: Option<(String, String, i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT siren, state, diffusible, company_name, legal_category FROM sirene_units WHERE siren = $1",
        )
        .bind(siren)
        .fetch_optional(&self.db.pool)
        .await
        .map_err(|e| RegisterUnavailable(e.to_string()))?;
        Ok(row.map(|(siren, state, diffusible, name, legal_category)| {
            let diffusible = diffusible != 0;
            Company {
                siren,
                name: if diffusible { name } else { None },
                state: if state == "ceased" {
                    UnitState::Ceased
                } else {
                    UnitState::Active
                },
                legal_category,
                diffusible,
            }
        }))
    }
}
