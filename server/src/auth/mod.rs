//! Passwords, one-time tokens, server-side sessions, sign-in and its throttling, for every kind of principal:
//! administrators and API accounts.

#![warn(missing_docs)]

pub mod password;
pub mod session;
pub mod sign_in;
pub mod throttle;
pub mod token;

use std::future::Future;

use crate::store::Db;

/// Someone who signs in and holds sessions: an administrator or an API account.
pub trait Principal: Sized + Send + Sync + 'static {
    /// Names this kind in sessions, cookies, throttling counters and the audit trail.
    const KIND: session::Kind;

    /// The principal of a live session; `None` once it is gone or disabled.
    fn load(db: &Db, id: i64) -> impl Future<Output = Result<Option<Self>, sqlx::Error>> + Send;

    /// The internal id.
    fn id(&self) -> i64;

    /// The identifiant, as the audit trail shows it.
    fn login(&self) -> &str;
}
