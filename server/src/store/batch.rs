//! Group commit on SQLite: the writes of concurrent requests share one transaction, so that one `fsync`
//! (`synchronous=FULL`) makes a whole batch durable instead of one request.
//!
//! SQLite has a single writer: requests that each commit their own transaction wait in turn for the write lock
//! and for their own sync to the disk. Here a committer task takes every write waiting in its queue, runs each
//! in a savepoint of one transaction (a write that fails rolls back alone and gets its own error), commits
//! once, and only then answers each caller: nobody hears "done" before their rows are on the disk.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use sqlx::{Acquire, AnyConnection, AnyPool};
use tokio::sync::{mpsc, oneshot};

/// A future borrowing the connection it writes on.
pub type WriteFuture<'c, T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>;

/// What the committer does with a caller's write: runs it on the batch's connection and, if it succeeded,
/// keeps the answer to give once the commit is known (a failed write has told its caller already).
type Job = Box<
    dyn for<'c> FnOnce(
            &'c mut AnyConnection,
        ) -> Pin<Box<dyn Future<Output = Option<Answer>> + Send + 'c>>
        + Send,
>;

/// Gives the caller its result, or the commit's failure.
type Answer = Box<dyn FnOnce(Result<(), Arc<sqlx::Error>>) + Send>;

/// The most writes in one transaction: enough to absorb a burst, few enough that a batch stays short.
const MOST_PER_BATCH: usize = 64;

/// The queue of writes waiting for the committer.
#[derive(Clone, Debug)]
pub struct Committer {
    queue: mpsc::Sender<Job>,
}

impl Committer {
    /// Starts the committer task on `pool`; it ends when the last `Committer` is dropped.
    pub fn start(pool: AnyPool) -> Self {
        let (queue, jobs) = mpsc::channel(1024);
        tokio::spawn(run(pool, jobs));
        Self { queue }
    }

    /// Runs `write` in the next batch and returns its result once the batch is committed. An error of `write`
    /// undoes its own statements only.
    pub async fn write<T, E, W>(&self, write: W) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
        W: for<'c> FnOnce(&'c mut AnyConnection) -> WriteFuture<'c, T, E> + Send + 'static,
    {
        let (answer, result) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |conn| {
            Box::pin(async move {
                match write(conn).await {
                    Ok(value) => Some(Box::new(move |committed: Result<(), Arc<sqlx::Error>>| {
                        let _ = answer.send(
                            committed
                                .map(|()| value)
                                .map_err(|e| E::from(commit_failed(&e))),
                        );
                    }) as Answer),
                    Err(error) => {
                        let _ = answer.send(Err(error));
                        None
                    }
                }
            })
        });
        self.queue
            .send(job)
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        result.await.unwrap_or_else(|_| {
            Err(E::from(sqlx::Error::Protocol(
                "the group commit ended before answering".into(),
            )))
        })
    }
}

fn commit_failed(error: &Arc<sqlx::Error>) -> sqlx::Error {
    sqlx::Error::Protocol(format!("the group commit failed: {error}"))
}

async fn run(pool: AnyPool, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MOST_PER_BATCH);
    while jobs.recv_many(&mut batch, MOST_PER_BATCH).await > 0 {
        // A task of its own: a write that panics fails its batch (its callers hear an error), not the queue.
        let taken = std::mem::take(&mut batch);
        if let Err(error) = tokio::spawn(commit(pool.clone(), taken)).await {
            tracing::error!(%error, "a batch of writes failed");
        }
    }
}

/// Runs the jobs in one transaction, each in its savepoint, commits and answers.
async fn commit(pool: AnyPool, jobs: Vec<Job>) {
    let mut answers: Vec<Answer> = Vec::with_capacity(jobs.len());
    let outcome = async {
        let mut tx = pool.begin().await?;
        for job in jobs {
            let mut savepoint = tx.begin().await?;
            match job(&mut savepoint).await {
                Some(answer) => {
                    savepoint.commit().await?;
                    answers.push(answer);
                }
                // The write has told its caller; its statements go.
                None => savepoint.rollback().await?,
            }
        }
        tx.commit().await
    }
    .await
    .map_err(|error| {
        tracing::error!(%error, "cannot commit a batch of writes");
        Arc::new(error)
    });
    for answer in answers {
        answer(outcome.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Db, is_unique_violation};

    /// Writes `word` into a table where words are unique.
    fn insert(
        word: String,
    ) -> impl for<'c> FnOnce(&'c mut AnyConnection) -> WriteFuture<'c, i64, sqlx::Error> {
        move |conn| {
            Box::pin(async move {
                let (id,): (i64,) =
                    sqlx::query_as("INSERT INTO words (word) VALUES ($1) RETURNING id")
                        .bind(word)
                        .fetch_one(conn)
                        .await?;
                Ok(id)
            })
        }
    }

    async fn database(dir: &tempfile::TempDir) -> Db {
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("batch.db").display()
        );
        let db = Db::connect(&url).await.expect("database");
        sqlx::query("CREATE TABLE words (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE)")
            .execute(&db.pool)
            .await
            .expect("table");
        db
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_each_get_their_own_outcome() {
        let dir = tempfile::tempdir().expect("folder");
        let db = database(&dir).await;
        // 200 writers at once, every fourth repeating a word written by another: those lose alone.
        let mut writers = tokio::task::JoinSet::new();
        for i in 0..200 {
            let db = db.clone();
            let word = if i % 4 == 3 {
                format!("w{}", i - 1)
            } else {
                format!("w{i}")
            };
            writers.spawn(async move { (i, db.write(insert(word)).await) });
        }
        let (mut stored, mut lost) = (0, 0);
        while let Some(joined) = writers.join_next().await {
            match joined.expect("writer") {
                (_, Ok(_)) => stored += 1,
                (i, Err(error)) => {
                    assert!(is_unique_violation(&error), "writer {i}: {error}");
                    lost += 1;
                }
            }
        }
        assert_eq!((stored, lost), (150, 50));
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM words")
            .fetch_one(&db.pool)
            .await
            .expect("count");
        assert_eq!(rows, 150);
    }

    #[tokio::test]
    async fn a_failed_write_leaves_none_of_its_rows() {
        let dir = tempfile::tempdir().expect("folder");
        let db = database(&dir).await;
        let failed = db
            .write(|conn| {
                Box::pin(async move {
                    sqlx::query("INSERT INTO words (word) VALUES ('half')")
                        .execute(&mut *conn)
                        .await?;
                    Err::<(), _>(sqlx::Error::RowNotFound)
                })
            })
            .await;
        assert!(matches!(failed, Err(sqlx::Error::RowNotFound)));
        let kept = db.write(insert("whole".into())).await.expect("write");
        let words: Vec<(i64, String)> = sqlx::query_as("SELECT id, word FROM words")
            .fetch_all(&db.pool)
            .await
            .expect("words");
        assert_eq!(words, vec![(kept, "whole".to_string())]);
    }
}
