//! Configuration, read from the environment once at start (see the README's table).

use std::env;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::flood::{FloodLimits, Limit, Rate};

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    /// Where cargo-leptos put the built site (`pkg/`, styles, `public/` files).
    pub site_root: PathBuf,
    pub database_url: String,
    pub data_dir: PathBuf,
    /// Base of the links in emails, e.g. `https://comptes.geodae.sante.gouv.fr`.
    pub public_url: String,
    pub mail: MailConfig,
    /// Addresses told of each new request.
    pub admin_emails: Vec<String>,
    /// Load the shipped SIRENE extract when the directory is empty.
    pub sirene_seed: bool,
    /// The registers asked for a SIREN, and how.
    pub sirene: SireneConfig,
    /// A pending request waiting this many days is overdue on the dashboard.
    pub review_target_days: i64,
    /// Days without an answer to a request for a complement before the applicant is reminded, once.
    pub complement_reminder_days: i64,
    /// Days without an answer to a request for a complement before the request is closed without follow-up.
    pub complement_close_days: i64,
    /// How long the password link of a validation email works.
    pub password_link_days: i64,
    /// Behind a reverse proxy: take the client's address from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// API accounts' passwords.
    pub password_policy: app::domain::password::PasswordPolicy,
    /// Flood limits of the public endpoints that write or send mail.
    pub flood: FloodLimits,
    /// The data API's rate per account (`GEODAE_API_RATE` calls a second, `GEODAE_API_BURST` at once).
    pub api_rate: crate::dae::usage::ApiRate,
    /// What the mandatory pages say of this installation, its retention periods included.
    pub legal: app::api::LegalInfo,
    /// The identifiant of the administrator created on an empty database (`GEODAE_FIRST_ADMIN`).
    pub first_admin: String,
    /// How long a password link asked without a session (forgotten password, renewal) works, in hours.
    pub recovery_link_hours: i64,
    /// What bounds the hold of one client on the service.
    pub guards: Guards,
}

/// What bounds the hold of one client on the service: connections, exports, the SIRENE lookups.
#[derive(Clone, Debug)]
pub struct Guards {
    /// A request's headers must arrive within this time of its first byte (or of the connection).
    pub header_timeout: std::time::Duration,
    /// A request (its body and its answer's start) must be done within this time: 408 otherwise.
    pub request_timeout: std::time::Duration,
    /// A client that takes nothing of an answer for this long is disconnected.
    pub stalled_write_timeout: std::time::Duration,
    /// Exports of the defibrillators streaming at once, every account together (one per account).
    pub exports_at_once: usize,
    /// The public SIRENE lookups and searches of one client address (`GEODAE_SIRENE_RATE`, `_BURST`).
    pub sirene_per_address: crate::bucket::ApiRate,
}

impl Default for Guards {
    fn default() -> Self {
        Self {
            header_timeout: std::time::Duration::from_secs(10),
            request_timeout: std::time::Duration::from_secs(30),
            stalled_write_timeout: std::time::Duration::from_secs(30),
            exports_at_once: 4,
            sirene_per_address: crate::bucket::ApiRate {
                per_second: 2.0,
                burst: 30.0,
            },
        }
    }
}

/// A request pending longer is late on the dashboard (`GEODAE_REVIEW_TARGET_DAYS`).
const REVIEW_TARGET_DAYS: i64 = 5;
/// A request for a complement unanswered this long is recalled once (`GEODAE_COMPLEMENT_REMINDER_DAYS`).
const COMPLEMENT_REMINDER_DAYS: i64 = 7;
/// … and closed without follow-up this long after it was asked (`GEODAE_COMPLEMENT_CLOSE_DAYS`).
const COMPLEMENT_CLOSE_DAYS: i64 = 30;
/// The validation email's password link works this long (`GEODAE_PASSWORD_LINK_DAYS`).
const PASSWORD_LINK_DAYS: i64 = 7;
/// A link asked without a session works this long (`GEODAE_RECOVERY_LINK_HOURS`).
const RECOVERY_LINK_HOURS: i64 = 2;
/// The administrator created on an empty database (`GEODAE_FIRST_ADMIN`).
const FIRST_ADMIN: &str = "admin";
/// The sender of every email (`GEODAE_MAIL_FROM`).
const MAIL_FROM: &str = "Géo'DAE <ne-pas-repondre@geodae.sante.gouv.fr>";

