//! Any text given as a scenario file is read and checked, or refused with errors, never a
//! panic; a scenario that reads and checks writes back to a file that reads the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use swforce_domain::Year;
use swforce_engine::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Scenario::from_toml("fuzz.toml", text) {
        Ok(s) => {
            let origin = Year::try_from(2022).expect("2022 is a year");
            if s.validate("fuzz.toml", origin, 10, &["E06000058"]).is_ok() {
                let again = Scenario::from_toml("again.toml", &s.to_toml()).expect("a written scenario reads back");
                assert_eq!(again, s);
            }
        }
        Err(errors) => assert!(!errors.is_empty()),
    }
});
