//! Checking again, once a register answers, the SIREN of the pending requests that were stored « SIREN non
//! vérifié » (no register answered when they were sent). The result goes on the request (state, legal
//! category, diffusion, when) and in its history, for the reviewer.

use std::time::Duration;

use anyhow::Context;
use sqlx::Any;

use super::events;
use crate::AppContext;
use crate::sirene::Company;
use crate::store::now_ms;

/// Requests checked per round, at most.
const ROUND: i64 = 100;

/// Checks the requests waiting for their SIREN; returns how many got an answer. A round stops at the first
/// request the register cannot answer: it is still down, the next round will try.
pub async fn round(ctx: &AppContext) -> anyhow::Result<usize> {
    let waiting: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, siren FROM registrations WHERE siren_verified = 0 AND status = 'pending' ORDER BY id LIMIT $1",
    )
    .bind(ROUND)
    .fetch_all(&ctx.db.pool)
    .await
    .context("cannot read the requests to check")?;
    let mut checked = 0;
    for (id, siren) in waiting {
        match ctx.register.lookup(&siren).await {
            Ok(answer) => {
                if record(ctx, id, answer.as_ref()).await? {
                    checked += 1;
                }
            }
            Err(unavailable) => {
                tracing::info!(error = %unavailable, "the register still cannot check pending SIRENs");
                break;
            }
        }
    }
    Ok(checked)
}

/// Writes the register's answer on the request, once (another instance may have done it meanwhile).
async fn record(ctx: &AppContext, id: i64, answer: Option<&Company>) -> anyhow::Result<bool> {
    let now = now_ms();
    let mut tx = ctx.db.pool.begin().await?;
    let updated = sqlx::query::<Any>(
        "UPDATE registrations SET siren_verified = $1, register_state = $2, register_diffusible = $3,
            legal_category = COALESCE($4, legal_category), register_checked_at = $5
         WHERE id = $6 AND siren_verified = 0",
    )
    .bind(if answer.is_some() { 1_i64 } else { 2 })
    .bind(answer.map(|c| c.state.code()))
    .bind(answer.map(|c| i64::from(c.diffusible)))
    .bind(answer.and_then(|c| c.legal_category.clone()))
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(false);
    }
    let detail = match answer {
        Some(company) => format!(
            "SIREN vérifié au répertoire SIRENE : {}, {}{}",
            company.name.as_deref().unwrap_or("nom non diffusible"),
            if company.state == crate::sirene::UnitState::Ceased {
                "cessée"
            } else {
                "active"
            },
            company
                .legal_category
                .as_deref()
                .map(|c| format!(", catégorie juridique {c}"))
                .unwrap_or_default()
        ),
        None => "SIREN inconnu du répertoire SIRENE".to_string(),
    };
    events::record(&mut tx, id, now, events::SYSTEM, "siren_checked", &detail).await?;
    tx.commit().await?;
    Ok(true)
}

/// Runs a round now and then every `every`, for as long as the server runs.
pub async fn run(ctx: AppContext, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match round(&ctx).await {
            Ok(0) => {}
            Ok(checked) => tracing::info!(checked, "pending SIRENs checked again"),
            Err(error) => tracing::error!("checking pending SIRENs again failed: {error:#}"),
        }
    }
}
