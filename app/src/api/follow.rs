//! Following a request without an account: the private link of the acknowledgement email (its key in the URL's
//! fragment, sent in a body, never in an address a proxy logs), what the follow page shows, and withdrawal.

use serde::{Deserialize, Serialize};

use super::RegistrationRequest;
use super::admin::Exchange;
pub use super::codes::FollowStepKind;
use super::codes::RequestStatus;

/// `POST /api/v1/follow` and `POST /api/v1/follow/withdraw`: the key of the follow link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FollowKey {
    /// The key of the link (`/demande/suivi#cle=…`).
    pub key: String,
}

/// `POST /api/v1/follow/lost`: the address the request was sent with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LostFollowLink {
    /// The applicant's email address.
    pub email: String,
}

/// One step of a request's course, dated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FollowStep {
    /// Which step.
    pub step: FollowStepKind,
    /// When (ms since the epoch).
    pub at: i64,
}

/// What the follow page shows of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FollowView {
    /// The reference, e.g. `DAE-7K3F9Q2M`.
    pub reference: String,
    /// Where it stands.
    pub status: RequestStatus,
    /// When it was sent (ms since the epoch).
    pub created_at: i64,
    /// What was sent: each field's label and value, in the form's order.
    pub sent: Vec<(String, String)>,
    /// Its course, oldest first.
    pub steps: Vec<FollowStep>,
    /// Days within which the administrators aim to decide.
    pub review_target_days: i64,
    /// Refused: the reasons' texts, and the reviewer's message.
    pub reasons: Vec<String>,
    /// Refused: the reviewer's own words, if any.
    pub message: Option<String>,
    /// Refused: the link to the form filled with this request, while it works.
    pub reapply_url: Option<String>,
    /// Validated: whether the account's password is set (then `/connexion`; else a new password link may be asked).
    pub password_set: bool,
    /// The exchange with the reviewers (their identifiants left out), oldest first.
    #[serde(default)]
    pub exchanges: Vec<Exchange>,
    /// Waiting for a complement: the request as the form edits it.
    #[serde(default)]
    pub form: Option<RegistrationRequest>,
}

/// `POST /api/v1/follow/complete`: the request corrected, and the applicant's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Completion {
    /// The key of the follow link.
    pub key: String,
    /// The form's fields, corrected.
    pub request: RegistrationRequest,
    /// The applicant's answer to the reviewer (2000 characters at most; may be empty when fields changed).
    #[serde(default)]
    pub answer: String,
}
