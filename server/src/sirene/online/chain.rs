//! The configured chain of registers (`GEODAE_SIRENE_SOURCES`, e.g. `local,recherche-entreprises,insee`).
//!
//! The first source that knows the SIREN answers. "Unknown" is final only from a source that should know: an
//! online register, or the local directory when it holds a national file (or is the only source); the shipped
//! extract alone does not know every company, so its "unknown" lets the next source answer. When no source can
//! answer, the register is unavailable: the applicant types the name and the request is checked again later.
//! Online answers are cached for a while, unknown SIRENs included.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::guard::{Breaker, Guarded, RateLimit};
use super::insee::InseeSirene;
use super::recherche::RechercheEntreprises;
use crate::config::{SireneConfig, SireneSource};
use crate::sirene::{Company, CompanyRegister, LocalDirectory, RegisterUnavailable};
use crate::store::Db;

/// A directory of at least this many units is INSEE's national file (the shipped extract has 36,756).
const NATIONAL_UNITS: i64 = 1_000_000;

/// Cached answers at most; the oldest half goes when it is full.
const CACHE_ENTRIES: usize = 10_000;

enum Step {
    Local(Arc<LocalDirectory>),
    Online(Guarded),
}

pub struct Chain {
    steps: Vec<Step>,
    db: Db,
    ttl: Duration,
    cache: Mutex<HashMap<String, (Instant, Option<Company>)>>,
    /// Whether the local directory is national, and when that was read.
    national: Mutex<Option<(Instant, bool)>>,
}

impl Chain {
    pub fn new(config: &SireneConfig, db: Db, local: &Arc<LocalDirectory>) -> anyhow::Result<Self> {
        let client = super::http_client()?;
        let steps = config
            .sources
            .iter()
            .map(|source| {
                Ok(match source {
                    SireneSource::Local => Step::Local(local.clone()),
                    SireneSource::RechercheEntreprises => Step::Online(Guarded::new(
                        "recherche-entreprises",
                        Box::new(RechercheEntreprises::new(
                            client.clone(),
                            &config.recherche_url,
                        )),
                        config.timeout,
                        // 7 requests/s per address: keep one in reserve for the other instances' margin.
                        RateLimit::new(config.recherche_per_second, Duration::from_secs(1)),
                        Breaker::new(3, Duration::from_secs(30)),
                    )),
                    SireneSource::Insee => Step::Online(Guarded::new(
                        "insee",
                        Box::new(InseeSirene::new(
                            client.clone(),
                            &config.insee_url,
                            config
                                .insee_key
                                .as_ref()
                                .map_or("", crate::config::Secret::expose),
                        )),
                        config.timeout,
                        RateLimit::new(config.insee_per_minute, Duration::from_secs(60)),
                        Breaker::new(3, Duration::from_secs(30)),
                    )),
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Self {
            steps,
            db,
            ttl: config.cache_ttl,
            cache: Mutex::default(),
            national: Mutex::default(),
        })
    }

    fn has_online(&self) -> bool {
        self.steps.iter().any(|s| matches!(s, Step::Online(_)))
    }

    /// Whether the local directory's "unknown" is final.
    async fn local_knows_all(&self) -> bool {
        if !self.has_online() {
            return true;
        }
        if let Ok(national) = self.national.lock()
            && let Some((at, national)) = *national
            && at.elapsed() < Duration::from_secs(60)
        {
            return national;
        }
        let units: Option<(i64,)> =
            sqlx::query_as("SELECT units FROM sirene_imports ORDER BY id DESC LIMIT 1")
                .fetch_optional(&self.db.pool)
                .await
                .unwrap_or(None);
        let national = units.is_some_and(|(n,)| n >= NATIONAL_UNITS);
        if let Ok(mut cached) = self.national.lock() {
            *cached = Some((Instant::now(), national));
        }
        national
    }

    fn cached(&self, siren: &str) -> Option<Option<Company>> {
        let cache = self.cache.lock().ok()?;
        let (at, answer) = cache.get(siren)?;
        (at.elapsed() < self.ttl).then(|| answer.clone())
    }

    fn remember(&self, siren: &str, answer: Option<Company>) {
        let Ok(mut cache) = self.cache.lock() else {
            return;
        };
        if cache.len() >= CACHE_ENTRIES {
            let ttl = self.ttl;
            cache.retain(|_, (at, _)| at.elapsed() < ttl);
            if cache.len() >= CACHE_ENTRIES {
                let mut ages: Vec<Instant> = cache.values().map(|(at, _)| *at).collect();
                ages.sort();
                let cut = ages[ages.len() / 2];
                cache.retain(|_, (at, _)| *at > cut);
            }
        }
        cache.insert(siren.to_string(), (Instant::now(), answer));
    }
}

#[async_trait]
impl CompanyRegister for Chain {
    async fn lookup(&self, siren: &str) -> Result<Option<Company>, RegisterUnavailable> {
        let mut reasons = Vec::new();
        for step in &self.steps {
            match step {
                Step::Local(local) => match local.lookup(siren).await {
                    Ok(Some(found)) => return Ok(Some(found)),
                    Ok(None) if self.local_knows_all().await => return Ok(None),
                    Ok(None) => reasons.push("local: not in the shipped extract".to_string()),
                    Err(e) => reasons.push(format!("local: {e}")),
                },
                Step::Online(online) => {
                    if let Some(answer) = self.cached(siren) {
                        return Ok(answer);
                    }
                    match online.lookup(siren).await {
                        Ok(answer) => {
                            self.remember(siren, answer.clone());
                            return Ok(answer);
                        }
                        Err(skipped) => {
                            tracing::warn!(source = online.name, siren, reason = %skipped, "online register skipped");
                            reasons.push(format!("{}: {skipped}", online.name));
                        }
                    }
                }
            }
        }
        Err(RegisterUnavailable(reasons.join("; ")))
    }
}
