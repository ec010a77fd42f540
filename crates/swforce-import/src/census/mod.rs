//! The individual-level children's social work workforce census return (CSWW XML): a
//! streaming reader that checks every constraint of the 2022 schema and the business rules that
//! decide the indicators, a writer, and a generator of synthetic returns.
//!
//! Findings never repeat a SWE number or a birth date: they point at the worker by record number.

pub mod generate;
pub mod notes;
mod read;
pub mod rules;
pub mod schema;
pub mod write;

pub use read::{CensusOptions, CensusRead, read_census};

pub use rules::Severity;
use serde::Serialize;
use std::fmt;

/// One thing found in a return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id: `XML-...` (well-formedness), `XSD-...` (the schema), `CSWW-...` (rules).
    pub rule: &'static str,
    pub severity: Severity,
    pub line: u64,
    pub column: u64,
    /// Element path, such as `Message/CSWWWorker[12]/FTE`.
    pub path: String,
    /// The element the finding is about.
    pub element: String,
    /// The worker's record number, counting from 1, for findings inside a worker.
    pub record: Option<u32>,
    pub message: String,
    pub fix: String,
}

impl Finding {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Whether the finding comes from the schema or XML itself (not a business rule).
    pub fn is_schema(&self) -> bool {
        self.rule.starts_with("XSD") || self.rule.starts_with("XML")
    }
}

/// `file:line:column: error [RULE] path (record N): message`, then the fix.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {} [{}] {}",
            self.line, self.column, self.severity, self.rule, self.path
        )?;
        if let Some(r) = self.record {
            write!(f, " (record {r})")?;
        }
        write!(f, ": {}\n  fix: {}", self.message, self.fix)
    }
}
