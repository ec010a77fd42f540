//! Suggested diary hours from a calendar export: reads an iCalendar file (`.ics`, RFC 5545) as
//! Outlook and Google Calendar write it, and adds up the minutes of one diary week's events per
//! national [`Activity`], for the person to check and correct before they submit their diary.
//!
//! Privacy: event titles, descriptions, locations and attendees are read only to choose an
//! activity and to see whether the person declined; they never leave this module, neither in
//! the [`WeekSuggestion`] nor in a [`Diagnostic`] ("event titles are never stored").
//!
//! Pure, like every reader: bytes, a display name and a week in; data out. Time zones come from
//! the copy of the IANA database built into the program (jiff's bundled tzdb), never from the
//! machine, so every server gives the same answer.
//!
//! The reading is in layers, one module each: content lines and components (`content`:
//! unfolding, parameters, escapes), then values (`time` for dates, times and durations, `zone`
//! for time zones), then events (`event`) and their occurrences in the week, repeat rules
//! included (`recur`). This module holds the public API, matches events to activities and
//! keeps the tally.

mod content;
mod event;
mod recur;
mod time;
mod zone;

use crate::diagnostic::Diagnostic;
use crate::reading::Collector;
use content::{Component, read_components, shown_name};
use event::{Context, Event, Skip, mail_address, read_event};
use recur::{Occurrence, expand};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use swforce_domain::diary::{Activity, Week};
use time::Window;
use zone::Zones;

/// Largest calendar file read, in bytes: a year of a busy Outlook calendar is about 2 MB, so a
/// larger file is most likely a whole mailbox export or not a calendar at all.
pub const MAX_ICS_BYTES: usize = 10 * 1024 * 1024;

/// Most occurrences one repeating event may produce on the way to the diary week. A daily
/// meeting reaches it after 27 years; past it the repeat rule is refused as absurd rather than
/// followed, so a hostile file cannot keep the server busy.
pub const MAX_OCCURRENCES_PER_EVENT: u32 = 10_000;

/// Days a repeat rule may examine for one event, and for the whole file: the same guard for
/// rules that match rarely or never (`FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30`).
const MAX_STEPS_PER_EVENT: u64 = 200_000;
const MAX_STEPS_PER_FILE: u64 = 5_000_000;

/// What to do about a refused file, shared by the diagnostics of every layer.
const FIX_EXPORT: &str = "Export the calendar again from Outlook or Google Calendar as an .ics file, and upload that file";
const FIX_NOT_CALENDAR: &str = "Upload a calendar file (.ics): in Outlook choose File, Save Calendar; in Google Calendar choose Settings, Import and export, Export";
const FIX_SIZE: &str = "Export a shorter date range, such as the month that holds the week you are filling in, and upload that file";

// ---------------------------------------------------------------------------------------------
// The public API
// ---------------------------------------------------------------------------------------------

/// One way of recognising an activity from an event's title, location or categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarRule {
    pub activity: Activity,
    /// Words or phrases, matched case-insensitively as whole words, a plural `s` allowed:
    /// `plan` matches "Care plan" and "Pathway plans" but not "Planning meeting" or
    /// "explanation", and `call` matches "Phone call" but not "Callum". An acronym of one or two
    /// capitals keeps its case: `IT` matches "IT problems" but not "Sort it out". Spaces around
    /// a keyword do not matter. An empty keyword matches nothing.
    pub keywords: Vec<String>,
    /// What the page calls the rule, such as "Meetings and conferences (multi-agency, court)".
    pub label: String,
}

