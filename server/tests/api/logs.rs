//! What the server writes in its logs never holds an applicant's email address or phone number, a link's
//! token or a password: the logs of a whole journey (request, validation, password, sign-ins, recovery, the
//! first administrator) are captured and searched.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::json;

use crate::accounts::validated;
use crate::helpers::{Backend, spawn_app};

/// Every log line of this test binary, at the level the server runs with.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "debug,sqlx=warn,hyper=info,reqwest=info,lettre=info,h2=info",
            ))
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .init();
        logs
    })
}

#[tokio::test]
async fn no_personal_data_or_secret_reaches_the_logs() {
    let logs = captured();
    let app = spawn_app(Backend::Sqlite).await;
    let token = validated(&app, "journal").await;
    let password = "Dae-2026!jr";
    let post = |path: String, body: serde_json::Value| {
        let app = &app;
        async move {
            app.client
                .post(format!("{}{path}", app.base))
                .json(&body)
                .send()
                .await
                .expect("request")
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        post(
            "/api/v1/password-setup".into(),
            json!({ "token": token, "password": password, "confirmation": password }),
        )
        .await,
        204
    );
    let email = app.email("journal");
    assert_eq!(
        post(
            "/api/v1/account/session".into(),
            json!({ "login": email, "password": password })
        )
        .await,
        204
    );
    assert_eq!(
        post(
            "/api/v1/account/session".into(),
            json!({ "login": email, "password": "Faux-2026!m" })
        )
        .await,
        401
    );
    assert_eq!(
        post(
            "/api/v1/account/forgot-password".into(),
            json!({ "email": email })
        )
        .await,
        202
    );
    let first_password = std::fs::read_to_string(app.dir.path().join("premier-administrateur.txt"))
        .expect("the first administrator's password file")
        .lines()
        .find_map(|line| line.strip_prefix("mot de passe : ").map(str::to_string))
        .expect("a password line");

    let text = String::from_utf8_lossy(&logs.0.lock().expect("logs")).into_owned();
    // The capture works: the journey's events are there (the first administrator, the emails sent).
    assert!(text.contains("First administrator"), "{text}");
    assert!(text.contains("email sent"), "{text}");
    for secret in [
        email.as_str(),
        "+33123456789",
        "123456789",
        token.as_str(),
        password,
        "Faux-2026!m",
        first_password.as_str(),
    ] {
        assert!(!text.contains(secret), "« {secret} » is in the logs");
    }
}
