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
                insee_key: Some(INSEE_KEY.into()),
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