/// What a calendar suggests for one diary week. Counts are of occurrences that fall (at least
/// partly) in the week: a weekly meeting counts once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WeekSuggestion {
    /// Suggested minutes per activity, counting only the part of each event inside the week
    /// (Monday 00:00 to the next Monday 00:00, UK time), by real elapsed time: an event across
    /// the night the clocks go forward is an hour shorter than its clock times say. Events that
    /// overlap count separately (the person confirms the hours anyway), so the total can pass
    /// the length of the week. Activities with no minutes are absent. Rounded to the nearest
    /// minute per activity.
    pub minutes: BTreeMap<Activity, u32>,
    /// Occurrences counted in `minutes`.
    pub events_counted: u32,
    /// Occurrences the person declined (see [`suggest_week`] for how that is decided).
    pub skipped_declined: u32,
    /// Occurrences with `STATUS:CANCELLED`.
    pub skipped_cancelled: u32,
    /// All-day occurrences (dates without times): leave, birthdays, "working from home".
    pub skipped_all_day: u32,
    /// Occurrences shown as free (`TRANSP:TRANSPARENT`, or Outlook's
    /// `X-MICROSOFT-CDO-BUSYSTATUS:FREE`).
    pub skipped_free: u32,
    /// Minutes of events that no rule matched: they are in `minutes` under [`Activity::Other`]
    /// too, and repeated here so the page can say so.
    pub unmatched_minutes: u32,
    /// Occurrences counted per activity, for "3 events matched Meetings". Never titles.
    pub matched_by: BTreeMap<Activity, u32>,
    /// Each occurrence counted, in time order, with the activity it went to, so the person can
    /// check before saving. Never titles.
    pub events: Vec<EventLine>,
    /// Events that could not be placed in time (a time zone the file does not define and no
    /// database knows, a repeat rule this service cannot follow), left out while the rest of
    /// the week is suggested. At most [`LEFT_OUT_LISTED`], the first in the file.
    pub left_out: Vec<EventLeftOut>,
    /// How many events were left out in all.
    pub left_out_count: u32,
}

/// Most events left out that a suggestion lists.
pub const LEFT_OUT_LISTED: usize = 50;

/// One counted occurrence as the page lists it: when (UK time) and where it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventLine {
    /// `Tue 24 Mar 10:00`, UK time (an event that began before the week shows its own day).
    pub starts: String,
    /// Minutes inside the week.
    pub minutes: u32,
    pub activity: Activity,
}

/// An event left out of the suggestion: the line it starts on and why, never its title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventLeftOut {
    pub line: u64,
    pub why: String,
}

impl WeekSuggestion {
    /// All suggested minutes, every activity together.
    pub fn total_minutes(&self) -> u64 {
        self.minutes.values().map(|m| u64::from(*m)).sum()
    }
}

/// The rules a new organisation starts with: English social-work words, in an order that
/// settles the common clashes. The first rule with a keyword in the title wins, so the more
/// specific kinds come first: "Group supervision meeting" is supervision, "Travel to home
/// visit" is travel, "Court report" is a report (and "Court" alone a meeting), "Phone contact"
/// is remote direct work. Keywords are whole words: "Planning meeting" is a meeting, and "Home
/// visit - Callum" a visit, not a call.
pub fn default_rules() -> Vec<CalendarRule> {
    let rule = |activity: Activity, keywords: &[&str]| CalendarRule {
        activity,
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        label: activity.label().to_string(),
    };
    vec![
        rule(Activity::Supervision, &["supervision", "reflective"]),
        rule(
            Activity::Training,
            &[
                "training",
                "course",
                "cpd",
                "webinar",
                "e-learning",
                "workshop",
            ],
        ),
        rule(
            Activity::Travel,
            &["travel", "travelling", "drive", "driving", "journey"],
        ),
        rule(
            Activity::CaseRecording,
            &[
                "recording",
                "case notes",
                "write up",
                "write-up",
                "writing up",
            ],
        ),
        rule(
            Activity::AssessmentsPlansReports,
            &[
                "court report",
                "assessment",
                "report",
                "plan",
                "care plan",
                "pathway plan",
                "c&f",
            ],
        ),
        rule(
            Activity::Meetings,
            &[
                "meeting",
                "conference",
                "strategy",
                "core group",
                "cp conference",
                "court",
                "panel",
            ],
        ),
        rule(
            Activity::DirectRemote,
            &["teams call", "phone", "call", "video", "virtual"],
        ),
        rule(
            Activity::DirectFaceToFace,
            &["home visit", "visit", "contact", "direct work", "session"],
        ),
        rule(Activity::AdminIt, &["admin", "IT", "laptop", "password"]),
    ]
}

