//! Emails: written to the outbox in the same transaction as the change they tell of, then sent by a worker
//! that retries with backoff, so that an SMTP outage loses nothing.

pub mod digest;
pub mod outbox;
pub mod templates;
pub mod transport;
pub mod worker;

use app::api::admin::MailKind;

/// A message ready to be queued: the recipient and both parts, in French.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}
