//! Calendar quarters, as the quarterly return is made, and an engagement's days within one.

use super::Engagement;
use crate::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar quarter, written `2025Q1` (January to March).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Quarter {
    pub year: i32,
    pub q: u8,
}

impl Quarter {
    pub fn parse(text: &str) -> Option<Quarter> {
        let t = text.trim().to_ascii_uppercase();
        let (y, q) = t.split_once('Q')?;
        let year: i32 = y.trim_end_matches('-').parse().ok()?;
        let q: u8 = q.parse().ok()?;
        ((2000..=2100).contains(&year) && (1..=4).contains(&q)).then_some(Quarter { year, q })
    }

    pub fn first_day(self) -> Date {
        Date::new(self.year, (self.q - 1) * 3 + 1, 1).unwrap_or_else(|_| unreachable!())
    }

    pub fn last_day(self) -> Date {
        self.first_day().plus_months(3).plus_days(-1)
    }

    /// The quarter's three months, each as its first and last day.
    pub fn months(self) -> [(Date, Date); 3] {
        [0, 1, 2].map(|m| {
            let first = self.first_day().plus_months(m);
            (first, first.plus_months(1).plus_days(-1))
        })
    }

    /// The quarter in words: "October to December 2026".
    pub fn words(self) -> String {
        let first = usize::from(self.q - 1) * 3;
        format!(
            "{} to {} {}",
            crate::date::MONTHS[first],
            crate::date::MONTHS[first + 2],
            self.year
        )
    }

    /// The quarter a day falls in.
    pub fn of(day: Date) -> Quarter {
        Quarter {
            year: day.year(),
            q: (day.month() - 1) / 3 + 1,
        }
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

/// Days of an engagement within `from..=to`.
pub fn days_within(e: &Engagement, from: Date, to: Date) -> i64 {
    let start = e.start.max(from);
    let end = e.end.map_or(to, |d| d.min(to));
    (end.days_since_epoch() - start.days_since_epoch() + 1).max(0)
}