/// Reads a calendar export and suggests minutes per activity for `week`.
///
/// - `file` is the name to show in diagnostics; `bytes` the whole file, at most
///   [`MAX_ICS_BYTES`], UTF-8, starting with `BEGIN:VCALENDAR`.
/// - `rules` choose the activity: the title (SUMMARY) is tried against every rule in order, then
///   the location, then the categories; the first rule with a keyword there wins, and nothing
///   matched means [`Activity::Other`]. Direct face-to-face work at an online location (Teams,
///   Zoom, Google Meet) becomes [`Activity::DirectRemote`].
/// - `attendee_emails` are the person's own addresses: an event is declined when one of them is
///   an ATTENDEE with `PARTSTAT=DECLINED`. With no addresses given, an event is declined only
///   when it has attendees and every one of them declined.
///
/// Times: UTC (`Z`), a time zone by IANA name or by Windows name (Outlook's "GMT Standard
/// Time"), or floating local times, which are taken as UK time like the diary. An event ends at
/// DTEND, or after DURATION, or (with neither) at once, which counts nothing. Repeating events
/// (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) repeat in their own time zone, so a weekly
/// 09:00 London meeting stays at 09:00 across the clock change.
///
/// When an occurrence is skipped for more than one reason it is counted once, under the first
/// of: cancelled, declined, all day, free.
///
/// Refuses the whole file, with up to 50 diagnostics naming line and property, when it is
/// empty, too large, not a calendar, not UTF-8, cut short, or has an event whose times, time
/// zone or repeat rule cannot be read. Diagnostics never quote titles, descriptions, locations
/// or attendees.
pub fn suggest_week(
    file: &str,
    bytes: &[u8],
    week: Week,
    rules: &[CalendarRule],
    attendee_emails: &[String],
) -> Result<WeekSuggestion, Vec<Diagnostic>> {
    let mut out = Collector::new(file);
    let refuse = |out: Collector| Err(out.refuse().diagnostics);
    // Problems with lines do not stop the events from being read: one pass finds them all.
    let Some(top) = read_components(bytes, &mut out) else {
        return refuse(out);
    };
    let mut calendars = Vec::new();
    for c in &top {
        if c.name == "VCALENDAR" {
            calendars.push(c);
        } else {
            out.push(
                Diagnostic::error(
                    file,
                    format!(
                        "BEGIN:{} on line {} is outside BEGIN:VCALENDAR and END:VCALENDAR",
                        shown_name(&c.name),
                        c.line
                    ),
                    FIX_EXPORT,
                )
                .at(c.line, None)
                .field("BEGIN"),
            );
        }
    }
    let children = |name: &'static str| {
        calendars
            .iter()
            .flat_map(|c| c.children.iter())
            .filter(move |c| c.name == name)
    };
    let vtimezones: Vec<&Component> = children("VTIMEZONE").collect();
    let cx = Context {
        zones: Zones::new(&vtimezones),
        matcher: Matcher::new(rules),
        emails: attendee_emails
            .iter()
            .map(|e| mail_address(e))
            .filter(|e| !e.is_empty())
            .collect(),
    };
    let mut events: Vec<Event> = Vec::new();
    let mut left_out = Vec::new();
    // The same event twice (one UID, no RECURRENCE-ID), as exports of shared calendars have it,
    // counts once.
    let mut seen: HashSet<(String, Option<i64>)> = HashSet::new();
    for c in children("VEVENT") {
        match read_event(c, &cx) {
            Ok(event) => {
                // The same event twice (one UID, and the same RECURRENCE-ID or none), as
                // exports of shared calendars have it, counts once.
                let again = event
                    .uid
                    .as_ref()
                    .is_some_and(|uid| !seen.insert((uid.clone(), event.recurrence_id)));
                if !again {
                    events.push(event);
                }
            }
            Err(l) => left_out.push(EventLeftOut {
                line: l.line,
                why: l.why,
            }),
        }
    }
    if out.errors > 0 {
        return refuse(out);
    }

    let window = Window::of(week, &cx.zones.london);
    // An edited occurrence (RECURRENCE-ID) replaces the one its series would have made; with
    // RANGE=THISANDFUTURE it also changes every later one.
    let mut overridden: HashMap<&str, HashSet<i64>> = HashMap::new();
    let mut futures: HashMap<&str, Vec<(i64, &Event)>> = HashMap::new();
    for e in &events {
        if let (Some(uid), Some(rid)) = (&e.uid, e.recurrence_id) {
            overridden.entry(uid.as_str()).or_default().insert(rid);
            if e.this_and_future {
                futures.entry(uid.as_str()).or_default().push((rid, e));
            }
        }
    }
    for list in futures.values_mut() {
        list.sort_by_key(|(rid, _)| *rid);
    }
    let mut tally = Tally {
        seconds: BTreeMap::new(),
        suggestion: WeekSuggestion::default(),
        london: cx.zones.london.clone(),
        lines: Vec::new(),
    };
    let mut budget = MAX_STEPS_PER_FILE;
    let mut found = Vec::new();
    for e in &events {
        found.clear();
        let limit = MAX_STEPS_PER_EVENT.min(budget);
        let mut steps = 0;
        let expanded = expand(
            &e.start,
            e.length,
            e.rule.as_ref(),
            window,
            limit,
            &mut steps,
            &mut found,
        );
        budget = budget.saturating_sub(steps);
        if expanded.is_err() {
            if limit < MAX_STEPS_PER_EVENT {
                out.push(Diagnostic::error(
                    file,
                    "this calendar has too many repeating events to work out",
                    FIX_SIZE,
                ));
                break;
            }
            left_out.push(EventLeftOut {
                line: e.line,
                why: format!(
                    "its repeat rule (line {}) repeats too often, or for too long, to work out",
                    e.rule_line
                ),
            });
            continue;
        }
        for (rdate, length) in &e.rdates {
            let mut ignored = 0;
            // A single date has no rule to follow, so it cannot overrun. A period lasts as
            // long as it says.
            let length = length.unwrap_or(e.length);
            let _ = expand(rdate, length, None, window, 0, &mut ignored, &mut found);
        }
        found.sort_by_key(|o| o.start);
        found.dedup_by_key(|o| o.start);
        let (replaced, later) = match (&e.uid, e.recurrence_id) {
            (Some(uid), None) => (overridden.get(uid.as_str()), futures.get(uid.as_str())),
            _ => (None, None),
        };
        for o in &found {
            let excluded = e.exdates.contains(&o.start)
                || e.exdays.contains(&o.day)
                || replaced.is_some_and(|r| r.contains(&o.start));
            if excluded {
                continue;
            }
            // The latest THISANDFUTURE edit before this occurrence moves and changes it.
            match later.and_then(|l| l.iter().rev().find(|(rid, _)| *rid < o.start)) {
                Some((rid, edit)) => {
                    let (Some(edit_start), Some(rid_local)) = (edit.start.instant(), Some(*rid))
                    else {
                        continue;
                    };
                    let shift = edit_start.saturating_sub(rid_local);
                    let length = edit
                        .length
                        .end(&edit.start.zone.tz, edit.start.local, edit_start)
                        .map_or(0, |end| end - edit_start);
                    let start = o.start.saturating_add(shift);
                    let moved = Occurrence {
                        start,
                        end: start.saturating_add(length),
                        day: o.day,
                    };
                    tally.add(edit, &moved, window);
                }
                None => tally.add(e, o, window),
            }
        }
    }
    if out.errors > 0 {
        return refuse(out);
    }
    let mut suggestion = tally.finish();
    suggestion.left_out_count = u32::try_from(left_out.len()).unwrap_or(u32::MAX);
    left_out.truncate(LEFT_OUT_LISTED);
    suggestion.left_out = left_out;
    Ok(suggestion)
}

