//! Any bytes given to the calendar reader are read or refused, never a panic, and quickly: a
//! suggestion never gives an event more than the longest week (169 hours, when the clocks go
//! back), counts every event once, and a refusal says what is wrong and how to fix it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use swforce_domain::diary::{Activity, Week};
use swforce_import::Refused;
use swforce_import::calendar::{LEFT_OUT_LISTED, default_rules, suggest_week};

/// The longest diary week, in minutes: 169 hours.
const LONGEST_WEEK: u64 = 169 * 60;

fuzz_target!(|data: &[u8]| {
    // The week the clocks go forward in 2025, so that clock changes are always in play.
    let week = Week::parse("2025-03-24").expect("a constant date");
    let rules = default_rules();
    let me = ["jo@example.org".to_string()];
    let first = suggest_week("fuzz.ics", data, week, &rules, &me);
    match &first {
        Ok(s) => {
            let counted = u64::from(s.events_counted);
            assert!(s.total_minutes() <= counted * LONGEST_WEEK, "{s:?}");
            for (activity, minutes) in &s.minutes {
                assert!(*minutes > 0, "{s:?}");
                let events = u64::from(s.matched_by.get(activity).copied().unwrap_or(0));
                assert!(u64::from(*minutes) <= events * LONGEST_WEEK, "{s:?}");
            }
            assert_eq!(
                s.matched_by.values().map(|n| u64::from(*n)).sum::<u64>(),
                counted
            );
            assert_eq!(
                s.unmatched_minutes,
                s.minutes.get(&Activity::Other).copied().unwrap_or(0)
            );
            // Each event counted is listed; events left out are listed with a line and a
            // reason, at most LEFT_OUT_LISTED of them.
            assert_eq!(s.events.len() as u64, counted, "{s:?}");
            assert!(s.left_out.len() <= LEFT_OUT_LISTED, "{s:?}");
            assert!(s.left_out.len() as u64 <= u64::from(s.left_out_count), "{s:?}");
            for l in &s.left_out {
                assert!(l.line >= 1 && !l.why.is_empty(), "{l:?}");
            }
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            assert!(diagnostics.len() <= Refused::LIMIT, "{}", diagnostics.len());
            for d in diagnostics {
                assert!(d.is_error());
                assert_eq!(d.file, "fuzz.ics");
                assert!(!d.problem.is_empty() && !d.fix.is_empty(), "{d:?}");
                assert!(d.line.is_none_or(|l| l >= 1), "{d:?}");
            }
        }
    }
    // One file, one answer.
    assert_eq!(first, suggest_week("fuzz.ics", data, week, &rules, &me));
});
