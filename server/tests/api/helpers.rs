//! Spawning the real application on a random port with a fresh database (a SQLite file or a new PostgreSQL
//! database), and reading the emails it sends from the maildev SMTP server started by the test command.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use server::config::{Config, MailConfig, MailTransport, SmtpConfig, SmtpTls};
use server::store::Db;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub database_url: String,
    pub context: server::AppContext,
    pub client: reqwest::Client,
    pub admin_email: String,
    /// A unique tag for this test's addresses, so that emails of other tests are never mistaken for ours.
    pub tag: String,
    /// The test's folder: the SQLite database, its SIRENE directory file.
    pub dir: tempfile::TempDir,
}

pub struct Options {
    pub sirene_seed: bool,
    pub sirene: server::config::SireneConfig,
    /// SMTP port; `None` for the maildev of the test command.
    pub smtp_port: Option<u16>,
    /// The public address is HTTPS (as behind a reverse proxy in production).
    pub https: bool,
    /// An existing database to serve (a restored backup) instead of a new one.
    pub database_url: Option<String>,
    /// Flood limits; by default far above what a test sends.
    pub flood: server::flood::FloodLimits,
    /// Take the client's address from `X-Forwarded-For` (behind a reverse proxy).
    pub trust_proxy: bool,
    /// The built site's folder (static files), if the test needs one.
    pub site_root: Option<PathBuf>,
    /// The data API's rate per account.
    pub api_rate: server::dae::usage::ApiRate,
    /// The retention periods (the defaults, unless a test shortens them).
    pub retention: app::api::Retention,
    /// Timeouts, exports at once, SIRENE lookups per address (the defaults, unless a test changes them).
    pub guards: server::config::Guards,
    /// Emails written as files in this folder instead of sent to maildev.
    pub mail_dir: Option<PathBuf>,
    /// The first administrator's identifiant (`admin` by default).
    pub first_admin: Option<String>,
}

/// The shipped guards, but for the SIRENE lookups per address, which no test reaches unless it means to.
pub fn generous_guards() -> server::config::Guards {
    server::config::Guards {
        sirene_per_address: server::bucket::ApiRate {
            per_second: 100_000.0,
            burst: 100_000.0,
        },
        ..Default::default()
    }
}

/// Limits no test reaches unless it means to.
pub fn generous_flood_limits() -> server::flood::FloodLimits {
    server::flood::FloodLimits::uniform(server::flood::Rate::per_minute(100_000))
}

impl Default for Options {
    fn default() -> Self {
        Self {
            sirene_seed: true,
            sirene: Default::default(),
            smtp_port: None,
            https: false,
            database_url: None,
            flood: generous_flood_limits(),
            trust_proxy: false,
            site_root: None,
            api_rate: server::dae::usage::ApiRate::default(),
            retention: app::api::Retention::default(),
            guards: generous_guards(),
            mail_dir: None,
            first_admin: None,
        }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Options::default()).await
}

pub async fn spawn_app_with(backend: Backend, options: Options) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary directory");
    let tag = uuid::Uuid::new_v4().simple().to_string()[..10].to_string();
    let database_url = match (&options.database_url, backend) {
        (Some(url), _) => url.clone(),
        (None, Backend::Sqlite) => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("geodae.db").display()
        ),
        (None, Backend::Postgres) => postgres_database(&tag).await,
    };
    let admin_email = format!("admin-{tag}@geodae.test");
    let smtp_port = options.smtp_port.unwrap_or_else(|| {
        std::env::var("GEODAE_TEST_SMTP_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(1025)
    });
    let defaults = Config::for_tests(&database_url, dir.path());
    let public_url = if options.https {
        defaults.public_url.replace("http://", "https://")
    } else {
        defaults.public_url.clone()
    };
    let config = Config {
        site_root: options.site_root.clone().unwrap_or(defaults.site_root),
        mail: MailConfig {
            transport: match &options.mail_dir {
                Some(dir) => MailTransport::Files(dir.clone()),
                None => MailTransport::Smtp(SmtpConfig {
                    host: "127.0.0.1".into(),
                    port: smtp_port,
                    tls: SmtpTls::None,
                    credentials: None,
                }),
            },
            ..defaults.mail
        },
        admin_emails: vec![admin_email.clone()],
        sirene_seed: options.sirene_seed,
        sirene: options.sirene.clone(),
        trust_proxy: options.trust_proxy,
        flood: options.flood,
        api_rate: options.api_rate,
        legal: app::api::LegalInfo {
            site_url: public_url.clone(),
            retention: options.retention,
            ..defaults.legal
        },
        first_admin: options.first_admin.clone().unwrap_or(defaults.first_admin),
        guards: options.guards.clone(),
        public_url,
        ..defaults
    };
    let running = server::startup::start(config)
        .await
        .expect("application starts");
    TestApp {
        base: format!("http://{}", running.addr),
        db: running.context.db.clone(),
        database_url,
        context: running.context.clone(),
        client: reqwest::Client::new(),
        admin_email,
        tag,
        dir,
    }
}

/// A new, empty PostgreSQL database for one test.
pub async fn postgres_database(tag: &str) -> String {
    let admin = std::env::var("GEODAE_TEST_POSTGRES_URL")
        .expect("GEODAE_TEST_POSTGRES_URL, the PostgreSQL of the tests (scripts/env.sh names it)");
    let name = format!("geodae_test_{tag}");
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&admin)
        .await
        .expect("PostgreSQL must be running (see README)");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .expect("create test database");
    pool.close().await;
    let (base, _) = admin
        .rsplit_once('/')
        .expect("database URL with a database name");
    format!("{base}/{name}")
}

impl TestApp {
    pub fn email(&self, who: &str) -> String {
        format!("{who}-{}@exemple.fr", self.tag)
    }

