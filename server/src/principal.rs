//! Who signs in and holds sessions: administrators and API accounts. The audit trail names them, the sessions,
//! cookies and throttling counters are theirs (`auth`).

#![warn(missing_docs)]

use std::future::Future;

use crate::store::Db;

/// The kinds of principal that hold sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An administrator (`/admin`).
    Admin,
    /// An API account (`/compte`).
    Account,
}

impl Kind {
    /// The word stored in the sessions table and the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Account => "account",
        }
    }

    /// The cookie's name. Over HTTPS it has the `__Host-` prefix: the browser then takes it only from this very
    /// host, over HTTPS, for the whole site (`Secure`, `Path=/`, no `Domain`), so that a neighbouring
    /// subdomain or a plain-HTTP page cannot set or shadow it.
    pub fn cookie(self, secure: bool) -> &'static str {
        match (self, secure) {
            (Self::Admin, false) => "geodae_admin",
            (Self::Account, false) => "geodae_compte",
            (Self::Admin, true) => "__Host-geodae_admin",
            (Self::Account, true) => "__Host-geodae_compte",
        }
    }
}

/// Someone who signs in and holds sessions: an administrator or an API account.
pub trait Principal: Sized + Send + Sync + 'static {
    /// Names this kind in sessions, cookies, throttling counters and the audit trail.
    const KIND: Kind;

    /// The principal of a live session; `None` once it is gone or disabled.
    fn load(db: &Db, id: i64) -> impl Future<Output = Result<Option<Self>, sqlx::Error>> + Send;

    /// The internal id.
    fn id(&self) -> i64;

    /// The identifiant, as the audit trail shows it.
    fn login(&self) -> &str;
}
