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
//! The file is read in three layers, top to bottom in this file: content lines and components
//! (unfolding, parameters, escapes), values (dates, times, zones, durations, repeat rules), then
//! events, their occurrences in the week, and the tally.

use crate::diagnostic::Diagnostic;
use crate::reading::Collector;
use jiff::Timestamp;
use jiff::civil;
use jiff::tz::{Offset, TimeZone, TimeZoneDatabase};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use swforce_domain::diary::{Activity, Week};

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
/// Deepest nesting of components: a real file has three (VCALENDAR, VEVENT, VALARM).
const MAX_DEPTH: usize = 8;
/// Most values in one list of a repeat rule (`BYDAY=MO,TU,...`).
const MAX_LIST: usize = 400;
const DAY: i64 = 86_400;

const FIX_EXPORT: &str = "Export the calendar again from Outlook or Google Calendar as an .ics file, and upload that file";
const FIX_NOT_CALENDAR: &str = "Upload a calendar file (.ics): in Outlook choose File, Save Calendar; in Google Calendar choose Settings, Import and export, Export";
const FIX_SIZE: &str = "Export a shorter date range, such as the month that holds the week you are filling in, and upload that file";
const FIX_ZONE: &str = "In Outlook or Google Calendar, set the time zone of the calendar (and of this event) to London, then export the calendar again";
const FIX_REPEAT: &str = "Open this repeating event in Outlook or Google Calendar, set it to repeat daily, weekly, monthly or yearly, then export the calendar again";

// ---------------------------------------------------------------------------------------------
// The public API
// ---------------------------------------------------------------------------------------------

/// One way of recognising an activity from an event's title, location or categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarRule {
    pub activity: Activity,
    /// Words or phrases, matched case-insensitively where a word starts: `plan` matches
    /// "Care plan" and "Planning" but not "explanation", and `it ` (with its space) matches
    /// "IT problems" but not "Visit today". The end of a text counts as a space. An empty
    /// keyword matches nothing.
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
/// is remote direct work.
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
        rule(Activity::Travel, &["travel", "drive", "driving", "journey"]),
        rule(
            Activity::CaseRecording,
            &["recording", "case notes", "write up", "write-up"],
        ),
        rule(
            Activity::AssessmentsPlansReports,
            &["court report", "assessment", "report", "plan", "c&f"],
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
        rule(Activity::AdminIt, &["admin", "it ", "laptop", "password"]),
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
    let mut out = Collector {
        file: file.to_string(),
        diagnostics: Vec::new(),
        errors: 0,
    };
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
    let mut events = Vec::new();
    for c in children("VEVENT") {
        if out.full() {
            break;
        }
        if let Some(event) = read_event(c, &cx, &mut out) {
            events.push(event);
        }
    }
    if out.errors > 0 {
        return refuse(out);
    }

    let window = Window::of(week, &cx.zones.london);
    // An edited occurrence (RECURRENCE-ID) replaces the one its series would have made.
    let mut overridden: HashMap<&str, HashSet<i64>> = HashMap::new();
    for e in &events {
        if let (Some(uid), Some(rid)) = (&e.uid, e.recurrence_id) {
            overridden.entry(uid.as_str()).or_default().insert(rid);
        }
    }
    let mut tally = Tally::default();
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
            out.push(
                Diagnostic::error(
                    file,
                    "this repeating event repeats too often, or for too long, to work out",
                    FIX_REPEAT,
                )
                .at(e.rule_line, None)
                .field("RRULE"),
            );
            continue;
        }
        for rdate in &e.rdates {
            let mut ignored = 0;
            // A single date has no rule to follow, so it cannot overrun.
            let _ = expand(rdate, e.length, None, window, 0, &mut ignored, &mut found);
        }
        found.sort_by_key(|o| o.start);
        found.dedup_by_key(|o| o.start);
        let replaced = match (&e.uid, e.recurrence_id) {
            (Some(uid), None) => overridden.get(uid.as_str()),
            _ => None,
        };
        for o in &found {
            let excluded = e.exdates.contains(&o.start)
                || e.exdays.contains(&o.day)
                || replaced.is_some_and(|r| r.contains(&o.start));
            if !excluded {
                tally.add(e, o, window);
            }
        }
    }
    if out.errors > 0 {
        return refuse(out);
    }
    Ok(tally.finish())
}

// ---------------------------------------------------------------------------------------------
// Content lines and components (RFC 5545 sections 3.1 and 3.4)
// ---------------------------------------------------------------------------------------------

/// One property: `NAME;PARAM=value,value:value`, with its (first physical) line.
#[derive(Debug)]
struct Property {
    /// Upper case.
    name: String,
    /// Names upper case; values as written, without their quotes.
    params: Vec<(String, Vec<String>)>,
    /// As written: escapes are undone only for text that is matched (see [`unescape`]).
    value: String,
    line: u64,
}

impl Property {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }
}

/// `BEGIN:NAME` ... `END:NAME`, with its properties and the components inside it.
#[derive(Debug)]
struct Component {
    /// Upper case.
    name: String,
    line: u64,
    props: Vec<Property>,
    children: Vec<Component>,
}

impl Component {
    fn first(&self, name: &str) -> Option<&Property> {
        self.props.iter().find(|p| p.name == name)
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Property> + 'a {
        self.props.iter().filter(move |p| p.name == name)
    }

