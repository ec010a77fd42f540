//! Repeat rules (RRULE, RFC 5545 3.3.10) and the occurrences they give in the diary week.
//!
//! A rule is read into a [`Rule`], or refused in plain words: rules that repeat more often than
//! daily, or pick hours, minutes, seconds, numbered weeks or numbered days of the year, are not
//! followed. [`expand`] then gives DTSTART and the days the rule picks, repeating on the clocks
//! of the start's zone, within a limit on the work one event (and one file) may cost; RDATE
//! values are expanded as single occurrences, and [`suggest_week`](super::suggest_week) takes
//! out EXDATE values and the occurrences an edited one (RECURRENCE-ID) replaces.

use super::MAX_OCCURRENCES_PER_EVENT;
use super::time::{
    DAY, Length, Stamp, Window, civil_from_days, days_from_civil, days_in_month, digits,
    parse_date, parse_date_time, to_instant, to_local, weekday,
};

/// Most values in one list of a repeat rule (`BYDAY=MO,TU,...`).
const MAX_LIST: usize = 400;

// ---------------------------------------------------------------------------------------------
// Reading a rule
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
pub(super) struct Rule {
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
pub(super) fn parse_rule(text: &str) -> Result<Rule, String> {
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

// ---------------------------------------------------------------------------------------------
// Following a rule into the week
// ---------------------------------------------------------------------------------------------

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

/// One occurrence that reaches into the week: instants, and its local day (for EXDATE dates).
#[derive(Debug, Clone, Copy)]
pub(super) struct Occurrence {
    pub(super) start: i64,
    pub(super) end: i64,
    pub(super) day: i64,
}

/// The occurrences of a series (DTSTART, then its rule) that reach into `window`, pushed onto
/// `found`. DTSTART is always the first occurrence (RFC 5545), and COUNT counts it. Occurrences
/// repeat on the clocks of the start's zone. Err when the rule needs more than `limit` steps
/// or [`MAX_OCCURRENCES_PER_EVENT`] occurrences to get past the week.
pub(super) fn expand(
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

#[cfg(test)]
mod tests {
    use crate::calendar::fixtures::{cal, left_out, london, minutes, series, suggest};
    use swforce_domain::diary::Activity;

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
        let left = left_out(&too_many, "2025-03-24");
        assert!(left[0].1.contains("too often"), "{left:?}");
        assert!(started.elapsed().as_secs() < 2);
    }

    #[test]
    fn an_event_whose_repeat_rule_cannot_be_followed_is_left_out_in_plain_words() {
        for (rule, why) in [
            ("FREQ=SECONDLY", "more often than once a day"),
            ("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
            ("FREQ=WEEKLY;BYWEEKNO=20", "BYWEEKNO"),
            ("FREQ=MONTHLY;BYDAY=9XX", "BYDAY"),
            ("INTERVAL=2", "FREQ"),
            ("FREQ=DAILY;FREQ=WEEKLY", "twice"),
            ("FREQ=DAILY;COUNT=0", "COUNT"),
            ("FREQ=DAILY;BYHOUR=9,14", "BYHOUR"),
        ] {
            let text = cal(&[
                series("Visit", "20250324T090000", rule, &[]),
                london("Core group", "20250325T100000", "20250325T110000"),
            ]);
            let s = suggest(&text, "2025-03-24");
            assert_eq!(s.left_out.len(), 1, "{rule}");
            assert_eq!(s.left_out[0].line, 4, "{rule}");
            assert!(
                s.left_out[0].why.contains(why),
                "{rule}: {}",
                s.left_out[0].why
            );
            assert_eq!(
                (s.events_counted, s.total_minutes()),
                (1, 60),
                "{rule}: the rest is read"
            );
        }
    }
}
