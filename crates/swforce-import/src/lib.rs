//! Readers (and writers) of the files swforce exchanges: published statistics (EES CSV) and the
//! individual-level census return (CSWW XML). Each reader turns bytes plus a display name into
//! domain records and a list of diagnostics; a file with any error is refused whole.
//!
//! Readers never touch files, the network, the clock or the environment: the caller opens the
//! file and passes a reader and the name to show in messages.

pub mod agency;
pub mod calendar;
pub mod census;
pub mod diagnostic;
pub mod ees;
pub mod healthcheck;
mod neighbours;
mod reading;
pub use reading::MAX_CSV_BYTES;

pub use diagnostic::{Diagnostic, Refused, Severity};
pub use ees::{ColumnMapping, ParsedFile, read_ees_csv, read_ees_csv_against};
