//! The workforce projection: an annual stock-flow model of every local authority's children's
//! social workers, run as a Monte Carlo with Train, Retain, Reform, agency and demand levers,
//! estimated from the published history with partial pooling toward each region.
//!
//! Plain data in ([`History`], [`Scenario`], [`RunSpec`]), plain data out ([`Projection`]). No IO,
//! no printing, no clock. Randomness comes only from seeded generators: run *i* derives its seed
//! from `(seed, i)`, so results do not depend on the number of threads, and a scenario and its
//! baseline share every random draw (common random numbers).

pub mod backtest;
pub mod estimate;
mod exp;
pub mod indicator;
pub mod model;
mod paths;
pub mod quantile;
pub mod rolling;
pub mod scenario;
pub mod simulate;
pub mod statistical;
#[cfg(feature = "testing")]
pub mod testing;

pub use backtest::{Backtest, BacktestRow, backtest};
pub use estimate::{AuthorityHistory, History, YearFigures, estimate};
pub use indicator::Indicator;
pub use model::{Authority, Baseline, Param, Path, Stock, Stocks};
pub use quantile::Summary;
pub use rolling::{Rolling, Scores, rolling};
pub use scenario::{Scenario, ScenarioError};
pub use simulate::{Group, GroupResult, Projection, RunSpec, SpecError, project};

/// Hours in a full-time week of a local authority social worker (NJC conditions: 37 hours).
pub const HOURS_PER_FTE_WEEK: f64 = 37.0;
