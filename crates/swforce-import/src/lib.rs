//! Readers for published statistics files. Each turns bytes plus a display name into domain
//! records and a list of diagnostics; a file with any error is refused whole.
//!
//! Readers never touch files, the network, the clock or the environment: the caller opens the
//! file and passes a reader and the name to show in messages.

pub mod diagnostic;
pub mod ees;

pub use diagnostic::{Diagnostic, Refused, Severity};
pub use ees::{ColumnMapping, ParsedFile, read_ees_csv};
