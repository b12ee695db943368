//! The words that travel between the browser and the server: error codes, administrators' roles, request
//! and outbox statuses, mail kinds. Each is an enum here, so that both sides read and write the same words.

use serde::{Deserialize, Serialize};

/// An enum that travels as a fixed word: its variants and their words, `code` and `parse` both ways, and every
/// variant in `ALL`, so that the browser and the server read and write the same words.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+
        }

        /// In the OpenAPI document: a string, one of the words on the wire.
        #[cfg(feature = "ssr")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code,)+]))
                    .into()
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::ToSchema for $name {}

        impl $name {
            /// Every variant, in order.
            pub const ALL: &'static [$name] = &[$(Self::$variant,)+];

            /// The word on the wire and in the database.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// The variant of a word, if it is one.
            pub fn parse(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

wire_enum! {
    /// An administrator's role, from the least to the most allowed.
    Role {
        /// Reads only.
        Viewer = "viewer",
        /// Also decides on requests, resends failed emails, manages API accounts.
        Reviewer = "reviewer",
        /// Also manages administrators and the refusal reasons.
        Admin = "admin",
    }
}

impl Role {
    /// How the pages name it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Viewer => "lecteur",
            Self::Reviewer => "instructeur",
            Self::Admin => "administrateur",
        }
    }
}

wire_enum! {
    /// Where a request stands.
    RequestStatus {
        /// Waiting for a decision.
        Pending = "pending",
        /// A reviewer asked the applicant to complete it: out of the queue until the answer.
        Complement = "complement",
        /// Completed by the applicant after a request: back in the queue.
        Completed = "completed",
        /// Validated: the account exists.
        Approved = "approved",
        /// Refused, with reasons.
        Refused = "refused",
        /// Withdrawn by the applicant.
        Withdrawn = "withdrawn",
        /// Closed without follow-up: no answer to a request for a complement.
        Closed = "closed",
    }
}

wire_enum! {
    /// Where an email of the outbox stands.
    OutboxStatus {
        /// Not sent yet (first try or retries to come).
        Waiting = "waiting",
        /// Accepted by the mail server.
        Sent = "sent",
        /// Given up after its attempts; an administrator may send it again.
        Failed = "failed",
    }
}

wire_enum! {
    /// What an email is.
    MailKind {
        /// To the applicant: the request is received.
        Acknowledgement = "acknowledgement",
        /// To the ministry's inbox: a new request to review.
        AdminNotice = "admin_notice",
        /// To the ministry's inbox: the requests of a burst, together.
        AdminDigest = "admin_digest",
        /// To the applicant: validated, with the identifiant and the password link.
        Validation = "validation",
        /// To the applicant: refused, with the reasons and the re-application link.
        Refusal = "refusal",
        /// To an account: a new password link (renewal, forgotten password, sent by an administrator).
        PasswordLink = "password_link",
        /// To an account: its identifiant.
        LoginReminder = "login_reminder",
        /// To the owner of an address already holding an account or a request under review, when a request is
        /// sent with it again.
        AddressInUse = "address_in_use",
        /// To the applicant: a new link to follow the request (« J'ai perdu le lien »).
        FollowLink = "follow_link",
        /// To the applicant: the request is withdrawn.
        Withdrawal = "withdrawal",
        /// To the applicant: a reviewer asks to complete the request.
        ComplementAsked = "complement_asked",
        /// To the applicant: the request still waits for the complement.
        ComplementReminder = "complement_reminder",
        /// To the applicant: no complement came, the request is closed.
        Closed = "closed",
    }
}

wire_enum! {
    /// What an entry of the audit trail records (each variant says it in [`AuditAction::label`]).
    #[allow(missing_docs)]
    AuditAction {
        RegistrationApproved = "registration.approved",
        RegistrationRefused = "registration.refused",
        RegistrationExported = "registration.exported",
        RegistrationErased = "registration.erased",
        RegistrationWithdrawn = "registration.withdrawn",
        RegistrationComplementAsked = "registration.complement_asked",
        RegistrationCompleted = "registration.completed",
        RegistrationClosed = "registration.closed",
        RegistrationTaken = "registration.taken",
        RegistrationReleased = "registration.released",
        AdminSignedIn = "admin.signed_in",
        AdminSignInFailed = "admin.sign_in_failed",
        AdminSignedOut = "admin.signed_out",
        AdminCreated = "admin.created",
        AdminChanged = "admin.changed",
        AdminPasswordChanged = "admin.password_changed",
        AccountSignedIn = "account.signed_in",
        AccountSignInFailed = "account.sign_in_failed",
        AccountSignedOut = "account.signed_out",
        AccountPasswordSet = "account.password_set",
        AccountDisabled = "account.disabled",
        AccountEnabled = "account.enabled",
        AccountPasswordLinkSent = "account.password_link_sent",
        OutboxResent = "outbox.resent",
        RefusalReasonSaved = "refusal_reason.saved",
        ComplementMessageSaved = "complement_message.saved",
        RetentionPurged = "retention.purged",
    }
}

