//! `/api/v1/admin`: the administrators' sign-in, the review of requests, the refusal reasons, the outbox and
//! the audit trail. Every route but the sign-in needs a session (401) and some a role (403).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use app::api::ErrorBody;
use app::api::admin::{
    AdminChange, AdminSession, AdminView, AuditEntry, CreatedAdmin, Decided, NewAdmin, OutboxItem,
    PasswordChange, RefusalReason, RefuseRequest, RegistrationDetail, RegistrationPage, SignIn,
};

use super::auth::{
    AdminUser, ClientAddress, invalid_credentials, rate_limited, same_origin, signed_in, signed_out,
};
use super::error::ApiError;
use super::json::{ApiJson, ApiQuery};
use crate::AppContext;
use crate::admins::{self, Role, SignInError};
use crate::audit::{self, Target};
use crate::auth::session::{self, Kind};
use crate::mail::outbox;
use crate::review::decide::{self, DecideError};
use crate::review::{self, Cursor, ListQuery, Status};

fn not_found(what: &str) -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("{what} n'existe pas."),
    )
}

fn id_of(text: &str, what: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| not_found(what))
}

fn internal(error: impl Into<anyhow::Error>) -> ApiError {
    ApiError::Internal(error.into())
}

#[utoipa::path(
    post,
    path = "/admin/session",
    tag = "admin",
    request_body = SignIn,
    responses(
        (status = 204, description = "Connecté : cookie de session `geodae_admin` (HttpOnly, SameSite=Strict)"),
        (status = 401, description = "`invalid_credentials`", body = ErrorBody),
        (status = 429, description = "`rate_limited` : trop d'échecs, réessayer après `Retry-After` secondes", body = ErrorBody)
    )
)]
pub async fn sign_in(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    same_origin(&headers)?;
    match admins::sign_in(&ctx.db, &body.login, &body.password, &address).await {
        Ok(admin) => {
            let (secret, _) = session::open(&ctx.db, Kind::Admin, admin.id)
                .await
                .map_err(internal)?;
            Ok(signed_in(Kind::Admin, &secret, ctx.config.secure_cookies()))
        }
        Err(SignInError::Invalid) => Err(invalid_credentials()),
        Err(SignInError::RateLimited(seconds)) => Ok(rate_limited(seconds)),
        Err(SignInError::Internal(error)) => Err(ApiError::Internal(error)),
    }
}

#[utoipa::path(
    get,
    path = "/admin/session",
    tag = "admin",
    responses(
        (status = 200, description = "L'administrateur connecté et le jeton CSRF à renvoyer dans `X-CSRF-Token`", body = AdminSession),
        (status = 401, description = "`unauthenticated`", body = ErrorBody)
    )
)]
pub async fn current(user: AdminUser) -> Json<AdminSession> {
    Json(AdminSession {
        login: user.admin.login,
        email: user.admin.email,
        role: user.admin.role.code().to_string(),
        csrf_token: user.session.csrf_token,
    })
}

