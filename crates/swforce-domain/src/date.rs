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

impl Date {
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
        let body = match body.len().checked_sub(6).map(|i| body.split_at(i)) {
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
        // Howard Hinnant's days-from-civil algorithm.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
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
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
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