impl AuditAction {
    /// How the audit page names it (a new action without its label does not compile).
    pub fn label(self) -> &'static str {
        match self {
            Self::RegistrationApproved => "Demande validée",
            Self::RegistrationRefused => "Demande refusée",
            Self::RegistrationExported => "Copie des données du demandeur",
            Self::RegistrationErased => "Données du demandeur effacées",
            Self::RegistrationWithdrawn => "Demande retirée par le demandeur",
            Self::RegistrationComplementAsked => "Complément demandé au demandeur",
            Self::RegistrationCompleted => "Demande complétée par le demandeur",
            Self::RegistrationClosed => "Demande classée sans suite",
            Self::RegistrationTaken => "Demande prise en charge",
            Self::RegistrationReleased => "Demande laissée à d'autres",
            Self::AdminSignedIn => "Connexion",
            Self::AdminSignInFailed => "Échec de connexion",
            Self::AdminSignedOut => "Déconnexion",
            Self::AdminCreated => "Administrateur créé",
            Self::AdminChanged => "Administrateur modifié",
            Self::AdminPasswordChanged => "Mot de passe d'administrateur changé",
            Self::AccountSignedIn => "Connexion d'un compte API",
            Self::AccountSignInFailed => "Échec de connexion d'un compte API",
            Self::AccountSignedOut => "Déconnexion d'un compte API",
            Self::AccountPasswordSet => "Mot de passe du compte créé",
            Self::AccountDisabled => "Compte désactivé",
            Self::AccountEnabled => "Compte réactivé",
            Self::AccountPasswordLinkSent => "Lien de mot de passe renvoyé",
            Self::OutboxResent => "Mail renvoyé",
            Self::RefusalReasonSaved => "Motif de refus enregistré",
            Self::ComplementMessageSaved => "Message de complément enregistré",
            Self::RetentionPurged => "Purge des données au-delà de leur durée de conservation",
        }
    }
}

wire_enum! {
    /// What a related item of a request's page is.
    RelatedKind {
        /// Another request.
        Registration = "registration",
        /// An API account.
        Account = "account",
    }
}

wire_enum! {
    /// Where a related item stands: a request's status, or an account's.
    RelatedStatus {
        /// A request waiting for its decision.
        Pending = "pending",
        /// A request validated.
        Approved = "approved",
        /// A request refused.
        Refused = "refused",
        /// A request waiting for the applicant's complement.
        Complement = "complement",
        /// A request completed by the applicant.
        Completed = "completed",
        /// A request withdrawn by its applicant.
        Withdrawn = "withdrawn",
        /// A request closed without follow-up.
        Closed = "closed",
        /// An account in use.
        Active = "active",
        /// An account disabled.
        Disabled = "disabled",
    }
}

impl RelatedStatus {
    /// How the request's page says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "En attente",
            Self::Approved => "Validée",
            Self::Refused => "Refusée",
            Self::Complement => "Complément demandé",
            Self::Completed => "Complétée",
            Self::Withdrawn => "Retirée",
            Self::Closed => "Classée sans suite",
            Self::Active => "Actif",
            Self::Disabled => "Désactivé",
        }
    }
}

wire_enum! {
    /// What a related item shares with the request.
    SharedWith {
        /// The email address.
        Email = "email",
        /// The SIREN.
        Siren = "siren",
    }
}

impl SharedWith {
    /// How the request's page says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Email => "même email",
            Self::Siren => "même SIREN",
        }
    }
}

wire_enum! {
    /// What an administrator does to an API account.
    AccountAction {
        /// Sessions, tokens and links end; sign-in is refused.
        Disable = "disable",
        /// Signs in again.
        Enable = "enable",
        /// A new password link by email.
        PasswordLink = "password-link",
    }
}

wire_enum! {
    /// A step of a request's course, as the follow page's timeline names it.
    FollowStepKind {
        /// Sent by the applicant.
        Submitted = "submitted",
        /// A reviewer opened it.
        InReview = "in_review",
        /// A reviewer asked for a complement.
        ComplementAsked = "complement_asked",
        /// The applicant completed it.
        Completed = "completed",
        /// Validated.
        Approved = "approved",
        /// Refused.
        Refused = "refused",
        /// Withdrawn by the applicant.
        Withdrawn = "withdrawn",
        /// Closed without follow-up.
        Closed = "closed",
    }
}

