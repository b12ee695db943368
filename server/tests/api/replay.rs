//! A local stand-in for the online registers these machines cannot reach: it replays the real answers recorded
//! in `tests/fixtures/sirene/` (the API Recherche d'entreprises and INSEE's API Sirene), and can be told to
//! misbehave the ways real APIs do: 429 with `Retry-After`, 5xx, answers too slow, bodies that cannot be read.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::helpers::fixture;

/// How the stand-in answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The recorded answers; an empty result (Recherche) or 404 (INSEE) for any other SIREN.
    Replay,
    /// 429 with `Retry-After` (seconds).
    TooManyRequests(u64),
    ServerError,
    /// Answers after this long.
    Slow(Duration),
    /// 200 with a body that is not the API's JSON.
    Malformed,
}

#[derive(Clone)]
pub struct Replay {
    pub url: String,
    mode: Arc<Mutex<Mode>>,
    hits: Arc<AtomicUsize>,
}

/// The key INSEE's stand-in expects.
pub const INSEE_KEY: &str = "cle-de-test-insee";

impl Replay {
    pub async fn start() -> Self {
        let mode = Arc::new(Mutex::new(Mode::Replay));
        let hits = Arc::new(AtomicUsize::new(0));
        let state = (mode.clone(), hits.clone());
        let router = Router::new()
            .route("/search", get(search))
            .route("/siren/{siren}", get(insee))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("port");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { url, mode, hits }
    }

    pub fn set(&self, mode: Mode) {
        *self.mode.lock().expect("mode") = mode;
    }

    /// Requests received so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

type Shared = (Arc<Mutex<Mode>>, Arc<AtomicUsize>);

/// What the mode makes of a request, or `None` to replay.
async fn misbehave(state: &Shared) -> Option<Response> {
    state.1.fetch_add(1, Ordering::SeqCst);
    let mode = *state.0.lock().expect("mode");
    match mode {
        Mode::Replay => None,
        Mode::TooManyRequests(seconds) => Some(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", seconds.to_string())],
                "{\"erreur\":\"Trop de requêtes\"}",
            )
                .into_response(),
        ),
        Mode::ServerError => {
            Some((StatusCode::BAD_GATEWAY, "<html>502 Bad Gateway</html>").into_response())
        }
        Mode::Slow(wait) => {
            tokio::time::sleep(wait).await;
            None
        }
        Mode::Malformed => Some((StatusCode::OK, "{\"results\": [{\"siren\": 3").into_response()),
    }
}

fn recorded(name: &str) -> Option<String> {
    std::fs::read_to_string(fixture(name)).ok()
}

async fn search(
    State(state): State<Shared>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    if let Some(response) = misbehave(&state).await {
        return response;
    }
    let q = query
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let body = recorded(&format!("q-{q}.recherche-entreprises.json")).unwrap_or_else(|| {
        "{\"results\":[],\"total_results\":0,\"page\":1,\"per_page\":5,\"total_pages\":0}".into()
    });
    ([("content-type", "application/json")], body).into_response()
}

async fn insee(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(siren): Path<String>,
) -> Response {
    if let Some(response) = misbehave(&state).await {
        return response;
    }
    if headers
        .get("x-insee-api-key-integration")
        .and_then(|v| v.to_str().ok())
        != Some(INSEE_KEY)
    {
        return (
            StatusCode::UNAUTHORIZED,
            "{\"message\":\"Invalid API key\"}",
        )
            .into_response();
    }
    match recorded(&format!("q-{siren}.insee-api-sirene.json")) {
        Some(body) => ([("content-type", "application/json")], body).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [("content-type", "application/json")],
            format!("{{\"header\":{{\"statut\":404,\"message\":\"Aucun élément trouvé pour le siren {siren}\"}}}}"),
        )
            .into_response(),
    }
}