// ---------------------------------------------------------------------------------------------
// Matching and the tally
// ---------------------------------------------------------------------------------------------

/// The rules with their keywords lower-cased once; a short acronym written in capitals ("IT")
/// keeps its case, so the pronoun "it" is not IT.
struct Matcher {
    rules: Vec<(Activity, Vec<(String, bool)>)>,
}

/// Where online meetings are held, as a LOCATION shows them: whole words, or within an address.
const ONLINE_WORDS: &[&str] = &[
    "teams",
    "microsoft teams",
    "ms teams",
    "zoom",
    "google meet",
    "webex",
    "skype",
    "video call",
];
const ONLINE_ADDRESSES: &[&str] = &[
    "teams.microsoft.com",
    "teams.live.com",
    "zoom.us",
    "meet.google.com",
    "webex.com",
];

/// Whether a keyword keeps its case: an acronym of one or two capital letters.
fn keeps_case(keyword: &str) -> bool {
    keyword.len() <= 2 && keyword.chars().all(|c| c.is_ascii_uppercase())
}

impl Matcher {
    fn new(rules: &[CalendarRule]) -> Matcher {
        Matcher {
            rules: rules
                .iter()
                .map(|r| {
                    let keywords = r
                        .keywords
                        .iter()
                        .map(|k| k.trim())
                        .filter(|k| !k.is_empty())
                        .map(|k| {
                            if keeps_case(k) {
                                (k.to_string(), true)
                            } else {
                                (k.to_lowercase(), false)
                            }
                        })
                        .collect();
                    (r.activity, keywords)
                })
                .collect(),
        }
    }

