//! API accounts: the password link (`/api/v1/password-setup`), sign-in (`/api/v1/account/session`) and
//! recovery (`/api/v1/account/forgot-password`, `/forgot-login`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use app::api::{
    AccountView, Credentials, ErrorBody, ErrorCode, LinkToken, NewPassword, PasswordSetup, Recovery,
};

use super::auth::{
    AccountUser, ClientAddress, close_session, open_session, same_origin, unauthenticated,
};
use super::error::{ApiError, link_error};
use super::json::ApiJson;
use crate::AppContext;
use crate::accounts::recovery::{self, RecoveryError};
use crate::accounts::{self, SetupError};
use crate::principal::Kind;

/// What a password link's refusal says.
const PASSWORD_LINK: [&str; 2] = [
    "Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier, ou demandez-en un nouveau depuis « Mot de passe oublié ».",
    "Ce lien a expiré ou a déjà servi. Vous pouvez recevoir un nouveau lien par mail.",
];

impl From<RecoveryError> for ApiError {
    fn from(error: RecoveryError) -> Self {
        match error {
            RecoveryError::Flooded(refused) => Self::from(refused),
            RecoveryError::Internal(error) => Self::Internal(error),
        }
    }
}

fn setup_error(error: SetupError) -> ApiError {
    match error {
        SetupError::Link(error) => link_error(error, PASSWORD_LINK),
        SetupError::Flooded(refused) => ApiError::from(refused),
        SetupError::Policy(broken) => {
            let mut body = ErrorBody::new(
                ErrorCode::Validation,
                "Le mot de passe ne respecte pas les règles.",
            );
            for (rule, message) in &broken {
                let key = if *rule == app::domain::password::Rule::Confirmation {
                    "confirmation"
                } else {
                    "password"
                };
                body.fields
                    .entry(key.to_string())
                    .and_modify(|m| {
                        m.push(' ');
                        m.push_str(message);
                    })
                    .or_insert_with(|| message.clone());
            }
            ApiError::Body(StatusCode::UNPROCESSABLE_ENTITY, body)
        }
        SetupError::Internal(error) => ApiError::Internal(error),
    }
}

#[utoipa::path(
    post,
    path = "/password-setup/info",
    tag = "account",
    request_body = LinkToken,
    responses(
        (status = 200, description = "L'identifiant et les règles du mot de passe ; le lien n'est pas consommé", body = PasswordSetup),
        (status = 404, description = "`link_unknown`", body = ErrorBody),
        (status = 410, description = "`link_expired` : expiré ou déjà utilisé", body = ErrorBody)
    )
)]
pub async fn setup_info(
    State(ctx): State<AppContext>,
    ApiJson(body): ApiJson<LinkToken>,
) -> Result<Json<PasswordSetup>, ApiError> {
    accounts::setup_info(&ctx, &body.token)
        .await
        .map(Json)
        .map_err(setup_error)
}

#[utoipa::path(
    post,
    path = "/password-setup",
    tag = "account",
    request_body = NewPassword,
    responses(
        (status = 204, description = "Mot de passe enregistré ; le lien ne sert plus"),
        (status = 404, description = "`link_unknown`", body = ErrorBody),
        (status = 410, description = "`link_expired`", body = ErrorBody),
        (status = 422, description = "`validation` : les règles non respectées, par champ", body = ErrorBody)
    )
)]
pub async fn setup(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewPassword>,
) -> Result<StatusCode, ApiError> {
    same_origin(&ctx, &headers)?;
    accounts::set_password(
        &ctx,
        &body.token,
        &body.password,
        &body.confirmation,
        &address,
    )
    .await
    .map(|()| StatusCode::NO_CONTENT)
    .map_err(setup_error)
}

#[utoipa::path(
    post,
    path = "/password-setup/renew",
    tag = "account",
    request_body = LinkToken,
    responses((status = 202, description = "Toujours : un nouveau lien part si le compte existe (limité à quelques mails par heure)"))
)]
pub async fn renew(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LinkToken>,
) -> Result<StatusCode, ApiError> {
    same_origin(&ctx, &headers)?;
    recovery::renew(&ctx, body.token, &address).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(
    post,
    path = "/account/forgot-password",
    tag = "account",
    request_body = Recovery,
    responses((status = 202, description = "Toujours, que l'adresse ait un compte ou non, et aussitôt : le mail part ensuite"))
)]
pub async fn forgot_password(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Recovery>,
) -> Result<StatusCode, ApiError> {
    same_origin(&ctx, &headers)?;
    recovery::forgot_password(&ctx, body.email, &address).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(
    post,
    path = "/account/forgot-login",
    tag = "account",
    request_body = Recovery,
    responses((status = 202, description = "Toujours, que l'adresse ait un compte ou non, et aussitôt : le mail part ensuite"))
)]
pub async fn forgot_login(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Recovery>,
) -> Result<StatusCode, ApiError> {
    same_origin(&ctx, &headers)?;
    recovery::forgot_login(&ctx, body.email, &address).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(
    post,
    path = "/account/session",
    tag = "account",
    request_body = Credentials,
    responses(
        (status = 204, description = "Connecté : cookie de session `geodae_compte` (HttpOnly, SameSite=Strict)"),
        (status = 401, description = "`invalid_credentials`", body = ErrorBody),
        (status = 429, description = "`rate_limited`, avec `Retry-After`", body = ErrorBody)
    )
)]
pub async fn sign_in(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    same_origin(&ctx, &headers)?;
    open_session(&ctx, Kind::Account, &body, &address).await
}

#[utoipa::path(
    get,
    path = "/account/session",
    tag = "account",
    responses(
        (status = 200, description = "Le compte connecté, sa structure et l'historique de sa demande", body = AccountView),
        (status = 401, description = "`unauthenticated`", body = ErrorBody)
    )
)]
pub async fn current(
    State(ctx): State<AppContext>,
    user: AccountUser,
) -> Result<Json<AccountView>, ApiError> {
    let mut view = accounts::view(&ctx.db, user.principal.id, user.session.csrf_token.clone())
        .await?
        .ok_or_else(unauthenticated)?;
    view.api_usage = crate::dae::usage::view(&ctx.db, ctx.config.api_rate, user.principal.id)
        .await
        .map_err(|e| {
            ApiError::Internal(anyhow::Error::new(e).context("cannot read the API usage"))
        })?;
    Ok(Json(view))
}

#[utoipa::path(
    delete,
    path = "/account/session",
    tag = "account",
    responses(
        (status = 204, description = "Déconnecté"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`csrf`", body = ErrorBody)
    )
)]
pub async fn sign_out(
    State(ctx): State<AppContext>,
    user: AccountUser,
) -> Result<Response, ApiError> {
    close_session(&ctx, &user).await
}
