//! The administrators' API. State-changing calls carry the session's CSRF token.

use super::*;

/// `GET /api/v1/admin/session`: the signed-in administrator and the CSRF token.
pub async fn session() -> Result<AdminSession, CallError> {
    imp::get_json("/api/v1/admin/session").await
}

/// `POST /api/v1/admin/session`: signs in (the session cookie is set).
pub async fn sign_in(body: &Credentials) -> Result<(), CallError> {
    imp::send::<_, ()>("POST", "/api/v1/admin/session", Some(body), None)
        .await
        .map(|_| ())
}

/// `DELETE /api/v1/admin/session`: signs out.
pub async fn sign_out(csrf: &str) -> Result<(), CallError> {
    imp::send::<(), ()>("DELETE", "/api/v1/admin/session", None, Some(csrf))
        .await
        .map(|_| ())
}

/// `GET /api/v1/admin/registrations`: a page of the dashboard, one status or all, the requests holding
/// `search`, after the `next` of the previous page.
pub async fn registrations(
    status: Option<RequestStatus>,
    search: &str,
    after: Option<&str>,
) -> Result<RegistrationPage, CallError> {
    let query = query_string(&[
        ("limit", Some("50")),
        ("status", status.map(RequestStatus::code)),
        ("q", Some(search.trim()).filter(|s| !s.is_empty())),
        ("after", after),
    ]);
    imp::get_json(&format!("/api/v1/admin/registrations?{query}")).await
}

/// `GET /api/v1/admin/registrations/{id}`: one request.
pub async fn registration(id: i64) -> Result<RegistrationDetail, CallError> {
    imp::get_json(&format!("/api/v1/admin/registrations/{id}")).await
}

/// `POST /api/v1/admin/registrations/{id}/approve`: validates it.
pub async fn approve(id: i64, csrf: &str) -> Result<Decided, CallError> {
    imp::send::<(), Decided>(
        "POST",
        &format!("/api/v1/admin/registrations/{id}/approve"),
        None,
        Some(csrf),
    )
    .await?
    .ok_or(CallError::Contract)
}

/// `POST /api/v1/admin/registrations/{id}/refuse`: refuses it with reasons.
pub async fn refuse(id: i64, body: &RefuseRequest, csrf: &str) -> Result<Decided, CallError> {
    imp::send::<_, Decided>(
        "POST",
        &format!("/api/v1/admin/registrations/{id}/refuse"),
        Some(body),
        Some(csrf),
    )
    .await?
    .ok_or(CallError::Contract)
}

/// `POST /api/v1/admin/registrations/{id}/export`: everything held about the request, as JSON text to save.
pub async fn export(id: i64, body: &RightsRequest, csrf: &str) -> Result<String, CallError> {
    imp::post_text(
        &format!("/api/v1/admin/registrations/{id}/export"),
        body,
        csrf,
    )
    .await
}

/// `POST /api/v1/admin/registrations/{id}/erase`: erases the request's personal data.
pub async fn erase(id: i64, body: &RightsRequest, csrf: &str) -> Result<Erased, CallError> {
    imp::send::<_, Erased>(
        "POST",
        &format!("/api/v1/admin/registrations/{id}/erase"),
        Some(body),
        Some(csrf),
    )
    .await?
    .ok_or(CallError::Contract)
}

/// `GET /api/v1/admin/refusal-reasons` or `/complement-messages`: the ready-made texts of `kind`.
pub async fn ready_made(kind: ReadyMade) -> Result<Vec<RefusalReason>, CallError> {
    imp::get_json(&format!("/api/v1/admin/{}", kind.path())).await
}

/// `POST /api/v1/admin/registrations/{id}/complement`: asks the applicant to complete it.
pub async fn ask_complement(
    id: i64,
    body: &ComplementRequest,
    csrf: &str,
) -> Result<Decided, CallError> {
    imp::send::<_, Decided>(
        "POST",
        &format!("/api/v1/admin/registrations/{id}/complement"),
        Some(body),
        Some(csrf),
    )
    .await?
    .ok_or(CallError::Contract)
}

