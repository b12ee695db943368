//! The answers every route of a kind gives, added to the OpenAPI document from the routes' shape, so that the
//! document lists every status a route can answer without each route repeating them: the JSON body's
//! rejections, the query string's, the session and same-origin checks, the flood limits, the internal error.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// The routes under a flood limit (`crate::flood`): they may answer 429 with `Retry-After`.
const FLOOD_LIMITED: &[&str] = &[
    "/api/login",
    "/api/jwt_login",
    "/api/v1/registrations",
    "/api/v1/account/session",
    "/api/v1/admin/session",
    "/api/v1/password-setup",
    "/api/v1/password-setup/renew",
    "/api/v1/account/forgot-password",
    "/api/v1/account/forgot-login",
    "/api/v1/follow/lost",
];

/// Adds to each operation the answers its shape implies, where the route does not describe them itself.
pub fn complete(doc: &mut OpenApi) {
    use utoipa::openapi::security::{
        ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
    };
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "PHPSESSID",
            "La session du catalogue, ouverte par POST /api/login sans corps avec Authorization: Basic (30 minutes)",
        ))),
    );
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "Le jeton de POST /api/login ou POST /api/jwt_login (30 minutes), dans l'en-tête Authorization: Bearer <jeton> (ou le jeton seul)",
                ))
                .build(),
        ),
    );
    for (path, item) in &mut doc.paths.paths {
        let operations = [
            ("GET", item.get.as_mut()),
            ("POST", item.post.as_mut()),
            ("PUT", item.put.as_mut()),
            ("PATCH", item.patch.as_mut()),
            ("DELETE", item.delete.as_mut()),
        ];
        for (method, operation) in operations {
            if let Some(operation) = operation {
                complete_operation(path, method, operation);
            }
        }
    }
}

fn complete_operation(path: &str, method: &str, operation: &mut Operation) {
    let changes_state = method != "GET";
    let admin = path.starts_with("/api/v1/admin/") && path != "/api/v1/admin/session";
    let signed = admin || (path == "/api/v1/account/session" && method != "POST");
    let has_query = operation
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let mut add = |status: &str, description: &str| {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| error_response(description));
    };
    if operation.request_body.is_some() {
        add("400", "`malformed_json` : le corps n'est pas du JSON");
        add("413", "`payload_too_large` : plus de 16 Kio");
        add(
            "415",
            "`unsupported_media_type` : le corps doit être envoyé en `application/json`",
        );
        add(
            "422",
            "`invalid_body` : le JSON n'a pas la forme attendue, ou `validation`",
        );
    }
    if has_query {
        add(
            "400",
            "`invalid_query` : un paramètre de l'adresse n'est pas valide",
        );
    }
    if path.contains("{id}") {
        add("404", "`not_found` : aucun objet ne porte cet identifiant");
    }
    if signed {
        add(
            "401",
            "`unauthenticated` : pas de session, ou session expirée",
        );
    }
    // The data API's token login takes no cookie, hence no CSRF token.
    if changes_state && path != "/api/v1/registrations" && path.starts_with("/api/v1/") {
        add(
            "403",
            "`csrf` : requête d'une autre origine, ou sans le jeton CSRF de la session ; `forbidden` : rôle insuffisant",
        );
    }
    if changes_state && FLOOD_LIMITED.contains(&path) {
        add(
            "429",
            "`rate_limited` : trop de demandes depuis cette adresse ou pour le service ; réessayer après `Retry-After` secondes",
        );
    }
    add(
        "500",
        "`internal` : erreur interne, avec la référence `request_id` à citer",
    );
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}
