//! Reading many records without holding them: the answer of a list call of any length, of the export and of the
//! catalogue's layer is written as the records are read, page after page, so that the server's memory stays
//! the same whether a client asks for twenty records or for all of them.
//!
//! The first page is read before the answer starts (a failure there is an ordinary error, with its status and
//! request id). The next ones are read by a task that feeds the body: each page on a connection taken for its
//! query alone (none is held while the client reads), after the last record sent (keyset: the order's values
//! of that record, so that a page costs the same at the start and at the end of the set), and a client that
//! takes nothing for a while is given up. A failure midway cuts the connection, so that a client cannot take a
//! truncated document for a whole one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use serde_json::{Map, Value as Json};
use sqlx::Row;
use sqlx::any::AnyRow;
use tokio::sync::mpsc;

use super::export::Permit;
use super::list::{ListQuery, order_by, record};
use super::{FIELDS, Field, Kind, field_names};
use crate::store::{Db, Param, Sql};

/// Records read by one query.
pub const PAGE: i64 = 1_000;
/// Bytes sent at a time.
const CHUNK: usize = 64 * 1024;

/// How the records are written: what comes before the first, between two, after the last, and each one.
#[derive(Clone, Copy)]
pub struct Layout {
    pub open: &'static [u8],
    pub between: &'static [u8],
    pub close: &'static [u8],
    pub item: fn(Map<String, Json>) -> Json,
}

/// A JSON array of records.
pub const ARRAY: Layout = Layout {
    open: b"[",
    between: b",",
    close: b"]",
    item: Json::Object,
};

/// The records of `query` as `layout` says, for the body of an answer. `permit` is taken when more than one
/// page is to be read (see [`super::export::Exports`]). Errors only when the first page cannot be read.
pub async fn body(
    db: Db,
    query: ListQuery,
    layout: Layout,
    permit: Option<Permit>,
    stall: Duration,
) -> Result<Body, sqlx::Error> {
    let mut pages = Pages::new(query);
    let first = pages.next(&db).await?;
    let mut writer = Writer::new(layout);
    let done = pages.done();
    for record in first {
        writer.record(record).ok();
    }
    if done {
        return Ok(Body::from(writer.finish()));
    }
    let (sender, receiver) = mpsc::channel::<Bytes>(8);
    let given_up = Arc::new(AtomicBool::new(false));
    tokio::spawn(read(
        db,
        pages,
        writer,
        Feed {
            sender,
            stall,
            given_up: Arc::clone(&given_up),
        },
        permit,
    ));
    Ok(Body::from_stream(stream(receiver, given_up)))
}

/// The pages of a query: the first at its offset, the next ones after the last record read.
struct Pages {
    query: ListQuery,
    /// Records still to read (the query's limit, less those read).
    left: i64,
    /// The order's values of the last record read; `None` before the first page.
    after: Option<Vec<Param>>,
    /// The last page was short: nothing more to read.
    ended: bool,
}

impl Pages {
    fn new(query: ListQuery) -> Self {
        Self {
            left: query.limit,
            query,
            after: None,
            ended: false,
        }
    }

    fn done(&self) -> bool {
        self.ended || self.left == 0
    }

    /// The next page's records; empty once done.
    async fn next(&mut self, db: &Db) -> Result<Vec<Map<String, Json>>, sqlx::Error> {
        if self.done() {
            return Ok(Vec::new());
        }
        let size = self.left.min(PAGE);
        let mut sql = Sql::new(format!("SELECT {} FROM dae", field_names()));
        let mut joint = " WHERE ";
        if let Some(filter) = &self.query.filter {
            sql.push(joint);
            filter.to_sql(db.backend, &mut sql);
            joint = " AND ";
        }
        if let Some(after) = &self.after {
            sql.push(joint);
            after_sql(&self.query.sort, after, &mut sql);
        }
        order_by(&self.query.sort, &mut sql);
        sql.push(" LIMIT ").bind(size);
        if self.after.is_none() {
            sql.push(" OFFSET ").bind(self.query.offset);
        }
        // The SQL holds the fixed public field names and placeholders only: the values are bound.
        let rows = sql.query().fetch_all(&db.pool).await?;
        let read = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        self.left -= read;
        self.ended = read < size;
        if let Some(last) = rows.last() {
            self.after = Some(order_values(&self.query.sort, last)?);
        }
        rows.iter().map(record).collect()
    }
}

