//! The calendar reader on realistic exports: Outlook's (Windows zone names, VALARMs, folded
//! descriptions) and Google's (Europe/London, UTC times, Meet descriptions), each in a week
//! with a clock change.

use crate::fixture;
use std::collections::BTreeMap;
use swforce_domain::diary::{Activity, Week};
use swforce_import::calendar::{WeekSuggestion, default_rules, suggest_week};

const ME: &str = "jo.worker@council.gov.uk";

fn suggest(name: &str, monday: &str, emails: &[&str]) -> WeekSuggestion {
    let bytes = fixture(&format!("calendar/{name}"));
    let emails: Vec<String> = emails.iter().map(|e| e.to_string()).collect();
    suggest_week(
        name,
        &bytes,
        Week::parse(monday).unwrap(),
        &default_rules(),
        &emails,
    )
    .unwrap_or_else(|d| panic!("{name} was refused: {d:#?}"))
}

fn minutes(pairs: &[(Activity, u32)]) -> BTreeMap<Activity, u32> {
    pairs.iter().copied().collect()
}

#[test]
fn an_outlook_export_in_gmt_standard_time_gives_the_weeks_hours() {
    // The week the clocks go forward (Sunday 30 March 2025).
    let s = suggest("outlook_gmt_standard_time.ics", "2025-03-24", &[ME]);
    assert_eq!(
        s.minutes,
        minutes(&[
            (Activity::DirectFaceToFace, 60),
            (Activity::DirectRemote, 45),
            (Activity::CaseRecording, 60),
            (Activity::Meetings, 60),
            (Activity::Travel, 60),
            (Activity::Supervision, 90),
            (Activity::Other, 180),
        ])
    );
    assert_eq!(s.events_counted, 7);
    assert_eq!(s.unmatched_minutes, 180);
    assert_eq!(
        (
            s.skipped_declined,
            s.skipped_cancelled,
            s.skipped_all_day,
            s.skipped_free
        ),
        (1, 1, 1, 5)
    );
    assert_eq!(s.matched_by.values().sum::<u32>(), s.events_counted);
}

#[test]
fn without_the_persons_address_a_meeting_others_still_attend_is_counted() {
    let s = suggest("outlook_gmt_standard_time.ics", "2025-03-24", &[]);
    assert_eq!(s.skipped_declined, 0);
    assert_eq!(s.minutes.get(&Activity::Meetings), Some(&(60 + 90)));
}

#[test]
fn an_outlook_series_goes_on_at_the_same_clock_time_after_the_change() {
    let s = suggest("outlook_gmt_standard_time.ics", "2025-03-31", &[ME]);
    // Team meeting on Tuesday 1 April at 09:30 BST, and the home visit that day.
    assert_eq!(s.minutes.get(&Activity::Meetings), Some(&60));
    assert_eq!(s.minutes.get(&Activity::DirectFaceToFace), Some(&60));
    assert_eq!(s.skipped_free, 5);
}

#[test]
fn a_google_export_in_europe_london_and_utc_gives_the_weeks_hours() {
    // The week the clocks go back (Sunday 26 October 2025).
    let s = suggest("google_europe_london.ics", "2025-10-20", &[ME]);
    assert_eq!(
        s.minutes,
        minutes(&[
            (Activity::DirectRemote, 60),
            (Activity::CaseRecording, 90),
            (Activity::AssessmentsPlansReports, 30),
            (Activity::Meetings, 120),
            (Activity::Travel, 180),
            (Activity::Supervision, 60),
        ])
    );
    assert_eq!(s.events_counted, 8);
    assert_eq!(s.unmatched_minutes, 0);
    assert_eq!(
        (
            s.skipped_declined,
            s.skipped_cancelled,
            s.skipped_all_day,
            s.skipped_free
        ),
        (1, 1, 1, 1)
    );
}

#[test]
fn nothing_from_the_events_text_reaches_the_suggestion() {
    for (name, monday) in [
        ("outlook_gmt_standard_time.ics", "2025-03-24"),
        ("google_europe_london.ics", "2025-10-20"),
    ] {
        let shown = format!("{:?}", suggest(name, monday, &[ME])).to_lowercase();
        for private in [
            "child",
            "family",
            "foster",
            "placement",
            "young person",
            "jo.",
        ] {
            assert!(!shown.contains(private), "{name}: {private} in {shown}");
        }
    }
}

#[test]
fn a_truncated_export_is_refused_as_cut_short() {
    let bytes = fixture("calendar/google_europe_london.ics");
    let cut = &bytes[..bytes.len() * 2 / 3];
    let refused = suggest_week(
        "google.ics",
        cut,
        Week::parse("2025-10-20").unwrap(),
        &default_rules(),
        &[],
    )
    .unwrap_err();
    assert!(
        refused.iter().any(|d| d.problem.contains("cut short")),
        "{refused:#?}"
    );
}

#[test]
fn zones_the_file_defines_periods_later_edits_and_repeats_are_read_as_python_icalendar_reads_them()
{
    // Checked against Python's icalendar 7.3 with recurring_ical_events 3 on the same file:
    // Tue 14:00 60 (Eastern time is UTC-4 that week, the US clocks having changed on 8 March),
    // Mon 10:00 90 (the series moved and renamed from 16 March on), Wed 13:00 60 and Thu 09:00
    // 180 (a period of its own length), Fri 14:00 120 (the same event twice counts once).
    // swforce also leaves out an all-day event Outlook marks with times, an event in a zone
    // nobody defines, and a rule repeating at set hours, and says why.
    let s = suggest("outlook_own_time_zones.ics", "2026-03-23", &[ME]);
    let listed: Vec<(String, u32, Activity)> = s
        .events
        .iter()
        .map(|e| (e.starts.clone(), e.minutes, e.activity))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("Mon 23 Mar 10:00".to_string(), 90, Activity::Supervision),
            ("Tue 24 Mar 14:00".to_string(), 60, Activity::Meetings),
            (
                "Wed 25 Mar 13:00".to_string(),
                60,
                Activity::DirectFaceToFace
            ),
            (
                "Thu 26 Mar 09:00".to_string(),
                180,
                Activity::DirectFaceToFace
            ),
            ("Fri 27 Mar 14:00".to_string(), 120, Activity::CaseRecording),
        ]
    );
    assert_eq!(s.skipped_all_day, 1);
    let left: Vec<(u64, &str)> = s
        .left_out
        .iter()
        .map(|l| (l.line, l.why.as_str()))
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert_eq!(left[0].0, 43);
    assert!(left[0].1.contains("time zone"), "{left:?}");
    assert!(left[1].1.contains("BYHOUR"), "{left:?}");
    assert!(
        !format!("{left:?}").contains("Court") && !format!("{left:?}").contains("Duty"),
        "titles never appear"
    );
}
