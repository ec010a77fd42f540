//! Dates, times and lengths of time, as seconds: civil dates as days, local times on a zone's
//! clocks to instants and back, the DATE and DATE-TIME values of a property (with their zone),
//! DURATION, and the diary week as instants.

use super::content::Property;
use super::zone::{Zone, ZoneKey, Zones};
use jiff::Timestamp;
use jiff::civil;
use jiff::tz::TimeZone;
use swforce_domain::diary::Week;

/// Seconds in a day on the clocks; in real time the days the clocks change are an hour shorter
/// or longer.
pub(super) const DAY: i64 = 86_400;

pub(super) use swforce_domain::date::{civil_from_days, days_from_civil};

pub(super) fn days_in_month(year: i64, month: u8) -> u8 {
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
pub(super) fn weekday(days: i64) -> u8 {
    (days + 3).rem_euclid(7) as u8
}

/// The instant (seconds since 1970 UTC) of a local time in `tz`, given as seconds since
/// 1970-01-01 00:00 on that zone's clocks. A time the clocks skip is read as if they had not
/// gone forward yet (RFC 5545 3.3.5), a time they repeat as its first pass.
pub(super) fn to_instant(tz: &TimeZone, local: i64) -> Option<i64> {
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
pub(super) fn to_local(tz: &TimeZone, instant: i64) -> Option<i64> {
    let dt = tz.to_datetime(Timestamp::from_second(instant).ok()?);
    let days = days_from_civil(i64::from(dt.year()), dt.month() as u8, dt.day() as u8);
    Some(
        days * DAY
            + i64::from(dt.hour()) * 3600
            + i64::from(dt.minute()) * 60
            + i64::from(dt.second()),
    )
}

pub(super) fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `YYYYMMDD`, as days since 1970-01-01.
pub(super) fn parse_date(text: &str) -> Option<i64> {
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
pub(super) fn parse_date_time(text: &str) -> Option<(i64, bool)> {
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
pub(super) fn shown_value(value: &str, letters: &str) -> Option<String> {
    let v = value.trim();
    (v.len() <= 60
        && v.chars()
            .all(|c| c.is_ascii_digit() || " :+-/.,".contains(c) || letters.contains(c)))
    .then(|| v.to_string())
}

/// A date or a date and time from the file, on the clocks of its zone.
#[derive(Debug, Clone)]
pub(super) struct Stamp {
    /// Seconds since 1970-01-01 00:00 on the zone's clocks (midnight for a date).
    pub(super) local: i64,
    pub(super) zone: Zone,
    /// A date without a time (`VALUE=DATE`, `20250324`): all day, read as UK time.
    pub(super) all_day: bool,
}

impl Stamp {
    pub(super) fn instant(&self) -> Option<i64> {
        to_instant(&self.zone.tz, self.local)
    }
}

pub(super) enum StampError {
    Unreadable,
    UnknownZone(String),
}

/// One date or date-time value of property `p`.
pub(super) fn read_stamp(text: &str, p: &Property, zones: &Zones) -> Result<Stamp, StampError> {
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

/// Every value of a list property, with the length a period (`VALUE=PERIOD`) gives itself:
/// `start/end` or `start/duration` (RFC 5545 3.3.9). A plain date or date-time has none.
pub(super) fn read_periods(
    p: &Property,
    zones: &Zones,
) -> Result<Vec<(Stamp, Option<Length>)>, StampError> {
    let period = p
        .param("VALUE")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("PERIOD"));
    p.value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            if !period {
                return Ok((read_stamp(v, p, zones)?, None));
            }
            let (first, second) = v.split_once('/').ok_or(StampError::Unreadable)?;
            let start = read_stamp(first, p, zones)?;
            let length = if second.trim_start().starts_with(['P', 'p', '+']) {
                parse_duration(second).ok_or(StampError::Unreadable)?
            } else {
                let end = read_stamp(second, p, zones)?;
                let exact = end.instant().ok_or(StampError::Unreadable)?
                    - start.instant().ok_or(StampError::Unreadable)?;
                if exact < 0 {
                    return Err(StampError::Unreadable);
                }
                Length { civil: 0, exact }
            };
            Ok((start, Some(length)))
        })
        .collect()
}

/// How long each occurrence lasts, in two parts so that it follows the clocks the way RFC 5545
/// says: `civil` seconds are added on the event's clocks (DTEND - DTSTART in the same zone,
/// the days and weeks of a DURATION), `exact` seconds to the instant (the hours, minutes and
/// seconds of a DURATION, or DTEND in another zone). A weekly 09:00-10:00 meeting is an hour
/// every week; one from 00:30 to 02:30 on the night the clocks go forward lasts one.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Length {
    pub(super) civil: i64,
    pub(super) exact: i64,
}

impl Length {
    /// The instant an occurrence ends, from its local start and its start instant.
    pub(super) fn end(&self, tz: &TimeZone, local: i64, start: i64) -> Option<i64> {
        let base = if self.civil == 0 {
            start
        } else {
            to_instant(tz, local.checked_add(self.civil)?)?
        };
        base.checked_add(self.exact)
    }

    /// At most how far an occurrence reaches past its start, to know how early one may start
    /// and still reach into the week.
    pub(super) fn reach(&self) -> i64 {
        self.civil.max(0).saturating_add(self.exact.max(0))
    }
}

/// `P1W`, `PT1H30M`, `P1DT12H`: a non-negative length. `None` when unreadable or negative.
pub(super) fn parse_duration(text: &str) -> Option<Length> {
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

/// The diary week as instants: Monday 00:00 to the next Monday 00:00, UK time. 167 hours when
/// the clocks go forward in it, 169 when they go back.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    pub(super) start: i64,
    pub(super) end: i64,
}

impl Window {
    pub(super) fn of(week: Week, london: &TimeZone) -> Window {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::WeekSuggestion;
    use crate::calendar::fixtures::{cal, ev, london, minutes, suggest};
    use swforce_domain::diary::Activity;

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
}
