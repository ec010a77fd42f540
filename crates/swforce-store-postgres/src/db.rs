//! One database connection, with every call bounded in time.
//!
//! A connection is a `tokio-postgres` client whose protocol runs on the store's own small
//! runtime; each call blocks the calling thread (the store is synchronous, as its callers are)
//! until the answer comes or its time limit passes. A call that runs out of time breaks the
//! connection: it is closed and the pool opens a fresh one. That is what recovers a server
//! whose connections were left half-open by a network fault or a failover, where nothing at
//! the TCP level ever says the other end has gone (the synchronous `postgres` client has no
//! such limit, so a stuck call held its connection and its thread for good).

use futures_util::StreamExt;
use std::pin::Pin;
use std::time::Duration;
use tokio::runtime::Handle;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{CancelToken, NoTls, Row, Statement, ToStatement};

pub(crate) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// How long the database may take, configurable per server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// To open a connection, from the first packet to a session ready for queries (a server
    /// that accepts the connection and never answers is given up after this).
    pub connect: Duration,
    /// For one call (a query, a statement, a part of a copy) to be answered.
    pub call: Duration,
    /// For a connection to be free when all of the pool's are in use.
    pub wait: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            call: Duration::from_secs(10),
            wait: Duration::from_secs(5),
        }
    }
}

/// A database call that failed.
#[derive(Debug)]
pub(crate) enum DbError {
    /// PostgreSQL (or the connection to it) said no.
    Postgres(tokio_postgres::Error),
    /// No answer within the limit: the connection is now broken.
    TimedOut { what: &'static str, limit: Duration },
    /// An earlier call on this connection failed so that it cannot be used again.
    Broken,
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Postgres(e) => write!(f, "{e}"),
            DbError::TimedOut { what, limit } => write!(
                f,
                "the database did not answer {what} within {} s",
                limit.as_secs_f64()
            ),
            DbError::Broken => f.write_str("the database connection was lost"),
        }
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DbError::Postgres(e) => Some(e),
            _ => None,
        }
    }
}

impl From<tokio_postgres::Error> for DbError {
    fn from(e: tokio_postgres::Error) -> Self {
        DbError::Postgres(e)
    }
}

impl DbError {
    /// The SQLSTATE PostgreSQL answered with, if it answered.
    pub fn code(&self) -> Option<&SqlState> {
        match self {
            DbError::Postgres(e) => e.code(),
            _ => None,
        }
    }
}

/// Runs `wait`, which blocks the thread: on a thread of an asynchronous runtime (a web handler
/// that reached the store directly), first telling that runtime so, which keeps it serving
/// (and is allowed to block); elsewhere (the command line, `spawn_blocking`) as it is.
fn blocking<T>(wait: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(wait)
        }
        _ => wait(),
    }
}

/// What bounds the calls on one connection: its runtime, its time limit, whether it is broken,
/// and how to ask the server to stop a call that ran out of time.
struct Calls {
    handle: Handle,
    limit: Duration,
    broken: bool,
    cancel: CancelToken,
}

impl Calls {
    /// Runs one call on the connection's runtime within the call limit.
    fn run<T>(
        &mut self,
        what: &'static str,
        call: impl Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, DbError> {
        self.run_within(self.limit, what, call)
    }

    /// Runs one call within `limit`, noting a connection that can no longer be used. A call
    /// that runs out of time is also cancelled on the server (it may be waiting for a lock, and
    /// would hold what it has taken until it gives up), then the connection is dropped.
    fn run_within<T>(
        &mut self,
        limit: Duration,
        what: &'static str,
        call: impl Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, DbError> {
        if self.broken {
            return Err(DbError::Broken);
        }
        // The time limit is made inside the runtime, whose timer it needs.
        let handle = &self.handle;
        let wait = || handle.block_on(async move { tokio::time::timeout(limit, call).await });
        match blocking(wait) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                if e.is_closed() {
                    self.broken = true;
                }
                Err(DbError::Postgres(e))
            }
            Err(_) => {
                self.broken = true;
                let cancel = self.cancel.clone();
                // On a new connection, bounded like one; nobody waits for it.
                self.handle.spawn(async move {
                    let _ = tokio::time::timeout(limit, cancel.cancel_query(NoTls)).await;
                });
                Err(DbError::TimedOut { what, limit })
            }
        }
    }
}

/// One connection to the database.
pub(crate) struct Client {
    inner: tokio_postgres::Client,
    calls: Calls,
    /// The task that speaks the protocol; stopping it closes the socket.
    driver: tokio::task::JoinHandle<()>,
}

