//! The vocabulary of swforce: geography codes, reporting years, measures, suppressed cells and
//! checked numbers, shared by every other crate.
//!
//! This crate must never do IO: no files, network, clock or environment. Every type with a rule
//! has a checked constructor, so code holding a value may assume it is valid.

pub mod access;
pub mod agency;
pub mod cell;
pub mod census;
pub mod dataset;
pub mod date;
pub mod diary;
pub mod exchange;
pub mod geography;
pub mod healthcheck;
pub mod lineage;
pub mod measure;
pub mod neighbours;
pub mod number;
pub mod period;
pub mod row;

pub use cell::{Cell, EesSymbol};
pub use dataset::Dataset;
pub use date::Date;
pub use geography::{GeographicLevel, Geography, GeographyCode, OldLaCode};
pub use lineage::{LINEAGE, Reorganisation};
pub use measure::{Formula, Measure, Polarity, Unit};
pub use number::{Fte, NumberError, Rate};
pub use period::Year;
pub use row::Row;