    /// A valid request for La Poste, from the address `who`.
    pub fn request(&self, who: &str) -> Value {
        json!({
            "profile": "api",
            "last_name": "Test",
            "first_name": "Marie",
            "email": self.email(who),
            "organisation_kind": "entreprise_association",
            "siren": "356000000",
            "siret": "",
            "company_name": "",
            "phone_prefix": "+33",
            "phone_number": "01 23 45 67 89"
        })
    }

    pub async fn submit(&self, body: &Value) -> (u16, Value) {
        self.post("/api/v1/registrations", body).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// `POST path` with a JSON body: the status and the JSON answer.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql)
            .fetch_one(&self.db.pool)
            .await
            .expect("count");
        n
    }
}

/// The emails maildev received for `address`, waiting up to 15 s for at least `at_least` of them.
/// The secret after `marker` (`/demande/suivi#cle=`) in the latest email to `address` whose subject contains
/// `subject`, once at least `at_least` emails reached it.
pub async fn link_secret(address: &str, subject: &str, at_least: usize, marker: &str) -> String {
    let emails = emails_to(address, at_least).await;
    let text = emails
        .iter()
        .rev()
        .filter(|m| m["subject"].as_str().is_some_and(|s| s.contains(subject)))
        .find_map(|m| m["text"].as_str())
        .unwrap_or_else(|| panic!("an email « {subject} » to {address}: {emails:?}"));
    text.split_whitespace()
        .find_map(|w| w.split_once(marker).map(|(_, t)| t.to_string()))
        .unwrap_or_else(|| panic!("a link {marker}… in {text}"))
}

pub async fn emails_to(address: &str, at_least: usize) -> Vec<Value> {
    let maildev =
        std::env::var("GEODAE_TEST_MAILDEV_URL").unwrap_or_else(|_| "http://127.0.0.1:1080".into());
    let client = reqwest::Client::new();
    let mut found = Vec::new();
    for _ in 0..60 {
        let all: Vec<Value> = client
            .get(format!("{maildev}/api/email"))
            .send()
            .await
            .expect("maildev must be running (the test command starts it)")
            .json()
            .await
            .expect("maildev answer");
        found = all
            .into_iter()
            .filter(|m| {
                m["to"]
                    .as_array()
                    .is_some_and(|to| to.iter().any(|t| t["address"].as_str() == Some(address)))
            })
            .collect();
        if found.len() >= at_least {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    found
}

/// Defines a test run on SQLite and another on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }

            #[tokio::test]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    };
}

/// An administrator's signed-in session: the cookie and the CSRF token.
pub struct AdminSession {
    pub cookie: String,
    pub csrf: String,
}

/// The password of the administrators created by the tests.
pub const ADMIN_PASSWORD: &str = "un mot de passe assez long";

impl TestApp {
    /// Creates an administrator with this role (`admin`, `reviewer`, `viewer`) and signs in.
    pub async fn admin(&self, login: &str, role: &str) -> AdminSession {
        let role = server::admins::Role::parse(role).expect("role");
        server::admins::create(
            &self.db,
            &server::audit::Actor::system(),
            login,
            &format!("{login}@sante.gouv.fr"),
            role,
            ADMIN_PASSWORD,
        )
        .await
        .expect("administrator created");
        let response = self.sign_in(login, ADMIN_PASSWORD).await;
        assert_eq!(response.status().as_u16(), 204, "sign-in of {login}");
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .expect("session cookie")
            .to_string();
        let mut session = AdminSession {
            cookie,
            csrf: String::new(),
        };
        let (status, body) = self
            .call(Some(&session), "GET", "/api/v1/admin/session", None)
            .await;
        assert_eq!(status, 200, "{body}");
        session.csrf = body["csrf_token"].as_str().expect("csrf token").to_string();
        session
    }

    pub async fn sign_in(&self, login: &str, password: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/admin/session", self.base))
            .json(&json!({ "login": login, "password": password }))
            .send()
            .await
            .expect("request")
    }

    /// A call with the session's cookie and CSRF token (when given).
    pub async fn call(
        &self,
        session: Option<&AdminSession>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(session) = session {
            request = request
                .header("cookie", &session.cookie)
                .header("x-csrf-token", &session.csrf);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Submits a valid request from `who` with these names; returns its id.
    pub async fn submit_as(&self, who: &str, first_name: &str, last_name: &str) -> i64 {
        let mut request = self.request(who);
        request["first_name"] = json!(first_name);
        request["last_name"] = json!(last_name);
        let (status, body) = self.submit(&request).await;
        assert_eq!(status, 202, "{body}");
        self.request_id(who).await
    }

    /// The id of the latest request stored for the address of `who` (the answer does not say it).
    pub async fn request_id(&self, who: &str) -> i64 {
        self.stored(who).await.0
    }

    /// The id and reference of the latest request stored for the address of `who`.
    pub async fn stored(&self, who: &str) -> (i64, String) {
        sqlx::query_as(
            "SELECT id, reference FROM registrations WHERE email_key = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(self.email(who).to_lowercase())
        .fetch_one(&self.db.pool)
        .await
        .unwrap_or_else(|e| panic!("a request stored for {who}: {e}"))
    }
}

/// A file of `server/tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sirene"
    ))
    .join(name)
}

impl TestApp {
    /// Imports a StockUniteLegale file into the directory, as `server sirene import` does.
    pub async fn import(
        &self,
        file: &std::path::Path,
    ) -> anyhow::Result<server::sirene::import::Report> {
        server::sirene::import::import(
            &self.db,
            &self.context.directory,
            &self.database_url,
            server::sirene::import::Source::File(file.to_path_buf()),
            Default::default(),
            std::future::pending(),
        )
        .await
    }
}
