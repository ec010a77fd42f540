//! Calendar dates as the census writes them (`2022-09-30`), without a clock or time zone.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A day in the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a date was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a date; write it as YYYY-MM-DD, such as 2022-09-30")]
pub struct DateError(pub String);

fn leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days since 1970-01-01 of a civil (proleptic Gregorian) date, for any year: Howard Hinnant's
/// days-from-civil algorithm.
pub fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let y = year - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `days` days after 1970-01-01, as (year, month, day), for any year: the inverse
/// of [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
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

/// Days in a month of a year.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// English month names, for dates in words.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// "3 March 2025", the GOV.UK style.
    pub fn long(self) -> String {
        format!(
            "{} {} {}",
            self.day(),
            MONTHS[usize::from(self.month()) - 1],
            self.year()
        )
    }

    /// "3 Mar", for chart axes.
    pub fn short(self) -> String {
        format!(
            "{} {}",
            self.day(),
            &MONTHS[usize::from(self.month()) - 1][..3]
        )
    }

    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, DateError> {
        if (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && (1..=9999).contains(&year)
        {
            Ok(Self { year, month, day })
        } else {
            Err(DateError(format!("{year:04}-{month:02}-{day:02}")))
        }
    }

    /// Reads `YYYY-MM-DD`, as XML Schema's `xs:date` writes it, allowing a time zone suffix
    /// (`Z`, `+01:00`), which a calendar date ignores.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let err = || DateError(text.to_string());
        let t = text.trim();
        let body = t.strip_suffix('Z').unwrap_or(t);
        let body = match body
            .len()
            .checked_sub(6)
            .filter(|i| body.is_char_boundary(*i))
            .map(|i| body.split_at(i))
        {
            Some((d, tz))
                if (tz.starts_with('+') || tz.starts_with('-')) && tz.as_bytes()[3] == b':' =>
            {
                let ok = tz[1..3].bytes().all(|b| b.is_ascii_digit())
                    && tz[4..].bytes().all(|b| b.is_ascii_digit());
                let hours: u8 = tz[1..3].parse().map_err(|_| err())?;
                let minutes: u8 = tz[4..].parse().map_err(|_| err())?;
                if !ok || hours > 14 || minutes > 59 || (hours == 14 && minutes > 0) {
                    return Err(err());
                }
                d
            }
            _ => body,
        };
        let parts: Vec<&str> = body.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(err());
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return Err(err());
        }
        Self::new(
            y.parse().map_err(|_| err())?,
            m.parse().map_err(|_| err())?,
            d.parse().map_err(|_| err())?,
        )
        .map_err(|_| err())
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1 January 1970 (negative before), for differences between dates.
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day)
    }

    /// The same day `months` months later (earlier when negative); a day past the end of the
    /// month lands on its last day (31 January + 1 month = 28 or 29 February).
    pub fn plus_months(self, months: i32) -> Date {
        let index = self.year * 12 + i32::from(self.month) - 1 + months;
        let year = index.div_euclid(12);
        let month = (index.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// The same day `years` years later; 29 February lands on 28 February in other years.
    pub fn plus_years(self, years: i32) -> Date {
        self.plus_months(years * 12)
    }

    /// The date `days` days after 1 January 1970 (the inverse of [`Date::days_since_epoch`]).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let (year, month, day) = civil_from_days(days);
        Date {
            year: year as i32,
            month,
            day,
        }
    }

    /// `days` days later (earlier when negative).
    pub fn plus_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// Whole years from `self` to `later` (an age, when `self` is a birth date).
    pub fn years_until(self, later: Date) -> i32 {
        let mut years = later.year - self.year;
        if (later.month, later.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }
}

impl TryFrom<String> for Date {
    type Error = DateError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_xml_schema_writes_them() {
        assert_eq!(Date::parse("2022-09-30").unwrap().to_string(), "2022-09-30");
        assert_eq!(Date::parse("2024-02-29").unwrap().day(), 29);
        assert_eq!(Date::parse("2022-09-30Z").unwrap().month(), 9);
        assert_eq!(Date::parse("2022-09-30+01:00").unwrap().year(), 2022);
        for bad in [
            "2022-02-29",
            "2022-13-01",
            "2022-9-30",
            "22-09-30",
            "2022-09-31",
            "2022/09/30",
            "",
            "2022-09-30+25:00",
            "2022-00-10",
            "2022-\u{feff}10-15",
            "2022-10-1\u{feff}",
            "\u{feff}\u{feff}\u{feff}",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn months_and_years_later_land_on_the_month_end_when_the_day_is_missing() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(d("2025-01-31").plus_months(1), d("2025-02-28"));
        assert_eq!(d("2024-01-31").plus_months(1), d("2024-02-29"));
        assert_eq!(d("2024-11-30").plus_months(3), d("2025-02-28"));
        assert_eq!(d("2024-12-15").plus_months(3), d("2025-03-15"));
        assert_eq!(d("2025-03-31").plus_months(-1), d("2025-02-28"));
        assert_eq!(d("2020-02-29").plus_years(3), d("2023-02-28"));
        assert_eq!(d("2020-02-29").plus_years(4), d("2024-02-29"));
        for s in [
            "1970-01-01",
            "2000-02-29",
            "2024-12-31",
            "1900-03-01",
            "2100-02-28",
        ] {
            assert_eq!(Date::from_days_since_epoch(d(s).days_since_epoch()), d(s));
        }
        assert_eq!(d("2024-12-31").plus_days(1), d("2025-01-01"));
        assert_eq!(d("2024-03-01").plus_days(-1), d("2024-02-29"));
    }

    #[test]
    fn differences_and_ages_count_whole_days_and_years() {
        let a = Date::parse("2021-10-01").unwrap();
        let b = Date::parse("2022-09-30").unwrap();
        assert_eq!(b.days_since_epoch() - a.days_since_epoch(), 364);
        assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
        assert_eq!(Date::parse("1990-10-01").unwrap().years_until(b), 31);
        assert_eq!(Date::parse("1990-09-30").unwrap().years_until(b), 32);
    }
}