#[utoipa::path(
    delete,
    path = "/admin/session",
    tag = "admin",
    responses(
        (status = 204, description = "Déconnecté"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`csrf`", body = ErrorBody)
    )
)]
pub async fn sign_out(
    State(ctx): State<AppContext>,
    user: AdminUser,
) -> Result<Response, ApiError> {
    session::close_digest(&ctx.db, &user.session.token_hash)
        .await
        .map_err(internal)?;
    let mut conn = ctx.db.pool.acquire().await.map_err(internal)?;
    audit::record(
        &mut conn,
        &user.actor(),
        "admin.signed_out",
        Some(Target::admin(user.admin.id)),
        serde_json::json!({}),
    )
    .await
    .map_err(internal)?;
    Ok(signed_out(Kind::Admin, ctx.config.secure_cookies()))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `pending`, `approved` or `refused`; all when absent.
    status: Option<String>,
    /// Searched in the names, email, SIREN, raison sociale and reference.
    q: Option<String>,
    /// The `next` of the previous page.
    after: Option<String>,
    /// 1 to 200, 50 by default.
    limit: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/admin/registrations",
    tag = "admin",
    params(ListParams),
    responses(
        (status = 200, description = "Une page du tableau de bord, les demandes en attente d'abord, les plus anciennes d'abord", body = RegistrationPage),
        (status = 400, description = "`invalid_query`", body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody)
    )
)]
pub async fn list(
    State(ctx): State<AppContext>,
    _user: AdminUser,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<RegistrationPage>, ApiError> {
    let invalid =
        |message: &str| ApiError::client(StatusCode::BAD_REQUEST, "invalid_query", message);
    let status = match params
        .status
        .as_deref()
        .filter(|s| !s.is_empty() && *s != "all")
    {
        None => None,
        Some(code) => Some(
            Status::parse(code)
                .ok_or_else(|| invalid("Le statut doit être pending, approved ou refused."))?,
        ),
    };
    let after = match params.after.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(
            Cursor::parse(text).ok_or_else(|| invalid("Le paramètre after n'est pas valide."))?,
        ),
    };
    let query = ListQuery {
        status,
        search: params.q.map(|q| q.chars().take(200).collect()),
        after,
        limit: params.limit.unwrap_or(review::DEFAULT_PAGE),
    };
    review::list(&ctx, &query)
        .await
        .map(Json)
        .map_err(ApiError::Internal)
}

#[utoipa::path(
    get,
    path = "/admin/registrations/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de la demande")),
    responses(
        (status = 200, description = "La demande, ce qu'en dit le répertoire, les demandes liées, l'historique", body = RegistrationDetail),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody)
    )
)]
pub async fn detail(
    State(ctx): State<AppContext>,
    _user: AdminUser,
    Path(id): Path<String>,
) -> Result<Json<RegistrationDetail>, ApiError> {
    let id = id_of(&id, "Cette demande")?;
    review::detail(&ctx, id)
        .await
        .map_err(ApiError::Internal)?
        .map(Json)
        .ok_or_else(|| not_found("Cette demande"))
}

fn decide_error(error: DecideError) -> ApiError {
    match error {
        DecideError::NotFound => not_found("Cette demande"),
        DecideError::AlreadyDecided { status, by, at } => {
            let verb = if status == "approved" {
                "validée"
            } else {
                "refusée"
            };
            let when = time::OffsetDateTime::from_unix_timestamp(at / 1000)
                .ok()
                .and_then(|t| {
                    t.to_offset(time::macros::offset!(+1))
                        .format(time::macros::format_description!(
                            "[day]/[month]/[year] à [hour]:[minute]"
                        ))
                        .ok()
                })
                .unwrap_or_default();
            ApiError::client(
                StatusCode::CONFLICT,
                "already_decided",
                format!(
                    "Cette demande a déjà été {verb} par {} le {when}.",
                    by.as_deref().unwrap_or("un administrateur")
                ),
            )
        }
        DecideError::Invalid(message) => {
            ApiError::client(StatusCode::UNPROCESSABLE_ENTITY, "validation", message)
        }
        DecideError::AlreadyRegistered => ApiError::client(
            StatusCode::CONFLICT,
            "already_registered",
            "Un compte existe déjà pour l'adresse email de cette demande.",
        ),
        DecideError::Internal(error) => ApiError::Internal(error),
    }
}

#[utoipa::path(
    post,
    path = "/admin/registrations/{id}/approve",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de la demande")),
    responses(
        (status = 200, description = "Validée : compte créé, mail de validation envoyé", body = Decided),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`already_decided` (qui et quand) ou `already_registered`", body = ErrorBody)
    )
)]
pub async fn approve(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<Json<Decided>, ApiError> {
    user.require(Role::Reviewer)?;
    let id = id_of(&id, "Cette demande")?;
    decide::approve(&ctx, &user.admin, &user.actor(), id)
        .await
        .map(Json)
        .map_err(decide_error)
}

#[utoipa::path(
    post,
    path = "/admin/registrations/{id}/refuse",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de la demande")),
    request_body = RefuseRequest,
    responses(
        (status = 200, description = "Refusée : mail de refus envoyé avec les motifs", body = Decided),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`already_decided`", body = ErrorBody),
        (status = 422, description = "`validation` : aucun motif, motif inconnu, message trop long", body = ErrorBody)
    )
)]
pub async fn refuse(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
    body: Result<ApiJson<RefuseRequest>, ApiError>,
) -> Result<Json<Decided>, ApiError> {
    // The role is checked before the body is read: a viewer gets 403 whatever they send.
    user.require(Role::Reviewer)?;
    let ApiJson(body) = body?;
    let id = id_of(&id, "Cette demande")?;
    decide::refuse(
        &ctx,
        &user.admin,
        &user.actor(),
        id,
        &body.reasons,
        &body.message,
    )
    .await
    .map(Json)
    .map_err(decide_error)
}

