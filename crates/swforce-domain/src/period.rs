//! Reporting years.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A reporting year, named as the publisher names it: the calendar year in which it ends.
///
/// Workforce years end on 30 September (`2022` runs from 1 October 2021 to 30 September 2022);
/// children in need years end on 31 March. Which end applies is a property of the dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Year(u16);

/// Why a year was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a reporting year between 1990 and 2100; write the four-digit year, such as 2022"
)]
pub struct YearError(pub String);

impl Year {
    /// Earliest and latest years accepted; the published series start in the 2000s.
    pub const MIN: u16 = 1990;
    pub const MAX: u16 = 2100;

    /// Reads a year as published: four digits, or the EES six-digit form `202122` for a span
    /// ending in 2022.
    pub fn parse(text: &str) -> Result<Self, YearError> {
        let t = text.trim();
        let err = || YearError(text.to_string());
        if !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let year: u16 = match t.len() {
            4 => t.parse().map_err(|_| err())?,
            6 => {
                let start: u16 = t[..4].parse().map_err(|_| err())?;
                let end: u16 = t[4..].parse().map_err(|_| err())?;
                if (start + 1) % 100 != end {
                    return Err(err());
                }
                start + 1
            }
            _ => return Err(err()),
        };
        Self::try_from(year).map_err(|_| err())
    }

    /// The calendar year in which the reporting year ends.
    pub fn get(self) -> u16 {
        self.0
    }

    /// The year before, if it is still a valid year.
    pub fn previous(self) -> Option<Year> {
        Year::try_from(self.0.checked_sub(1)?).ok()
    }

    /// The year after, if it is still a valid year.
    pub fn next(self) -> Option<Year> {
        Year::try_from(self.0 + 1).ok()
    }
}

impl TryFrom<u16> for Year {
    type Error = YearError;
    fn try_from(value: u16) -> Result<Self, Self::Error> {
        if (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Year(value))
        } else {
            Err(YearError(value.to_string()))
        }
    }
}

impl From<Year> for u16 {
    fn from(y: Year) -> u16 {
        y.0
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_and_six_digit_years_read_as_the_year_they_end() {
        assert_eq!(Year::parse("2022").unwrap().get(), 2022);
        assert_eq!(Year::parse("202122").unwrap().get(), 2022);
        assert_eq!(Year::parse("199900").unwrap().get(), 2000);
    }

    #[test]
    fn words_and_impossible_spans_are_refused() {
        for t in ["", "22", "2022-23", "202124", "twenty", "1066", "-2022"] {
            assert!(Year::parse(t).is_err(), "{t:?}");
        }
    }
}