/// The fields of the order, each with its direction, `gid` last (every order ends with it, see `order_by`).
fn keys(sort: &[(&'static Field, bool)]) -> Vec<(&'static Field, bool)> {
    let gid = &FIELDS[0];
    let mut keys: Vec<(&'static Field, bool)> = Vec::with_capacity(sort.len() + 1);
    for (field, descending) in sort {
        if field.name != "gid" && !keys.iter().any(|(k, _)| k.name == field.name) {
            keys.push((field, *descending));
        }
    }
    let gid_descending = sort.iter().any(|(f, d)| f.name == "gid" && *d);
    keys.push((gid, gid_descending));
    keys
}

/// The values of the order's fields in `row` (a NULL as its typed NULL).
fn order_values(sort: &[(&'static Field, bool)], row: &AnyRow) -> Result<Vec<Param>, sqlx::Error> {
    keys(sort)
        .into_iter()
        .map(|(field, _)| {
            let name = field.name;
            Ok(match field.kind {
                Kind::Integer | Kind::Boolean => row
                    .try_get::<Option<i64>, _>(name)?
                    .map_or(Param::NullInt, Param::Int),
                Kind::Number => row
                    .try_get::<Option<f64>, _>(name)?
                    .map_or(Param::NullReal, Param::Real),
                Kind::Text | Kind::Date | Kind::List => row
                    .try_get::<Option<String>, _>(name)?
                    .map_or(Param::NullText, Param::Text),
            })
        })
        .collect()
}

/// The records that come after the one whose order's values are `after`, in the order of `order_by` (empty
/// values last for each field, then the field ascending or descending, `gid` last):
/// `k1 after v1 OR (k1 = v1 AND (k2 after v2 OR (…)))`, written flat as the OR of each rank's case.
fn after_sql(sort: &[(&'static Field, bool)], after: &[Param], sql: &mut Sql) {
    let keys = keys(sort);
    let null = |p: &Param| matches!(p, Param::NullInt | Param::NullReal | Param::NullText);
    sql.push("(");
    let mut cases = 0;
    for rank in 0..keys.len() {
        let (field, descending) = keys[rank];
        let value = &after[rank];
        // This rank's field comes after the value: a value after it, or NULL after a value (NULLs last);
        // nothing comes after a NULL but another NULL, which the next ranks order.
        if null(value) {
            continue;
        }
        sql.push(if cases > 0 { " OR (" } else { "(" });
        cases += 1;
        for (earlier, earlier_value) in keys[..rank].iter().zip(after) {
            if null(earlier_value) {
                sql.push(&format!("{} IS NULL AND ", earlier.0.name));
            } else {
                sql.push(&format!("{} = ", earlier.0.name))
                    .bind(earlier_value.clone())
                    .push(" AND ");
            }
        }
        let operator = if descending { "<" } else { ">" };
        if field.name == "gid" {
            sql.push(&format!("gid {operator} "))
                .bind(value.clone())
                .push(")");
        } else {
            sql.push(&format!("({} {operator} ", field.name))
                .bind(value.clone())
                .push(&format!(" OR {} IS NULL))", field.name));
        }
    }
    if cases == 0 {
        // The gid is never NULL, so there is always a case; were it not so, nothing would come after.
        sql.push("1 = 0");
    }
    sql.push(")");
}

/// Writes the records into chunks of bytes.
struct Writer {
    layout: Layout,
    buffer: Vec<u8>,
    first: bool,
}

impl Writer {
    fn new(layout: Layout) -> Self {
        let mut buffer = Vec::with_capacity(CHUNK + 4096);
        buffer.extend_from_slice(layout.open);
        Self {
            layout,
            buffer,
            first: true,
        }
    }

    fn record(&mut self, record: Map<String, Json>) -> Result<(), serde_json::Error> {
        if !self.first {
            self.buffer.extend_from_slice(self.layout.between);
        }
        self.first = false;
        serde_json::to_writer(&mut self.buffer, &(self.layout.item)(record))
    }

    /// A chunk when enough is written.
    fn chunk(&mut self) -> Option<Bytes> {
        (self.buffer.len() >= CHUNK).then(|| {
            Bytes::from(std::mem::replace(
                &mut self.buffer,
                Vec::with_capacity(CHUNK + 4096),
            ))
        })
    }

    fn finish(mut self) -> Bytes {
        self.buffer.extend_from_slice(self.layout.close);
        Bytes::from(self.buffer)
    }
}

/// Where the reader sends the chunks.
struct Feed {
    sender: mpsc::Sender<Bytes>,
    stall: Duration,
    given_up: Arc<AtomicBool>,
}

impl Feed {
    /// Sends a chunk; `false` when the client went away or took nothing for `stall` (then given up).
    async fn send(&self, chunk: Bytes) -> bool {
        match self.sender.send_timeout(chunk, self.stall).await {
            Ok(()) => true,
            Err(mpsc::error::SendTimeoutError::Timeout(_)) => {
                tracing::warn!(
                    "long read given up: the client took nothing for {:?}",
                    self.stall
                );
                self.give_up();
                false
            }
            Err(mpsc::error::SendTimeoutError::Closed(_)) => false,
        }
    }

    fn give_up(&self) {
        self.given_up.store(true, Ordering::Release);
    }
}

/// Reads the pages after the first and sends them; the permit is given back when done.
async fn read(db: Db, mut pages: Pages, mut writer: Writer, feed: Feed, permit: Option<Permit>) {
    let _permit = permit;
    loop {
        if let Some(chunk) = writer.chunk()
            && !feed.send(chunk).await
        {
            return;
        }
        if pages.done() {
            break;
        }
        let page = match pages.next(&db).await {
            Ok(page) => page,
            Err(error) => {
                tracing::error!(error = %error, "a long read stopped: cannot read the records");
                feed.give_up();
                return;
            }
        };
        for record in page {
            if writer.record(record).is_err() {
                feed.give_up();
                return;
            }
            if let Some(chunk) = writer.chunk()
                && !feed.send(chunk).await
            {
                return;
            }
        }
    }
    feed.send(writer.finish()).await;
}

/// The body: the chunks the reader sends, then the end; an error once the reader gave up.
fn stream(
    chunks: mpsc::Receiver<Bytes>,
    given_up: Arc<AtomicBool>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::unfold(Some(chunks), move |state| {
        let given_up = Arc::clone(&given_up);
        async move {
            let mut chunks = state?;
            let chunk = chunks.recv().await;
            if given_up.load(Ordering::Acquire) {
                return Some((Err(std::io::Error::other("the long read stopped")), None));
            }
            chunk.map(|chunk| (Ok(chunk), Some(chunks)))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dae::find_field;

    #[test]
    fn the_next_page_starts_after_the_last_record_in_the_order_with_empty_values_last() {
        let commune = find_field("com_nom").expect("field");
        let mut sql = Sql::new("");
        after_sql(
            &[(commune, true)],
            &[Param::Text("Luceau".into()), Param::Int(7)],
            &mut sql,
        );
        assert_eq!(
            sql.text(),
            "(((com_nom < $1 OR com_nom IS NULL)) OR (com_nom = $2 AND gid > $3))"
        );
        // After a record without commune, only records without commune come, by gid.
        let mut sql = Sql::new("");
        after_sql(
            &[(commune, false)],
            &[Param::NullText, Param::Int(7)],
            &mut sql,
        );
        assert_eq!(sql.text(), "((com_nom IS NULL AND gid > $1))");
    }

    #[test]
    fn the_order_ends_with_the_gid_once() {
        let gid = find_field("gid").expect("field");
        let commune = find_field("com_nom").expect("field");
        let names = |sort: &[(&'static Field, bool)]| {
            keys(sort)
                .iter()
                .map(|(f, d)| (f.name, *d))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&[(gid, true), (commune, false), (commune, true)]),
            [("com_nom", false), ("gid", true)]
        );
    }
}
