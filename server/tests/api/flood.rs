//! Flood limits: the public endpoints that write or send mail refuse past their allowance per client address
//! and for everyone, with 429, `Retry-After` and a French message; nothing is stored nor sent for a refused
//! request; the ministry's inbox gets one notice per request up to its allowance, then one digest.

use serde_json::{Value, json};

use crate::helpers::{Backend, Options, TestApp, emails_to, generous_flood_limits, spawn_app_with};
use crate::on_both_databases;
use server::flood::{FloodLimits, Limit, Rate};

async fn app_with(backend: Backend, flood: FloodLimits) -> TestApp {
    spawn_app_with(
        backend,
        Options {
            flood,
            trust_proxy: true,
            ..Options::default()
        },
    )
    .await
}

/// `POST path` as sent by the client address `from` (behind the reverse proxy): the status, `Retry-After` and
/// the body.
async fn post_from(
    app: &TestApp,
    from: &str,
    path: &str,
    body: Value,
) -> (u16, Option<i64>, Value) {
    let response = app
        .client
        .post(format!("{}{path}", app.base))
        .header("x-forwarded-for", from)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (
        status,
        retry_after,
        response.json().await.unwrap_or(Value::Null),
    )
}

fn limit(per_address: Rate, global: Rate) -> Limit {
    Limit {
        per_address,
        global: Some(global),
    }
}

async fn registrations_limited_per_address_and_globally(backend: Backend) {
    let app = app_with(
        backend,
        FloodLimits {
            registrations: limit(Rate::per_hour(3), Rate::per_hour(5)),
            ..generous_flood_limits()
        },
    )
    .await;
    let path = "/api/v1/registrations";

    // Invalid requests store nothing and spend nothing.
    for _ in 0..4 {
        let mut invalid = app.request("invalide");
        invalid["siren"] = json!("123");
        let (status, _, _) = post_from(&app, "203.0.113.7", path, invalid).await;
        assert_eq!(status, 422);
    }
    // Three requests from one address, the fourth refused until the hour ends.
    for i in 0..3 {
        let (status, _, body) =
            post_from(&app, "203.0.113.7", path, app.request(&format!("a{i}"))).await;
        assert_eq!(status, 202, "{body}");
    }
    let (status, retry_after, body) = post_from(&app, "203.0.113.7", path, app.request("a3")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("rate_limited")),
        "{body}"
    );
    let retry_after = retry_after.expect("Retry-After");
    assert!((3_590..=3_600).contains(&retry_after), "{retry_after}");
    assert_eq!(
        body["message"],
        "Trop de demandes envoyées depuis votre connexion : réessayez dans 60 minutes."
    );

    // Writing its own X-Forwarded-For does not make a client another address: the proxy's hop, last, counts.
    let (status, _, _) = post_from(&app, "192.0.2.1, 203.0.113.7", path, app.request("a4")).await;
    assert_eq!(status, 429);

    // Another address still may, until everyone's allowance (five an hour) is spent.
    for i in 0..2 {
        let (status, _, body) =
            post_from(&app, "198.51.100.9", path, app.request(&format!("b{i}"))).await;
        assert_eq!(status, 202, "{body}");
    }
    let (status, retry_after, body) = post_from(&app, "192.0.2.44", path, app.request("c0")).await;
    assert_eq!(status, 429, "{body}");
    assert!(retry_after.is_some_and(|s| s > 3_500));
    assert_eq!(
        body["message"],
        "Le service reçoit un nombre inhabituel de demandes : réessayez dans 60 minutes."
    );

    // Refused requests are neither stored nor acknowledged.
    assert_eq!(app.count("SELECT COUNT(*) FROM registrations").await, 5);
    emails_to(&app.email("b1"), 1).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'acknowledgement'")
            .await,
        5
    );
    for refused in ["a3", "c0"] {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE recipient = $1")
            .bind(app.email(refused))
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
        assert_eq!(n, 0, "{refused}");
    }
}
on_both_databases!(registrations_limited_per_address_and_globally);

