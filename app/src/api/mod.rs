//! The JSON contract between the browser and the server (`/api/v1`), and the typed client the browser uses.
//!
//! The server serialises exactly these types, so a change here is seen by both sides at compile time.

#![warn(missing_docs)]

pub mod admin;
pub mod client;
pub mod codes;
pub mod follow;

pub use codes::ErrorCode;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{Field, FieldErrors, RawRegistration};

/// Contact address of the Cellule Données, given in the guide for anything else: on the pages and in the
/// emails.
pub const CONTACT_EMAIL: &str = "contact@geodae.sante.gouv.fr";

/// The body of every error answer: a stable machine code, a French sentence, per-field messages for forms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The stable code a program acts on.
    pub code: ErrorCode,
    /// The French sentence to show.
    pub message: String,
    /// Per-field messages, keyed by the request's member names.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// Given with internal errors, to quote to the support team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl ErrorBody {
    /// A body with no per-field message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: BTreeMap::new(),
            request_id: None,
        }
    }

    /// 422: the fields to correct, each with its message.
    pub fn validation(errors: &FieldErrors) -> Self {
        Self {
            fields: errors
                .0
                .iter()
                .map(|(field, message)| (field.key().to_string(), message.clone()))
                .collect(),
            ..Self::new(ErrorCode::Validation, "Certains champs sont à corriger.")
        }
    }

    /// The message for one field of the form, if the server gave one.
    pub fn field(&self, field: Field) -> Option<&str> {
        self.fields.get(field.key()).map(String::as_str)
    }
}

/// What the company register says of a SIREN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyLookup {
    /// The nine digits.
    pub siren: String,
    /// The raison sociale; `null` for a non-diffusible unit, whose name is not public.
    pub company_name: Option<String>,
    /// Active or ceased at the register.
    pub state: CompanyState,
    /// `categorieJuridiqueUniteLegale`, e.g. `5710` (SAS), `7210` (commune).
    pub legal_category: Option<String>,
    /// `false` for a unit whose details are partly withheld (`statutDiffusionUniteLegale` = `P`).
    pub diffusible: bool,
}

/// `GET /api/v1/sirene?q=`: the active, public units whose name matches, best first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanySearch {
    /// Best first; at most the `limit` asked.
    pub results: Vec<CompanyMatch>,
}

/// A unit found by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyMatch {
    /// The nine digits.
    pub siren: String,
    /// The name as the register writes it.
    pub company_name: String,
    /// `categorieJuridiqueUniteLegale`, e.g. `5710` (SAS), `7210` (commune).
    pub legal_category: Option<String>,
}

/// Whether a unit still exists at the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CompanyState {
    /// Active (`A`).
    Active,
    /// Ceased (`C`): it cannot apply.
    Ceased,
}

/// `POST /api/v1/registrations`: the form as typed. Every member is required (the form sends them all, empty
/// when nothing is typed); one missing is read as empty, so that the answer names every field to fill.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RegistrationRequest {
    /// `api`
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub profile: String,
    /// Nom, as typed.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub last_name: String,
    /// Prénom, as typed.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub first_name: String,
    /// The professional email address.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub email: String,
    /// `entreprise_association`, `administration_collectivite` or `copropriete_particulier`
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub organisation_kind: String,
    /// Nine digits; spaces are accepted and removed.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub siren: String,
    /// May be empty.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub siret: String,
    /// Used only when the register cannot give the name (non-diffusible unit, register unavailable).
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub company_name: String,
    /// `+33`, `+590`, `+594`, `+596`, `+262`, `+508`, `+687` or `+689`
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub phone_prefix: String,
    /// As typed, e.g. `06 12 34 56 78`.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub phone_number: String,
}

impl RegistrationRequest {
    /// The member of `field`.
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::Profile => &self.profile,
            Field::LastName => &self.last_name,
            Field::FirstName => &self.first_name,
            Field::Email => &self.email,
            Field::OrganisationKind => &self.organisation_kind,
            Field::Siren => &self.siren,
            Field::Siret => &self.siret,
            Field::CompanyName => &self.company_name,
            Field::PhonePrefix => &self.phone_prefix,
            Field::PhoneNumber => &self.phone_number,
        }
    }

    /// The text of one field, to edit it.
    pub fn get_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::Profile => &mut self.profile,
            Field::LastName => &mut self.last_name,
            Field::FirstName => &mut self.first_name,
            Field::Email => &mut self.email,
            Field::OrganisationKind => &mut self.organisation_kind,
            Field::Siren => &mut self.siren,
            Field::Siret => &mut self.siret,
            Field::CompanyName => &mut self.company_name,
            Field::PhonePrefix => &mut self.phone_prefix,
            Field::PhoneNumber => &mut self.phone_number,
        }
    }

    /// The request as the field parsers read it.
    pub fn raw(&self) -> RawRegistration<'_> {
        RawRegistration {
            profile: &self.profile,
            last_name: &self.last_name,
            first_name: &self.first_name,
            email: &self.email,
            organisation_kind: &self.organisation_kind,
            siren: &self.siren,
            siret: &self.siret,
            company_name: &self.company_name,
            phone_prefix: &self.phone_prefix,
            phone_number: &self.phone_number,
        }
    }
}

/// `202` answer to a registration: received; what follows comes by email to `email` (the acknowledgement with the
/// request's reference, or, when the address already has an account or a request under review, what to do
/// instead). The answer is the same either way, so that it tells nobody whether an address is registered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegistrationReceived {
    /// The address the email goes to.
    pub email: String,
}

