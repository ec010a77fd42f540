//! A small pool of connections, opened on demand: a call takes an idle connection (or opens a
//! new one) and gives it back when done. At most [`MAX_CONNECTIONS`] are open at once; a call
//! beyond that waits for one to come back, as a busy server should, rather than opening ever
//! more (each costs the database a process). A connection that broke is dropped, and the next
//! call opens a fresh one.

use crate::db::{Client, DbError, Limits, Params};
use std::collections::HashMap;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};
use swforce_store::StoreError;
use tokio_postgres::{Config, Row, Statement};

/// Connections one server holds at most (two servers fit PostgreSQL's default of 100 easily).
pub const MAX_CONNECTIONS: usize = 16;
/// Prepared statements kept per connection (the store's queries are far fewer).
const MAX_STATEMENTS: usize = 64;
/// A connection idle for longer than this is checked before it is lent (a network fault may
/// have left it half-open), and given this long to answer.
const CHECK_AFTER: Duration = Duration::from_secs(2);
const CHECK_WITHIN: Duration = Duration::from_secs(2);

/// One connection with the statements it has prepared, so a query is planned once.
pub(crate) struct Conn {
    pub client: Client,
    statements: HashMap<String, Statement>,
    idle_since: Instant,
}

impl Conn {
    fn statement(&mut self, sql: &str) -> Result<Statement, DbError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        if self.statements.len() >= MAX_STATEMENTS {
            self.statements.clear();
        }
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }

    /// Forgets the prepared statements after a failure: a statement may have gone stale (its
    /// table changed under it), and preparing again is cheap.
    fn checked<T>(&mut self, r: Result<T, DbError>) -> Result<T, DbError> {
        if r.is_err() {
            self.statements.clear();
        }
        r
    }

    pub fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, DbError> {
        let r = self
            .statement(sql)
            .and_then(|s| self.client.query(&s, params));
        self.checked(r)
    }

    pub fn query_opt(&mut self, sql: &str, params: Params<'_>) -> Result<Option<Row>, DbError> {
        let r = self
            .statement(sql)
            .and_then(|s| self.client.query_opt(&s, params));
        self.checked(r)
    }

    pub fn query_one(&mut self, sql: &str, params: Params<'_>) -> Result<Row, DbError> {
        let r = self
            .statement(sql)
            .and_then(|s| self.client.query_one(&s, params));
        self.checked(r)
    }

    pub fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64, DbError> {
        let r = self
            .statement(sql)
            .and_then(|s| self.client.execute(&s, params));
        self.checked(r)
    }

    /// Runs `f` in one transaction on this connection, keeping the prepared statements. All of
    /// it is kept, or none.
    pub fn in_transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.client.batch_execute("BEGIN").map_err(crate::backend)?;
        match f(self) {
            Ok(v) => {
                self.client
                    .batch_execute("COMMIT")
                    .map_err(crate::backend)?;
                Ok(v)
            }
            Err(e) => {
                // A connection that cannot even roll back is broken; the pool drops it.
                let _ = self.client.batch_execute("ROLLBACK");
                self.statements.clear();
                Err(e)
            }
        }
    }

    /// Streams the rows of a query, for results too large to hold twice.
    pub fn for_each_row(
        &mut self,
        sql: &str,
        params: Params<'_>,
        f: impl FnMut(&Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let statement = self.statement(sql).map_err(crate::backend)?;
        let result = self.client.for_each_row(&statement, params, f);
        if result.is_err() {
            self.statements.clear();
        }
        result
    }
}

pub(crate) struct Pool {
    config: Config,
    limits: Limits,
    runtime: Runtime,
    state: Mutex<State>,
    returned: Condvar,
}

/// The runtime the connections' protocol runs on: two threads, stopped without waiting when the
/// store is dropped (from wherever it is dropped).
struct Runtime(Option<tokio::runtime::Runtime>);

impl Runtime {
    fn new() -> Result<Self, StoreError> {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("swforce-db")
            .enable_all()
            .build()
            .map(|r| Runtime(Some(r)))
            .map_err(StoreError::backend)
    }

    fn handle(&self) -> &tokio::runtime::Handle {
        match &self.0 {
            Some(r) => r.handle(),
            None => unreachable!("the runtime lives as long as the pool"),
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(r) = self.0.take() {
            r.shutdown_background();
        }
    }
}

#[derive(Default)]
struct State {
    idle: Vec<Conn>,
    /// Connections open, idle or in use.
    open: usize,
    /// Callers waiting for a connection, first come first served (so none waits for ever
    /// while later callers keep taking the connections given back).
    queue: std::collections::VecDeque<u64>,
    next_ticket: u64,
}

/// A connection in use: if the caller panics, it is closed and its slot freed.
struct Lent<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            drop(conn);
            self.pool.release();
        }
    }
}

