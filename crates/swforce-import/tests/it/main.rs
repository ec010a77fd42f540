//! Integration tests of the readers: hand-made fixtures with one oddity each, and the full
//! published files shipped as demo data.

mod calendar;
mod census;
mod ees_bad_input;
mod ees_fixtures;
mod ees_new_generation;
mod ees_published;
mod neighbours;
mod properties;

use std::path::PathBuf;

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {} is missing: {e}", path.display()))
}

/// A full published file, from the demo data the binary ships.
pub fn published(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../swforce-app/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "published file {} is missing ({e}); it ships in crates/swforce-app/data",
            path.display()
        )
    })
}
