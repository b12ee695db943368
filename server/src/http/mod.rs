//! The JSON API under `/api/v1`, one module per resource, and its OpenAPI document.
//!
//! Handlers decode, call one service function and map its errors; routes are declared with their OpenAPI
//! description, so a route cannot exist without being documented.

mod account;
mod admin;
pub mod assets;
pub mod auth;
mod catalogue;
mod contract;
pub mod dae;
pub mod error;
mod follow;
pub mod headers;
mod health;
pub mod json;
mod legal;
mod registrations;
pub mod request_id;
pub mod serve;
mod sirene;

use app::api::ErrorCode;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use self::error::ApiError;
use crate::AppContext;

/// Request bodies larger than this are refused with 413: a request form is a few hundred bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Géo'DAE – comptes API",
        description = "Demandes de compte avec un profil API sur Géo'DAE, la base nationale des défibrillateurs.",
        version = "1"
    ),
    tags(
        (name = "registrations", description = "Demandes de création de compte"),
        (name = "sirene", description = "Répertoire SIRENE"),
        (name = "health", description = "État du service et informations légales"),
        (name = "account", description = "Comptes API : mot de passe, connexion, identifiants oubliés"),
        (name = "admin", description = "Administration : connexion, examen des demandes, mails, journal"),
        (name = "dae", description = "Données des défibrillateurs pour les comptes API, compatibles avec l'API de Géo'DAE : première génération (jeton par POST /api/login, liste par GET /api/dae) et catalogue (jeton par POST /api/jwt_login ou session PHPSESSID, couche par GET /api/data/8777a504-6c3e-4abe-8100-60bb58767faa)")
    )
)]
struct ApiDoc;

/// The API routes and their OpenAPI document.
pub fn api(ctx: AppContext) -> (Router, utoipa::openapi::OpenApi) {
    let v1 = OpenApiRouter::new()
        .routes(routes!(dae::search_dae))
        .routes(routes!(dae::export_dae))
        .routes(routes!(health::health))
        .routes(routes!(health::live))
        .routes(routes!(health::ready))
        .routes(routes!(legal::legal))
        .routes(routes!(sirene::lookup))
        .routes(routes!(sirene::search))
        .routes(routes!(registrations::create))
        .routes(routes!(registrations::prefill))
        .routes(routes!(follow::follow))
        .routes(routes!(follow::withdraw))
        .routes(routes!(follow::lost))
        .routes(routes!(follow::complete))
        .routes(routes!(
            admin::session::sign_in,
            admin::session::current,
            admin::session::sign_out
        ))
        .routes(routes!(admin::registrations::list))
        .routes(routes!(admin::registrations::detail))
        .routes(routes!(admin::registrations::approve))
        .routes(routes!(admin::registrations::refuse))
        .routes(routes!(admin::registrations::ask_complement))
        .routes(routes!(
            admin::registrations::take,
            admin::registrations::release
        ))
        .routes(routes!(admin::registrations::export))
        .routes(routes!(admin::registrations::erase))
        .routes(routes!(admin::reasons::refusal_reasons))
        .routes(routes!(admin::reasons::save_reason))
        .routes(routes!(admin::reasons::complement_messages))
        .routes(routes!(admin::reasons::save_complement_message))
        .routes(routes!(admin::outbox::outbox_list))
        .routes(routes!(admin::outbox::outbox_resend))
        .routes(routes!(admin::audit::audit_list))
        .routes(routes!(
            admin::admins::admins_list,
            admin::admins::admins_create
        ))
        .routes(routes!(admin::admins::admins_change))
        .routes(routes!(admin::session::change_password))
        .routes(routes!(admin::accounts::account_disable))
        .routes(routes!(admin::accounts::account_enable))
        .routes(routes!(admin::accounts::account_password_link))
        .routes(routes!(account::setup_info))
        .routes(routes!(account::setup))
        .routes(routes!(account::renew))
        .routes(routes!(account::forgot_password))
        .routes(routes!(account::forgot_login))
        .routes(routes!(
            account::sign_in,
            account::current,
            account::sign_out
        ));
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(dae::login))
        .routes(routes!(dae::list_dae))
        .routes(routes!(catalogue::jwt_login))
        .routes(routes!(catalogue::layer_data, catalogue::layer_write))
        .nest("/api/v1", v1)
        .split_for_parts();
    contract::complete(&mut doc);
    let json_doc = doc.clone();
    let router = router
        .route(
            "/api/v1/openapi.json",
            get(move || async move { Json(json_doc) }),
        )
        .route("/api/v1/{*rest}", axum::routing::any(not_found))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(ctx);
    (router, doc)
}

async fn not_found() -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "Cette adresse de l'API n'existe pas.",
    )
}
