//! The administrators' JSON contract (`/api/v1/admin`).

use serde::{Deserialize, Serialize};

pub use super::codes::{
    AccountAction, AuditAction, MailKind, OutboxStatus, RelatedKind, RelatedStatus, RequestStatus,
    Role, SharedWith,
};

/// The signed-in administrator (`GET /api/v1/admin/session`). `csrf_token` goes in the `X-CSRF-Token` header
/// of every state-changing request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminSession {
    /// The identifiant.
    pub login: String,
    /// The address.
    pub email: String,
    /// What the administrator may do.
    pub role: Role,
    /// The token to repeat in `X-CSRF-Token`.
    pub csrf_token: String,
}

/// One line of the dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegistrationRow {
    /// The internal id.
    pub id: i64,
    /// The reference quoted to the applicant, e.g. `DAE-7K3F9Q2M`.
    pub reference: String,
    /// Where it stands.
    pub status: RequestStatus,
    /// Nom.
    pub last_name: String,
    /// Prénom.
    pub first_name: String,
    /// The applicant's address.
    pub email: String,
    /// The nine digits.
    pub siren: String,
    /// The raison sociale (from the register, or typed for a non-diffusible unit).
    pub company_name: String,
    /// What kind of organisation applies.
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "entreprise_association"))]
    pub organisation_kind: crate::domain::OrganisationKind,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    /// When it was validated or refused.
    pub decided_at: Option<i64>,
    /// Whole days the request has waited (until its decision, or until now).
    pub waited_days: i64,
    /// A pending request waiting longer than the review target.
    pub overdue: bool,
    /// Warnings raised at entry (mismatches, non-diffusible, SIREN not verified).
    pub flags: usize,
    /// The reviewer who took it (« Je m'en occupe »), while it is under way.
    #[serde(default)]
    pub taken_by: Option<String>,
}

/// `GET /api/v1/admin/registrations`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegistrationPage {
    /// The rows of this page.
    pub items: Vec<RegistrationRow>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
    /// Requests per status (on the first page).
    pub counts: StatusCounts,
    /// Requests received and decided per week, oldest week first.
    pub weeks: Vec<WeekActivity>,
    /// Days after which a pending request is overdue.
    pub overdue_after_days: i64,
}

/// Requests per status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusCounts {
    /// Waiting for a decision.
    pub pending: i64,
    /// Validated.
    pub approved: i64,
    /// Refused.
    pub refused: i64,
    /// Pending for longer than the review target.
    pub overdue: i64,
    /// Waiting for the applicant's complement.
    #[serde(default)]
    pub complement: i64,
    /// Completed by the applicant, back in the queue.
    #[serde(default)]
    pub completed: i64,
    /// Withdrawn by the applicant.
    #[serde(default)]
    pub withdrawn: i64,
    /// Closed without follow-up.
    #[serde(default)]
    pub closed: i64,
}

/// One week of the dashboard's chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WeekActivity {
    /// Monday of the week, `YYYY-MM-DD`.
    pub week: String,
    /// Requests received that week.
    pub received: i64,
    /// Requests decided that week.
    pub decided: i64,
}

/// `GET /api/v1/admin/registrations/{id}`: everything about one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegistrationDetail {
    /// What the dashboard shows of it.
    pub row: RegistrationRow,
    /// The account's profile.
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "api"))]
    pub profile: crate::domain::Profile,
    /// The SIRET, when given.
    pub siret: Option<String>,
    /// E.164.
    pub phone: String,
    /// The national significant number (the digits after the prefix).
    pub phone_national: String,
    /// `register` when the raison sociale comes from SIRENE, `applicant` when typed.
    pub company_name_source: String,
    /// Whether the register knew the SIREN (`siren_check` says more).
    pub siren_verified: bool,
    /// What the register said of the SIREN for this request, and when it said it.
    pub siren_check: SirenCheck,
    /// When a register last answered for it.
    pub register_checked_at: Option<i64>,
    /// What the register says now; absent when it does not answer or know the SIREN.
    pub register: Option<RegisterView>,
    /// Differences between what was sent and what the register says.
    pub mismatches: Vec<String>,
    /// Warnings raised when the request was sent.
    pub warnings: Vec<String>,
    /// Other requests and accounts with the same email or SIREN.
    pub related: Vec<Related>,
    /// The decision, once taken.
    pub decision: Option<DecisionView>,
    /// What happened to the request, oldest first.
    pub history: Vec<HistoryEntry>,
    /// When its personal data was erased (retention period, or the applicant's request): only the
    /// anonymous statistic is left.
    #[serde(default)]
    pub erased_at: Option<i64>,
    /// Since when the reviewer of `row.taken_by` has it.
    #[serde(default)]
    pub taken_at: Option<i64>,
    /// The exchange with the applicant: the reviewers' requests for a complement and the answers, oldest first.
    #[serde(default)]
    pub exchanges: Vec<Exchange>,
}