impl Config {
    /// The configuration of a test or a benchmark: `from_env`'s defaults, on a free port of the loopback, with
    /// the database `database_url`, mail as files in `data_dir`, and no ministry inbox. Each test changes what it
    /// is about.
    pub fn for_tests(database_url: &str, data_dir: &std::path::Path) -> Self {
        let public_url = "http://comptes.geodae.test".to_string();
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            site_root: PathBuf::from("target/site"),
            database_url: database_url.to_string(),
            data_dir: data_dir.to_path_buf(),
            mail: MailConfig {
                from: MAIL_FROM.into(),
                transport: MailTransport::Files(data_dir.join("mail")),
            },
            admin_emails: Vec::new(),
            sirene_seed: true,
            sirene: SireneConfig::default(),
            review_target_days: REVIEW_TARGET_DAYS,
            complement_reminder_days: COMPLEMENT_REMINDER_DAYS,
            complement_close_days: COMPLEMENT_CLOSE_DAYS,
            password_link_days: PASSWORD_LINK_DAYS,
            recovery_link_hours: RECOVERY_LINK_HOURS,
            first_admin: FIRST_ADMIN.into(),
            trust_proxy: false,
            password_policy: Default::default(),
            flood: FloodLimits::default(),
            api_rate: Default::default(),
            guards: Guards::default(),
            legal: app::api::LegalInfo {
                site_url: public_url.clone(),
                ..Default::default()
            },
            public_url,
        }
    }

    /// Session cookies are `Secure` whenever the public address is HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn password_policy() -> anyhow::Result<app::domain::password::PasswordPolicy> {
    let default = app::domain::password::PasswordPolicy::default();
    let policy = app::domain::password::PasswordPolicy {
        min: ranged(
            "GEODAE_PASSWORD_MIN",
            default.min,
            6..=128,
            "a number of characters",
        )?,
        max: ranged(
            "GEODAE_PASSWORD_MAX",
            default.max,
            8..=256,
            "a number of characters",
        )?,
        classes: ranged(
            "GEODAE_PASSWORD_CLASSES",
            default.classes,
            1..=4,
            "a number of kinds",
        )?,
    };
    if policy.min > policy.max {
        bail!("GEODAE_PASSWORD_MIN must not exceed GEODAE_PASSWORD_MAX");
    }
    Ok(policy)
}

/// `GEODAE_FLOOD_<ACTION>` is a rate per client address, optionally followed by one for everyone
/// (`20/h,500/h`); `GEODAE_MINISTRY_NOTICES` one rate.
fn flood_limits() -> anyhow::Result<FloodLimits> {
    let default = FloodLimits::default();
    let limit = |name: &str, default: Limit| -> anyhow::Result<Limit> {
        let Some(text) = var(name) else {
            return Ok(default);
        };
        let rate = |part: &str| {
            part.parse::<Rate>()
                .map_err(|e| anyhow::anyhow!("{name}: {e} (a rate per client address, then optionally one for everyone: 20/h or 20/h,500/h)"))
        };
        Ok(match text.split_once(',') {
            Some((per_address, global)) => Limit {
                per_address: rate(per_address)?,
                global: Some(rate(global)?),
            },
            None => Limit::per_address(rate(&text)?),
        })
    };
    Ok(FloodLimits {
        registrations: limit("GEODAE_FLOOD_REGISTRATIONS", default.registrations)?,
        recovery: limit("GEODAE_FLOOD_RECOVERY", default.recovery)?,
        sign_in: limit("GEODAE_FLOOD_SIGN_IN", default.sign_in)?,
        ministry_notices: match var("GEODAE_MINISTRY_NOTICES") {
            None => default.ministry_notices,
            Some(text) => text
                .parse()
                .map_err(|e| anyhow::anyhow!("GEODAE_MINISTRY_NOTICES: {e}"))?,
        },
    })
}

/// `GEODAE_API_RATE` (calls a second, 10 by default) and `GEODAE_API_BURST` (at once, 20 by default).
fn api_rate() -> anyhow::Result<crate::dae::usage::ApiRate> {
    rate("GEODAE_API", crate::dae::usage::ApiRate::default())
}

