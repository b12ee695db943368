//! The chain of registers against the replay server: online answers, "unknown" only from a source that should
//! know, and every failure mode (slow, 5xx, 429, unreadable, over quota) skipped without slowing the form.

use std::time::{Duration, Instant};

use server::config::{SireneConfig, SireneSource};

use crate::helpers::{Backend, Options, TestApp, spawn_app_with};
use crate::on_both_databases;
use crate::replay::{INSEE_KEY, Mode, Replay};

/// An application asking these sources, the online ones served by `recherche` and `insee`.
async fn app_with(
    backend: Backend,
    sources: &[SireneSource],
    seed: bool,
    recherche: &Replay,
    insee: &Replay,
) -> TestApp {
    spawn_app_with(
        backend,
        Options {
            sirene_seed: seed,
            sirene: SireneConfig {
                sources: sources.to_vec(),
                recherche_url: recherche.url.clone(),
                insee_url: insee.url.clone(),
                insee_key: Some(server::config::Secret(INSEE_KEY.into())),
                timeout: Duration::from_millis(400),
                ..SireneConfig::default()
            },
            ..Options::default()
        },
    )
    .await
}

use SireneSource::{Insee, Local, RechercheEntreprises};

async fn lookup(app: &TestApp, siren: &str) -> (u16, serde_json::Value) {
    app.get(&format!("/api/v1/sirene/{siren}")).await
}

async fn an_online_register_answers_when_the_local_directory_cannot(backend: Backend) {
    let (recherche, insee) = (Replay::start().await, Replay::start().await);
    // No directory loaded at all: the local source is unavailable, the API answers.
    let app = app_with(
        backend,
        &[Local, RechercheEntreprises],
        false,
        &recherche,
        &insee,
    )
    .await;
    let (status, poste) = lookup(&app, "356000000").await;
    assert_eq!(
        (status, poste["company_name"].as_str()),
        (200, Some("LA POSTE"))
    );
    assert_eq!(poste["legal_category"], "5510");
    let (_, ceased) = lookup(&app, "883010316").await;
    assert_eq!(ceased["state"], "ceased");
    let (_, hidden) = lookup(&app, "300025764").await;
    assert_eq!(
        (
            hidden["diffusible"].as_bool(),
            hidden["company_name"].is_null()
        ),
        (Some(false), true)
    );
    // The API knows every company: its "unknown" is final.
    let (status, body) = lookup(&app, "880878145").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_siren"))
    );
    assert_eq!(recherche.hits(), 4);
    // Answers are reused, unknown ones too.
    lookup(&app, "356000000").await;
    lookup(&app, "880878145").await;
    assert_eq!(recherche.hits(), 4, "answered from the cache");
}
on_both_databases!(an_online_register_answers_when_the_local_directory_cannot);

async fn the_shipped_extract_alone_never_says_unknown_when_it_cannot_know(backend: Backend) {
    let (recherche, insee) = (Replay::start().await, Replay::start().await);
    let app = app_with(
        backend,
        &[Local, RechercheEntreprises],
        true,
        &recherche,
        &insee,
    )
    .await;
    // Known locally: the API is not asked.
    let (status, _) = lookup(&app, "210100012").await;
    assert_eq!(status, 200);
    assert_eq!(recherche.hits(), 0);
    // Not in the extract: the API says unknown, which is final.
    let (status, _) = lookup(&app, "880878145").await;
    assert_eq!(status, 404);
    assert_eq!(recherche.hits(), 1);
    // Not in the extract and the API down: unavailable, so that the applicant may go on.
    recherche.set(Mode::ServerError);
    let (status, body) = lookup(&app, "552100554").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (503, Some("register_unavailable"))
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("répertoire SIRENE")
    );
}
on_both_databases!(the_shipped_extract_alone_never_says_unknown_when_it_cannot_know);