/// Who wrote a message of a request's exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExchangeAuthor {
    /// A reviewer, asking for a complement.
    Reviewer,
    /// The applicant, completing the request.
    Applicant,
}

/// One message of the exchange between the reviewers and the applicant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Exchange {
    /// When (ms since the epoch).
    pub at: i64,
    /// Who wrote it.
    pub author: ExchangeAuthor,
    /// The reviewer's identifiant (shown to the administrators only), or `demandeur`.
    pub actor: String,
    /// The message.
    pub body: String,
    /// An answer: what the applicant changed, field by field.
    pub changes: Vec<FieldChange>,
}

/// A field the applicant changed when completing the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldChange {
    /// The field, as the form names it.
    pub field: String,
    /// Its value before.
    pub before: String,
    /// Its value after.
    pub after: String,
}

/// `POST /api/v1/admin/registrations/{id}/complement`: what the applicant is asked to complete.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ComplementRequest {
    /// Codes of ready-made messages (`GET /complement-messages`), in the order chosen.
    #[serde(default)]
    pub messages: Vec<String>,
    /// The reviewer's own words; a ready-made message or these are required.
    #[serde(default)]
    pub message: String,
}

/// What the register said of a request's SIREN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SirenCheck {
    /// No register answered yet; checked again automatically.
    NotVerified,
    /// The register knows the unit.
    Verified,
    /// The register does not know the SIREN.
    Unknown,
}

impl SirenCheck {
    /// From the stored code (0, 1, 2).
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => Self::Verified,
            2 => Self::Unknown,
            _ => Self::NotVerified,
        }
    }
}

/// What the register says of a request's SIREN now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegisterView {
    /// The raison sociale; absent for a non-diffusible unit.
    pub company_name: Option<String>,
    /// Active or ceased.
    pub state: super::CompanyState,
    /// The catégorie juridique.
    pub legal_category: Option<String>,
    /// Whether its details are public.
    pub diffusible: bool,
}

/// Another request or account with the same email or SIREN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Related {
    /// A request or an account.
    pub kind: RelatedKind,
    /// Its internal id.
    pub id: i64,
    /// The reference of a request, the identifiant of an account.
    pub label: String,
    /// Where it stands.
    pub status: RelatedStatus,
    /// What it shares with the request: the email, the SIREN or both.
    pub same: Vec<SharedWith>,
    /// When it was created.
    pub created_at: i64,
}

/// How a request was decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DecisionView {
    /// `approved` or `refused`.
    pub status: RequestStatus,
    /// When.
    pub decided_at: i64,
    /// By which administrator.
    pub decided_by: Option<String>,
    /// The refusal reasons' labels.
    pub reasons: Vec<String>,
    /// The free text added to a refusal.
    pub message: Option<String>,
    /// The account's identifiant, when approved.
    pub login: Option<String>,
    /// The account, when approved: its id for the account actions, and whether it is disabled.
    pub account_id: Option<i64>,
    /// Whether the account is disabled.
    pub account_disabled: bool,
    /// Whether the account has chosen its password.
    pub account_activated: bool,
    /// The account's use of the data API, when approved.
    pub api_usage: Option<super::ApiUsage>,
}

/// One event of a request's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    /// When (ms since the epoch).
    pub at: i64,
    /// Who: the applicant, an administrator's identifiant, the server.
    pub actor: String,
    /// What, as a code (`submitted`, `approved`, `refused`, `siren_checked`).
    pub action: String,
    /// What, in French.
    pub detail: String,
}

/// `POST /api/v1/admin/registrations/{id}/export` and `/erase`: an applicant exercises a right (RGPD articles
/// 15 and 17); the reason is recorded in the audit trail.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RightsRequest {
    /// Why: who asked, when and how (3 to 500 characters).
    pub reason: String,
}