/// `<prefix>_RATE` (uses a second) and `<prefix>_BURST` (at once).
fn rate(prefix: &str, default: crate::bucket::ApiRate) -> anyhow::Result<crate::bucket::ApiRate> {
    let what = "a number of calls";
    Ok(crate::bucket::ApiRate {
        per_second: ranged(
            &format!("{prefix}_RATE"),
            default.per_second,
            0.01..=100_000.0,
            what,
        )?,
        burst: ranged(
            &format!("{prefix}_BURST"),
            default.burst,
            1.0..=100_000.0,
            what,
        )?,
    })
}

/// `GEODAE_FIRST_ADMIN`: the first administrator's identifiant, by the rules of every administrator's.
fn first_admin() -> anyhow::Result<String> {
    let login = var("GEODAE_FIRST_ADMIN").unwrap_or_else(|| FIRST_ADMIN.into());
    if let Err(message) = crate::admins::check_login(&login) {
        bail!("GEODAE_FIRST_ADMIN: {message}");
    }
    Ok(login)
}

fn guards() -> anyhow::Result<Guards> {
    let default = Guards::default();
    Ok(Guards {
        exports_at_once: ranged(
            "GEODAE_EXPORTS_AT_ONCE",
            default.exports_at_once,
            1..=64,
            "a number of exports",
        )?,
        sirene_per_address: rate("GEODAE_SIRENE", default.sirene_per_address)?,
        ..default
    })
}

/// The publisher, host and data protection officer (`GEODAE_PUBLISHER`, `GEODAE_HOST_*`, `GEODAE_DPO*`) and the
/// retention periods (`GEODAE_RETENTION_*_DAYS`); the defaults are the ministry's.
fn legal(site_url: &str) -> anyhow::Result<app::api::LegalInfo> {
    let default = app::api::LegalInfo::default();
    let text = |name: &str, default: String| var(name).unwrap_or(default);
    let period = |name: &str, default: u32| ranged(name, default, 1..=3_650, "a number of days");
    let kept = default.retention;
    Ok(app::api::LegalInfo {
        site_url: site_url.to_string(),
        publisher: text("GEODAE_PUBLISHER", default.publisher),
        publisher_address: text("GEODAE_PUBLISHER_ADDRESS", default.publisher_address),
        publication_director: text("GEODAE_PUBLICATION_DIRECTOR", default.publication_director),
        host: text("GEODAE_HOST_NAME", default.host),
        host_address: text("GEODAE_HOST_ADDRESS", default.host_address),
        host_phone: text("GEODAE_HOST_PHONE", default.host_phone),
        dpo: text("GEODAE_DPO", default.dpo),
        dpo_email: var("GEODAE_DPO_EMAIL"),
        retention: app::api::Retention {
            refused_days: period("GEODAE_RETENTION_REFUSED_DAYS", kept.refused_days)?,
            unactivated_days: period("GEODAE_RETENTION_UNACTIVATED_DAYS", kept.unactivated_days)?,
            disabled_days: period("GEODAE_RETENTION_DISABLED_DAYS", kept.disabled_days)?,
            ended_days: period("GEODAE_RETENTION_ENDED_DAYS", kept.ended_days)?,
            mail_days: period("GEODAE_RETENTION_MAIL_DAYS", kept.mail_days)?,
            // The trail must outlive what it is asked about; the database keeps 30 days whatever is set.
            audit_days: ranged(
                "GEODAE_RETENTION_AUDIT_DAYS",
                kept.audit_days,
                30..=3_650,
                "a number of days",
            )?,
        },
    })
}

/// `name` read as a number within `range` (`what` says of what, for the error), `default` when unset.
fn ranged<T>(
    name: &str,
    default: T,
    range: std::ops::RangeInclusive<T>,
    what: &str,
) -> anyhow::Result<T>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(text) => match text.parse::<T>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => bail!(
                "{name} must be {what} between {} and {}, not {text}",
                range.start(),
                range.end()
            ),
        },
    }
}

/// A register of the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SireneSource {
    /// The local directory (the shipped extract, or INSEE's file once imported).
    Local,
    /// The API Recherche d'entreprises.
    RechercheEntreprises,
    /// INSEE's API Sirene (needs `GEODAE_INSEE_API_KEY`).
    Insee,
}