async fn a_slow_register_is_left_for_the_next_one_within_its_timeout(backend: Backend) {
    let (recherche, insee) = (Replay::start().await, Replay::start().await);
    let app = app_with(
        backend,
        &[RechercheEntreprises, Insee],
        false,
        &recherche,
        &insee,
    )
    .await;
    recherche.set(Mode::Slow(Duration::from_secs(5)));
    let started = Instant::now();
    let (status, poste) = lookup(&app, "356000000").await;
    assert_eq!(
        (status, poste["company_name"].as_str()),
        (200, Some("LA POSTE")),
        "INSEE answered"
    );
    assert!(
        started.elapsed() < Duration::from_millis(2_000),
        "{:?}",
        started.elapsed()
    );
    assert_eq!((recherche.hits(), insee.hits()), (1, 1));
    // INSEE's 404 is a final "unknown".
    let (status, _) = lookup(&app, "880878145").await;
    assert_eq!(status, 404);
}
on_both_databases!(a_slow_register_is_left_for_the_next_one_within_its_timeout);

async fn a_failing_register_opens_its_circuit_and_is_no_longer_asked(backend: Backend) {
    let (recherche, insee) = (Replay::start().await, Replay::start().await);
    let app = app_with(
        backend,
        &[RechercheEntreprises, Insee],
        false,
        &recherche,
        &insee,
    )
    .await;
    recherche.set(Mode::ServerError);
    insee.set(Mode::Malformed);
    for siren in ["356000000", "880878145", "552100554"] {
        let started = Instant::now();
        let (status, body) = lookup(&app, siren).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (503, Some("register_unavailable")),
            "{siren}"
        );
        assert!(started.elapsed() < Duration::from_millis(1_500));
    }
    assert_eq!((recherche.hits(), insee.hits()), (3, 3));
    // Three failures in a row: both circuits are open, the form gets its answer without any request.
    let started = Instant::now();
    let (status, _) = lookup(&app, "542107651").await;
    assert_eq!(status, 503);
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
    assert_eq!((recherche.hits(), insee.hits()), (3, 3));
}
on_both_databases!(a_failing_register_opens_its_circuit_and_is_no_longer_asked);

async fn a_429_is_respected_for_its_retry_after(backend: Backend) {
    let (recherche, insee) = (Replay::start().await, Replay::start().await);
    let app = app_with(
        backend,
        &[RechercheEntreprises, Insee],
        false,
        &recherche,
        &insee,
    )
    .await;
    recherche.set(Mode::TooManyRequests(60));
    let (status, poste) = lookup(&app, "356000000").await;
    assert_eq!(
        (status, poste["company_name"].as_str()),
        (200, Some("LA POSTE"))
    );
    assert_eq!((recherche.hits(), insee.hits()), (1, 1));
    // For the next 60 s the API Recherche d'entreprises is not asked, even once it would answer again.
    recherche.set(Mode::Replay);
    let (status, _) = lookup(&app, "880878145").await;
    assert_eq!(status, 404, "INSEE answered");
    assert_eq!((recherche.hits(), insee.hits()), (1, 2));
}
on_both_databases!(a_429_is_respected_for_its_retry_after);

async fn the_client_stays_within_the_api_quota(backend: Backend) {
    let (recherche, insee) = (Replay::start().await, Replay::start().await);
    let app = app_with(backend, &[RechercheEntreprises], false, &recherche, &insee).await;
    // Twelve different SIRENs at once: seven go (7 requests/s), the others are told to type the name.
    let sirens: Vec<String> = (0..12u32)
        .map(|i| {
            let body = 55_210_000 + i;
            let key = (0..10)
                .find(|k| app::domain::luhn::is_valid(&format!("{body:08}{k}")))
                .expect("key");
            format!("{body:08}{key}")
        })
        .collect();
    let answers = futures_join_all(&app, &sirens).await;
    let unknown = answers.iter().filter(|s| **s == 404).count();
    let unavailable = answers.iter().filter(|s| **s == 503).count();
    assert_eq!((unknown, unavailable), (7, 5), "{answers:?}");
    assert_eq!(recherche.hits(), 7);
    // A second later the bucket has refilled.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let (status, _) = lookup(&app, &sirens[11]).await;
    assert_eq!(status, 404);
}
on_both_databases!(the_client_stays_within_the_api_quota);

