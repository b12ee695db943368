//! API accounts after validation: the one-time password link and its renewal (`links`), recovery of a lost
//! password or identifiant (`recovery`), the administrators' actions on an account (`manage`) and the account
//! page. Sign-in is the principals' one (`auth::sign_in`).

#![warn(missing_docs)]

pub mod manage;
pub mod password_link;
pub mod recovery;
pub mod tokens;

use anyhow::Context;
use app::api::AccountView;
use app::api::admin::HistoryEntry;

use crate::principal::Kind;
use crate::principal::Principal;
use crate::registration::events;
use crate::store::Db;

pub use password_link::{Lifetime, SetupError, issue_password_link, set_password, setup_info};

/// A signed-in API account.
#[derive(Clone, Debug)]
pub struct Account {
    /// Its internal id.
    pub id: i64,
    /// Its identifiant.
    pub login: String,
}

impl Principal for Account {
    const KIND: Kind = Kind::Account;

    async fn load(db: &Db, id: i64) -> Result<Option<Self>, sqlx::Error> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT id, login FROM accounts WHERE id = $1 AND disabled = 0")
                .bind(id)
                .fetch_optional(&db.pool)
                .await?;
        Ok(row.map(|(id, login)| Self { id, login }))
    }

    fn id(&self) -> i64 {
        self.id
    }

    fn login(&self) -> &str {
        &self.login
    }
}

/// An account and its request, as the account page shows them.
#[derive(sqlx::FromRow)]
struct AccountRow {
    login: String,
    email: String,
    company_name: String,
    siren: String,
    reference: String,
    created_at: i64,
    registration_id: i64,
}

/// The account page.
pub async fn view(
    db: &Db,
    account_id: i64,
    csrf_token: String,
) -> anyhow::Result<Option<AccountView>> {
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT a.login, a.email, r.company_name, r.siren, r.reference, a.created_at, r.id AS registration_id
         FROM accounts a JOIN registrations r ON r.id = a.registration_id WHERE a.id = $1 AND a.disabled = 0",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await
    .context("cannot read the account")?;
    let Some(row) = row else {
        return Ok(None);
    };
    let history = events::history(db, row.registration_id).await?;
    Ok(Some(AccountView {
        login: row.login,
        email: row.email,
        company_name: row.company_name,
        siren: row.siren,
        reference: row.reference,
        created_at: row.created_at,
        csrf_token,
        history: history
            .into_iter()
            .map(|entry| HistoryEntry {
                // Administrators' logins are not shown to applicants.
                actor: if entry.actor == events::APPLICANT {
                    "Vous".into()
                } else {
                    "Administrateur Géo'DAE".into()
                },
                ..entry
            })
            .collect(),
        // Filled by the caller, who knows the configured rate.
        api_usage: app::api::ApiUsage::default(),
    }))
}
