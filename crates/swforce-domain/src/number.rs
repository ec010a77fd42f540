//! Checked numbers: full-time equivalents and rates.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a number was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NumberError {
    #[error("{0} is not a number")]
    NotFinite(f64),
    #[error("{0} is negative; a count cannot be negative")]
    Negative(f64),
    #[error("{0} is above 1 (100%); a share cannot exceed the whole")]
    AboveWhole(f64),
}

/// Full-time equivalent: a non-negative, finite number of posts (0.5 is half a post).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Fte(f64);

impl Fte {
    pub const ZERO: Fte = Fte(0.0);

    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Fte {
    type Error = NumberError;
    fn try_from(v: f64) -> Result<Self, Self::Error> {
        if !v.is_finite() {
            Err(NumberError::NotFinite(v))
        } else if v < 0.0 {
            Err(NumberError::Negative(v))
        } else {
            Ok(Fte(v))
        }
    }
}

impl From<Fte> for f64 {
    fn from(v: Fte) -> f64 {
        v.0
    }
}

/// A rate stored as a fraction of the whole (0.153), shown as a percentage only when rendered.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Rate(f64);

impl Rate {
    /// A share of a whole: between 0 and 1 inclusive.
    pub fn share(v: f64) -> Result<Self, NumberError> {
        let r = Self::try_from(v)?;
        if v > 1.0 {
            Err(NumberError::AboveWhole(v))
        } else {
            Ok(r)
        }
    }

    /// Reads a published percentage (17.1 means 0.171).
    pub fn from_percent(p: f64) -> Result<Self, NumberError> {
        Self::try_from(p / 100.0)
    }

    pub fn fraction(self) -> f64 {
        self.0
    }

    pub fn percent(self) -> f64 {
        self.0 * 100.0
    }
}

impl TryFrom<f64> for Rate {
    type Error = NumberError;
    /// Any non-negative finite ratio; caseload-like ratios may exceed 1, shares use [`Rate::share`].
    fn try_from(v: f64) -> Result<Self, Self::Error> {
        if !v.is_finite() {
            Err(NumberError::NotFinite(v))
        } else if v < 0.0 {
            Err(NumberError::Negative(v))
        } else {
            Ok(Rate(v))
        }
    }
}

impl From<Rate> for f64 {
    fn from(v: Rate) -> f64 {
        v.0
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}%", self.percent())
    }
}

/// Rounds half away from zero to `decimals` places, as the publisher rounds.
///
/// A tiny nudge keeps values such as 2.25 (stored as 2.2499999...) rounding the way they were
/// written, which is what a spreadsheet user checking the figure expects.
/// A count and its noun: "1 error", "3 errors" (never "error(s)"), without grouping digits.
pub fn count_of(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn round_half_away(value: f64, decimals: u32) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    let scaled = value * scale;
    let nudged = scaled + scaled.signum() * 1e-9 * scaled.abs().max(1.0);
    nudged.round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fte_refuses_negative_and_not_a_number() {
        assert!(Fte::try_from(12.5).is_ok());
        assert_eq!(Fte::try_from(-1.0), Err(NumberError::Negative(-1.0)));
        assert!(Fte::try_from(f64::NAN).is_err());
    }

    #[test]
    fn a_share_above_the_whole_is_refused() {
        assert!(Rate::share(1.0).is_ok());
        assert!(Rate::share(1.01).is_err());
        assert_eq!(Rate::from_percent(17.1).unwrap().to_string(), "17.1%");
    }

    #[test]
    fn rounding_is_half_away_from_zero_even_for_binary_fractions() {
        assert_eq!(round_half_away(2.25, 1), 2.3);
        assert_eq!(round_half_away(0.35, 1), 0.4);
        assert_eq!(round_half_away(16.649, 1), 16.6);
        assert_eq!(round_half_away(-2.25, 1), -2.3);
        assert_eq!(round_half_away(12.5, 0), 13.0);
    }
}