async fn recovery_and_sign_in_limited_per_address(backend: Backend) {
    let app = app_with(
        backend,
        FloodLimits {
            recovery: limit(Rate::per_hour(2), Rate::per_hour(1_000)),
            sign_in: limit(Rate::per_minute(3), Rate::per_minute(1_000)),
            ..generous_flood_limits()
        },
    )
    .await;
    let routes = [
        (
            "/api/v1/account/forgot-password",
            json!({ "email": "x@exemple.fr" }),
        ),
        (
            "/api/v1/account/forgot-login",
            json!({ "email": "x@exemple.fr" }),
        ),
        (
            "/api/v1/password-setup/renew",
            json!({ "token": "inconnu" }),
        ),
    ];
    // The three recovery routes share one allowance: two, then refusals, for this address only.
    let mut statuses = Vec::new();
    for (path, body) in &routes {
        statuses.push(post_from(&app, "203.0.113.7", path, body.clone()).await.0);
    }
    assert_eq!(statuses, [202, 202, 429]);
    let (status, _, _) = post_from(&app, "198.51.100.9", routes[0].0, routes[0].1.clone()).await;
    assert_eq!(status, 202);

    // Sign-ins, right or wrong, and password creations count against the sign-in allowance.
    let wrong = json!({ "login": "personne", "password": "Mauvais-2026!" });
    let mut statuses = Vec::new();
    for path in ["/api/v1/account/session", "/api/v1/admin/session"] {
        statuses.push(post_from(&app, "203.0.113.7", path, wrong.clone()).await.0);
    }
    let setup =
        json!({ "token": "inconnu", "password": "Neuf-2026!", "confirmation": "Neuf-2026!" });
    statuses.push(
        post_from(&app, "203.0.113.7", "/api/v1/password-setup", setup.clone())
            .await
            .0,
    );
    let (status, retry_after, body) = post_from(
        &app,
        "203.0.113.7",
        "/api/v1/account/session",
        wrong.clone(),
    )
    .await;
    statuses.push(status);
    assert_eq!(statuses, [401, 401, 404, 429], "{body}");
    assert!(retry_after.is_some_and(|s| (1..=60).contains(&s)));
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Trop de demandes envoyées depuis votre connexion")),
        "{body}"
    );
}
on_both_databases!(recovery_and_sign_in_limited_per_address);

async fn ministry_gets_a_digest_in_a_burst(backend: Backend) {
    let app = app_with(
        backend,
        FloodLimits {
            ministry_notices: Rate {
                max: 2,
                window_ms: 1_000,
            },
            ..generous_flood_limits()
        },
    )
    .await;
    let mut references = Vec::new();
    for i in 0..7 {
        let who = format!("rafale{i}");
        let (status, body) = app.submit(&app.request(&who)).await;
        assert_eq!(status, 202, "{body}");
        references.push(app.stored(&who).await.1);
    }
    // Two notices, then one digest of the five others, once the window is over.
    let received = emails_to(&app.admin_email, 3).await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let received = {
        let again = emails_to(&app.admin_email, 3).await;
        if again.len() > received.len() {
            again
        } else {
            received
        }
    };
    let subjects: Vec<&str> = received
        .iter()
        .filter_map(|m| m["subject"].as_str())
        .collect();
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    let notices = subjects
        .iter()
        .filter(|s| s.starts_with("Nouvelle demande de compte API"))
        .count();
    assert_eq!(notices, 2, "{subjects:?}");
    let digest = received
        .iter()
        .find(|m| {
            m["subject"].as_str()
                == Some("Afflux de demandes de compte API : 5 nouvelles demandes à examiner")
        })
        .expect("the digest");
    let text = digest["text"].as_str().expect("text");
    let listed = references
        .iter()
        .filter(|r| text.contains(r.as_str()))
        .count();
    assert_eq!(listed, 5, "{text}");
    assert!(text.contains("Au-delà de 2 avis par seconde"), "{text}");
    assert_eq!(app.count("SELECT COUNT(*) FROM notice_digest").await, 0);
    // Every applicant still gets an acknowledgement.
    emails_to(&app.email("rafale6"), 1).await;
}
on_both_databases!(ministry_gets_a_digest_in_a_burst);
