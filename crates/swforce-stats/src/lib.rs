//! Official indicators from published counts: every rate computed the way the Department for
//! Education defines it, roll-ups from authorities to regions and England, reconciliation with
//! the published figures, and benchmarks (difference, rank, quartile, direction of travel).
//!
//! Pure functions over domain rows: no IO, no clock, no environment.

pub mod benchmark;
pub mod census;
pub mod indicator;
pub mod quality;
pub mod reconcile;
pub mod rollup;

pub use benchmark::{Benchmark, Direction, Quartile, benchmark};
pub use indicator::{compute, derive_missing, working_days};
pub use reconcile::{Finding, Outcome, reconcile};
pub use rollup::{Hierarchy, RolledUp, combine, roll_up};
