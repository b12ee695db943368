//! The export of every defibrillator (`GET /api/v1/dae/export`), bounded so that no client can hold the
//! database: the records are read page by page in `gid` order, each page on a connection taken for its query
//! alone (never one held while the client reads), one export streams at a time per account and a few for
//! everyone ([`Exports`]), and an export whose client takes nothing for a while is dropped.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use serde_json::Value as Json;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use super::field_names;
use super::geojson::feature;
use super::list::record;
use crate::store::{Db, Sql};

/// Records read by one query.
const PAGE: i64 = 1_000;
/// Bytes sent at a time.
const CHUNK: usize = 64 * 1024;

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

/// The body of an export: the chunks the reader sends, then the end; an error (the connection is cut, so that
/// the client cannot take a truncated document for a whole one) once the reader gave up.
pub fn body(
    chunks: mpsc::Receiver<Bytes>,
    given_up: Arc<AtomicBool>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::unfold(Some(chunks), move |state| {
        let given_up = Arc::clone(&given_up);
        async move {
            let mut chunks = state?;
            let chunk = chunks.recv().await;
            if given_up.load(Ordering::Acquire) {
                return Some((Err(std::io::Error::other("the export stopped")), None));
            }
            chunk.map(|chunk| (Ok(chunk), Some(chunks)))
        }
    })
}

/// A reader of the export, and the body it feeds.
pub fn start(
    db: Db,
    permit: Permit,
    stall: Duration,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let (sender, receiver) = mpsc::channel::<Bytes>(8);
    let given_up = Arc::new(AtomicBool::new(false));
    tokio::spawn(read(db, permit, sender, stall, Arc::clone(&given_up)));
    body(receiver, given_up)
}

/// Reads every record as a GeoJSON FeatureCollection, one feature a line, in `gid` order, and sends it in
/// chunks. A client that takes nothing for `stall` is given up, as is a failure midway (logged): the body then
/// ends in an error.
async fn read(
    db: Db,
    permit: Permit,
    sender: mpsc::Sender<Bytes>,
    stall: Duration,
    given_up: Arc<AtomicBool>,
) {
    let _permit = permit;
    let columns = field_names();
    let mut buffer = Vec::with_capacity(CHUNK + 4096);
    buffer.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"features\":[\n");
    let mut last = i64::MIN;
    let mut first = true;
    loop {
        let mut sql = Sql::new(format!("SELECT {columns} FROM dae WHERE gid > "));
        sql.bind(last).push(" ORDER BY gid LIMIT ").bind(PAGE);
        let rows = sql.query().fetch_all(&db.pool).await;
        let page =
            match rows.and_then(|rows| rows.iter().map(record).collect::<Result<Vec<_>, _>>()) {
                Ok(page) => page,
                Err(error) => {
                    tracing::error!(error = %error, "the export stopped: cannot read the records");
                    given_up.store(true, Ordering::Release);
                    return;
                }
            };
        let Some(end) = page
            .last()
            .and_then(|r| r.get("gid"))
            .and_then(Json::as_i64)
        else {
            break;
        };
        last = end;
        let short = page.len() < usize::try_from(PAGE).unwrap_or(usize::MAX);
        for properties in page {
            if !first {
                buffer.extend_from_slice(b",\n");
            }
            first = false;
            if serde_json::to_writer(&mut buffer, &feature(properties)).is_err() {
                given_up.store(true, Ordering::Release);
                return;
            }
            if buffer.len() >= CHUNK {
                let chunk = Bytes::from(std::mem::replace(
                    &mut buffer,
                    Vec::with_capacity(CHUNK + 4096),
                ));
                if !send(&sender, chunk, stall, &given_up).await {
                    return;
                }
            }
        }
        if short {
            break;
        }
    }
    buffer.extend_from_slice(b"\n]}\n");
    send(&sender, Bytes::from(buffer), stall, &given_up).await;
}

/// Sends a chunk; `false` when the client went away or took nothing for `stall` (then given up).
async fn send(
    sender: &mpsc::Sender<Bytes>,
    chunk: Bytes,
    stall: Duration,
    given_up: &AtomicBool,
) -> bool {
    match sender.send_timeout(chunk, stall).await {
        Ok(()) => true,
        Err(mpsc::error::SendTimeoutError::Timeout(_)) => {
            tracing::warn!("export given up: the client took nothing for {stall:?}");
            given_up.store(true, Ordering::Release);
            false
        }
        Err(mpsc::error::SendTimeoutError::Closed(_)) => false,
    }
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