    /// The title first, then the location, then the categories: the first rule with a keyword
    /// in the first text that matches any rule wins.
    fn activity(&self, summary: &str, location: &str, categories: &str) -> Activity {
        for text in [summary, location, categories] {
            if text.trim().is_empty() {
                continue;
            }
            let lower = format!("{} ", text.to_lowercase());
            let exact = format!("{text} ");
            let found = self.rules.iter().find(|(_, keywords)| {
                keywords
                    .iter()
                    .any(|(k, case)| is_whole_word(if *case { &exact } else { &lower }, k))
            });
            if let Some((activity, _)) = found {
                return if *activity == Activity::DirectFaceToFace && is_online(location) {
                    Activity::DirectRemote
                } else {
                    *activity
                };
            }
        }
        Activity::Other
    }
}

/// Whether a LOCATION is an online meeting: Teams, Zoom, Google Meet ("Meet" alone too), Webex,
/// Skype, or their addresses.
fn is_online(location: &str) -> bool {
    let lower = location.trim().to_lowercase();
    lower == "meet"
        || ONLINE_ADDRESSES.iter().any(|a| lower.contains(a))
        || ONLINE_WORDS.iter().any(|w| is_whole_word(&lower, w))
}

/// Whether `keyword` appears in `hay` as whole words, perhaps with a plural `s`: "plan" in
/// "care plans" but not in "planning" or "explanation", so keywords fire only on what they say.
fn is_whole_word(hay: &str, keyword: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    hay.match_indices(keyword).any(|(i, k)| {
        let mut after = hay[i + k.len()..].chars().peekable();
        if after.peek() == Some(&'s') {
            after.next();
        }
        boundary(hay[..i].chars().next_back()) && boundary(after.next())
    })
}

struct Tally {
    seconds: BTreeMap<Activity, i64>,
    suggestion: WeekSuggestion,
    /// UK time, for the list of events.
    london: jiff::tz::TimeZone,
    /// Each counted occurrence: start instant, seconds in the week, activity.
    lines: Vec<(i64, i64, Activity)>,
}

impl Tally {
    fn add(&mut self, event: &Event, o: &Occurrence, window: Window) {
        let s = &mut self.suggestion;
        let counter = match event.skip {
            Some(Skip::Cancelled) => &mut s.skipped_cancelled,
            Some(Skip::Declined) => &mut s.skipped_declined,
            Some(Skip::AllDay) => &mut s.skipped_all_day,
            Some(Skip::Free) => &mut s.skipped_free,
            None => {
                let seconds = o.end.min(window.end) - o.start.max(window.start);
                if seconds <= 0 {
                    return;
                }
                let total = self.seconds.entry(event.activity).or_default();
                *total = total.saturating_add(seconds);
                self.lines.push((o.start, seconds, event.activity));
                let n = s.matched_by.entry(event.activity).or_default();
                *n = n.saturating_add(1);
                &mut s.events_counted
            }
        };
        *counter = counter.saturating_add(1);
    }