/// A connection slot being opened: freed again if opening fails.
struct Opening<'a>(&'a Pool, bool);

impl Drop for Opening<'_> {
    fn drop(&mut self) {
        if !self.1 {
            self.0.release();
        }
    }
}

impl Pool {
    pub fn new(config: Config, limits: Limits) -> Result<Self, StoreError> {
        Ok(Self {
            config,
            limits,
            runtime: Runtime::new()?,
            state: Mutex::new(State::default()),
            returned: Condvar::new(),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens a new connection (without TLS: see the crate's documentation), counted against
    /// the pool's limit.
    pub fn open(&self) -> Result<Conn, StoreError> {
        self.lock().open += 1;
        self.connect()
    }

    fn connect(&self) -> Result<Conn, StoreError> {
        let mut slot = Opening(self, false);
        let client = Client::connect(&self.config, self.runtime.handle(), &self.limits)
            .map_err(crate::backend)?;
        slot.1 = true;
        Ok(Conn {
            client,
            statements: HashMap::new(),
            idle_since: Instant::now(),
        })
    }

    /// A slot given up: a connection closed, or never opened.
    fn release(&self) {
        let mut state = self.lock();
        state.open = state.open.saturating_sub(1);
        drop(state);
        self.returned.notify_all();
    }

    fn take(&self) -> Result<Conn, StoreError> {
        let mut state = self.lock();
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        state.queue.push_back(ticket);
        let wait = self.limits.wait;
        let deadline = Instant::now() + wait;
        loop {
            if state.queue.front() == Some(&ticket) {
                if let Some(c) = state.idle.pop() {
                    state.queue.pop_front();
                    drop(state);
                    self.returned.notify_all();
                    // Checked outside the lock: one that does not answer is dropped with every
                    // other idle one (a fault that broke one broke them all, and opening anew
                    // is quick), and the caller queues again.
                    if let Some(c) = self.usable(c) {
                        return Ok(c);
                    }
                    state = self.lock();
                    let stale = std::mem::take(&mut state.idle);
                    state.open = state.open.saturating_sub(stale.len());
                    state.queue.push_front(ticket);
                    drop(state);
                    drop(stale);
                    self.returned.notify_all();
                    state = self.lock();
                    continue;
                }
                if state.open < MAX_CONNECTIONS {
                    state.open += 1;
                    state.queue.pop_front();
                    drop(state);
                    self.returned.notify_all();
                    return self.connect();
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                state.queue.retain(|t| *t != ticket);
                drop(state);
                self.returned.notify_all();
                return Err(StoreError::Unavailable(format!(
                    "the service is busy: all {MAX_CONNECTIONS} database connections stayed in use for {} s; nothing was changed, try again in a few seconds",
                    wait.as_secs_f64()
                )));
            }
            state = self
                .returned
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// An idle connection, if it is still usable: one idle for a while must answer first.
    fn usable(&self, mut c: Conn) -> Option<Conn> {
        if !c.client.is_closed()
            && (c.idle_since.elapsed() < CHECK_AFTER || c.client.answers_within(CHECK_WITHIN))
        {
            return Some(c);
        }
        drop(c);
        self.release();
        None
    }

    pub fn give_back(&self, mut conn: Conn) {
        if conn.client.is_closed() {
            drop(conn);
            self.release();
            return;
        }
        conn.idle_since = Instant::now();
        self.lock().idle.push(conn);
        self.returned.notify_all();
    }

    /// Runs `f` on a connection of the pool. A transaction `f` leaves open is rolled back
    /// before the connection is given back.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut lent = Lent {
            pool: self,
            conn: Some(self.take()?),
        };
        let result = match lent.conn.as_mut() {
            Some(conn) => f(conn),
            None => unreachable!("a lent connection is there until given back"),
        };
        if let Some(conn) = lent.conn.take() {
            self.give_back(conn);
        }
        result
    }

    pub fn idle(&self) -> usize {
        self.lock().idle.len()
    }

    /// Connections open, in use and waited for, now.
    pub fn usage(&self) -> swforce_store::Connections {
        let state = self.lock();
        swforce_store::Connections {
            open: state.open,
            in_use: state.open.saturating_sub(state.idle.len()),
            waiting: state.queue.len(),
            max: MAX_CONNECTIONS,
        }
    }
}
