//! The SQLite store against the shared conformance suite, plus SQLite-only failure paths.

mod conformance;
mod failures;