    fn finish(self) -> WeekSuggestion {
        let mut s = self.suggestion;
        for (activity, seconds) in self.seconds {
            let minutes = u32::try_from(seconds.saturating_add(30) / 60).unwrap_or(u32::MAX);
            if minutes > 0 {
                s.minutes.insert(activity, minutes);
            }
        }
        s.unmatched_minutes = s.minutes.get(&Activity::Other).copied().unwrap_or(0);
        let mut lines = self.lines;
        lines.sort_by_key(|(start, _, activity)| (*start, *activity));
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        s.events = lines
            .into_iter()
            .map(|(start, seconds, activity)| {
                let starts = time::to_local(&self.london, start).map_or_else(String::new, |l| {
                    let day = l.div_euclid(time::DAY);
                    let minute = l.rem_euclid(time::DAY) / 60;
                    let (_, month, date) = swforce_domain::date::civil_from_days(day);
                    format!(
                        "{} {date} {} {:02}:{:02}",
                        DAYS[usize::from(time::weekday(day)) % 7],
                        MONTHS[usize::from(month.clamp(1, 12)) - 1],
                        minute / 60,
                        minute % 60
                    )
                });
                EventLine {
                    starts,
                    minutes: u32::try_from((seconds + 30) / 60).unwrap_or(u32::MAX),
                    activity,
                }
            })
            .collect();
        s
    }
}

#[cfg(test)]
mod fixtures;

#[cfg(test)]
mod tests {
    use super::fixtures::{cal, ev, london, minutes, refused, series, suggest, week};
    use super::*;
    use crate::diagnostic::Refused;

    #[test]
    fn excluded_dates_may_be_listed_several_times_and_with_commas() {
        let text = cal(&[series(
            "Visit",
            "20250317T090000",
            "FREQ=DAILY",
            &[
                "EXDATE;TZID=Europe/London:20250324T090000,20250325T090000",
                "EXDATE;TZID=Europe/London:20250326T090000",
                "EXDATE;VALUE=DATE:20250327",
            ],
        )]);
        // Friday, Saturday and Sunday are left.
        assert_eq!(suggest(&text, "2025-03-24").events_counted, 3);
    }

    #[test]
    fn an_edited_occurrence_replaces_the_one_it_overrides_and_a_cancelled_one_removes_it() {
        let master = series(
            "Core group",
            "20250303T090000",
            "FREQ=WEEKLY",
            &["UID:abc@example.org"],
        );
        let moved = ev(&[
            "UID:abc@example.org",
            "RECURRENCE-ID;TZID=Europe/London:20250324T090000",
            "SUMMARY:Core group",
            "DTSTART;TZID=Europe/London:20250325T140000",
            "DTEND;TZID=Europe/London:20250325T163000",
        ]);
        let s = suggest(&cal(&[master.clone(), moved.clone()]), "2025-03-24");
        assert_eq!(s.events_counted, 1);
        assert_eq!(minutes(&s, Activity::Meetings), 150);
        // A shared calendar exported twice: the series and its edit each count once.
        let twice = cal(&[master.clone(), moved.clone(), master.clone(), moved]);
        let s = suggest(&twice, "2025-03-24");
        assert_eq!(
            (s.events_counted, minutes(&s, Activity::Meetings)),
            (1, 150)
        );
        let cancelled = ev(&[
            "UID:abc@example.org",
            "RECURRENCE-ID;TZID=Europe/London:20250324T090000",
            "STATUS:CANCELLED",
            "DTSTART;TZID=Europe/London:20250324T090000",
            "DTEND;TZID=Europe/London:20250324T100000",
        ]);
        let s = suggest(&cal(&[cancelled, master]), "2025-03-24");
        assert_eq!((s.events_counted, s.skipped_cancelled), (0, 1));
        assert_eq!(s.total_minutes(), 0);
    }

    #[test]
    fn an_extra_date_adds_an_occurrence_once() {
        let text = cal(&[series(
            "Visit",
            "20250303T090000",
            "FREQ=WEEKLY;COUNT=2",
            &["RDATE;TZID=Europe/London:20250326T090000,20250303T090000"],
        )]);
        assert_eq!(suggest(&text, "2025-03-24").events_counted, 1);
        assert_eq!(suggest(&text, "2025-03-03").events_counted, 1);
    }