/// The statuses of lookups sent all at once.
async fn futures_join_all(app: &TestApp, sirens: &[String]) -> Vec<u16> {
    let mut tasks = tokio::task::JoinSet::new();
    for siren in sirens {
        let url = format!("{}/api/v1/sirene/{siren}", app.base);
        let client = app.client.clone();
        tasks.spawn(async move {
            client
                .get(url)
                .send()
                .await
                .expect("request")
                .status()
                .as_u16()
        });
    }
    tasks.join_all().await
}

async fn a_request_stored_unverified_is_checked_again_once_a_register_answers(backend: Backend) {
    let (recherche, insee) = (Replay::start().await, Replay::start().await);
    let app = app_with(backend, &[RechercheEntreprises], false, &recherche, &insee).await;
    let reviewer = app.admin("verif", "reviewer").await;
    recherche.set(Mode::ServerError);
    let mut ids = Vec::new();
    for (who, siren) in [("poste", "356000000"), ("inconnu", "880878145")] {
        let mut request = app.request(who);
        request["siren"] = serde_json::json!(siren);
        request["company_name"] = serde_json::json!("Nom saisi");
        let (status, body) = app.submit(&request).await;
        assert_eq!(status, 202, "{body}");
        ids.push(app.request_id(who).await);
    }
    // Still no answer for a while (over quota now, which does not open the circuit).
    recherche.set(Mode::TooManyRequests(0));
    let detail = |id: i64| {
        let app = &app;
        let reviewer = &reviewer;
        async move {
            let (status, body) = app
                .call(
                    Some(reviewer),
                    "GET",
                    &format!("/api/v1/admin/registrations/{id}"),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{body}");
            body
        }
    };
    let before = detail(ids[0]).await;
    assert_eq!(before["siren_check"], "not_verified");
    assert!(before["register_checked_at"].is_null());

    // No answer yet: nothing changes.
    let checked = server::registration::reverify::round(&app.context)
        .await
        .expect("round");
    assert_eq!(checked, 0);
    assert_eq!(detail(ids[0]).await["siren_check"], "not_verified");
    recherche.set(Mode::Replay);
    // The 429 emptied the client's quota: a second later it has refilled.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let checked = server::registration::reverify::round(&app.context)
        .await
        .expect("round");
    assert_eq!(checked, 2);

    let poste = detail(ids[0]).await;
    assert_eq!(poste["siren_check"], "verified");
    assert!(poste["register_checked_at"].as_i64().is_some());
    let events: Vec<String> = poste["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["detail"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        events.contains(
            &"SIREN vérifié au répertoire SIRENE : LA POSTE, active, catégorie juridique 5510"
                .to_string()
        ),
        "{events:?}"
    );
    let unknown = detail(ids[1]).await;
    assert_eq!(unknown["siren_check"], "unknown");
    assert!(
        unknown["mismatches"]
            .as_array()
            .expect("mismatches")
            .iter()
            .any(|m| m
                .as_str()
                .unwrap_or_default()
                .starts_with("SIREN inconnu du répertoire SIRENE (vérifié le ")),
        "{unknown}"
    );

    // Checked once: a later round has nothing to do, the history has one entry.
    let checked = server::registration::reverify::round(&app.context)
        .await
        .expect("round");
    assert_eq!(checked, 0);
    let events = app
        .count(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM registration_events WHERE kind = 'siren_checked'",
        )
        .await;
    assert_eq!(events, 2);
}
on_both_databases!(a_request_stored_unverified_is_checked_again_once_a_register_answers);
