//! Any bytes given as a census return are checked without a panic: read whole, or stopped with
//! a fatal finding; and findings never carry a worker's SWE number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use swforce_import::census::{CensusOptions, read_census};

fuzz_target!(|data: &[u8]| {
    let mut workers = 0u32;
    let r = read_census("fuzz.xml", data, CensusOptions::default(), |w, _| {
        workers += 1;
        assert!(w.record >= 1);
    });
    assert!(workers <= r.workers);
    // Read whole, or stopped (at a NUL byte, say) with a fatal finding.
    if r.fatal {
        assert!(r.errors > 0);
        assert!(r.bytes <= data.len() as u64);
    } else {
        assert_eq!(r.bytes, data.len() as u64);
    }
});
