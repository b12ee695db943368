//! Applying again after a refusal: the refusal email links to the form filled with the refused request's data,
//! by a signed link that expires.

use anyhow::Context;
use app::api::RegistrationRequest;

use crate::AppContext;
use crate::links::{self, LinkError};
use crate::store::now_ms;

/// How long a re-application link from a refusal email works.
pub const REAPPLY_LINK_DAYS: i64 = 30;

/// What the signed re-application link is for.
pub const LINK_PURPOSE: &str = "reprise";

/// Why a re-application link gives nothing.
#[derive(Debug, thiserror::Error)]
pub enum PrefillError {
    /// Not a link of this installation, its request not refused (or erased), or past its end.
    #[error("link {0:?}")]
    Link(LinkError),
    /// The key or the request cannot be read.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What the form takes again of a refused request.
#[derive(sqlx::FromRow)]
struct Refused {
    profile: String,
    last_name: String,
    first_name: String,
    email: String,
    organisation_kind: String,
    siren: String,
    siret: Option<String>,
    company_name: String,
    company_name_source: String,
    phone: String,
}

/// The refused request's data for the form, from a re-application link.
pub async fn prefill(ctx: &AppContext, link: &str) -> Result<RegistrationRequest, PrefillError> {
    let key = ctx.link_key().await?;
    let id = links::verify(&key, LINK_PURPOSE, link, now_ms()).map_err(PrefillError::Link)?;
    let row: Option<Refused> = sqlx::query_as(
        "SELECT profile, last_name, first_name, email, organisation_kind, siren, siret, company_name, company_name_source, phone
         FROM registrations WHERE id = $1 AND status = 'refused' AND erased_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&ctx.db.pool)
    .await
    .context("cannot read the refused request")?;
    let Some(Refused {
        profile,
        last_name,
        first_name,
        email,
        organisation_kind,
        siren,
        siret,
        company_name,
        company_name_source: source,
        phone,
    }) = row
    else {
        return Err(PrefillError::Link(LinkError::Unknown));
    };
    let (phone_prefix, phone_number) = super::follow::split_phone(&phone);
    Ok(RegistrationRequest {
        profile,
        last_name,
        first_name,
        email,
        organisation_kind,
        siren,
        siret: siret.unwrap_or_default(),
        // The register's name is filled again by the lookup; a typed one is given back.
        company_name: if source == "applicant" {
            company_name
        } else {
            String::new()
        },
        phone_prefix,
        phone_number,
    })
}
