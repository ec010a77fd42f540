//! Any bytes given to the EES CSV reader are read or refused, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match swforce_import::read_ees_csv("fuzz.csv", data) {
        Ok(file) => assert!(!file.rows.is_empty()),
        Err(refused) => assert!(refused.errors().next().is_some()),
    }
});
