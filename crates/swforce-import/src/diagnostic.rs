//! Import problems, as data.

use serde::Serialize;
use std::fmt;

/// Whether a problem stops the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem found in a file: where it is, what is wrong and how to put it right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The display name of the file.
    pub file: String,
    /// 1-based line, or `None` for a problem with the whole file.
    pub line: Option<u64>,
    /// 1-based column (field number), or `None`.
    pub column: Option<u64>,
    /// The column heading, where there is one.
    pub field: Option<String>,
    pub severity: Severity,
    pub problem: String,
    pub fix: String,
}

impl Diagnostic {
    pub fn error(file: &str, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            file: cut(file.to_string()),
            line: None,
            column: None,
            field: None,
            severity: Severity::Error,
            problem: cut(problem.into()),
            fix: fix.into(),
        }
    }

    pub fn warning(file: &str, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, problem, fix)
        }
    }

    pub fn at(mut self, line: u64, column: Option<u64>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }

    pub fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `file:line:column: severity: problem`, the way compilers print it, then an indented fix.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}: {}", self.severity, self.problem)?;
        write!(f, "\n  fix: {}", self.fix)
    }
}

/// A file refused whole, with everything found wrong in it (at most [`Refused::LIMIT`] errors).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} was not imported: {}, the first: {}", swforce_domain::number::count_of(self.errors().count(), "problem", "problems"), self.first_problem())]
pub struct Refused {
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl Refused {
    /// Reading stops after this many errors: past it, the file is more wrong than right.
    pub const LIMIT: usize = 50;

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    fn first_problem(&self) -> &str {
        self.errors().next().map_or("", |d| d.problem.as_str())
    }
}

/// The most of a diagnostic's problem kept: what it quotes from a file (a header line, a cell) is
/// cut there, so that a file of one enormous line is not echoed whole.
pub const MAX_TEXT_CHARS: usize = 1000;

fn cut(text: String) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((at, _)) => format!(
            "{}\u{2026} (cut at {MAX_TEXT_CHARS} characters)",
            &text[..at]
        ),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_quote_is_cut() {
        let d = Diagnostic::error("f.csv", "x".repeat(50_000_000), "fix");
        assert!(d.problem.chars().count() < MAX_TEXT_CHARS + 40);
        assert!(d.problem.ends_with("(cut at 1000 characters)"));
        let short = Diagnostic::error("f.csv", "short", "fix");
        assert_eq!(short.problem, "short");
    }

    #[test]
    fn a_diagnostic_prints_like_a_compiler_message_with_its_fix() {
        let d = Diagnostic::error(
            "referrals_2013_to_2022.csv",
            "field \"Referrals\" is -12; a count cannot be negative",
            "correct the figure, or write x if it is not available",
        )
        .at(418, Some(12))
        .field("Referrals");
        assert_eq!(
            d.to_string(),
            "referrals_2013_to_2022.csv:418:12: error: field \"Referrals\" is -12; a count cannot be negative\n  fix: correct the figure, or write x if it is not available"
        );
    }
}
