//! The export of every defibrillator (`GET /api/v1/dae/export`), and the limits of every long read (the
//! export, a list call of more than a page): one streams at a time per account and a few for everyone
//! ([`Exports`]), so that no client can hold the service; how they are read and sent is [`stream`]'s.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::geojson::feature;
use super::list::ListQuery;
use super::stream::{self, Layout};
use crate::store::Db;

/// The exports streaming now: at most one per account, and `at_once` for everyone.
pub struct Exports {
    at_once: Arc<Semaphore>,
    accounts: Mutex<HashSet<i64>>,
}

/// Why an export cannot start now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Busy {
    /// This account's previous export is still streaming.
    Account,
    /// As many exports as the service streams at once are under way.
    Everyone,
}

/// An export under way: its place is given back when it is dropped (finished, failed or given up).
pub struct Permit {
    exports: Arc<Exports>,
    account_id: i64,
    _place: OwnedSemaphorePermit,
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.exports
            .accounts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&self.account_id);
    }
}

impl Exports {
    pub fn new(at_once: usize) -> Self {
        Self {
            at_once: Arc::new(Semaphore::new(at_once)),
            accounts: Mutex::new(HashSet::new()),
        }
    }

    /// A place for an export of `account_id`, or why there is none now.
    pub fn start(self: &Arc<Self>, account_id: i64) -> Result<Permit, Busy> {
        let mut accounts = self
            .accounts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if accounts.contains(&account_id) {
            return Err(Busy::Account);
        }
        let place = Arc::clone(&self.at_once)
            .try_acquire_owned()
            .map_err(|_| Busy::Everyone)?;
        accounts.insert(account_id);
        Ok(Permit {
            exports: Arc::clone(self),
            account_id,
            _place: place,
        })
    }
}

/// How the export writes the records: a GeoJSON FeatureCollection, one feature a line.
pub const GEOJSON_LINES: Layout = Layout {
    open: b"{\"type\":\"FeatureCollection\",\"features\":[\n",
    between: b",\n",
    close: b"\n]}\n",
    item: feature,
};

/// The body of the export: every record in `gid` order (see [`stream`] for how it is read and sent).
pub async fn body(db: Db, permit: Permit, stall: Duration) -> Result<Body, sqlx::Error> {
    let everything = ListQuery {
        offset: 0,
        limit: i64::MAX,
        sort: Vec::new(),
        filter: None,
    };
    stream::body(db, everything, GEOJSON_LINES, Some(permit), stall).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_export_per_account_and_a_few_for_everyone() {
        let exports = Arc::new(Exports::new(2));
        let first = exports.start(1).expect("a first export");
        assert_eq!(exports.start(1).err(), Some(Busy::Account));
        let second = exports.start(2).expect("another account's");
        assert_eq!(exports.start(3).err(), Some(Busy::Everyone));
        drop(first);
        assert!(exports.start(1).is_ok());
        drop(second);
    }
}