#[derive(Clone, Debug)]
pub struct SireneConfig {
    /// Asked in this order (`GEODAE_SIRENE_SOURCES`).
    pub sources: Vec<SireneSource>,
    pub recherche_url: String,
    pub insee_url: String,
    pub insee_key: Option<Secret>,
    /// Longest wait for one online register.
    pub timeout: std::time::Duration,
    /// How long an online answer is reused.
    pub cache_ttl: std::time::Duration,
    /// The quota kept by this instance: requests per second to the API Recherche d'entreprises.
    pub recherche_per_second: u32,
    /// Requests per minute to INSEE's API.
    pub insee_per_minute: u32,
    /// How often requests whose SIREN could not be checked are checked again.
    pub reverify_every: std::time::Duration,
}

impl Default for SireneConfig {
    fn default() -> Self {
        Self {
            sources: vec![SireneSource::Local],
            recherche_url: "https://recherche-entreprises.api.gouv.fr".into(),
            insee_url: "https://api.insee.fr/api-sirene/3.11".into(),
            insee_key: None,
            timeout: std::time::Duration::from_millis(2_000),
            cache_ttl: std::time::Duration::from_secs(3_600),
            recherche_per_second: 7,
            insee_per_minute: 30,
            reverify_every: std::time::Duration::from_secs(600),
        }
    }
}

fn sirene() -> anyhow::Result<SireneConfig> {
    let default = SireneConfig::default();
    let sources = match var("GEODAE_SIRENE_SOURCES") {
        None => default.sources.clone(),
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s {
                "local" => Ok(SireneSource::Local),
                "recherche-entreprises" => Ok(SireneSource::RechercheEntreprises),
                "insee" => Ok(SireneSource::Insee),
                other => bail!(
                    "GEODAE_SIRENE_SOURCES: unknown source {other} (local, recherche-entreprises, insee)"
                ),
            })
            .collect::<anyhow::Result<Vec<_>>>()?,
    };
    if sources.is_empty() {
        bail!("GEODAE_SIRENE_SOURCES names no source");
    }
    let insee_key = var("GEODAE_INSEE_API_KEY").map(Secret);
    if sources.contains(&SireneSource::Insee) && insee_key.is_none() {
        bail!("GEODAE_INSEE_API_KEY is required when GEODAE_SIRENE_SOURCES includes insee");
    }
    let minutes =
        |name: &str, default: std::time::Duration, range: std::ops::RangeInclusive<u64>| {
            ranged(name, default.as_secs() / 60, range, "a number of minutes")
                .map(|m| std::time::Duration::from_secs(60 * m))
        };
    Ok(SireneConfig {
        sources,
        recherche_url: var("GEODAE_RECHERCHE_ENTREPRISES_URL").unwrap_or(default.recherche_url),
        insee_url: var("GEODAE_INSEE_API_URL").unwrap_or(default.insee_url),
        insee_key,
        timeout: std::time::Duration::from_millis(ranged(
            "GEODAE_SIRENE_TIMEOUT_MS",
            u64::try_from(default.timeout.as_millis()).unwrap_or(u64::MAX),
            100..=30_000,
            "a number of milliseconds",
        )?),
        cache_ttl: minutes("GEODAE_SIRENE_CACHE_MINUTES", default.cache_ttl, 0..=10_080)?,
        reverify_every: minutes(
            "GEODAE_SIRENE_REVERIFY_MINUTES",
            default.reverify_every,
            1..=1_440,
        )?,
        ..default
    })
}

#[derive(Clone, Debug)]
pub struct MailConfig {
    pub from: String,
    pub transport: MailTransport,
}

#[derive(Clone, Debug)]
pub enum MailTransport {
    /// One `.eml` file per message in this directory.
    Files(PathBuf),
    Smtp(SmtpConfig),
}

#[derive(Clone, Debug)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub credentials: Option<(String, Secret)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    None,
    StartTls,
    Tls,
}

/// A secret of the configuration (the SMTP password, INSEE's key): it never prints, in a log or an error.
#[derive(Clone)]
pub struct Secret(pub String);