/// `GET /api/v1/health`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`
    pub status: String,
    /// `sqlite` or `postgres`
    pub database: String,
}

/// `GET /api/v1/health/ready`: whether this instance can serve, check by check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Readiness {
    /// `ready`, or `not_ready` when a check fails.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// Whether the database answers.
    pub database_answers: bool,
    /// Migrations applied, out of those this version knows.
    pub migrations_applied: i64,
    /// Migrations this version knows.
    pub migrations_known: i64,
    /// `smtp` or `files`.
    pub mail: String,
    /// Whether the mail transport is usable (a writable folder; an SMTP host named).
    pub mail_ready: bool,
}

/// `POST /api/v1/password-setup/info`: whose link it is and the rules the password must follow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordSetup {
    /// The account's identifiant.
    pub login: String,
    /// Used by the checklist (the password must not contain it).
    pub email: String,
    /// The rules the new password must follow.
    pub policy: crate::domain::password::PasswordPolicy,
}

/// `POST /api/v1/password-setup`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewPassword {
    /// The secret of the link received by email.
    pub token: String,
    /// The new password.
    pub password: String,
    /// The same, typed again.
    pub confirmation: String,
}

/// The secret of a link received by email, sent in a body (never in an address, which proxies log):
/// `POST /api/v1/password-setup/info`, `/renew`, `POST /api/v1/registrations/reprise`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LinkToken {
    /// The secret, as the link carries it.
    pub token: String,
}

/// What signs in: `POST /api/v1/admin/session` (the identifiant) and `POST /api/v1/account/session` (the
/// identifiant or the email).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Credentials {
    /// The identifiant (administrators) or the identifiant or email (API accounts).
    pub login: String,
    /// The password.
    pub password: String,
}

/// `POST /api/v1/account/forgot-password` and `/forgot-login`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Recovery {
    /// The address the account was created with.
    pub email: String,
}

/// `GET /api/v1/account/session`: the signed-in API account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountView {
    /// The identifiant.
    pub login: String,
    /// The address emails go to.
    pub email: String,
    /// The raison sociale of the request.
    pub company_name: String,
    /// The SIREN of the request.
    pub siren: String,
    /// The reference of the request.
    pub reference: String,
    /// When the account was created (ms since the epoch).
    pub created_at: i64,
    /// The token to repeat in `X-CSRF-Token`.
    pub csrf_token: String,
    /// The request's history, oldest first.
    pub history: Vec<admin::HistoryEntry>,
    /// The account's use of the data API.
    pub api_usage: ApiUsage,
}

/// An account's use of the data API (`/api/login`, `/api/dae`, `/api/v1/dae`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiUsage {
    /// Calls answered today (UTC).
    pub today: i64,
    /// Calls answered over the last 30 days.
    pub last_30_days: i64,
    /// Calls refused over the last 30 days, past the account's rate.
    pub refused_30_days: i64,
    /// The last call answered (ms since the epoch).
    pub last_call_at: Option<i64>,
    /// The account's rate, in words ("10 appels par seconde, 20 d'affilée").
    pub rate: String,
}

/// What the mandatory pages ("Mentions légales", "Données personnelles", "Accessibilité") say of the service
/// where it runs: its publisher, host, contacts and retention periods, set by the server's environment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LegalInfo {
    /// This site's public address.
    pub site_url: String,
    /// The publisher: the body in charge of the service and controller of its personal data.
    pub publisher: String,
    /// The publisher's postal address.
    pub publisher_address: String,
    /// The director of publication (a function, not a name).
    pub publication_director: String,
    /// The host: name, postal address and telephone (loi n° 2004-575, article 6).
    pub host: String,
    /// The host's postal address.
    pub host_address: String,
    /// The host's telephone.
    pub host_phone: String,
    /// The data protection officer (DPO): who and where.
    pub dpo: String,
    /// The data protection officer's email address, when published.
    pub dpo_email: Option<String>,
    /// How long personal data is kept, as the server applies it.
    pub retention: Retention,
}

impl Default for LegalInfo {
    fn default() -> Self {
        let ministry = "14 avenue Duquesne, 75350 Paris 07 SP";
        Self {
            site_url: String::new(),
            publisher: "Ministère chargé de la santé – Direction générale de la santé (DGS)".into(),
            publisher_address: ministry.into(),
            publication_director: "Le directeur général de la santé".into(),
            host: "Ministère chargé de la santé".into(),
            host_address: ministry.into(),
            host_phone: "01 40 56 60 00".into(),
            dpo: "Délégué à la protection des données des ministères sociaux, 14 avenue Duquesne, 75350 Paris 07 SP"
                .into(),
            dpo_email: None,
            retention: Retention::default(),
        }
    }
}

/// Retention periods, in days, of each kind of personal data (`GEODAE_RETENTION_*`); the server purges what
/// is older every day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Retention {
    /// A refused request and its personal data, from the refusal.
    pub refused_days: u32,
    /// A validated request whose account was never activated, from the validation.
    pub unactivated_days: u32,
    /// A disabled account and its request, from the disabling.
    pub disabled_days: u32,
    /// Used or expired links, ended sessions and data API tokens, from their end.
    pub ended_days: u32,
    /// Emails sent, from their sending.
    pub mail_days: u32,
    /// Entries of the audit trail, from their writing.
    pub audit_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            refused_days: 365,
            unactivated_days: 365,
            disabled_days: 365,
            ended_days: 7,
            mail_days: 90,
            audit_days: 365,
        }
    }
}