/// What `POST /api/v1/admin/registrations/{id}/erase` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Erased {
    /// A pending request is deleted whole; a decided one stays as an anonymous statistic.
    pub deleted: bool,
    /// Its account was deleted (with its links, sessions and tokens).
    pub account_deleted: bool,
}

/// `POST /api/v1/admin/registrations/{id}/refuse`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RefuseRequest {
    /// Codes of ready-made reasons (`GET /refusal-reasons`), at least one.
    pub reasons: Vec<String>,
    /// Optional free text added to the email.
    #[serde(default)]
    pub message: String,
}

/// The outcome of a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Decided {
    /// The request.
    pub id: i64,
    /// Its new status.
    pub status: RequestStatus,
    /// The new account's identifiant, when approved.
    pub login: Option<String>,
}

/// Which ready-made texts of the reviewers: the reasons of a refusal, the messages of a request for a
/// complement (the same shape, `RefusalReason`, edited the same way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadyMade {
    /// The reasons of a refusal (`/refusal-reasons`).
    Refusal,
    /// The messages of a request for a complement (`/complement-messages`).
    Complement,
}

impl ReadyMade {
    /// The API's collection, under `/api/v1/admin/`.
    pub fn path(self) -> &'static str {
        match self {
            Self::Refusal => "refusal-reasons",
            Self::Complement => "complement-messages",
        }
    }
}

/// A ready-made refusal reason (or message of a request for a complement).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RefusalReason {
    /// Its stable code.
    pub code: String,
    /// What the administrators read.
    pub label: String,
    /// The sentence the applicant reads in the email.
    pub body: String,
    /// Whether it is offered when refusing.
    pub active: bool,
}

/// `PUT /api/v1/admin/refusal-reasons/{code}`: a reason's wording and whether it is offered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReasonUpdate {
    /// What the administrators read (100 characters at most).
    pub label: String,
    /// The sentence the applicant reads in the email (1000 characters at most).
    pub body: String,
    /// Whether it is offered when refusing.
    pub active: bool,
}

/// One email of the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutboxItem {
    /// The internal id.
    pub id: i64,
    /// What it is.
    pub kind: MailKind,
    /// Its recipient.
    pub recipient: String,
    /// Its subject.
    pub subject: String,
    /// Where it stands.
    pub status: OutboxStatus,
    /// Sending attempts so far.
    pub attempts: i64,
    /// The last failure, as the mail server gave it.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: i64,
    /// When it was accepted by the mail server.
    pub sent_at: Option<i64>,
    /// When the next attempt is due.
    pub next_attempt_at: i64,
    /// The request it tells of.
    pub registration_id: Option<i64>,
}

/// One line of the audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// The entry's id (entries are never changed).
    pub id: i64,
    /// When (ms since the epoch).
    pub at: i64,
    /// Who: `kind:login`.
    pub actor: String,
    /// What, e.g. `registration.approved`.
    pub action: AuditAction,
    /// What was acted upon: `kind:id`.
    pub target: Option<String>,
    /// The details, as JSON.
    pub detail: String,
    /// The client's address.
    pub ip: Option<String>,
}

/// An administrator, for the `admin` role's management page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminView {
    /// The internal id.
    pub id: i64,
    /// The identifiant.
    pub login: String,
    /// The address.
    pub email: String,
    /// What they may do.
    pub role: Role,
    /// A disabled administrator cannot sign in.
    pub disabled: bool,
    /// When they were created.
    pub created_at: i64,
}

/// `POST /api/v1/admin/admins`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewAdmin {
    /// The identifiant: 2 to 40 lowercase letters, digits, dots, dashes.
    pub login: String,
    /// The address.
    pub email: String,
    /// What the administrator may do.
    pub role: Role,
}

impl NewAdmin {
    /// An empty form: a reviewer, the role most administrators get.
    pub fn reviewer() -> Self {
        Self {
            login: String::new(),
            email: String::new(),
            role: Role::Reviewer,
        }
    }
}

/// The created administrator and the first password, shown once, to hand over and change at first sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedAdmin {
    /// The stored administrator.
    pub admin: AdminView,
    /// The first password, shown once.
    pub password: String,
}

/// `PATCH /api/v1/admin/admins/{id}`: any of the two.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminChange {
    /// The new role.
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    /// `true` to disable, `false` to enable.
    pub disabled: Option<bool>,
}

/// `PUT /api/v1/admin/session/password`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    /// The current password.
    pub current: String,
    /// The new one (12 characters at least).
    pub new: String,
}
