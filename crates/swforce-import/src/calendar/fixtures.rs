//! Shared by the calendar reader's tests: small calendars built line by line, and calls that
//! read one for a week and unwrap the suggestion or the refusal.

use super::{WeekSuggestion, default_rules, suggest_week};
use crate::diagnostic::Diagnostic;
use swforce_domain::diary::{Activity, Week};

const LONDON: &str = "TZID=Europe/London";

/// A calendar around some events, with `\n` line ends (`crlf` turns them into `\r\n`).
pub(super) fn cal(events: &[String]) -> String {
    format!(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//swforce//test//EN\n{}END:VCALENDAR\n",
        events.concat()
    )
}

pub(super) fn ev(lines: &[&str]) -> String {
    format!("BEGIN:VEVENT\n{}\nEND:VEVENT\n", lines.join("\n"))
}

/// An event from `start` to `end` (`YYYYMMDDTHHMMSS`) on London clocks.
pub(super) fn london(summary: &str, start: &str, end: &str) -> String {
    ev(&[
        &format!("SUMMARY:{summary}"),
        &format!("DTSTART;{LONDON}:{start}"),
        &format!("DTEND;{LONDON}:{end}"),
    ])
}

pub(super) fn week(monday: &str) -> Week {
    Week::parse(monday).unwrap()
}

pub(super) fn suggest_with(text: &str, monday: &str, emails: &[&str]) -> WeekSuggestion {
    let emails: Vec<String> = emails.iter().map(|e| e.to_string()).collect();
    suggest_week(
        "test.ics",
        text.as_bytes(),
        week(monday),
        &default_rules(),
        &emails,
    )
    .unwrap_or_else(|d| panic!("refused: {d:#?}"))
}

pub(super) fn suggest(text: &str, monday: &str) -> WeekSuggestion {
    suggest_with(text, monday, &[])
}

pub(super) fn refused(bytes: &[u8]) -> Vec<Diagnostic> {
    match suggest_week("test.ics", bytes, week("2025-03-24"), &default_rules(), &[]) {
        Ok(s) => panic!("accepted: {s:#?}"),
        Err(d) => {
            assert!(!d.is_empty());
            d
        }
    }
}

/// The events a calendar leaves out (it must be read, not refused): `(line, why)`.
pub(super) fn left_out(text: &str, monday: &str) -> Vec<(u64, String)> {
    suggest(text, monday)
        .left_out
        .into_iter()
        .map(|l| (l.line, l.why))
        .collect()
}

pub(super) fn minutes(s: &WeekSuggestion, activity: Activity) -> u32 {
    s.minutes.get(&activity).copied().unwrap_or(0)
}

/// A series on London clocks from `start`, one hour long, with `rule` and more lines.
pub(super) fn series(summary: &str, start: &str, rule: &str, more: &[&str]) -> String {
    let end = format!("{}{}", &start[..9], {
        let hour: u32 = start[9..11].parse().unwrap();
        format!("{:02}{}", hour + 1, &start[11..])
    });
    let mut lines = vec![
        format!("SUMMARY:{summary}"),
        format!("DTSTART;{LONDON}:{start}"),
        format!("DTEND;{LONDON}:{end}"),
        format!("RRULE:{rule}"),
    ];
    lines.extend(more.iter().map(|l| l.to_string()));
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    ev(&lines)
}
