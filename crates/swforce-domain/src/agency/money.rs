//! Money in an agency engagement: pence, and the hourly charge broken down.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Money in pence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pence(pub i64);

impl Pence {
    /// Reads `61.50`, `£61.50` or `61`.
    pub fn parse(text: &str) -> Option<Pence> {
        let t = text.trim().trim_start_matches('£').replace(',', "");
        let (pounds, pence) = match t.split_once('.') {
            Some((p, d)) if d.len() == 1 => (p.to_string(), format!("{d}0")),
            Some((p, d)) if d.len() == 2 => (p.to_string(), d.to_string()),
            Some(_) => return None,
            None => (t.clone(), "00".to_string()),
        };
        if pounds.is_empty()
            || !pounds.bytes().all(|b| b.is_ascii_digit())
            || !pence.bytes().all(|b| b.is_ascii_digit())
            || pounds.len() > 9
        {
            return None;
        }
        Some(Pence(
            pounds.parse::<i64>().ok()? * 100 + pence.parse::<i64>().ok()?,
        ))
    }

    pub fn pounds(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl fmt::Display for Pence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}£{}.{:02}", self.0.abs() / 100, self.0.abs() % 100)
    }
}

/// The hourly charge for a worker, broken down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub pay: Option<Pence>,
    pub employer_ni: Option<Pence>,
    pub apprenticeship_levy: Option<Pence>,
    pub agency_margin: Option<Pence>,
}

impl Charge {
    /// The parts that are not given, by field name.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            ("pay_rate", self.pay),
            ("employer_ni", self.employer_ni),
            ("apprenticeship_levy", self.apprenticeship_levy),
            ("agency_margin", self.agency_margin),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k)
        .collect()
    }

    /// The whole hourly charge, when every part is given.
    pub fn total(&self) -> Option<Pence> {
        Some(Pence(
            self.pay?.0 + self.employer_ni?.0 + self.apprenticeship_levy?.0 + self.agency_margin?.0,
        ))
    }
}
