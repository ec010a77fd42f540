//! What is kept of each event (VEVENT): its times, repeat rule and exceptions, whether and why
//! it is skipped, and its activity; never its text. A problem with one of its values is
//! reported with its line, quoting the value only when it cannot be a title or a name.

use super::Matcher;
use super::content::{Component, Property};
use super::recur::{Rule, parse_rule};
use super::time::{
    DAY, Length, Stamp, StampError, parse_duration, read_periods, read_stamp, shown_value,
};
use super::zone::Zones;
use std::collections::HashSet;
use swforce_domain::diary::Activity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Skip {
    Cancelled,
    Declined,
    AllDay,
    Free,
}

/// What is kept of a VEVENT: times and decisions, no text.
#[derive(Debug)]
pub(super) struct Event {
    pub(super) uid: Option<String>,
    /// The instant of the occurrence this event replaces, for an edited occurrence.
    pub(super) recurrence_id: Option<i64>,
    pub(super) start: Stamp,
    pub(super) length: Length,
    pub(super) rule: Option<Rule>,
    pub(super) rule_line: u64,
    /// Extra occurrences, each with its own length when given as a period.
    pub(super) rdates: Vec<(Stamp, Option<Length>)>,
    /// `RECURRENCE-ID;RANGE=THISANDFUTURE`: the edit applies to the later occurrences too.
    pub(super) this_and_future: bool,
    /// The line the event starts on, to name it without its title.
    pub(super) line: u64,
    pub(super) exdates: HashSet<i64>,
    /// Days excluded by date-only EXDATE values, on the event's clocks.
    pub(super) exdays: HashSet<i64>,
    pub(super) skip: Option<Skip>,
    pub(super) activity: Activity,
}

/// An email address for comparing: without `mailto:`, trimmed, lower case.
pub(super) fn mail_address(text: &str) -> String {
    let t = text.trim();
    let t = match t.get(..7) {
        Some(head) if head.eq_ignore_ascii_case("mailto:") => &t[7..],
        _ => t,
    };
    t.trim().to_lowercase()
}

/// What every event of a file is read with: the file's time zones, the caller's rules and the
/// person's addresses.
pub(super) struct Context {
    pub(super) zones: Zones,
    pub(super) matcher: Matcher,
    /// The person's addresses, as [`mail_address`] gives them.
    pub(super) emails: Vec<String>,
}

/// An event that cannot be placed in time, left out of the suggestion while the rest of the
/// file is read: the line it starts on and why, never its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LeftOut {
    pub(super) line: u64,
    pub(super) why: String,
}

/// Reads a date or date-time property; a problem with it is why the event is left out (the value
/// is quoted only when it looks like a date, never when it could be a title).
fn stamp_or_note(p: &Property, cx: &Context, left: &mut Option<String>) -> Option<Stamp> {
    match read_stamp(&p.value, p, &cx.zones) {
        Ok(stamp) => Some(stamp),
        Err(e) => {
            note_stamp(p, e, &cx.zones, left);
            None
        }
    }
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
    shown_value(
        v,
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_()&",
    )
}

/// Why a date or date-time value leaves its event out.
fn note_stamp(p: &Property, problem: StampError, zones: &Zones, left: &mut Option<String>) {
    left.get_or_insert_with(|| match problem {
        StampError::Unreadable => match shown_value(&p.value, "TZtz") {
            Some(v) => format!("its {} \"{v}\" is not a date and time", p.name),
            None => format!("its {} is not a date and time", p.name),
        },
        StampError::UnknownZone(id) => {
            let why = if zones.defines(&id) {
                "which the file defines with rules this service cannot follow"
            } else {
                "which the file does not define and this service does not know"
            };
            match shown_zone(&id) {
                Some(v) => format!("its {} uses the time zone \"{v}\", {why}", p.name),
                None => format!("its {} uses a time zone {why}", p.name),
            }
        }
    });
}