    #[test]
    fn overlapping_events_count_separately() {
        let text = cal(&[
            london("Case notes", "20250324T090000", "20250324T110000"),
            london("Case notes", "20250324T100000", "20250324T120000"),
        ]);
        let s = suggest(&text, "2025-03-24");
        assert_eq!(minutes(&s, Activity::CaseRecording), 240);
        assert_eq!(s.matched_by.get(&Activity::CaseRecording), Some(&2));
    }

    #[test]
    fn the_title_is_matched_first_then_the_location_then_the_categories() {
        let at = |lines: &[&str]| {
            let mut all = vec!["DTSTART:20250324T090000Z", "DTEND:20250324T100000Z"];
            all.extend_from_slice(lines);
            let s = suggest(&cal(&[ev(&all)]), "2025-03-24");
            *s.minutes.keys().next().unwrap()
        };
        assert_eq!(
            at(&["SUMMARY:Supervision", "LOCATION:Meeting room 2"]),
            Activity::Supervision
        );
        assert_eq!(
            at(&["SUMMARY:Smith family", "LOCATION:Meeting room 2"]),
            Activity::Meetings
        );
        assert_eq!(
            at(&["SUMMARY:Smith family", "CATEGORIES:Blue,Travel"]),
            Activity::Travel
        );
        assert_eq!(
            at(&[
                "SUMMARY:Visit",
                "LOCATION:https://teams.microsoft.com/l/meetup-join/1"
            ]),
            Activity::DirectRemote
        );
        assert_eq!(
            at(&["SUMMARY:Home visit", "LOCATION:Microsoft Teams Meeting"]),
            Activity::DirectRemote
        );
        assert_eq!(at(&["SUMMARY:Lunch"]), Activity::Other);
        assert_eq!(at(&[]), Activity::Other);
    }

    #[test]
    fn the_first_rule_with_a_keyword_wins_and_keywords_are_whole_words() {
        let m = Matcher::new(&default_rules());
        let a = |t: &str| m.activity(t, "", "");
        assert_eq!(a("Group supervision meeting"), Activity::Supervision);
        assert_eq!(a("Travel to home visit"), Activity::Travel);
        assert_eq!(a("Court report"), Activity::AssessmentsPlansReports);
        assert_eq!(a("Court"), Activity::Meetings);
        assert_eq!(a("Phone contact with Mum"), Activity::DirectRemote);
        assert_eq!(a("HOME VISIT"), Activity::DirectFaceToFace);
        assert_eq!(a("IT problems"), Activity::AdminIt);
        assert_eq!(a("Laptop IT"), Activity::AdminIt);
        assert_eq!(a("Explanation"), Activity::Other);
        assert_eq!(a("Revisit notes"), Activity::Other);
        assert_eq!(a("Home visit – Callum"), Activity::DirectFaceToFace);
        assert_eq!(a("Planning meeting"), Activity::Meetings);
        assert_eq!(a("Pathway plans"), Activity::AssessmentsPlansReports);
        assert_eq!(a("Visits (x3)"), Activity::DirectFaceToFace);
        assert_eq!(a("Recall training"), Activity::Training);
        assert_eq!(a("Sessional worker handover"), Activity::Other);
        assert_eq!(a("Sort it out"), Activity::Other, "the pronoun is not IT");
        assert_eq!(a("IT drop-in"), Activity::AdminIt);
        for place in [
            "Teams",
            "MS Teams",
            "zoom",
            "Meet",
            "Teams call",
            "https://teams.microsoft.com/l/x",
        ] {
            assert_eq!(
                m.activity("Visit", place, ""),
                Activity::DirectRemote,
                "{place}"
            );
        }
        for place in ["Meeting room 2", "Family home", "Zoological gardens"] {
            assert_eq!(
                m.activity("Visit", place, ""),
                Activity::DirectFaceToFace,
                "{place}"
            );
        }
        let custom = Matcher::new(&[CalendarRule {
            activity: Activity::Meetings,
            keywords: vec!["MDT".into(), "".into()],
            label: "Meetings".into(),
        }]);
        assert_eq!(custom.activity("Weekly mdt", "", ""), Activity::Meetings);
        assert_eq!(custom.activity("Anything", "", ""), Activity::Other);
    }