#[utoipa::path(
    get,
    path = "/admin/refusal-reasons",
    tag = "admin",
    responses(
        (status = 200, description = "Les motifs de refus proposés (tous, y compris désactivés, pour le rôle admin)", body = [RefusalReason]),
        (status = 401, description = "`unauthenticated`", body = ErrorBody)
    )
)]
pub async fn refusal_reasons(
    State(ctx): State<AppContext>,
    user: AdminUser,
) -> Result<Json<Vec<RefusalReason>>, ApiError> {
    decide::reasons(&ctx, user.admin.role == Role::Admin)
        .await
        .map(Json)
        .map_err(ApiError::Internal)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReasonUpdate {
    label: String,
    body: String,
    active: bool,
}

#[utoipa::path(
    put,
    path = "/admin/refusal-reasons/{code}",
    tag = "admin",
    params(("code" = String, Path, description = "Code du motif ; créé s'il n'existe pas")),
    request_body = ReasonUpdate,
    responses(
        (status = 200, description = "Le motif enregistré", body = RefusalReason),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` : rôle admin requis, ou `csrf`", body = ErrorBody),
        (status = 422, description = "`validation`", body = ErrorBody)
    )
)]
pub async fn save_reason(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(code): Path<String>,
    body: Result<ApiJson<ReasonUpdate>, ApiError>,
) -> Result<Json<RefusalReason>, ApiError> {
    user.require(Role::Admin)?;
    let ApiJson(body) = body?;
    let invalid = |m: &str| ApiError::client(StatusCode::UNPROCESSABLE_ENTITY, "validation", m);
    let code_ok = (2..=60).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !code_ok {
        return Err(invalid(
            "Le code d'un motif fait 2 à 60 caractères : lettres minuscules, chiffres, tirets bas.",
        ));
    }
    let (label, text) = (body.label.trim(), body.body.trim());
    if label.is_empty() || label.chars().count() > 100 {
        return Err(invalid(
            "Le libellé est obligatoire (100 caractères au plus).",
        ));
    }
    if text.is_empty() || text.chars().count() > 1000 {
        return Err(invalid(
            "Le texte lu par le demandeur est obligatoire (1000 caractères au plus).",
        ));
    }
    let now = crate::store::now_ms();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    sqlx::query(
        "INSERT INTO refusal_reasons (code, label, body, position, active, updated_at)
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM refusal_reasons), $4, $5)
         ON CONFLICT (code) DO UPDATE SET label = $2, body = $3, active = $4, updated_at = $5",
    )
    .bind(&code)
    .bind(label)
    .bind(text)
    .bind(i64::from(body.active))
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    audit::record(
        &mut tx,
        &user.actor(),
        "refusal_reason.saved",
        None,
        serde_json::json!({ "code": code, "label": label, "body": text, "active": body.active }),
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(Json(RefusalReason {
        code,
        label: label.to_string(),
        body: text.to_string(),
        active: body.active,
    }))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxParams {
    /// `waiting`, `sent` or `failed`; all when absent.
    status: Option<String>,
    /// Messages older than this id (the last id of the previous page).
    before: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/admin/outbox",
    tag = "admin",
    params(OutboxParams),
    responses(
        (status = 200, description = "Les mails, les plus récents d'abord (100 par page)", body = [OutboxItem]),
        (status = 400, description = "`invalid_query`", body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody)
    )
)]
pub async fn outbox_list(
    State(ctx): State<AppContext>,
    _user: AdminUser,
    ApiQuery(params): ApiQuery<OutboxParams>,
) -> Result<Json<Vec<OutboxItem>>, ApiError> {
    let status = params
        .status
        .as_deref()
        .filter(|s| !s.is_empty() && *s != "all");
    if status.is_some_and(|s| !["waiting", "sent", "failed"].contains(&s)) {
        return Err(ApiError::client(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "Le statut doit être waiting, sent ou failed.",
        ));
    }
    outbox::list(&ctx.db, status, params.before, 100)
        .await
        .map(Json)
        .map_err(internal)
}

#[utoipa::path(
    post,
    path = "/admin/outbox/{id}/resend",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant du mail")),
    responses(
        (status = 204, description = "Remis dans la file d'envoi"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 409, description = "`not_failed` : seul un mail en échec peut être renvoyé", body = ErrorBody)
    )
)]
pub async fn outbox_resend(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.require(Role::Reviewer)?;
    let id = id_of(&id, "Ce mail")?;
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    if !outbox::resend(&mut tx, id).await.map_err(internal)? {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            "not_failed",
            "Ce mail n'est pas en échec : il est déjà envoyé ou en attente d'envoi.",
        ));
    }
    audit::record(
        &mut tx,
        &user.actor(),
        "outbox.resent",
        Some(Target::outbox(id)),
        serde_json::json!({}),
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    ctx.mail_wake.notify_one();
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Entries older than this id.
    before: Option<i64>,
    /// Only the entries of one request.
    registration: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/admin/audit",
    tag = "admin",
    params(AuditParams),
    responses(
        (status = 200, description = "Le journal : décisions, connexions, changements d'administrateurs (100 par page)", body = [AuditEntry]),
        (status = 401, description = "`unauthenticated`", body = ErrorBody)
    )
)]
pub async fn audit_list(
    State(ctx): State<AppContext>,
    _user: AdminUser,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    audit::list(
        &ctx.db,
        params.registration.map(Target::registration),
        params.before,
        100,
    )
    .await
    .map(Json)
    .map_err(internal)
}

#[utoipa::path(
    get,
    path = "/admin/admins",
    tag = "admin",
    responses(
        (status = 200, description = "Les administrateurs", body = [AdminView]),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` : rôle admin requis", body = ErrorBody)
    )
)]
pub async fn admins_list(
    State(ctx): State<AppContext>,
    user: AdminUser,
) -> Result<Json<Vec<AdminView>>, ApiError> {
    user.require(Role::Admin)?;
    admins::list(&ctx.db).await.map(Json).map_err(internal)
}