/// Reads one event. An event whose time cannot be placed (no start, a date that cannot be
/// read, a time zone nobody knows, an end before its start, a repeat rule this service cannot
/// follow) is left out with the reason; the rest of the file is read all the same.
pub(super) fn read_event(c: &Component, cx: &Context) -> Result<Event, LeftOut> {
    let mut left: Option<String> = None;
    let start = match c.first("DTSTART") {
        Some(p) => stamp_or_note(p, cx, &mut left),
        None => {
            left.get_or_insert_with(|| "it has no start time (DTSTART)".into());
            None
        }
    };
    let end = c
        .first("DTEND")
        .and_then(|p| stamp_or_note(p, cx, &mut left));
    let duration = c.first("DURATION").and_then(|p| {
        let length = parse_duration(&p.value);
        if length.is_none() {
            left.get_or_insert_with(|| match shown_value(&p.value, "PTWDHMSptwdhms") {
                Some(v) => format!("its DURATION \"{v}\" is not a length of time it can last"),
                None => "its DURATION is not a length of time it can last".to_string(),
            });
        }
        length
    });
    let mut rule = None;
    let mut rule_line = c.line;
    for (i, p) in c.all("RRULE").enumerate() {
        if i > 0 {
            left.get_or_insert_with(|| "it has more than one repeat rule (RRULE)".into());
            break;
        }
        rule_line = p.line;
        match parse_rule(&p.value) {
            Ok(r) => rule = Some(r),
            Err(why) => {
                left.get_or_insert_with(|| {
                    match shown_value(&p.value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ;=") {
                        Some(v) => format!("its repeat rule \"{v}\" cannot be followed: {why}"),
                        None => format!("its repeat rule (RRULE) cannot be followed: {why}"),
                    }
                });
            }
        }
    }
    let stamps = |name: &str, left: &mut Option<String>| {
        let mut all = Vec::new();
        for p in c.all(name) {
            match read_periods(p, &cx.zones) {
                Ok(list) => all.extend(list),
                Err(e) => note_stamp(p, e, &cx.zones, left),
            }
        }
        all
    };
    let excluded = stamps("EXDATE", &mut left);
    let rdates = stamps("RDATE", &mut left);
    let rid = c.first("RECURRENCE-ID");
    let recurrence_id = rid.and_then(|p| stamp_or_note(p, cx, &mut left));
    let this_and_future = rid
        .and_then(|p| p.param("RANGE"))
        .is_some_and(|r| r.trim().eq_ignore_ascii_case("THISANDFUTURE"));
    let leave = |why: String| LeftOut { line: c.line, why };
    if let Some(why) = left {
        return Err(leave(why));
    }
    let Some(start) = start else {
        return Err(leave("it has no start time (DTSTART)".into()));
    };

    let length = match (end, duration) {
        (Some(end), _) => {
            let length = if end.zone.key == start.zone.key {
                Length {
                    civil: end.local - start.local,
                    exact: 0,
                }
            } else {
                let (Some(e), Some(s)) = (end.instant(), start.instant()) else {
                    return Err(leave("its start or end is not a time that exists".into()));
                };
                Length {
                    civil: 0,
                    exact: e - s,
                }
            };
            if length.civil < 0 || length.exact < 0 {
                return Err(leave("it ends (DTEND) before it starts (DTSTART)".into()));
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
    for (stamp, _) in excluded {
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
    } else if start.all_day || upper("X-MICROSOFT-CDO-ALLDAYEVENT") == "TRUE" {
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
    Ok(Event {
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
        this_and_future,
        line: c.line,
        exdates,
        exdays,
        skip,
        activity,
    })
}

#[cfg(test)]
mod tests {
    use crate::calendar::fixtures::{cal, ev, left_out, london, refused, suggest, suggest_with};

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
    fn an_event_whose_time_cannot_be_placed_is_left_out_with_its_line_and_why() {
        let good = london("Home visit", "20250325T100000", "20250325T120000");
        let cases: [(String, &str); 5] = [
            (
                ev(&[
                    "SUMMARY:Visit to Jo Bloggs",
                    "DTSTART:20251301T090000",
                    "DTEND:20251301T100000",
                ]),
                "its DTSTART \"20251301T090000\" is not a date and time",
            ),
            (ev(&["SUMMARY:Visit"]), "it has no start time (DTSTART)"),
            (
                ev(&["DTSTART:20250324T090000Z", "DURATION:1 hour"]),
                "its DURATION is not a length of time it can last",
            ),
            (
                ev(&["DTSTART:20250324T090000Z", "DURATION:-PT1H"]),
                "its DURATION \"-PT1H\" is not a length of time it can last",
            ),
            (
                london("Visit", "20250324T100000", "20250324T090000"),
                "it ends (DTEND) before it starts (DTSTART)",
            ),
        ];
        for (odd, why) in cases {
            let s = suggest(&cal(&[odd, good.clone()]), "2025-03-24");
            assert_eq!(s.events_counted, 1, "{why}: the rest is read");
            assert_eq!(s.left_out.len(), 1, "{why}");
            assert_eq!((s.left_out[0].line, s.left_out[0].why.as_str()), (4, why));
        }
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
        assert_eq!(d.len(), 1, "{d:#?}");
        for d in &d {
            let all = format!("{d} {:?}", d.field);
            for private in ["Bloggs", "Acacia", "move"] {
                assert!(!all.contains(private), "{all}");
            }
        }
        // Nor in why an event is left out.
        let text = cal(&[
            ev(&[
                "SUMMARY:Visit to Jo Bloggs",
                "DTSTART;TZID=Jo Bloggs House:20250324T090000",
                "DTEND;TZID=Jo Bloggs House:20250324T100000",
            ]),
            ev(&["SUMMARY:Visit to Jo Bloggs", "DTSTART:Jo Bloggs"]),
            ev(&[
                "SUMMARY:Visit to Jo Bloggs",
                "DTSTART:20250324T090000Z",
                "DTEND:20250324T100000Z",
                "RRULE:FREQ=DAILY;X-NOTE=Jo Bloggs;BYHOUR=9",
            ]),
        ]);
        let left = left_out(&text, "2025-03-24");
        assert_eq!(left.len(), 3, "{left:?}");
        for (_, why) in &left {
            assert!(!why.contains("Bloggs"), "{why}");
        }
    }
}