/// `POST` (take) or `DELETE` (let go) `/api/v1/admin/registrations/{id}/take`: « Je m'en occupe ».
pub async fn take(id: i64, take: bool, csrf: &str) -> Result<(), CallError> {
    imp::send::<(), ()>(
        if take { "POST" } else { "DELETE" },
        &format!("/api/v1/admin/registrations/{id}/take"),
        None,
        Some(csrf),
    )
    .await
    .map(|_| ())
}

/// `GET /api/v1/admin/outbox`: the emails, of one status or all.
pub async fn outbox(status: Option<OutboxStatus>) -> Result<Vec<OutboxItem>, CallError> {
    let query = query_string(&[("status", status.map(OutboxStatus::code))]);
    imp::get_json(&format!("/api/v1/admin/outbox?{query}")).await
}

/// `POST /api/v1/admin/outbox/{id}/resend`: queues a failed email again.
pub async fn resend(id: i64, csrf: &str) -> Result<(), CallError> {
    imp::send::<(), ()>(
        "POST",
        &format!("/api/v1/admin/outbox/{id}/resend"),
        None,
        Some(csrf),
    )
    .await
    .map(|_| ())
}

/// `GET /api/v1/admin/audit`: the audit trail, before the entry `before`.
pub async fn audit(before: Option<i64>) -> Result<Vec<AuditEntry>, CallError> {
    let before = before.map(|b| b.to_string());
    let query = query_string(&[("before", before.as_deref())]);
    imp::get_json(&format!("/api/v1/admin/audit?{query}")).await
}

/// `PUT /api/v1/admin/refusal-reasons/{code}` or `/complement-messages/{code}`: creates or changes a text.
pub async fn save_ready_made(
    kind: ReadyMade,
    reason: &RefusalReason,
    csrf: &str,
) -> Result<RefusalReason, CallError> {
    let body = ReasonUpdate {
        label: reason.label.clone(),
        body: reason.body.clone(),
        active: reason.active,
    };
    imp::send::<_, RefusalReason>(
        "PUT",
        &format!("/api/v1/admin/{}/{}", kind.path(), encode(&reason.code)),
        Some(&body),
        Some(csrf),
    )
    .await?
    .ok_or(CallError::Contract)
}

/// `POST /api/v1/admin/accounts/{id}/{action}`: disables or re-enables the account, or sends it a new password
/// link.
pub async fn account_action(id: i64, action: AccountAction, csrf: &str) -> Result<(), CallError> {
    imp::send::<(), ()>(
        "POST",
        &format!("/api/v1/admin/accounts/{id}/{}", action.code()),
        None,
        Some(csrf),
    )
    .await
    .map(|_| ())
}

/// `GET /api/v1/admin/admins`: the administrators.
pub async fn admins() -> Result<Vec<AdminView>, CallError> {
    imp::get_json("/api/v1/admin/admins").await
}

/// `POST /api/v1/admin/admins`: creates one; its first password is in the answer.
pub async fn create_admin(body: &NewAdmin, csrf: &str) -> Result<CreatedAdmin, CallError> {
    imp::send::<_, CreatedAdmin>("POST", "/api/v1/admin/admins", Some(body), Some(csrf))
        .await?
        .ok_or(CallError::Contract)
}

/// `PATCH /api/v1/admin/admins/{id}`: changes a role or disables.
pub async fn change_admin(id: i64, body: &AdminChange, csrf: &str) -> Result<(), CallError> {
    imp::send::<_, ()>(
        "PATCH",
        &format!("/api/v1/admin/admins/{id}"),
        Some(body),
        Some(csrf),
    )
    .await
    .map(|_| ())
}

/// `PUT /api/v1/admin/session/password`: changes one's own password.
pub async fn change_password(body: &PasswordChange, csrf: &str) -> Result<(), CallError> {
    imp::send::<_, ()>(
        "PUT",
        "/api/v1/admin/session/password",
        Some(body),
        Some(csrf),
    )
    .await
    .map(|_| ())
}
