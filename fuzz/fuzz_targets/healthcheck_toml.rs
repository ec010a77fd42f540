//! Any text given as a health check question set is read and checked, or refused with at least
//! one error, never a panic; a set that reads asks each of its statements exactly once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use swforce_import::healthcheck::read_question_set;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match read_question_set("fuzz.toml", text) {
        Ok(set) => {
            let items = set.items(&[]);
            let keys: std::collections::HashSet<_> = items.iter().map(|i| i.key.clone()).collect();
            assert_eq!(keys.len(), items.len(), "a statement key is asked twice");
            assert_eq!(items[set.stay_index()].key, set.stay.key);
        }
        Err(refused) => assert!(refused.errors().next().is_some()),
    }
});
