//! The PostgreSQL store against the shared conformance suite, plus PostgreSQL-only behaviour:
//! what the database itself enforces, and several servers sharing one database.

mod conformance;
mod database;
mod faults;
mod servers;
mod support;
mod timings;