    /// The unescaped text of every property called `name`, joined by newlines.
    fn text(&self, name: &str) -> String {
        self.all(name)
            .map(|p| unescape(&p.value))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A line after unfolding, as bytes: folding may split a UTF-8 character (RFC 5545 3.1 warns
/// of it), so lines are joined before they are decoded.
struct Logical {
    line: u64,
    bytes: Vec<u8>,
    /// Where each continuation line starts in `bytes`, and its physical line.
    joins: Vec<(usize, u64)>,
}

impl Logical {
    /// The physical line that holds byte `offset` of the logical line.
    fn line_at(&self, offset: usize) -> u64 {
        self.joins
            .iter()
            .rev()
            .find(|(start, _)| *start <= offset)
            .map_or(self.line, |(_, line)| *line)
    }
}

/// Splits at `\n` (a `\r` before it goes too) and joins each line that starts with a space or a
/// tab onto the one before, without that first character.
fn unfold(bytes: &[u8]) -> Vec<Logical> {
    let mut lines: Vec<Logical> = Vec::new();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let number = i as u64 + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        match (raw.first(), lines.last_mut()) {
            (Some(b' ' | b'\t'), Some(last)) => {
                last.joins.push((last.bytes.len(), number));
                last.bytes.extend_from_slice(&raw[1..]);
            }
            _ => lines.push(Logical {
                line: number,
                bytes: raw.to_vec(),
                joins: Vec::new(),
            }),
        }
    }
    lines
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// Reads one unfolded line, or `None` when it is not `NAME[;PARAM=...]:value`.
fn parse_line(text: &str, line: u64) -> Option<Property> {
    let b = text.as_bytes();
    let mut i = b.iter().position(|c| !is_name_byte(*c))?;
    if i == 0 {
        return None;
    }
    let name = text[..i].to_ascii_uppercase();
    let mut params = Vec::new();
    // Every index below sits on an ASCII delimiter or the end, so slicing is on char bounds.
    while b[i] == b';' {
        i += 1;
        let start = i;
        while i < b.len() && is_name_byte(b[i]) {
            i += 1;
        }
        if i == start || i >= b.len() || b[i] != b'=' {
            return None;
        }
        let pname = text[start..i].to_ascii_uppercase();
        i += 1;
        let mut values = Vec::new();
        loop {
            if b.get(i) == Some(&b'"') {
                // A quoted value may hold ; : and , (Outlook's CN="Smith, Jo").
                let close = i + 1 + text[i + 1..].find('"')?;
                values.push(text[i + 1..close].to_string());
                i = close + 1;
            } else {
                let start = i;
                while i < b.len() && !matches!(b[i], b',' | b';' | b':') {
                    i += 1;
                }
                values.push(text[start..i].to_string());
            }
            if b.get(i) == Some(&b',') {
                i += 1;
            } else {
                break;
            }
        }
        if i >= b.len() {
            return None;
        }
        params.push((pname, values));
    }
    if b[i] != b':' {
        return None;
    }
    Some(Property {
        name,
        params,
        value: text[i + 1..].to_string(),
        line,
    })
}

/// Undoes text escapes: `\\`, `\;`, `\,`, and `\n` or `\N` for a new line.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn starts_like_a_calendar(bytes: &[u8]) -> bool {
    const HEAD: &[u8] = b"BEGIN:VCALENDAR";
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let rest = &bytes[start..];
    rest.len() >= HEAD.len()
        && rest[..HEAD.len()].eq_ignore_ascii_case(HEAD)
        && rest.get(HEAD.len()).is_none_or(u8::is_ascii_whitespace)
}

/// Why a file is not a calendar, guessing what it is from its first bytes, without quoting it.
fn not_a_calendar(bytes: &[u8]) -> String {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let first_line = &first_line[..first_line.len().min(4096)];
    let guess = if bytes.starts_with(b"PK\x03\x04") {
        ": it looks like a Word or Excel document (or another zip file)"
    } else if bytes.starts_with(b"%PDF") {
        ": it looks like a PDF"
    } else if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        ": it is saved as UTF-16 text, and calendars are UTF-8"
    } else if first_line
        .windows(11)
        .any(|w| w.eq_ignore_ascii_case(b"BEGIN:VCARD"))
    {
        ": it is a contact card (vCard)"
    } else if first_line.iter().any(|b| matches!(b, b',' | b'\t')) {
        ": it looks like a spreadsheet saved as CSV"
    } else {
        ""
    };
    format!("this is not a calendar file; it does not start with BEGIN:VCALENDAR{guess}")
}

/// A component name as it may be shown: only a plain word, since a broken line could carry
/// anything (a title, say) after `BEGIN:`.
fn shown_name(name: &str) -> &str {
    if !name.is_empty() && name.len() <= 40 && name.bytes().all(is_name_byte) {
        name
    } else {
        "(unreadable name)"
    }
}

/// Checks the file as a whole and reads its components, or reports why not. `None` when the
/// file is refused before its lines are read (or when reading had to stop).
fn read_components(bytes: &[u8], out: &mut Collector) -> Option<Vec<Component>> {
    let file = out.file.clone();
    if bytes.len() > MAX_ICS_BYTES {
        out.push(Diagnostic::error(
            &file,
            format!(
                "the file is {:.1} MB; calendar files larger than {} MB are not read",
                bytes.len() as f64 / (1024.0 * 1024.0),
                MAX_ICS_BYTES / (1024 * 1024)
            ),
            FIX_SIZE,
        ));
        return None;
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        out.push(Diagnostic::error(&file, "the file is empty", FIX_EXPORT));
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if !starts_like_a_calendar(bytes) {
        out.push(Diagnostic::error(&file, not_a_calendar(bytes), FIX_NOT_CALENDAR).at(1, None));
        return None;
    }
    let mut stack: Vec<Component> = Vec::new();
    let mut top: Vec<Component> = Vec::new();
    for logical in unfold(bytes) {
        if out.full() {
            return None;
        }
        let line = logical.line;
        let text = match std::str::from_utf8(&logical.bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = logical.line_at(e.valid_up_to());
                out.push(
                    Diagnostic::error(
                        &file,
                        format!("line {at} has characters that are not UTF-8 text"),
                        FIX_EXPORT,
                    )
                    .at(at, None),
                );
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let Some(prop) = parse_line(text, line) else {
            // Never quoted: a line that lost its fold is usually part of a description.
            out.push(
                Diagnostic::error(
                    &file,
                    format!("line {line} is not a calendar line of the form NAME:value"),
                    FIX_EXPORT,
                )
                .at(line, None),
            );
            continue;
        };
        match prop.name.as_str() {
            "BEGIN" => {
                if stack.len() >= MAX_DEPTH {
                    out.push(
                        Diagnostic::error(
                            &file,
                            format!(
                                "BEGIN on line {line} nests components more than {MAX_DEPTH} deep"
                            ),
                            FIX_EXPORT,
                        )
                        .at(line, None)
                        .field("BEGIN"),
                    );
                    return None;
                }
                stack.push(Component {
                    name: prop.value.trim().to_ascii_uppercase(),
                    line,
                    props: Vec::new(),
                    children: Vec::new(),
                });
            }
            "END" => {
                let name = prop.value.trim().to_ascii_uppercase();
                let Some(open) = stack.iter().rposition(|c| c.name == name) else {
                    out.push(
                        Diagnostic::error(
                            &file,
                            format!(
                                "END:{} on line {line} closes nothing: there is no BEGIN:{} before it",
                                shown_name(&name),
                                shown_name(&name)
                            ),
                            FIX_EXPORT,
                        )
                        .at(line, None)
                        .field("END"),
                    );
                    continue;
                };
                while stack.len() > open {
                    let Some(done) = stack.pop() else { break };
                    if stack.len() > open {
                        out.push(
                            Diagnostic::error(
                                &file,
                                format!(
                                    "BEGIN:{} on line {} is not closed before END:{} on line {line}",
                                    shown_name(&done.name),
                                    done.line,
                                    shown_name(&name)
                                ),
                                FIX_EXPORT,
                            )
                            .at(done.line, None)
                            .field("BEGIN"),
                        );
                    }
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => top.push(done),
                    }
                }
            }
            _ => match stack.last_mut() {
                Some(c) => c.props.push(prop),
                None => out.push(
                    Diagnostic::error(
                        &file,
                        format!("line {line} is outside BEGIN:VCALENDAR and END:VCALENDAR"),
                        FIX_EXPORT,
                    )
                    .at(line, None),
                ),
            },
        }
    }
    for open in stack.iter().rev() {
        out.push(
            Diagnostic::error(
                &file,
                format!(
                    "BEGIN:{} on line {} is never closed by END:{}; the file may have been cut short",
                    shown_name(&open.name),
                    open.line,
                    shown_name(&open.name)
                ),
                "Export the calendar again and upload the whole file",
            )
            .at(open.line, None)
            .field("BEGIN"),
        );
    }
    Some(top)
}

// ---------------------------------------------------------------------------------------------
// Values: dates, times, time zones, durations
// ---------------------------------------------------------------------------------------------

/// Days since 1970-01-01 of a civil date (Howard Hinnant's days-from-civil algorithm).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `days` days after 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

fn days_in_month(year: i64, month: u8) -> u8 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

/// Monday = 0 ... Sunday = 6. 1970-01-01 was a Thursday.
fn weekday(days: i64) -> u8 {
    (days + 3).rem_euclid(7) as u8
}

/// The instant (seconds since 1970 UTC) of a local time in `tz`, given as seconds since
/// 1970-01-01 00:00 on that zone's clocks. A time the clocks skip is read as if they had not
/// gone forward yet (RFC 5545 3.3.5), a time they repeat as its first pass.
fn to_instant(tz: &TimeZone, local: i64) -> Option<i64> {
    let (y, m, d) = civil_from_days(local.div_euclid(DAY));
    let s = local.rem_euclid(DAY);
    let dt = civil::DateTime::new(
        i16::try_from(y).ok()?,
        m as i8,
        d as i8,
        (s / 3600) as i8,
        (s % 3600 / 60) as i8,
        (s % 60) as i8,
        0,
    )
    .ok()?;
    let ts = tz.to_ambiguous_timestamp(dt).compatible().ok()?;
    Some(ts.as_second())
}

/// The local time in `tz` of an instant (the inverse of [`to_instant`]).
fn to_local(tz: &TimeZone, instant: i64) -> Option<i64> {
    let dt = tz.to_datetime(Timestamp::from_second(instant).ok()?);
    let days = days_from_civil(i64::from(dt.year()), dt.month() as u8, dt.day() as u8);
    Some(
        days * DAY
            + i64::from(dt.hour()) * 3600
            + i64::from(dt.minute()) * 60
            + i64::from(dt.second()),
    )
}

fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `YYYYMMDD`, as days since 1970-01-01.
fn parse_date(text: &str) -> Option<i64> {
    if text.len() != 8 || !text.is_ascii() {
        return None;
    }
    let year = digits(&text[..4])?;
    let month = u8::try_from(digits(&text[4..6])?).ok()?;
    let day = u8::try_from(digits(&text[6..])?).ok()?;
    ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
        .then(|| days_from_civil(year, month, day))
}

/// `YYYYMMDDTHHMMSS` with an optional `Z`: local seconds since 1970-01-01 00:00, and whether
/// the time is UTC. A leap second (`60`) is read as `59`.
fn parse_date_time(text: &str) -> Option<(i64, bool)> {
    if !text.is_ascii() {
        return None;
    }
    let (body, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(body) => (body, true),
        None => (text, false),
    };
    if body.len() != 15 || !matches!(body.as_bytes()[8], b'T' | b't') {
        return None;
    }
    let days = parse_date(&body[..8])?;
    let hour = digits(&body[9..11])?;
    let minute = digits(&body[11..13])?;
    let second = digits(&body[13..])?.min(59);
    (hour <= 23 && minute <= 59).then_some((days * DAY + hour * 3600 + minute * 60 + second, utc))
}

/// A value as it may be shown in a diagnostic: dates, times and durations have no letters but
/// a few markers, so a title that strayed into the value (a broken line) is never quoted.
fn shown_value(value: &str, letters: &str) -> Option<String> {
    let v = value.trim();
    (v.len() <= 60
        && v.chars()
            .all(|c| c.is_ascii_digit() || " :+-/.,".contains(c) || letters.contains(c)))
    .then(|| v.to_string())
}

/// How a time is read: which clocks it follows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ZoneKey {
    /// No zone given: UK time, like the diary.
    Floating,
    Utc,
    Named(String),
}

#[derive(Debug, Clone)]
struct Zone {
    key: ZoneKey,
    tz: TimeZone,
}

/// The time zones a file may name, resolved without touching the machine.
struct Zones {
    db: TimeZoneDatabase,
    london: TimeZone,
    /// Zones the file defines itself (VTIMEZONE) under names no database knows, recognised by
    /// their offsets (see [`Zones::new`]).
    defined: HashMap<String, TimeZone>,
}

/// Windows time zone names, as Outlook writes them in TZID, and their IANA zones (from the
/// Unicode CLDR table windowsZones.xml, territory "001").
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("Dateline Standard Time", "Etc/GMT+12"),
    ("UTC-11", "Etc/GMT+11"),
    ("Aleutian Standard Time", "America/Adak"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Marquesas Standard Time", "Pacific/Marquesas"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("UTC-09", "Etc/GMT+9"),
    ("Pacific Standard Time (Mexico)", "America/Tijuana"),
    ("UTC-08", "Etc/GMT+8"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("US Mountain Standard Time", "America/Phoenix"),
    ("Mountain Standard Time (Mexico)", "America/Mazatlan"),
    ("Mountain Standard Time", "America/Denver"),
    ("Yukon Standard Time", "America/Whitehorse"),
    ("Central America Standard Time", "America/Guatemala"),
    ("Central Standard Time", "America/Chicago"),
    ("Easter Island Standard Time", "Pacific/Easter"),
    ("Central Standard Time (Mexico)", "America/Mexico_City"),
    ("Canada Central Standard Time", "America/Regina"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("Eastern Standard Time (Mexico)", "America/Cancun"),
    ("Eastern Standard Time", "America/New_York"),
    ("Haiti Standard Time", "America/Port-au-Prince"),
    ("Cuba Standard Time", "America/Havana"),
    ("US Eastern Standard Time", "America/Indiana/Indianapolis"),
    ("Turks And Caicos Standard Time", "America/Grand_Turk"),
    ("Paraguay Standard Time", "America/Asuncion"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("Venezuela Standard Time", "America/Caracas"),
    ("Central Brazilian Standard Time", "America/Cuiaba"),
    ("SA Western Standard Time", "America/La_Paz"),
    ("Pacific SA Standard Time", "America/Santiago"),
    ("Newfoundland Standard Time", "America/St_Johns"),
    ("Tocantins Standard Time", "America/Araguaina"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("SA Eastern Standard Time", "America/Cayenne"),
    ("Argentina Standard Time", "America/Argentina/Buenos_Aires"),
    ("Greenland Standard Time", "America/Nuuk"),
    ("Montevideo Standard Time", "America/Montevideo"),
    ("Magallanes Standard Time", "America/Punta_Arenas"),
    ("Saint Pierre Standard Time", "America/Miquelon"),
    ("Bahia Standard Time", "America/Bahia"),
    ("UTC-02", "Etc/GMT+2"),
    ("Mid-Atlantic Standard Time", "Etc/GMT+2"),
    ("Azores Standard Time", "Atlantic/Azores"),
    ("Cape Verde Standard Time", "Atlantic/Cape_Verde"),
    ("UTC", "Etc/UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("Sao Tome Standard Time", "Africa/Sao_Tome"),
    ("Morocco Standard Time", "Africa/Casablanca"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("Jordan Standard Time", "Asia/Amman"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("Middle East Standard Time", "Asia/Beirut"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("Syria Standard Time", "Asia/Damascus"),
    ("West Bank Standard Time", "Asia/Hebron"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("FLE Standard Time", "Europe/Kyiv"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("South Sudan Standard Time", "Africa/Juba"),
    ("Kaliningrad Standard Time", "Europe/Kaliningrad"),
    ("Sudan Standard Time", "Africa/Khartoum"),
    ("Libya Standard Time", "Africa/Tripoli"),
    ("Namibia Standard Time", "Africa/Windhoek"),
    ("Arabic Standard Time", "Asia/Baghdad"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("Belarus Standard Time", "Europe/Minsk"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("E. Africa Standard Time", "Africa/Nairobi"),
    ("Volgograd Standard Time", "Europe/Volgograd"),
    ("Iran Standard Time", "Asia/Tehran"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Astrakhan Standard Time", "Europe/Astrakhan"),
    ("Azerbaijan Standard Time", "Asia/Baku"),
    ("Russia Time Zone 3", "Europe/Samara"),
    ("Mauritius Standard Time", "Indian/Mauritius"),
    ("Saratov Standard Time", "Europe/Saratov"),
    ("Georgian Standard Time", "Asia/Tbilisi"),
    ("Caucasus Standard Time", "Asia/Yerevan"),
    ("Afghanistan Standard Time", "Asia/Kabul"),
    ("West Asia Standard Time", "Asia/Tashkent"),
    ("Ekaterinburg Standard Time", "Asia/Yekaterinburg"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("Qyzylorda Standard Time", "Asia/Qyzylorda"),
    ("India Standard Time", "Asia/Kolkata"),
    ("Sri Lanka Standard Time", "Asia/Colombo"),
    ("Nepal Standard Time", "Asia/Kathmandu"),
    ("Central Asia Standard Time", "Asia/Almaty"),
    ("Bangladesh Standard Time", "Asia/Dhaka"),
    ("Omsk Standard Time", "Asia/Omsk"),
    ("Myanmar Standard Time", "Asia/Yangon"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("Altai Standard Time", "Asia/Barnaul"),
    ("W. Mongolia Standard Time", "Asia/Hovd"),
    ("North Asia Standard Time", "Asia/Krasnoyarsk"),
    ("N. Central Asia Standard Time", "Asia/Novosibirsk"),
    ("Tomsk Standard Time", "Asia/Tomsk"),
    ("China Standard Time", "Asia/Shanghai"),
    ("North Asia East Standard Time", "Asia/Irkutsk"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("W. Australia Standard Time", "Australia/Perth"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("Ulaanbaatar Standard Time", "Asia/Ulaanbaatar"),
    ("Aus Central W. Standard Time", "Australia/Eucla"),
    ("Transbaikal Standard Time", "Asia/Chita"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("North Korea Standard Time", "Asia/Pyongyang"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("Yakutsk Standard Time", "Asia/Yakutsk"),
    ("Cen. Australia Standard Time", "Australia/Adelaide"),
    ("AUS Central Standard Time", "Australia/Darwin"),
    ("E. Australia Standard Time", "Australia/Brisbane"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("West Pacific Standard Time", "Pacific/Port_Moresby"),
    ("Tasmania Standard Time", "Australia/Hobart"),
    ("Vladivostok Standard Time", "Asia/Vladivostok"),
    ("Lord Howe Standard Time", "Australia/Lord_Howe"),
    ("Bougainville Standard Time", "Pacific/Bougainville"),
    ("Russia Time Zone 10", "Asia/Srednekolymsk"),
    ("Magadan Standard Time", "Asia/Magadan"),
    ("Norfolk Standard Time", "Pacific/Norfolk"),
    ("Sakhalin Standard Time", "Asia/Sakhalin"),
    ("Central Pacific Standard Time", "Pacific/Guadalcanal"),
    ("Russia Time Zone 11", "Asia/Kamchatka"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
    ("UTC+12", "Etc/GMT-12"),
    ("Fiji Standard Time", "Pacific/Fiji"),
    ("Chatham Islands Standard Time", "Pacific/Chatham"),
    ("UTC+13", "Etc/GMT-13"),
    ("Tonga Standard Time", "Pacific/Tongatapu"),
    ("Samoa Standard Time", "Pacific/Apia"),
    ("Line Islands Standard Time", "Pacific/Kiritimati"),
];

/// Words in the display names older Outlook versions put in TZID, such as
/// "(UTC+00:00) Dublin, Edinburgh, Lisbon, London", and their IANA zones.
const DISPLAY_NAMES: &[(&str, &str)] = &[
    ("london", "Europe/London"),
    ("coordinated universal time", "UTC"),
    ("amsterdam", "Europe/Berlin"),
    ("paris", "Europe/Paris"),
];

/// The UK's rule since 1996, for the unlikely build without a bundled database.
const LONDON_RULE: &str = "GMT0BST,M3.5.0/1,M10.5.0";

/// `+0100` or `-053000` as seconds east of UTC.
fn parse_offset(text: &str) -> Option<i32> {
    let t = text.trim();
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    if !matches!(rest.len(), 4 | 6) {
        return None;
    }
    let hours = digits(&rest[..2])?;
    let minutes = digits(&rest[2..4])?;
    let seconds = if rest.len() == 6 {
        digits(&rest[4..])?
    } else {
        0
    };
    i32::try_from(sign * (hours * 3600 + minutes * 60 + seconds)).ok()
}

impl Zones {
    /// Reads the file's own zone definitions. Outlook sometimes names a zone "Customized Time
    /// Zone" and defines it only by its offsets; such a zone is taken as fixed when it has no
    /// summer time, and as London, Paris or Athens when its winter and summer offsets are
    /// theirs. Anything else stays unknown and the file is refused where it is used.
    fn new(vtimezones: &[&Component]) -> Zones {
        let db = TimeZoneDatabase::bundled();
        let london = db
            .get("Europe/London")
            .or_else(|_| TimeZone::posix(LONDON_RULE))
            .expect("the UK's POSIX time zone rule is a constant that parses");
        let mut defined = HashMap::new();
        for vtz in vtimezones {
            let Some(id) = vtz.first("TZID").map(|p| p.value.trim().to_string()) else {
                continue;
            };
            // The latest definition of each kind: DTSTART values have one format, so they
            // compare as text.
            let latest = |kind: &str| {
                vtz.children
                    .iter()
                    .filter(|c| c.name == kind)
                    .filter_map(|c| {
                        let offset = parse_offset(&c.first("TZOFFSETTO")?.value)?;
                        let since = c.first("DTSTART").map_or("", |p| p.value.as_str());
                        Some((since, offset))
                    })
                    .max()
                    .map(|(_, offset)| offset)
            };
            let tz = match (latest("STANDARD"), latest("DAYLIGHT")) {
                (Some(s), d) if d.is_none_or(|d| d == s) => {
                    Offset::from_seconds(s).ok().map(TimeZone::fixed)
                }
                (Some(0), Some(3600)) => Some(london.clone()),
                (Some(3600), Some(7200)) => db.get("Europe/Paris").ok(),
                (Some(7200), Some(10800)) => db.get("Europe/Athens").ok(),
                _ => None,
            };
            if let Some(tz) = tz {
                defined.insert(id, tz);
            }
        }
        Zones {
            db,
            london,
            defined,
        }
    }

    fn floating(&self) -> Zone {
        Zone {
            key: ZoneKey::Floating,
            tz: self.london.clone(),
        }
    }

    fn named(&self, iana: &str) -> Option<Zone> {
        let tz = self.db.get(iana).ok()?;
        let key = ZoneKey::Named(tz.iana_name().unwrap_or(iana).to_string());
        Some(Zone { key, tz })
    }

    /// The zone a TZID names: an IANA name, a Windows name, an IANA name at the end of a path
    /// (`/mozilla.org/20050126_1/Europe/London`), an Outlook display name, or one of the file's
    /// own definitions.
    fn resolve(&self, tzid: &str) -> Option<Zone> {
        let t = tzid.trim();
        // A long name is no zone; stopping here also bounds the path search below.
        if t.is_empty() || t.len() > 200 {
            return None;
        }
        if let Some(zone) = self.named(t) {
            return Some(zone);
        }
        if let Some((_, iana)) = WINDOWS_ZONES
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(t))
        {
            return self.named(iana);
        }
        for (i, _) in t.match_indices('/') {
            if let Some(zone) = self.named(&t[i + 1..]) {
                return Some(zone);
            }
        }
        if t.starts_with('(') {
            let lower = t.to_lowercase();
            if let Some((_, iana)) = DISPLAY_NAMES.iter().find(|(w, _)| lower.contains(w)) {
                return self.named(iana);
            }
        }
        self.defined.get(t).map(|tz| Zone {
            key: ZoneKey::Named(t.to_string()),
            tz: tz.clone(),
        })
    }
}

/// A date or a date and time from the file, on the clocks of its zone.
#[derive(Debug, Clone)]
struct Stamp {
    /// Seconds since 1970-01-01 00:00 on the zone's clocks (midnight for a date).
    local: i64,
    zone: Zone,
    /// A date without a time (`VALUE=DATE`, `20250324`): all day, read as UK time.
    all_day: bool,
}

impl Stamp {
    fn instant(&self) -> Option<i64> {
        to_instant(&self.zone.tz, self.local)
    }
}

enum StampError {
    Unreadable,
    UnknownZone(String),
}

/// One date or date-time value of property `p`.
fn read_stamp(text: &str, p: &Property, zones: &Zones) -> Result<Stamp, StampError> {
    let text = text.trim();
    if let Some(days) = parse_date(text) {
        return Ok(Stamp {
            local: days * DAY,
            zone: zones.floating(),
            all_day: true,
        });
    }
    let (local, utc) = parse_date_time(text).ok_or(StampError::Unreadable)?;
    let zone = if utc {
        Zone {
            key: ZoneKey::Utc,
            tz: TimeZone::UTC,
        }
    } else if let Some(id) = p.param("TZID") {
        zones
            .resolve(id)
            .ok_or_else(|| StampError::UnknownZone(id.to_string()))?
    } else {
        zones.floating()
    };
    Ok(Stamp {
        local,
        zone,
        all_day: false,
    })
}

/// Every value of a list property (EXDATE, RDATE); a period (`VALUE=PERIOD`) by its start.
fn read_stamps(p: &Property, zones: &Zones) -> Result<Vec<Stamp>, StampError> {
    let period = p
        .param("VALUE")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("PERIOD"));
    p.value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            let v = if period {
                v.split('/').next().unwrap_or(v)
            } else {
                v
            };
            read_stamp(v, p, zones)
        })
        .collect()
}

/// How long each occurrence lasts, in two parts so that it follows the clocks the way RFC 5545
/// says: `civil` seconds are added on the event's clocks (DTEND - DTSTART in the same zone,
/// the days and weeks of a DURATION), `exact` seconds to the instant (the hours, minutes and
/// seconds of a DURATION, or DTEND in another zone). A weekly 09:00-10:00 meeting is an hour
/// every week; one from 00:30 to 02:30 on the night the clocks go forward lasts one.
#[derive(Debug, Clone, Copy, Default)]
struct Length {
    civil: i64,
    exact: i64,
}

impl Length {
    /// The instant an occurrence ends, from its local start and its start instant.
    fn end(&self, tz: &TimeZone, local: i64, start: i64) -> Option<i64> {
        let base = if self.civil == 0 {
            start
        } else {
            to_instant(tz, local.checked_add(self.civil)?)?
        };
        base.checked_add(self.exact)
    }

    /// At most how far an occurrence reaches past its start, to know how early one may start
    /// and still reach into the week.
    fn reach(&self) -> i64 {
        self.civil.max(0).saturating_add(self.exact.max(0))
    }
}

/// `P1W`, `PT1H30M`, `P1DT12H`: a non-negative length. `None` when unreadable or negative.
fn parse_duration(text: &str) -> Option<Length> {
    let t = text.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    let rest = t.strip_prefix(['P', 'p'])?;
    let mut length = Length::default();
    let mut in_time = false;
    let mut number = String::new();
    let mut parts = 0;
    for c in rest.chars() {
        match c.to_ascii_uppercase() {
            '0'..='9' if number.len() < 12 => number.push(c),
            'T' if !in_time && number.is_empty() => in_time = true,
            unit @ ('W' | 'D' | 'H' | 'M' | 'S') => {
                let n = digits(&number)?;
                number.clear();
                parts += 1;
                let (civil, exact) = match (unit, in_time) {
                    ('W', false) => (n.checked_mul(7 * DAY)?, 0),
                    ('D', false) => (n.checked_mul(DAY)?, 0),
                    ('H', true) => (0, n.checked_mul(3600)?),
                    ('M', true) => (0, n.checked_mul(60)?),
                    ('S', true) => (0, n),
                    _ => return None,
                };
                length.civil = length.civil.checked_add(civil)?;
                length.exact = length.exact.checked_add(exact)?;
            }
            _ => return None,
        }
    }
    (number.is_empty() && parts > 0).then_some(length)
}

// ---------------------------------------------------------------------------------------------
// Repeat rules (RRULE, RFC 5545 3.3.10)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

#[derive(Debug, Clone, Copy)]
enum Until {
    /// The last day (a date value).
    Day(i64),
    /// The last local time, on the event's clocks.
    Local(i64),
    /// The last instant (a UTC value).
    Instant(i64),
}

#[derive(Debug, Clone)]
struct Rule {
    freq: Freq,
    interval: i64,
    count: Option<u32>,
    until: Option<Until>,
    /// (ordinal, weekday with Monday 0); ordinal 0 means every such weekday, `1MO` the first
    /// Monday and `-1FR` the last Friday of the month (or year).
    by_day: Vec<(i8, u8)>,
    by_month_day: Vec<i8>,
    by_month: Vec<u8>,
    by_set_pos: Vec<i16>,
    /// The day weeks start on (Monday 0), for weekly rules with an interval: Outlook writes
    /// `WKST=SU`.
    wkst: u8,
}

fn parse_weekday(text: &str) -> Option<u8> {
    const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
    DAYS.iter()
        .position(|d| d.eq_ignore_ascii_case(text))
        .map(|p| p as u8)
}

/// A list of values, each `read`, none repeated, at most [`MAX_LIST`].
fn parse_list<T: Ord>(value: &str, read: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
    let mut list = value
        .split(',')
        .map(|v| read(v.trim()))
        .collect::<Option<Vec<T>>>()?;
    list.sort();
    list.dedup();
    (!list.is_empty() && list.len() <= MAX_LIST).then_some(list)
}

fn signed_in(text: &str, low: i64, high: i64) -> Option<i64> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'-' => (-1, &text[1..]),
        b'+' => (1, &text[1..]),
        _ => (1, text),
    };
    let n = digits(rest)?;
    (low..=high).contains(&n).then_some(sign * n)
}

/// Reads an RRULE value, or says in plain words what is wrong with it.
fn parse_rule(text: &str) -> Result<Rule, String> {
    let mut rule = Rule {
        freq: Freq::Daily,
        interval: 1,
        count: None,
        until: None,
        by_day: Vec::new(),
        by_month_day: Vec::new(),
        by_month: Vec::new(),
        by_set_pos: Vec::new(),
        wkst: 0,
    };
    let mut freq = None;
    let mut seen: Vec<&'static str> = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err("a part of it has no = sign".into());
        };
        let value = value.trim();
        let key: &'static str = match key.trim().to_ascii_uppercase().as_str() {
            "FREQ" => "FREQ",
            "INTERVAL" => "INTERVAL",
            "COUNT" => "COUNT",
            "UNTIL" => "UNTIL",
            "BYDAY" => "BYDAY",
            "BYMONTHDAY" => "BYMONTHDAY",
            "BYMONTH" => "BYMONTH",
            "BYSETPOS" => "BYSETPOS",
            "WKST" => "WKST",
            "BYHOUR" => return Err("repeating at set hours (BYHOUR) is not supported".into()),
            "BYMINUTE" => return Err("repeating at set minutes (BYMINUTE) is not supported".into()),
            "BYSECOND" => return Err("repeating at set seconds (BYSECOND) is not supported".into()),
            "BYWEEKNO" => {
                return Err("repeating in numbered weeks (BYWEEKNO) is not supported".into());
            }
            "BYYEARDAY" => {
                return Err(
                    "repeating on numbered days of the year (BYYEARDAY) is not supported".into(),
                );
            }
            k if k.starts_with("X-") => continue,
            _ => return Err("it has a part that is not part of the standard".into()),
        };
        if seen.contains(&key) {
            return Err(format!("it gives {key} twice"));
        }
        seen.push(key);
        match key {
            "FREQ" => {
                freq = Some(match value.to_ascii_uppercase().as_str() {
                    "DAILY" => Freq::Daily,
                    "WEEKLY" => Freq::Weekly,
                    "MONTHLY" => Freq::Monthly,
                    "YEARLY" => Freq::Yearly,
                    "HOURLY" | "MINUTELY" | "SECONDLY" => {
                        return Err("it repeats more often than once a day".into());
                    }
                    _ => return Err("its FREQ is not DAILY, WEEKLY, MONTHLY or YEARLY".into()),
                });
            }
            "INTERVAL" => {
                rule.interval = digits(value)
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or("its INTERVAL is not a whole number from 1 to 1000")?;
            }
            "COUNT" => {
                rule.count = Some(
                    digits(value)
                        .and_then(|n| u32::try_from(n).ok())
                        .filter(|n| *n >= 1)
                        .ok_or("its COUNT is not a whole number of 1 or more")?,
                );
            }
            "UNTIL" => {
                rule.until = Some(if let Some(day) = parse_date(value) {
                    Until::Day(day)
                } else {
                    match parse_date_time(value)
                        .ok_or("its UNTIL is not a date or a date and time")?
                    {
                        (instant, true) => Until::Instant(instant),
                        (local, false) => Until::Local(local),
                    }
                });
            }
            "BYDAY" => {
                rule.by_day = parse_list(value, |v| {
                    if !v.is_ascii() || v.len() < 2 {
                        return None;
                    }
                    let (n, day) = v.split_at(v.len() - 2);
                    let n = if n.is_empty() {
                        0
                    } else {
                        signed_in(n, 1, 53)?
                    };
                    Some((n as i8, parse_weekday(day)?))
                })
                .ok_or("its BYDAY is not a list of days such as MO,WE or 1MO or -1FR")?;
            }
            "BYMONTHDAY" => {
                rule.by_month_day = parse_list(value, |v| signed_in(v, 1, 31).map(|n| n as i8))
                    .ok_or(
                        "its BYMONTHDAY is not a list of days of the month such as 1,15 or -1",
                    )?;
            }
            "BYMONTH" => {
                rule.by_month = parse_list(value, |v| {
                    digits(v).filter(|n| (1..=12).contains(n)).map(|n| n as u8)
                })
                .ok_or("its BYMONTH is not a list of months from 1 to 12")?;
            }
            "BYSETPOS" => {
                rule.by_set_pos = parse_list(value, |v| signed_in(v, 1, 366).map(|n| n as i16))
                    .ok_or("its BYSETPOS is not a list of positions such as 1 or -1")?;
            }
            _ => {
                rule.wkst = parse_weekday(value).ok_or("its WKST is not a day such as MO or SU")?;
            }
        }
    }
    rule.freq = freq.ok_or("it does not say how often (FREQ)")?;
    Ok(rule)
}

/// A rule made concrete for one start date: RFC 5545's defaults filled in from DTSTART.
struct Plan {
    freq: Freq,
    interval: i64,
    by_day: Vec<(i8, u8)>,
    by_month_day: Vec<i8>,
    by_month: Vec<u8>,
    by_set_pos: Vec<i16>,
    wkst: u8,
    /// Whether BYDAY ordinals count within the year (a yearly rule without BYMONTH).
    year_scope: bool,
    /// The first day, and the first day of its week.
    d0: i64,
    w0: i64,
    y0: i64,
    m0: u8,
}

impl Rule {
    fn plan(&self, d0: i64) -> Plan {
        let (y0, m0, day0) = civil_from_days(d0);
        let mut by_day = self.by_day.clone();
        let mut by_month_day = self.by_month_day.clone();
        let mut by_month = self.by_month.clone();
        let neither = by_day.is_empty() && by_month_day.is_empty();
        match self.freq {
            Freq::Weekly if by_day.is_empty() => by_day = vec![(0, weekday(d0))],
            Freq::Monthly if neither => by_month_day = vec![day0 as i8],
            Freq::Yearly if neither => {
                if by_month.is_empty() {
                    by_month = vec![m0];
                }
                by_month_day = vec![day0 as i8];
            }
            _ => {}
        }
        Plan {
            freq: self.freq,
            interval: self.interval,
            by_day,
            by_month_day,
            by_month,
            by_set_pos: self.by_set_pos.clone(),
            wkst: self.wkst,
            year_scope: self.freq == Freq::Yearly && self.by_month.is_empty(),
            d0,
            w0: d0 - i64::from((7 + weekday(d0) - self.wkst) % 7),
            y0,
            m0,
        }
    }
}

impl Plan {
    fn week_start(&self, day: i64) -> i64 {
        day - i64::from((7 + weekday(day) - self.wkst) % 7)
    }

    /// The first day of period `p` (0 holds DTSTART), or `None` past the years a date can have.
    fn period_start(&self, p: i64) -> Option<i64> {
        let step = p.checked_mul(self.interval)?;
        let in_range = |y: i64| (0..=9999).contains(&y);
        match self.freq {
            Freq::Daily => self.d0.checked_add(step),
            Freq::Weekly => self.w0.checked_add(step.checked_mul(7)?),
            Freq::Monthly => {
                let index = (self.y0 * 12 + i64::from(self.m0) - 1).checked_add(step)?;
                let year = index.div_euclid(12);
                in_range(year).then(|| days_from_civil(year, (index.rem_euclid(12) + 1) as u8, 1))
            }
            Freq::Yearly => {
                let year = self.y0.checked_add(step)?;
                in_range(year).then(|| days_from_civil(year, 1, 1))
            }
        }
    }

    /// The last period that starts on or before `day` (0 when `day` is before DTSTART): where
    /// a rule without COUNT can start looking, since earlier occurrences change nothing.
    fn period_of(&self, day: i64) -> i64 {
        if day <= self.d0 {
            return 0;
        }
        let (y, m, _) = civil_from_days(day);
        let units = match self.freq {
            Freq::Daily => day - self.d0,
            Freq::Weekly => (self.week_start(day) - self.w0) / 7,
            Freq::Monthly => (y * 12 + i64::from(m)) - (self.y0 * 12 + i64::from(self.m0)),
            Freq::Yearly => y - self.y0,
        };
        units.div_euclid(self.interval).max(0)
    }

    /// Whether `day` passes the rule's filters. `scope` is (position, length) of the day in
    /// the month or year that BYDAY ordinals count in, `None` where ordinals mean nothing.
    fn keeps(&self, day: i64, scope: Option<(i64, i64)>) -> bool {
        let (y, m, d) = civil_from_days(day);
        if !self.by_month.is_empty() && !self.by_month.contains(&m) {
            return false;
        }
        if !self.by_month_day.is_empty() {
            let dim = i64::from(days_in_month(y, m));
            let d = i64::from(d);
            let hit = |n: &i8| {
                let n = i64::from(*n);
                if n > 0 { n == d } else { dim + 1 + n == d }
            };
            if !self.by_month_day.iter().any(hit) {
                return false;
            }
        }
        if !self.by_day.is_empty() {
            let wd = weekday(day);
            let hit = |(n, w): &(i8, u8)| {
                *w == wd
                    && (*n == 0
                        || scope.is_none_or(|(pos, len)| {
                            let n = i64::from(*n);
                            if n > 0 {
                                (pos - 1) / 7 + 1 == n
                            } else {
                                (len - pos) / 7 + 1 == -n
                            }
                        }))
            };
            if !self.by_day.iter().any(hit) {
                return false;
            }
        }
        true
    }

    /// The days of the period starting on `first` that the rule keeps, in order, after
    /// BYSETPOS. Each day examined is a step.
    fn days(&self, first: i64, out: &mut Vec<i64>, steps: &mut u64) {
        out.clear();
        match self.freq {
            Freq::Daily => {
                *steps += 1;
                if self.keeps(first, None) {
                    out.push(first);
                }
            }
            Freq::Weekly => {
                for day in first..first + 7 {
                    *steps += 1;
                    if self.keeps(day, None) {
                        out.push(day);
                    }
                }
            }
            Freq::Monthly => {
                let (y, m, _) = civil_from_days(first);
                let dim = i64::from(days_in_month(y, m));
                for pos in 1..=dim {
                    *steps += 1;
                    if self.keeps(first + pos - 1, Some((pos, dim))) {
                        out.push(first + pos - 1);
                    }
                }
            }
            Freq::Yearly => {
                let (y, _, _) = civil_from_days(first);
                let year_length = days_from_civil(y + 1, 1, 1) - first;
                let months: Vec<u8> = if self.by_month.is_empty() {
                    (1..=12).collect()
                } else {
                    self.by_month.clone()
                };
                for m in months {
                    let start = days_from_civil(y, m, 1);
                    let dim = i64::from(days_in_month(y, m));
                    for pos in 1..=dim {
                        *steps += 1;
                        let day = start + pos - 1;
                        let scope = if self.year_scope {
                            (day - first + 1, year_length)
                        } else {
                            (pos, dim)
                        };
                        if self.keeps(day, Some(scope)) {
                            out.push(day);
                        }
                    }
                }
            }
        }
        if !self.by_set_pos.is_empty() {
            let n = out.len() as i64;
            let mut chosen: Vec<i64> = self
                .by_set_pos
                .iter()
                .filter_map(|p| {
                    let p = i64::from(*p);
                    let index = if p > 0 { p - 1 } else { n + p };
                    usize::try_from(index)
                        .ok()
                        .and_then(|i| out.get(i).copied())
                })
                .collect();
            chosen.sort_unstable();
            chosen.dedup();
            *out = chosen;
        }
    }
}

/// The diary week as instants: Monday 00:00 to the next Monday 00:00, UK time. 167 hours when
/// the clocks go forward in it, 169 when they go back.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: i64,
    end: i64,
}

impl Window {
    fn of(week: Week, london: &TimeZone) -> Window {
        let monday = week.monday();
        let local = days_from_civil(i64::from(monday.year()), monday.month(), monday.day()) * DAY;
        // Only a week in December 9999 has no next Monday to convert; the UK is on UTC then.
        let at = |local: i64| to_instant(london, local).unwrap_or(local);
        Window {
            start: at(local),
            end: at(local + 7 * DAY),
        }
    }
}

/// One occurrence that reaches into the week: instants, and its local day (for EXDATE dates).
#[derive(Debug, Clone, Copy)]
struct Occurrence {
    start: i64,
    end: i64,
    day: i64,
}

/// The occurrences of a series (DTSTART, then its rule) that reach into `window`, pushed onto
/// `found`. DTSTART is always the first occurrence (RFC 5545), and COUNT counts it. Occurrences
/// repeat on the clocks of the start's zone. Err when the rule needs more than `limit` steps
/// or [`MAX_OCCURRENCES_PER_EVENT`] occurrences to get past the week.
fn expand(
    start: &Stamp,
    length: Length,
    rule: Option<&Rule>,
    window: Window,
    limit: u64,
    steps: &mut u64,
    found: &mut Vec<Occurrence>,
) -> Result<(), ()> {
    let tz = &start.zone.tz;
    let (Some(lo), Some(hi)) = (to_local(tz, window.start), to_local(tz, window.end)) else {
        return Ok(());
    };
    // A day either side covers the hour a clock change can move a local time.
    let lo = lo.saturating_sub(length.reach()).saturating_sub(DAY);
    let hi = hi.saturating_add(DAY);
    let occurrence = |local: i64| -> Option<Occurrence> {
        if local < lo || local > hi {
            return None;
        }
        let s = to_instant(tz, local)?;
        let e = length.end(tz, local, s)?;
        (s < window.end && e > window.start).then_some(Occurrence {
            start: s,
            end: e,
            day: local.div_euclid(DAY),
        })
    };
    found.extend(occurrence(start.local));
    let Some(rule) = rule else {
        return Ok(());
    };
    if rule.count == Some(1) {
        return Ok(());
    }
    let d0 = start.local.div_euclid(DAY);
    let time = start.local.rem_euclid(DAY);
    let plan = rule.plan(d0);
    let until = match rule.until {
        None => i64::MAX,
        Some(Until::Day(day)) => day.saturating_mul(DAY).saturating_add(DAY - 1),
        Some(Until::Local(local)) => local,
        Some(Until::Instant(instant)) => to_local(tz, instant).unwrap_or(instant),
    };
    let last_day = hi.div_euclid(DAY);
    let mut made: u32 = 1;
    // Without COUNT, earlier periods change nothing, so a rule started decades ago costs no
    // more than one started last week.
    let mut p = if rule.count.is_none() {
        plan.period_of(lo.div_euclid(DAY))
    } else {
        0
    };
    let mut days = Vec::new();
    loop {
        let Some(first) = plan.period_start(p) else {
            return Ok(());
        };
        if first > last_day {
            return Ok(());
        }
        plan.days(first, &mut days, steps);
        for &day in &days {
            let Some(local) = day.checked_mul(DAY).and_then(|l| l.checked_add(time)) else {
                return Ok(());
            };
            if local <= start.local {
                continue;
            }
            if local > until || local > hi {
                return Ok(());
            }
            made += 1;
            if made > MAX_OCCURRENCES_PER_EVENT {
                return Err(());
            }
            found.extend(occurrence(local));
            if rule.count == Some(made) {
                return Ok(());
            }
        }
        *steps += 1;
        if *steps > limit {
            return Err(());
        }
        p += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// Events, matching and the tally
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Skip {
    Cancelled,
    Declined,
    AllDay,
    Free,
}

/// What is kept of a VEVENT: times and decisions, no text.
#[derive(Debug)]
struct Event {
    uid: Option<String>,
    /// The instant of the occurrence this event replaces, for an edited occurrence.
    recurrence_id: Option<i64>,
    start: Stamp,
    length: Length,
    rule: Option<Rule>,
    rule_line: u64,
    rdates: Vec<Stamp>,
    exdates: HashSet<i64>,
    /// Days excluded by date-only EXDATE values, on the event's clocks.
    exdays: HashSet<i64>,
    skip: Option<Skip>,
    activity: Activity,
}

/// The rules with their keywords lower-cased once.
struct Matcher {
    rules: Vec<(Activity, Vec<String>)>,
}

/// Where online meetings are held, as a LOCATION shows them.
const ONLINE: &[&str] = &[
    "teams.microsoft.com",
    "microsoft teams",
    "zoom.us",
    "zoom meeting",
    "meet.google.com",
    "google meet",
    "webex",
];

impl Matcher {
    fn new(rules: &[CalendarRule]) -> Matcher {
        Matcher {
            rules: rules
                .iter()
                .map(|r| {
                    let keywords = r
                        .keywords
                        .iter()
                        .map(|k| k.to_lowercase())
                        .filter(|k| !k.trim().is_empty())
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
            let hay = format!("{} ", text.to_lowercase());
            let found = self
                .rules
                .iter()
                .find(|(_, keywords)| keywords.iter().any(|k| starts_a_word(&hay, k)));
            if let Some((activity, _)) = found {
                let lower = location.to_lowercase();
                let online = ONLINE.iter().any(|o| lower.contains(o));
                return if *activity == Activity::DirectFaceToFace && online {
                    Activity::DirectRemote
                } else {
                    *activity
                };
            }
        }
        Activity::Other
    }
}

/// Whether `keyword` appears in `hay` where a word starts: "plan" in "care plan" but not in
/// "explanation", so short keywords do not fire inside other words.
fn starts_a_word(hay: &str, keyword: &str) -> bool {
    hay.match_indices(keyword).any(|(i, _)| {
        hay[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// An email address for comparing: without `mailto:`, trimmed, lower case.
fn mail_address(text: &str) -> String {
    let t = text.trim();
    let t = match t.get(..7) {
        Some(head) if head.eq_ignore_ascii_case("mailto:") => &t[7..],
        _ => t,
    };
    t.trim().to_lowercase()
}

struct Context {
    zones: Zones,
    matcher: Matcher,
    /// The person's addresses, as [`mail_address`] gives them.
    emails: Vec<String>,
}

/// Reads a date or date-time property, reporting a problem with it (the value is quoted only
/// when it looks like a date, never when it could be a title).
fn stamp_or_report(p: &Property, cx: &Context, out: &mut Collector) -> Option<Stamp> {
    let problem = match read_stamp(&p.value, p, &cx.zones) {
        Ok(stamp) => return Some(stamp),
        Err(e) => e,
    };
    report_stamp(p, problem, out);
    None
}

/// A TZID as it may be shown: only when it has the shape of a zone name ("... Time",
/// "(UTC+01:00) ...", "Area/City"), since a broken line could put anything there.
fn shown_zone(id: &str) -> Option<String> {
    let v = id.trim();
    let shaped = v.ends_with("Time")
        || v.starts_with("(UTC")
        || v.starts_with("(GMT")
        || (v.contains('/') && !v.contains(' '));
    if !shaped {
        return None;
    }
    shown_value(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_()")
}

fn report_stamp(p: &Property, problem: StampError, out: &mut Collector) {
    let (problem, fix) = match problem {
        StampError::Unreadable => (
            match shown_value(&p.value, "TZtz") {
                Some(v) => format!("{} \"{v}\" is not a date and time", p.name),
                None => format!("{} is not a date and time", p.name),
            },
            FIX_EXPORT,
        ),
        StampError::UnknownZone(id) => (
            match shown_zone(&id) {
                Some(v) => format!(
                    "{} uses the time zone \"{v}\", which is not one this service knows",
                    p.name
                ),
                None => format!("{} uses a time zone this service does not know", p.name),
            },
            FIX_ZONE,
        ),
    };
    let file = out.file.clone();
    out.push(
        Diagnostic::error(&file, problem, fix)
            .at(p.line, None)
            .field(&p.name),
    );
}

fn read_event(c: &Component, cx: &Context, out: &mut Collector) -> Option<Event> {
    let errors = out.errors;
    let file = out.file.clone();
    let error = |out: &mut Collector, line: u64, field: &str, problem: String, fix: &str| {
        out.push(
            Diagnostic::error(&file, problem, fix)
                .at(line, None)
                .field(field),
        );
    };
    let start = match c.first("DTSTART") {
        Some(p) => stamp_or_report(p, cx, out),
        None => {
            error(
                out,
                c.line,
                "DTSTART",
                format!(
                    "the event that starts on line {} has no start time (DTSTART)",
                    c.line
                ),
                FIX_EXPORT,
            );
            None
        }
    };
    let end = c.first("DTEND").and_then(|p| stamp_or_report(p, cx, out));
    let duration = c.first("DURATION").and_then(|p| {
        let length = parse_duration(&p.value);
        if length.is_none() {
            let problem = match shown_value(&p.value, "PTWDHMSptwdhms") {
                Some(v) => format!("DURATION \"{v}\" is not a length of time"),
                None => "DURATION is not a length of time".to_string(),
            };
            error(out, p.line, "DURATION", problem, FIX_EXPORT);
        }
        length
    });
    let mut rule = None;
    let mut rule_line = c.line;
    for (i, p) in c.all("RRULE").enumerate() {
        if i > 0 {
            error(
                out,
                p.line,
                "RRULE",
                "the event has more than one repeat rule (RRULE)".into(),
                FIX_REPEAT,
            );
            break;
        }
        rule_line = p.line;
        match parse_rule(&p.value) {
            Ok(r) => rule = Some(r),
            Err(why) => {
                let problem = match shown_value(&p.value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ;=") {
                    Some(v) => format!("RRULE \"{v}\" cannot be followed: {why}"),
                    None => format!("the repeat rule (RRULE) cannot be followed: {why}"),
                };
                error(out, p.line, "RRULE", problem, FIX_REPEAT);
            }
        }
    }
    let stamps = |name: &str, out: &mut Collector| {
        let mut all = Vec::new();
        for p in c.all(name) {
            match read_stamps(p, &cx.zones) {
                Ok(list) => all.extend(list),
                Err(e) => report_stamp(p, e, out),
            }
        }
        all
    };
    let excluded = stamps("EXDATE", out);
    let rdates = stamps("RDATE", out);
    let recurrence_id = c
        .first("RECURRENCE-ID")
        .and_then(|p| stamp_or_report(p, cx, out));
    if out.errors > errors {
        return None;
    }
    let start = start?;

    let length = match (end, duration) {
        (Some(end), _) => {
            let length = if end.zone.key == start.zone.key {
                Length {
                    civil: end.local - start.local,
                    exact: 0,
                }
            } else {
                Length {
                    civil: 0,
                    exact: end.instant()? - start.instant()?,
                }
            };
            if length.civil < 0 || length.exact < 0 {
                let line = c.first("DTEND").map_or(c.line, |p| p.line);
                error(
                    out,
                    line,
                    "DTEND",
                    "the event ends (DTEND) before it starts (DTSTART)".into(),
                    FIX_EXPORT,
                );
                return None;
            }
            length
        }
        (None, Some(duration)) => duration,
        // RFC 5545: a date alone lasts the day; a date and time alone, no time at all.
        (None, None) if start.all_day => Length {
            civil: DAY,
            exact: 0,
        },
        (None, None) => Length::default(),
    };

    let mut exdates = HashSet::new();
    let mut exdays = HashSet::new();
    for stamp in excluded {
        if stamp.all_day {
            exdays.insert(stamp.local.div_euclid(DAY));
        } else if let Some(instant) = stamp.instant() {
            exdates.insert(instant);
        }
    }

    let upper = |name: &str| {
        c.first(name)
            .map(|p| p.value.trim().to_ascii_uppercase())
            .unwrap_or_default()
    };
    let attendees: Vec<(String, bool)> = c
        .all("ATTENDEE")
        .map(|p| {
            let declined = p
                .param("PARTSTAT")
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("DECLINED"));
            let address = p
                .param("EMAIL")
                .map_or_else(|| mail_address(&p.value), mail_address);
            (address, declined)
        })
        .collect();
    let declined = if cx.emails.is_empty() {
        !attendees.is_empty() && attendees.iter().all(|(_, d)| *d)
    } else {
        attendees
            .iter()
            .any(|(address, d)| *d && cx.emails.contains(address))
    };
    let skip = if upper("STATUS") == "CANCELLED" {
        Some(Skip::Cancelled)
    } else if declined {
        Some(Skip::Declined)
    } else if start.all_day {
        Some(Skip::AllDay)
    } else if upper("TRANSP") == "TRANSPARENT" || upper("X-MICROSOFT-CDO-BUSYSTATUS") == "FREE" {
        Some(Skip::Free)
    } else {
        None
    };
    let activity = cx.matcher.activity(
        &c.text("SUMMARY"),
        &c.text("LOCATION"),
        &c.text("CATEGORIES"),
    );
    Some(Event {
        uid: c
            .first("UID")
            .map(|p| p.value.trim().to_string())
            .filter(|u| !u.is_empty()),
        recurrence_id: recurrence_id.and_then(|r| r.instant()),
        start,
        length,
        rule,
        rule_line,
        rdates,
        exdates,
        exdays,
        skip,
        activity,
    })
}

#[derive(Default)]
struct Tally {
    seconds: BTreeMap<Activity, i64>,
    suggestion: WeekSuggestion,
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
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Refused;

    const LONDON: &str = "TZID=Europe/London";

    /// A calendar around some events, with `\n` line ends (`crlf` turns them into `\r\n`).
    fn cal(events: &[String]) -> String {
        format!(
            "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//swforce//test//EN\n{}END:VCALENDAR\n",
            events.concat()
        )
    }

    fn ev(lines: &[&str]) -> String {
        format!("BEGIN:VEVENT\n{}\nEND:VEVENT\n", lines.join("\n"))
    }

    /// An event from `start` to `end` (`YYYYMMDDTHHMMSS`) on London clocks.
    fn london(summary: &str, start: &str, end: &str) -> String {
        ev(&[
            &format!("SUMMARY:{summary}"),
            &format!("DTSTART;{LONDON}:{start}"),
            &format!("DTEND;{LONDON}:{end}"),
        ])
    }

    fn week(monday: &str) -> Week {
        Week::parse(monday).unwrap()
    }

    fn suggest_with(text: &str, monday: &str, emails: &[&str]) -> WeekSuggestion {
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

    fn suggest(text: &str, monday: &str) -> WeekSuggestion {
        suggest_with(text, monday, &[])
    }

    fn refused(bytes: &[u8]) -> Vec<Diagnostic> {
        match suggest_week("test.ics", bytes, week("2025-03-24"), &default_rules(), &[]) {
            Ok(s) => panic!("accepted: {s:#?}"),
            Err(d) => {
                assert!(!d.is_empty());
                d
            }
        }
    }

    fn minutes(s: &WeekSuggestion, activity: Activity) -> u32 {
        s.minutes.get(&activity).copied().unwrap_or(0)
    }

    // --- content lines -------------------------------------------------------------------

    #[test]
    fn folded_lines_are_joined_whether_lines_end_in_crlf_or_lf() {
        let text = cal(&[ev(&[
            "SUMMARY:Home vi",
            " sit",
            "DTSTART;TZID=Europe/",
            "\tLondon:20250324T090000",
            "DTEND;TZID=Europe/London:20250324T103000",
        ])]);
        let lf = suggest(&text, "2025-03-24");
        assert_eq!(minutes(&lf, Activity::DirectFaceToFace), 90);
        let crlf = suggest(&text.replace('\n', "\r\n"), "2025-03-24");
        assert_eq!(lf, crlf);
    }

    #[test]
    fn a_character_split_by_folding_is_put_back_together() {
        // "Café visit" with the two bytes of "é" on two lines.
        let mut bytes = cal(&[london("Caf", "20250324T090000", "20250324T100000")]).into_bytes();
        let at = bytes.windows(3).position(|w| w == b"Caf").unwrap() + 3;
        bytes.splice(at..at, b"\xC3\r\n \xA9 visit".iter().copied());
        let s = suggest_week("t.ics", &bytes, week("2025-03-24"), &default_rules(), &[]).unwrap();
        assert_eq!(minutes(&s, Activity::DirectFaceToFace), 60);
    }

    #[test]
    fn quoted_parameters_may_hold_semicolons_colons_and_commas() {
        let p = parse_line(
            r#"ATTENDEE;CN="Smith; Jo: SW, Team";PARTSTAT=DECLINED;X-A=a,"b:c":mailto:jo@example.org"#,
            7,
        )
        .unwrap();
        assert_eq!(p.name, "ATTENDEE");
        assert_eq!(p.param("CN"), Some("Smith; Jo: SW, Team"));
        assert_eq!(p.param("PARTSTAT"), Some("DECLINED"));
        assert_eq!(p.params[2].1, vec!["a".to_string(), "b:c".to_string()]);
        assert_eq!(p.value, "mailto:jo@example.org");
        assert_eq!(p.line, 7);
        let text = cal(&[ev(&[
            "SUMMARY:Core group",
            "DTSTART;TZID=\"GMT Standard Time\":20250324T090000",
            "DTEND;TZID=\"GMT Standard Time\":20250324T100000",
        ])]);
        assert_eq!(
            minutes(&suggest(&text, "2025-03-24"), Activity::Meetings),
            60
        );
    }

    #[test]
    fn escaped_text_is_undone_before_matching() {
        assert_eq!(unescape(r"a\, b\; c\\d\ne\N"), "a, b; c\\d\ne\n");
        // Only unescaped does "visit" start a word: "\nvisit" is "n" then "visit" otherwise.
        let text = cal(&[london(
            r"Smith family\nvisit",
            "20250324T090000",
            "20250324T100000",
        )]);
        assert_eq!(
            minutes(&suggest(&text, "2025-03-24"), Activity::DirectFaceToFace),
            60
        );
    }

    // --- times and zones -------------------------------------------------------------------

    #[test]
    fn utc_times_are_converted_to_uk_time_and_clipped_to_the_week() {
        // The week of 24 March 2025 ends at Monday 31 March 00:00 BST, which is 30 March
        // 23:00 UTC: half of a 22:30-23:30 UTC call is in it, half in the next week.
        let text = cal(&[ev(&[
            "SUMMARY:Video call with Sam",
            "DTSTART:20250330T223000Z",
            "DTEND:20250330T233000Z",
        ])]);
        assert_eq!(
            minutes(&suggest(&text, "2025-03-24"), Activity::DirectRemote),
            30
        );
        assert_eq!(
            minutes(&suggest(&text, "2025-03-31"), Activity::DirectRemote),
            30
        );
        assert_eq!(suggest(&text, "2025-04-07"), WeekSuggestion::default());
    }

    #[test]
    fn floating_times_are_taken_as_uk_time() {
        let text = cal(&[ev(&[
            "SUMMARY:Case notes",
            "DTSTART:20250330T223000",
            "DTEND:20250330T233000",
        ])]);
        // 22:30-23:30 BST is inside the week that ends at midnight.
        assert_eq!(
            minutes(&suggest(&text, "2025-03-24"), Activity::CaseRecording),
            60
        );
    }

    #[test]
    fn outlooks_gmt_standard_time_is_london_and_other_windows_names_are_known() {
        let text = cal(&[ev(&[
            "SUMMARY:Admin",
            "DTSTART;TZID=GMT Standard Time:20250330T233000",
            "DTEND;TZID=GMT Standard Time:20250331T003000",
        ])]);
        // On London clocks: 30 minutes before midnight, 30 after.
        assert_eq!(
            minutes(&suggest(&text, "2025-03-24"), Activity::AdminIt),
            30
        );
        let zones = Zones::new(&[]);
        for (windows, iana) in WINDOWS_ZONES {
            assert!(zones.resolve(windows).is_some(), "{windows} -> {iana}");
        }
        for name in [
            "(UTC+00:00) Dublin, Edinburgh, Lisbon, London",
            "/mozilla.org/20050126_1/Europe/London",
            "europe/london",
        ] {
            let zone = zones.resolve(name).unwrap();
            assert_eq!(zone.key, ZoneKey::Named("Europe/London".into()), "{name}");
        }
    }

    #[test]
    fn a_zone_the_file_defines_by_uk_offsets_is_read_as_london() {
        let text = format!(
            "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Customized Time Zone\nBEGIN:STANDARD\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0000\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T010000\nTZOFFSETFROM:+0000\nTZOFFSETTO:+0100\nEND:DAYLIGHT\nEND:VTIMEZONE\n{}END:VCALENDAR\n",
            ev(&[
                "SUMMARY:Panel",
                "DTSTART;TZID=Customized Time Zone:20250330T233000",
                "DTEND;TZID=Customized Time Zone:20250331T003000",
            ])
        );
        // On London clocks half an hour is before midnight; on GMT or UTC none would be.
        assert_eq!(
            minutes(&suggest(&text, "2025-03-24"), Activity::Meetings),
            30
        );
    }

    #[test]
    fn an_event_on_the_day_the_clocks_change_counts_its_real_length() {
        // Sunday 30 March 2025: clocks go forward at 01:00. Sunday 26 October: back at 02:00.
        let spring = cal(&[
            london("Supervision", "20250330T090000", "20250330T100000"),
            london("Training", "20250330T003000", "20250330T023000"),
        ]);
        let s = suggest(&spring, "2025-03-24");
        assert_eq!(minutes(&s, Activity::Supervision), 60);
        assert_eq!(minutes(&s, Activity::Training), 60);
        let autumn = cal(&[
            london("Supervision", "20251026T090000", "20251026T100000"),
            london("Training", "20251026T003000", "20251026T023000"),
        ]);
        let s = suggest(&autumn, "2025-10-20");
        assert_eq!(minutes(&s, Activity::Supervision), 60);
        assert_eq!(minutes(&s, Activity::Training), 180);
    }

    #[test]
    fn a_week_with_a_clock_change_is_an_hour_shorter_or_longer() {
        let whole = |monday: &str, next: &str| {
            cal(&[london(
                "Training course",
                &format!("{monday}T000000"),
                &format!("{next}T000000"),
            )])
        };
        let spring = suggest(&whole("20250324", "20250331"), "2025-03-24");
        assert_eq!(minutes(&spring, Activity::Training), 167 * 60);
        let autumn = suggest(&whole("20251020", "20251027"), "2025-10-20");
        assert_eq!(minutes(&autumn, Activity::Training), 169 * 60);
        // A longer event is clipped to the week.
        let long = suggest(&whole("20250301", "20250501"), "2025-04-07");
        assert_eq!(minutes(&long, Activity::Training), 168 * 60);
    }

    #[test]
    fn all_day_events_are_skipped_and_counted() {
        let text = cal(&[
            ev(&["SUMMARY:Annual leave", "DTSTART;VALUE=DATE:20250325"]),
            ev(&[
                "SUMMARY:Conference",
                "DTSTART;VALUE=DATE:20250320",
                "DTEND;VALUE=DATE:20250326",
            ]),
            ev(&["SUMMARY:Leave next week", "DTSTART;VALUE=DATE:20250331"]),
        ]);
        let s = suggest(&text, "2025-03-24");
        assert_eq!(s.skipped_all_day, 2);
        assert_eq!(s.events_counted, 0);
        assert_eq!(s.total_minutes(), 0);
    }

    #[test]
    fn a_duration_can_stand_instead_of_an_end() {
        let text = cal(&[
            ev(&[
                "SUMMARY:Home visit",
                "DTSTART;TZID=Europe/London:20250324T090000",
                "DURATION:PT1H30M",
            ]),
            ev(&[
                "SUMMARY:Court",
                "DTSTART;TZID=Europe/London:20250325T090000",
                "DURATION:P1DT1H",
            ]),
            ev(&[
                "SUMMARY:Phone",
                "DTSTART;TZID=Europe/London:20250326T090000",
            ]),
        ]);
        let s = suggest(&text, "2025-03-24");
        assert_eq!(minutes(&s, Activity::DirectFaceToFace), 90);
        assert_eq!(minutes(&s, Activity::Meetings), 25 * 60);
        // No end and no duration: an instant, which counts nothing.
        assert_eq!(minutes(&s, Activity::DirectRemote), 0);
        assert_eq!(s.events_counted, 2);
        assert!(parse_duration("P1W").is_some());
        for bad in [
            "",
            "P",
            "PT",
            "-PT1H",
            "PT1X",
            "P1H",
            "PT1D",
            "P99999999999999W",
        ] {
            assert!(parse_duration(bad).is_none(), "{bad}");
        }
    }

    // --- repeating events ------------------------------------------------------------------

    /// A series on London clocks from `start`, one hour long, with `rule` and more lines.
    fn series(summary: &str, start: &str, rule: &str, more: &[&str]) -> String {
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

    #[test]
    fn a_weekly_nine_oclock_meeting_stays_at_nine_across_the_clock_change() {
        let text = cal(&[series(
            "Team meeting",
            "20250303T090000",
            "FREQ=WEEKLY;BYDAY=MO",
            &[],
        )]);
        let s = suggest(&text, "2025-03-31");
        assert_eq!(minutes(&s, Activity::Meetings), 60);
        // 09:00 BST is 08:00 UTC: excluding that instant removes it; 09:00 UTC would not.
        let excluded = |utc: &str| {
            cal(&[series(
                "Team meeting",
                "20250303T090000",
                "FREQ=WEEKLY;BYDAY=MO",
                &[&format!("EXDATE:{utc}")],
            )])
        };
        assert_eq!(
            suggest(&excluded("20250331T080000Z"), "2025-03-31").events_counted,
            0
        );
        assert_eq!(
            suggest(&excluded("20250331T090000Z"), "2025-03-31").events_counted,
            1
        );
    }

    #[test]
    fn daily_repeats_stop_at_count_or_until() {
        // From Thursday 20 March: COUNT=6 runs to Tuesday 25 March.
        let text = cal(&[series("Duty", "20250320T090000", "FREQ=DAILY;COUNT=6", &[])]);
        assert_eq!(suggest(&text, "2025-03-24").events_counted, 2);
        // UNTIL is the last start, inclusive: 26 March 09:00 GMT is 09:00 UTC.
        let until = |utc: &str| {
            cal(&[series(
                "Duty",
                "20250320T090000",
                &format!("FREQ=DAILY;UNTIL={utc}"),
                &[],
            )])
        };
        assert_eq!(
            suggest(&until("20250326T090000Z"), "2025-03-24").events_counted,
            3
        );
        assert_eq!(
            suggest(&until("20250326T085959Z"), "2025-03-24").events_counted,
            2
        );
        let text = cal(&[series(
            "Duty",
            "20250320T090000",
            "FREQ=DAILY;INTERVAL=2;UNTIL=20250330",
            &[],
        )]);
        // 20, 22, 24, 26, 28, 30 March.
        assert_eq!(suggest(&text, "2025-03-24").events_counted, 4);
    }

    #[test]
    fn weekly_repeats_follow_interval_byday_and_week_start() {
        let text = cal(&[series(
            "Visit",
            "20250303T100000",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR",
            &[],
        )]);
        // Weeks of 3, 17 and 31 March.
        assert_eq!(suggest(&text, "2025-03-17").events_counted, 3);
        assert_eq!(suggest(&text, "2025-03-24").events_counted, 0);
        // Every other week on Sunday and Tuesday, from Sunday 2 March: the week start decides
        // which Sundays and Tuesdays go together.
        let text = |wkst: &str| {
            cal(&[series(
                "Visit",
                "20250302T100000",
                &format!("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TU;WKST={wkst}"),
                &[],
            )])
        };
        // Weeks from Sunday: 2 and 4 March, then 16 and 18 March.
        assert_eq!(suggest(&text("SU"), "2025-03-03").events_counted, 1); // Tue 4
        assert_eq!(suggest(&text("SU"), "2025-03-10").events_counted, 1); // Sun 16
        assert_eq!(suggest(&text("SU"), "2025-03-17").events_counted, 1); // Tue 18
        // Weeks from Monday: 2 March, then 11 and 16 March.
        assert_eq!(suggest(&text("MO"), "2025-03-03").events_counted, 0);
        assert_eq!(suggest(&text("MO"), "2025-03-10").events_counted, 2);
    }

    #[test]
    fn monthly_repeats_follow_ordinal_days_and_days_of_the_month() {
        let first_monday = cal(&[series(
            "Panel",
            "20250106T100000",
            "FREQ=MONTHLY;BYDAY=1MO",
            &[],
        )]);
        assert_eq!(suggest(&first_monday, "2025-03-03").events_counted, 1);
        assert_eq!(suggest(&first_monday, "2025-03-10").events_counted, 0);
        let last_friday = cal(&[series(
            "Panel",
            "20250131T100000",
            "FREQ=MONTHLY;BYDAY=-1FR",
            &[],
        )]);
        assert_eq!(suggest(&last_friday, "2025-03-24").events_counted, 1); // Fri 28 March
        assert_eq!(suggest(&last_friday, "2025-03-17").events_counted, 0);
        let last_day = cal(&[series(
            "Report",
            "20250131T100000",
            "FREQ=MONTHLY;BYMONTHDAY=-1",
            &[],
        )]);
        assert_eq!(suggest(&last_day, "2025-02-24").events_counted, 1); // Fri 28 February
        let the_31st = cal(&[series("Report", "20250131T100000", "FREQ=MONTHLY", &[])]);
        // There is no 31 April: the 31st skips short months.
        assert_eq!(suggest(&the_31st, "2025-04-28").events_counted, 0);
        assert_eq!(suggest(&the_31st, "2025-03-31").events_counted, 1);
        let last_weekday = cal(&[series(
            "Report",
            "20250131T100000",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            &[],
        )]);
        assert_eq!(suggest(&last_weekday, "2025-05-26").events_counted, 1); // Fri 30 May
        assert_eq!(suggest(&last_weekday, "2025-08-25").events_counted, 1); // Fri 29 August
    }

    #[test]
    fn yearly_repeats_keep_their_day_and_follow_bymonth() {
        let text = cal(&[series("Training", "20200325T100000", "FREQ=YEARLY", &[])]);
        assert_eq!(suggest(&text, "2025-03-24").events_counted, 1);
        let text = cal(&[series(
            "Training",
            "20200302T100000",
            "FREQ=YEARLY;BYMONTH=3;BYDAY=-1TU",
            &[],
        )]);
        assert_eq!(suggest(&text, "2025-03-24").events_counted, 1); // Tue 25 March 2025
        let leap = cal(&[series("Training", "20200229T100000", "FREQ=YEARLY", &[])]);
        assert_eq!(suggest(&leap, "2025-02-24").events_counted, 0);
        assert_eq!(suggest(&leap, "2028-02-28").events_counted, 1);
    }

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
        let s = suggest(&cal(&[master.clone(), moved]), "2025-03-24");
        assert_eq!(s.events_counted, 1);
        assert_eq!(minutes(&s, Activity::Meetings), 150);
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
    fn a_rule_started_long_ago_is_fast_and_a_rule_that_never_matches_ends() {
        let started = std::time::Instant::now();
        let old = cal(&[series("Visit", "19000101T090000", "FREQ=DAILY", &[])]);
        assert_eq!(suggest(&old, "2025-03-24").events_counted, 7);
        let never = cal(&[series(
            "Visit",
            "20000101T090000",
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3",
            &[],
        )]);
        assert_eq!(suggest(&never, "2025-03-24").events_counted, 0);
        let too_many = cal(&[series(
            "Visit",
            "19000101T090000",
            "FREQ=DAILY;COUNT=100000",
            &[],
        )]);
        let d = refused(too_many.as_bytes());
        assert_eq!(d[0].field.as_deref(), Some("RRULE"));
        assert!(d[0].problem.contains("too often"), "{}", d[0].problem);
        assert!(started.elapsed().as_secs() < 2);
    }

    #[test]
    fn absurd_repeat_rules_are_refused_in_plain_words() {
        for (rule, why) in [
            ("FREQ=SECONDLY", "more often than once a day"),
            ("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
            ("FREQ=WEEKLY;BYWEEKNO=20", "BYWEEKNO"),
            ("FREQ=MONTHLY;BYDAY=9XX", "BYDAY"),
            ("INTERVAL=2", "FREQ"),
            ("FREQ=DAILY;FREQ=WEEKLY", "twice"),
            ("FREQ=DAILY;COUNT=0", "COUNT"),
        ] {
            let text = cal(&[series("Visit", "20250324T090000", rule, &[])]);
            let d = refused(text.as_bytes());
            assert_eq!(d[0].field.as_deref(), Some("RRULE"), "{rule}");
            assert_eq!(d[0].line, Some(8), "{rule}");
            assert!(d[0].problem.contains(why), "{rule}: {}", d[0].problem);
        }
    }

    // --- skipped events ------------------------------------------------------------------

    #[test]
    fn an_event_the_person_declined_is_skipped() {
        let meeting = |partstat: &str| {
            cal(&[ev(&[
                "SUMMARY:Strategy meeting",
                "DTSTART;TZID=Europe/London:20250324T090000",
                "DTEND;TZID=Europe/London:20250324T100000",
                "ATTENDEE;CN=\"Boss, The\";PARTSTAT=ACCEPTED:mailto:boss@example.org",
                &format!("ATTENDEE;CN=Jo;PARTSTAT={partstat}:MAILTO:Jo@Example.org"),
            ])])
        };
        let s = suggest_with(&meeting("DECLINED"), "2025-03-24", &["jo@example.org"]);
        assert_eq!((s.events_counted, s.skipped_declined), (0, 1));
        let s = suggest_with(
            &meeting("ACCEPTED"),
            "2025-03-24",
            &["mailto:JO@example.org"],
        );
        assert_eq!((s.events_counted, s.skipped_declined), (1, 0));
        // With no addresses, only an event every attendee declined is skipped.
        let s = suggest(&meeting("DECLINED"), "2025-03-24");
        assert_eq!((s.events_counted, s.skipped_declined), (1, 0));
        let all = meeting("DECLINED").replace("PARTSTAT=ACCEPTED", "PARTSTAT=DECLINED");
        let s = suggest(&all, "2025-03-24");
        assert_eq!((s.events_counted, s.skipped_declined), (0, 1));
    }

    #[test]
    fn cancelled_and_free_events_are_skipped_and_counted() {
        let text = cal(&[
            ev(&[
                "SUMMARY:Panel",
                "STATUS:CANCELLED",
                "DTSTART:20250324T090000Z",
                "DTEND:20250324T100000Z",
            ]),
            ev(&[
                "SUMMARY:Lunch",
                "TRANSP:TRANSPARENT",
                "DTSTART:20250324T120000Z",
                "DTEND:20250324T130000Z",
            ]),
            ev(&[
                "SUMMARY:Hold",
                "X-MICROSOFT-CDO-BUSYSTATUS:FREE",
                "DTSTART:20250325T120000Z",
                "DTEND:20250325T130000Z",
            ]),
        ]);
        let s = suggest(&text, "2025-03-24");
        assert_eq!((s.skipped_cancelled, s.skipped_free), (1, 2));
        assert_eq!(s.events_counted, 0);
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

    // --- matching ------------------------------------------------------------------------

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
    fn the_first_rule_with_a_keyword_wins_and_keywords_start_words() {
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
            ("it ", Activity::AdminIt),
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

    // --- refusals --------------------------------------------------------------------------

    #[test]
    fn an_empty_file_is_refused() {
        for bytes in [&b""[..], b"  \r\n\n"] {
            let d = refused(bytes);
            assert_eq!(d[0].problem, "the file is empty");
            assert!(d[0].fix.contains("Export the calendar again"));
        }
    }

    #[test]
    fn a_word_document_or_a_spreadsheet_is_refused_as_not_a_calendar() {
        let d = refused(b"PK\x03\x04\x14\x00\x06\x00word/document.xml");
        assert!(d[0].problem.contains("Word or Excel"), "{}", d[0].problem);
        let d = refused(b"Subject,Start Date,Start Time\nHome visit,24/03/2025,09:00\n");
        assert!(d[0].problem.contains("CSV"), "{}", d[0].problem);
        assert!(!d[0].problem.contains("Home visit"));
        let d = refused(b"BEGIN:VCARD\nFN:Jo\nEND:VCARD\n");
        assert!(d[0].problem.contains("vCard"));
        assert!(d[0].problem.contains("BEGIN:VCALENDAR"));
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused() {
        let mut bytes = cal(&[]).into_bytes();
        bytes.resize(MAX_ICS_BYTES + 1, b'\n');
        let d = refused(&bytes);
        assert!(
            d[0].problem.contains("larger than 10 MB"),
            "{}",
            d[0].problem
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_with_its_line() {
        let mut bytes = cal(&[london("Visit", "20250324T090000", "20250324T100000")]).into_bytes();
        let at = bytes.windows(5).position(|w| w == b"Visit").unwrap();
        bytes.insert(at, 0xFF);
        let d = refused(&bytes);
        assert_eq!(d[0].line, Some(5));
        assert!(d[0].problem.contains("not UTF-8"));
    }

    #[test]
    fn a_file_cut_short_is_refused() {
        let text = cal(&[london("Visit", "20250324T090000", "20250324T100000")]);
        let cut = &text[..text.find("END:VEVENT").unwrap()];
        let d = refused(cut.as_bytes());
        let problems: Vec<&str> = d.iter().map(|d| d.problem.as_str()).collect();
        assert_eq!(
            problems,
            [
                "BEGIN:VEVENT on line 4 is never closed by END:VEVENT; the file may have been cut short",
                "BEGIN:VCALENDAR on line 1 is never closed by END:VCALENDAR; the file may have been cut short",
            ]
        );
        let crossed = text.replace("END:VEVENT", "END:VTODO");
        assert!(refused(crossed.as_bytes())[0].problem.contains("END:VTODO"));
    }

    #[test]
    fn an_unreadable_start_names_line_field_and_value() {
        let text = cal(&[ev(&[
            "SUMMARY:Visit to Jo Bloggs",
            "DTSTART:20251301T090000",
            "DTEND:20251301T100000",
        ])]);
        let d = refused(text.as_bytes());
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].line, Some(6));
        assert_eq!(d[0].field.as_deref(), Some("DTSTART"));
        assert_eq!(
            d[0].problem,
            "DTSTART \"20251301T090000\" is not a date and time"
        );
        assert_eq!(
            d[0].to_string().lines().next().unwrap(),
            "test.ics:6: error: DTSTART \"20251301T090000\" is not a date and time"
        );
        let missing = cal(&[ev(&["SUMMARY:Visit"])]);
        let d = refused(missing.as_bytes());
        assert_eq!(
            (d[0].line, d[0].field.as_deref()),
            (Some(4), Some("DTSTART"))
        );
        let bad_duration = cal(&[ev(&["DTSTART:20250324T090000Z", "DURATION:1 hour"])]);
        assert_eq!(
            refused(bad_duration.as_bytes())[0].field.as_deref(),
            Some("DURATION")
        );
        let backwards = cal(&[london("Visit", "20250324T100000", "20250324T090000")]);
        assert!(
            refused(backwards.as_bytes())[0]
                .problem
                .contains("before it starts")
        );
    }

    #[test]
    fn an_unknown_time_zone_is_refused() {
        let text = cal(&[ev(&[
            "DTSTART;TZID=Narnia Standard Time:20250324T090000",
            "DTEND;TZID=Narnia Standard Time:20250324T100000",
        ])]);
        let d = refused(text.as_bytes());
        assert_eq!(d[0].field.as_deref(), Some("DTSTART"));
        assert!(
            d[0].problem.contains("\"Narnia Standard Time\""),
            "{}",
            d[0].problem
        );
        assert!(d[0].fix.contains("London"));
    }

    #[test]
    fn titles_places_and_people_never_appear_in_diagnostics() {
        // A description that lost its folding space, a title in a date, an attendee.
        let text = cal(&[ev(&[
            "SUMMARY:Visit to Jo Bloggs",
            "DESCRIPTION:Talk to Jo Bloggs about",
            "the move to 12 Acacia Avenue",
            "LOCATION:12 Acacia Avenue",
            "ATTENDEE;CN=Jo Bloggs:mailto:jo.bloggs@example.org",
            "DTSTART:Jo Bloggs",
            "DTEND;TZID=Jo Bloggs House:20250324T100000",
            "RRULE:FREQ=DAILY;X-NOTE=Jo Bloggs;BYHOUR=9",
        ])]);
        let d = refused(text.as_bytes());
        assert_eq!(d.len(), 4, "{d:#?}");
        for d in &d {
            let all = format!("{d} {:?}", d.field);
            for private in ["Bloggs", "Acacia", "move"] {
                assert!(!all.contains(private), "{all}");
            }
        }
    }

    #[test]
    fn reading_stops_after_fifty_problems() {
        let events: Vec<String> = (0..80).map(|_| ev(&["DTSTART:nonsense"])).collect();
        let d = refused(cal(&events).as_bytes());
        assert_eq!(d.len(), Refused::LIMIT);
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
