//! Any diary form, however it is filled in, is either kept whole within a week's hours or
//! refused with every problem beside a field the page has: never a panic, never a negative or
//! impossible week, never another organisation's category.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use swforce_domain::Date;
use swforce_domain::diary::{Activity, DiaryInput, MAX_NOTE, MAX_WEEK_MINUTES, Week, check_diary};

fuzz_target!(|text: &str| {
    // The body as a browser posts it, `name=value&...`, without the percent-encoding.
    let mut input = DiaryInput::default();
    for pair in text.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "week" => input.week = value.to_string(),
            "contracted" => input.contracted = value.to_string(),
            "obstacles" => input.obstacles.push(value.to_string()),
            "note" => input.note = value.to_string(),
            "share_note" => input.share_note = value == "yes",
            n => {
                if let Some(id) = n.strip_prefix("hours-") {
                    input.hours.push((id.parse().unwrap_or(-1), value.to_string()));
                }
            }
        }
    }
    let categories: BTreeMap<i64, Activity> = Activity::ALL
        .iter()
        .enumerate()
        .map(|(i, a)| (i as i64 + 1, *a))
        .collect();
    let today = Date::new(2025, 3, 5).expect("a real date");
    match check_diary(&input, &categories, today) {
        Ok(d) => {
            assert!(d.total() <= MAX_WEEK_MINUTES, "{d:?}");
            assert!(d.contracted > 0 && d.contracted <= 80 * 60, "{d:?}");
            assert!(d.week <= Week::containing(today));
            assert!(d.minutes.keys().all(|id| categories.contains_key(id)));
            assert!(d.minutes.values().all(|m| *m > 0));
            assert!(d.note.chars().count() <= MAX_NOTE);
            assert!(!d.share_note || !d.note.is_empty());
        }
        Err(problems) => {
            assert!(!problems.is_empty());
            for p in problems {
                assert!(
                    matches!(p.field.as_str(), "week" | "hours" | "contracted" | "obstacles" | "note")
                        || p.field.starts_with("hours-"),
                    "{p:?}"
                );
                assert!(!p.message.is_empty());
            }
        }
    }
});