#[utoipa::path(
    post,
    path = "/admin/admins",
    tag = "admin",
    request_body = NewAdmin,
    responses(
        (status = 201, description = "Créé ; le premier mot de passe n'est montré qu'une fois", body = CreatedAdmin),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` : rôle admin requis, ou `csrf`", body = ErrorBody),
        (status = 409, description = "`login_taken`", body = ErrorBody),
        (status = 422, description = "`validation`", body = ErrorBody)
    )
)]
pub async fn admins_create(
    State(ctx): State<AppContext>,
    user: AdminUser,
    body: Result<ApiJson<NewAdmin>, ApiError>,
) -> Result<(StatusCode, Json<CreatedAdmin>), ApiError> {
    user.require(Role::Admin)?;
    let ApiJson(body) = body?;
    let role = Role::parse(&body.role).ok_or_else(|| {
        ApiError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Le rôle doit être admin, reviewer ou viewer.",
        )
    })?;
    let password = crate::auth::token::random()[..20].to_string();
    let login = body.login.trim().to_lowercase();
    match admins::create(
        &ctx.db,
        &user.actor(),
        &login,
        body.email.trim(),
        role,
        &password,
    )
    .await
    {
        Ok(admin) => Ok((
            StatusCode::CREATED,
            Json(CreatedAdmin {
                admin: AdminView {
                    id: admin.id,
                    login: admin.login,
                    email: admin.email,
                    role: admin.role.code().to_string(),
                    disabled: false,
                    created_at: crate::store::now_ms(),
                },
                password,
            }),
        )),
        Err(admins::CreateError::Invalid(message)) => Err(ApiError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            message,
        )),
        Err(admins::CreateError::Taken(login)) => Err(ApiError::client(
            StatusCode::CONFLICT,
            "login_taken",
            format!("L'identifiant « {login} » est déjà pris."),
        )),
        Err(admins::CreateError::Internal(error)) => Err(ApiError::Internal(error)),
    }
}

fn change_error(error: admins::ChangeError) -> ApiError {
    match error {
        admins::ChangeError::NotFound => not_found("Cet administrateur"),
        admins::ChangeError::Refused(message) => {
            ApiError::client(StatusCode::UNPROCESSABLE_ENTITY, "validation", message)
        }
        admins::ChangeError::Internal(error) => ApiError::Internal(error),
    }
}

#[utoipa::path(
    patch,
    path = "/admin/admins/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de l'administrateur")),
    request_body = AdminChange,
    responses(
        (status = 204, description = "Modifié ; un administrateur désactivé perd ses sessions"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` : rôle admin requis, ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 422, description = "`validation` : soi-même, dernier admin, rôle inconnu", body = ErrorBody)
    )
)]
pub async fn admins_change(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
    body: Result<ApiJson<AdminChange>, ApiError>,
) -> Result<StatusCode, ApiError> {
    user.require(Role::Admin)?;
    let ApiJson(body) = body?;
    let id = id_of(&id, "Cet administrateur")?;
    let role = match body.role.as_deref() {
        None => None,
        Some(code) => Some(Role::parse(code).ok_or_else(|| {
            ApiError::client(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Le rôle doit être admin, reviewer ou viewer.",
            )
        })?),
    };
    admins::change(&ctx.db, &user.actor(), &user.admin, id, role, body.disabled)
        .await
        .map(|()| StatusCode::NO_CONTENT)
        .map_err(change_error)
}