impl Secret {
    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

fn var(name: &str) -> Option<String> {
    env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let addr = var("GEODAE_ADDR")
            .or_else(|| var("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr: SocketAddr = addr
            .parse()
            .with_context(|| format!("GEODAE_ADDR is not an address: {addr}"))?;
        let data_dir = PathBuf::from(var("GEODAE_DATA_DIR").unwrap_or_else(|| "data".into()));
        let complement_reminder_days = ranged(
            "GEODAE_COMPLEMENT_REMINDER_DAYS",
            COMPLEMENT_REMINDER_DAYS,
            1..=365,
            "a number of days",
        )?;
        let complement_close_days = ranged(
            "GEODAE_COMPLEMENT_CLOSE_DAYS",
            COMPLEMENT_CLOSE_DAYS,
            2..=730,
            "a number of days",
        )?;
        if complement_close_days <= complement_reminder_days {
            bail!(
                "GEODAE_COMPLEMENT_CLOSE_DAYS ({complement_close_days}) must be more than GEODAE_COMPLEMENT_REMINDER_DAYS ({complement_reminder_days})"
            );
        }
        let database_url = var("DATABASE_URL").unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", data_dir.join("geodae.db").display())
        });
        let transport = match var("GEODAE_MAIL_TRANSPORT").as_deref().unwrap_or("file") {
            "file" => MailTransport::Files(
                var("GEODAE_MAIL_DIR").map_or_else(|| data_dir.join("mail"), PathBuf::from),
            ),
            "smtp" => MailTransport::Smtp(SmtpConfig {
                host: var("GEODAE_SMTP_HOST")
                    .context("GEODAE_SMTP_HOST is required with GEODAE_MAIL_TRANSPORT=smtp")?,
                port: var("GEODAE_SMTP_PORT")
                    .map_or(Ok(587), |p| p.parse())
                    .context("GEODAE_SMTP_PORT")?,
                tls: match var("GEODAE_SMTP_TLS").as_deref().unwrap_or("starttls") {
                    "none" => SmtpTls::None,
                    "starttls" => SmtpTls::StartTls,
                    "tls" => SmtpTls::Tls,
                    other => bail!("GEODAE_SMTP_TLS must be none, starttls or tls, not {other}"),
                },
                credentials: var("GEODAE_SMTP_USERNAME")
                    .zip(var("GEODAE_SMTP_PASSWORD").map(Secret)),
            }),
            other => bail!("GEODAE_MAIL_TRANSPORT must be file or smtp, not {other}"),
        };
        let public_url = var("GEODAE_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_string();
        Ok(Self {
            addr,
            site_root: PathBuf::from(
                var("GEODAE_SITE_ROOT")
                    .or_else(|| var("LEPTOS_SITE_ROOT"))
                    .unwrap_or_else(|| "target/site".into()),
            ),
            database_url,
            legal: legal(&public_url)?,
            public_url,
            mail: MailConfig {
                from: var("GEODAE_MAIL_FROM").unwrap_or_else(|| MAIL_FROM.into()),
                transport,
            },
            admin_emails: var("GEODAE_ADMIN_EMAILS")
                .unwrap_or_else(|| "contact@geodae.sante.gouv.fr".into())
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            sirene_seed: var("GEODAE_SIRENE_SEED").as_deref() != Some("off"),
            sirene: sirene()?,
            review_target_days: ranged(
                "GEODAE_REVIEW_TARGET_DAYS",
                REVIEW_TARGET_DAYS,
                1..=365,
                "a number of days",
            )?,
            complement_reminder_days,
            complement_close_days,
            password_link_days: ranged(
                "GEODAE_PASSWORD_LINK_DAYS",
                PASSWORD_LINK_DAYS,
                1..=365,
                "a number of days",
            )?,
            recovery_link_hours: ranged(
                "GEODAE_RECOVERY_LINK_HOURS",
                RECOVERY_LINK_HOURS,
                1..=72,
                "a number of hours",
            )?,
            first_admin: first_admin()?,
            guards: guards()?,
            trust_proxy: matches!(
                var("GEODAE_TRUST_PROXY").as_deref(),
                Some("1" | "true" | "on")
            ),
            password_policy: password_policy()?,
            flood: flood_limits()?,
            api_rate: api_rate()?,
            data_dir,
        })
    }
}
