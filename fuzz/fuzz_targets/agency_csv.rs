//! Any bytes given to the agency engagements reader are read or refused, never a panic; a file
//! that is read, written and read again gives the same engagements.
#![no_main]

use libfuzzer_sys::fuzz_target;
use swforce_domain::agency::Engagement;
use swforce_import::agency::{read_engagements_csv, write_engagements_csv};

fuzz_target!(|data: &[u8]| {
    match read_engagements_csv("fuzz.csv", data) {
        Ok(read) => {
            assert!(!read.engagements.is_empty());
            let first: Vec<Engagement> = read.engagements.into_iter().map(|(_, e)| e).collect();
            let written = write_engagements_csv(&first);
            let again = read_engagements_csv("again.csv", written.as_bytes())
                .unwrap_or_else(|r| panic!("the written file was refused: {r:?}\n{written}"));
            assert!(again.warnings.is_empty(), "{:?}", again.warnings);
            let again: Vec<Engagement> = again.engagements.into_iter().map(|(_, e)| e).collect();
            assert_eq!(first, again, "{written}");
        }
        Err(refused) => assert!(refused.errors().next().is_some()),
    }
});
