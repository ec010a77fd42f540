//! A small pool of connections, opened on demand: a call takes an idle connection (or opens a
//! new one) and gives it back when done. Up to eight are kept idle; a connection that broke is
//! dropped, and the next call opens a fresh one.

use postgres::types::ToSql;
use postgres::{Client, Config, NoTls, Row, Statement};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use swforce_store::StoreError;

/// Idle connections kept for the next caller.
const MAX_IDLE: usize = 8;
/// Prepared statements kept per connection (the store's queries are far fewer).
const MAX_STATEMENTS: usize = 64;

/// One connection with the statements it has prepared, so a query is planned once.
pub(crate) struct Conn {
    pub client: Client,
    statements: HashMap<String, Statement>,
}

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl Conn {
    fn statement(&mut self, sql: &str) -> Result<Statement, postgres::Error> {
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
    fn checked<T>(&mut self, r: Result<T, postgres::Error>) -> Result<T, postgres::Error> {
        if r.is_err() {
            self.statements.clear();
        }
        r
    }

    pub fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, postgres::Error> {
        let r = self
            .statement(sql)
            .and_then(|s| self.client.query(&s, params));
        self.checked(r)
    }

    pub fn query_opt(
        &mut self,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Option<Row>, postgres::Error> {
        let r = self
            .statement(sql)
            .and_then(|s| self.client.query_opt(&s, params));
        self.checked(r)
    }

    pub fn query_one(&mut self, sql: &str, params: Params<'_>) -> Result<Row, postgres::Error> {
        let r = self
            .statement(sql)
            .and_then(|s| self.client.query_one(&s, params));
        self.checked(r)
    }

    pub fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64, postgres::Error> {
        let r = self
            .statement(sql)
            .and_then(|s| self.client.execute(&s, params));
        self.checked(r)
    }

    /// Streams the rows of a query, for results too large to hold twice.
    pub fn for_each_row(
        &mut self,
        sql: &str,
        params: Params<'_>,
        mut f: impl FnMut(&Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        use postgres::fallible_iterator::FallibleIterator;
        let statement = self.statement(sql).map_err(StoreError::backend)?;
        let result = (|| {
            let mut rows = self
                .client
                .query_raw(&statement, params.iter().copied())
                .map_err(StoreError::backend)?;
            while let Some(row) = rows.next().map_err(StoreError::backend)? {
                f(&row)?;
            }
            Ok(())
        })();
        if result.is_err() {
            self.statements.clear();
        }
        result
    }
}

pub(crate) struct Pool {
    config: Config,
    idle: Mutex<Vec<Conn>>,
}

impl Pool {
    pub fn new(config: Config) -> Self {
        Self {
            config,
            idle: Mutex::new(Vec::new()),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Opens a new connection (without TLS: see the crate's documentation).
    pub fn open(&self) -> Result<Conn, StoreError> {
        let client = self.config.connect(NoTls).map_err(StoreError::backend)?;
        Ok(Conn {
            client,
            statements: HashMap::new(),
        })
    }

    fn take(&self) -> Result<Conn, StoreError> {
        loop {
            let conn = self
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop();
            match conn {
                Some(c) if !c.client.is_closed() => return Ok(c),
                Some(_) => continue,
                None => return self.open(),
            }
        }
    }

    pub fn give_back(&self, conn: Conn) {
        if conn.client.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
    }

    /// Runs `f` on a connection of the pool. A transaction `f` leaves open is rolled back
    /// before the connection is given back.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.take()?;
        let result = f(&mut conn);
        self.give_back(conn);
        result
    }

    pub fn idle(&self) -> usize {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}