impl Drop for Client {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl Client {
    /// Opens a connection within `limits.connect`.
    pub fn connect(
        config: &tokio_postgres::Config,
        handle: &Handle,
        limits: &Limits,
    ) -> Result<Client, DbError> {
        let opened = blocking(|| {
            handle.block_on(async move {
                tokio::time::timeout(limits.connect, config.connect(NoTls)).await
            })
        });
        let (inner, connection) = match opened {
            Ok(Ok(pair)) => pair,
            Ok(Err(e)) => return Err(DbError::Postgres(e)),
            Err(_) => {
                return Err(DbError::TimedOut {
                    what: "a new connection",
                    limit: limits.connect,
                });
            }
        };
        let driver = handle.spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("a database connection closed: {e}");
            }
        });
        let cancel = inner.cancel_token();
        Ok(Client {
            inner,
            calls: Calls {
                handle: handle.clone(),
                limit: limits.call,
                broken: false,
                cancel,
            },
            driver,
        })
    }

    /// Whether the connection can no longer be used.
    pub fn is_closed(&self) -> bool {
        self.calls.broken || self.inner.is_closed()
    }

    /// Whether the database answers on this connection within `limit` (for a connection that
    /// has been idle, before it is lent).
    pub fn answers_within(&mut self, limit: Duration) -> bool {
        self.calls
            .run_within(limit, "a check", self.inner.simple_query(""))
            .is_ok()
    }

    pub fn prepare(&mut self, sql: &str) -> Result<Statement, DbError> {
        self.calls.run("a prepare", self.inner.prepare(sql))
    }

    pub fn query<S: ?Sized + ToStatement>(
        &mut self,
        statement: &S,
        params: Params<'_>,
    ) -> Result<Vec<Row>, DbError> {
        self.calls
            .run("a query", self.inner.query(statement, params))
    }

    pub fn query_opt<S: ?Sized + ToStatement>(
        &mut self,
        statement: &S,
        params: Params<'_>,
    ) -> Result<Option<Row>, DbError> {
        self.calls
            .run("a query", self.inner.query_opt(statement, params))
    }

    pub fn query_one<S: ?Sized + ToStatement>(
        &mut self,
        statement: &S,
        params: Params<'_>,
    ) -> Result<Row, DbError> {
        self.calls
            .run("a query", self.inner.query_one(statement, params))
    }

    pub fn execute<S: ?Sized + ToStatement>(
        &mut self,
        statement: &S,
        params: Params<'_>,
    ) -> Result<u64, DbError> {
        self.calls
            .run("a statement", self.inner.execute(statement, params))
    }

    pub fn batch_execute(&mut self, sql: &str) -> Result<(), DbError> {
        self.calls.run("a statement", self.inner.batch_execute(sql))
    }

    /// Calls `f` with each row of a query as it arrives, each within the call limit.
    pub fn for_each_row(
        &mut self,
        statement: &Statement,
        params: Params<'_>,
        mut f: impl FnMut(&Row) -> Result<(), swforce_store::StoreError>,
    ) -> Result<(), swforce_store::StoreError> {
        let stream = self
            .calls
            .run(
                "a query",
                self.inner.query_raw(statement, params.iter().copied()),
            )
            .map_err(crate::backend)?;
        let mut stream = Box::pin(stream);
        loop {
            let next = self
                .calls
                .run("the next row", async {
                    stream.as_mut().next().await.transpose()
                })
                .map_err(crate::backend)?;
            match next {
                Some(row) => f(&row)?,
                None => return Ok(()),
            }
        }
    }

    /// A transaction: committed by [`Tx::commit`], rolled back if dropped before.
    pub fn transaction(&mut self) -> Result<Tx<'_>, DbError> {
        self.batch_execute("BEGIN")?;
        Ok(Tx {
            client: self,
            open: true,
        })
    }

    /// A read-only transaction that sees one snapshot of the database throughout.
    pub fn snapshot(&mut self) -> Result<Tx<'_>, DbError> {
        self.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
        Ok(Tx {
            client: self,
            open: true,
        })
    }

    /// Starts a binary `COPY ... FROM STDIN` of rows of `types`.
    pub fn copy_in(&mut self, sql: &str, types: &[Type]) -> Result<CopyIn<'_>, DbError> {
        let sink = self.calls.run("a copy", self.inner.copy_in(sql))?;
        Ok(CopyIn {
            writer: Box::pin(BinaryCopyInWriter::new(sink, types)),
            client: self,
        })
    }
}

/// A transaction on a connection; the connection's calls are its calls.
pub(crate) struct Tx<'a> {
    client: &'a mut Client,
    open: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<(), DbError> {
        self.open = false;
        self.client.batch_execute("COMMIT")
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open && !self.client.is_closed() {
            // A connection that cannot even roll back is broken, and is dropped by the pool.
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client
    }
}

impl std::ops::DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client
    }
}

/// Rows being copied in, binary.
pub(crate) struct CopyIn<'a> {
    writer: Pin<Box<BinaryCopyInWriter>>,
    client: &'a mut Client,
}

impl CopyIn<'_> {
    pub fn write(&mut self, values: Params<'_>) -> Result<(), DbError> {
        let c = &mut *self.client;
        c.calls.run("a copy", self.writer.as_mut().write(values))
    }

    /// Ends the copy; returns the rows copied.
    pub fn finish(mut self) -> Result<u64, DbError> {
        let c = &mut *self.client;
        c.calls
            .run("the end of a copy", self.writer.as_mut().finish())
    }
}