#[utoipa::path(
    put,
    path = "/admin/session/password",
    tag = "admin",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Mot de passe changé ; les autres sessions sont fermées"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`csrf`", body = ErrorBody),
        (status = 422, description = "`validation` : mot de passe actuel faux, nouveau trop court", body = ErrorBody)
    )
)]
pub async fn change_password(
    State(ctx): State<AppContext>,
    user: AdminUser,
    body: Result<ApiJson<PasswordChange>, ApiError>,
) -> Result<StatusCode, ApiError> {
    let ApiJson(body) = body?;
    admins::change_password(
        &ctx.db,
        &user.actor(),
        &user.admin,
        &user.session.token_hash,
        &body.current,
        &body.new,
    )
    .await
    .map(|()| StatusCode::NO_CONTENT)
    .map_err(change_error)
}

fn account_not_found() -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        "not_found",
        "Ce compte n'existe pas (ou est désactivé, pour un envoi de lien).",
    )
}

async fn account_state(
    ctx: &AppContext,
    user: &AdminUser,
    id: &str,
    disabled: bool,
) -> Result<StatusCode, ApiError> {
    user.require(Role::Reviewer)?;
    let id = id_of(id, "Ce compte")?;
    if crate::accounts::set_disabled(ctx, &user.actor(), id, disabled).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(account_not_found())
    }
}

#[utoipa::path(
    post,
    path = "/admin/accounts/{id}/disable",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne du compte")),
    responses(
        (status = 204, description = "Désactivé : ses sessions et ses liens en cours prennent fin"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody)
    )
)]
pub async fn account_disable(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    account_state(&ctx, &user, &id, true).await
}

#[utoipa::path(
    post,
    path = "/admin/accounts/{id}/enable",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne du compte")),
    responses(
        (status = 204, description = "Réactivé"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody)
    )
)]
pub async fn account_enable(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    account_state(&ctx, &user, &id, false).await
}

#[utoipa::path(
    post,
    path = "/admin/accounts/{id}/password-link",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne du compte")),
    responses(
        (status = 204, description = "Un nouveau lien de mot de passe part à l'adresse du compte"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found` : pas de compte actif", body = ErrorBody)
    )
)]
pub async fn account_password_link(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.require(Role::Reviewer)?;
    let id = id_of(&id, "Ce compte")?;
    if crate::accounts::send_password_link(&ctx, &user.actor(), id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(account_not_found())
    }
}