impl FollowStepKind {
    /// How the timeline names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Submitted => "Demande déposée",
            Self::InReview => "En cours d'examen",
            Self::ComplementAsked => "Complément demandé",
            Self::Completed => "Demande complétée",
            Self::Approved => "Demande validée",
            Self::Refused => "Demande refusée",
            Self::Withdrawn => "Demande retirée",
            Self::Closed => "Classée sans suite",
        }
    }
}

impl RequestStatus {
    /// How the pages name it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "En attente",
            Self::Complement => "Complément demandé",
            Self::Completed => "Complétée",
            Self::Approved => "Validée",
            Self::Refused => "Refusée",
            Self::Withdrawn => "Retirée",
            Self::Closed => "Classée sans suite",
        }
    }

    /// Still under way: the applicant may withdraw it, and its address may not send another.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Complement | Self::Completed)
    }
}

impl MailKind {
    /// How the outbox page names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Acknowledgement => "Accusé de réception",
            Self::AdminNotice => "Avis aux administrateurs",
            Self::AdminDigest => "Récapitulatif aux administrateurs",
            Self::Validation => "Validation",
            Self::Refusal => "Refus",
            Self::PasswordLink => "Lien de mot de passe",
            Self::LoginReminder => "Rappel d'identifiant",
            Self::AddressInUse => "Adresse déjà utilisée",
            Self::FollowLink => "Lien de suivi",
            Self::Withdrawal => "Demande retirée",
            Self::ComplementAsked => "Complément demandé",
            Self::ComplementReminder => "Rappel de complément",
            Self::Closed => "Classement sans suite",
        }
    }
}

/// Why a call failed, as a machine reads it (`ErrorBody::code`); the French sentence is in `message`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Fields to correct: `fields` says which and why.
    Validation,
    /// The SIREN in the path is not nine digits with a valid key.
    InvalidSiren,
    /// No register knows this SIREN.
    UnknownSiren,
    /// No company register answers now.
    RegisterUnavailable,
    /// An account already exists for this address.
    AlreadyRegistered,
    /// The body is not JSON.
    MalformedJson,
    /// The JSON body does not have the expected shape.
    InvalidBody,
    /// The body is not sent as `application/json`.
    UnsupportedMediaType,
    /// The body is too large.
    PayloadTooLarge,
    /// The request did not arrive whole in time.
    RequestTimeout,
    /// The request could not be read.
    BadRequest,
    /// A query parameter is invalid.
    InvalidQuery,
    /// No such resource.
    NotFound,
    /// No session, or it has ended: sign in.
    Unauthenticated,
    /// Wrong identifiant or password.
    InvalidCredentials,
    /// Too many attempts: retry after `Retry-After` seconds.
    RateLimited,
    /// The administrator's role does not allow this.
    Forbidden,
    /// The CSRF token or the origin is missing or wrong.
    Csrf,
    /// The link is not valid.
    LinkUnknown,
    /// The link has expired or was already used.
    LinkExpired,
    /// The request was already validated or refused.
    AlreadyDecided,
    /// Only a failed email can be sent again.
    NotFailed,
    /// The identifiant is taken.
    LoginTaken,
    /// An internal error: `request_id` identifies it in the logs.
    Internal,
    /// The database does not answer.
    DatabaseUnavailable,
    /// A code this client does not know yet (sent by a newer server).
    #[serde(other)]
    Other,
}

impl ErrorCode {
    /// Every code the server sends.
    pub const ALL: [ErrorCode; 25] = [
        Self::Validation,
        Self::InvalidSiren,
        Self::UnknownSiren,
        Self::RegisterUnavailable,
        Self::AlreadyRegistered,
        Self::MalformedJson,
        Self::InvalidBody,
        Self::UnsupportedMediaType,
        Self::PayloadTooLarge,
        Self::RequestTimeout,
        Self::BadRequest,
        Self::InvalidQuery,
        Self::NotFound,
        Self::Unauthenticated,
        Self::InvalidCredentials,
        Self::RateLimited,
        Self::Forbidden,
        Self::Csrf,
        Self::LinkUnknown,
        Self::LinkExpired,
        Self::AlreadyDecided,
        Self::NotFailed,
        Self::LoginTaken,
        Self::Internal,
        Self::DatabaseUnavailable,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_travel_as_snake_case_and_unknown_ones_are_other() {
        assert_eq!(
            serde_json::to_string(&ErrorCode::AlreadyDecided).expect("serialise"),
            "\"already_decided\""
        );
        for code in ErrorCode::ALL {
            let text = serde_json::to_string(&code).expect("serialise");
            assert_eq!(
                serde_json::from_str::<ErrorCode>(&text).expect("parse"),
                code
            );
        }
        assert_eq!(
            serde_json::from_str::<ErrorCode>("\"from_the_future\"").expect("parse"),
            ErrorCode::Other
        );
    }
}