    #[test]
    fn the_default_rules_map_the_listed_keywords() {
        let m = Matcher::new(&default_rules());
        for (title, activity) in [
            ("home visit", Activity::DirectFaceToFace),
            ("visit", Activity::DirectFaceToFace),
            ("contact", Activity::DirectFaceToFace),
            ("direct work", Activity::DirectFaceToFace),
            ("session", Activity::DirectFaceToFace),
            ("call", Activity::DirectRemote),
            ("phone", Activity::DirectRemote),
            ("teams call", Activity::DirectRemote),
            ("video", Activity::DirectRemote),
            ("recording", Activity::CaseRecording),
            ("case notes", Activity::CaseRecording),
            ("assessment", Activity::AssessmentsPlansReports),
            ("report", Activity::AssessmentsPlansReports),
            ("plan", Activity::AssessmentsPlansReports),
            ("court report", Activity::AssessmentsPlansReports),
            ("c&f", Activity::AssessmentsPlansReports),
            ("meeting", Activity::Meetings),
            ("conference", Activity::Meetings),
            ("strategy", Activity::Meetings),
            ("core group", Activity::Meetings),
            ("cp conference", Activity::Meetings),
            ("court", Activity::Meetings),
            ("panel", Activity::Meetings),
            ("travel", Activity::Travel),
            ("drive", Activity::Travel),
            ("journey", Activity::Travel),
            ("supervision", Activity::Supervision),
            ("reflective", Activity::Supervision),
            ("training", Activity::Training),
            ("course", Activity::Training),
            ("cpd", Activity::Training),
            ("webinar", Activity::Training),
            ("admin", Activity::AdminIt),
            ("IT", Activity::AdminIt),
            ("laptop", Activity::AdminIt),
            ("password", Activity::AdminIt),
        ] {
            assert_eq!(m.activity(title, "", ""), activity, "{title}");
        }
        assert!(
            default_rules()
                .iter()
                .all(|r| r.label == r.activity.label())
        );
    }

    #[test]
    fn unmatched_time_goes_to_other_and_is_reported_too() {
        let text = cal(&[
            london("Lunch", "20250324T120000", "20250324T123000"),
            london("Home visit", "20250324T140000", "20250324T150000"),
        ]);
        let s = suggest(&text, "2025-03-24");
        assert_eq!(minutes(&s, Activity::Other), 30);
        assert_eq!(s.unmatched_minutes, 30);
        assert_eq!(s.matched_by.get(&Activity::Other), Some(&1));
        assert_eq!(s.total_minutes(), 90);
    }

    #[test]
    fn reading_stops_after_fifty_problems_and_lists_fifty_events_left_out() {
        let broken: Vec<String> = (0..80)
            .map(|_| ev(&["DTSTART:20250324T090000Z", "a line without a colon"]))
            .collect();
        let d = refused(cal(&broken).as_bytes());
        assert_eq!(d.len(), Refused::LIMIT);
        let events: Vec<String> = (0..80).map(|_| ev(&["DTSTART:nonsense"])).collect();
        let s = suggest(&cal(&events), "2025-03-24");
        assert_eq!((s.left_out.len(), s.left_out_count), (LEFT_OUT_LISTED, 80));
    }

    #[test]
    fn no_prefix_of_a_calendar_makes_the_reader_panic() {
        let text = cal(&[
            series(
                "Visit",
                "20250303T090000",
                "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=9",
                &[
                    "EXDATE;TZID=Europe/London:20250324T090000",
                    "ATTENDEE;PARTSTAT=DECLINED:mailto:a@b.c",
                ],
            ),
            ev(&["DTSTART;VALUE=DATE:20250325", "SUMMARY:Leave\\, annual"]),
        ]);
        for end in 0..text.len() {
            let _ = suggest_week(
                "t.ics",
                &text.as_bytes()[..end],
                week("2025-03-24"),
                &default_rules(),
                &[],
            );
        }
    }
}
