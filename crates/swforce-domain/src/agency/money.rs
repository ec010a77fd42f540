//! Money in an agency engagement: pence, and the hourly charge broken down.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::PayBasis;

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
    /// The worker's hourly pay rate.
    pub pay: Option<Pence>,
    pub employer_ni: Option<Pence>,
    pub apprenticeship_levy: Option<Pence>,
    /// Holiday pay an hour, paid on top of the pay rate for a PAYE worker.
    #[serde(default)]
    pub holiday_pay: Option<Pence>,
    pub agency_margin: Option<Pence>,
}

impl Charge {
    /// The parts an hourly cost needs, by field name: with `basis` given, only those it needs
    /// (an umbrella or limited-company worker's pay rate already includes National Insurance,
    /// the levy and holiday pay).
    pub fn missing(&self, basis: Option<PayBasis>) -> Vec<&'static str> {
        let on_costs = !basis.is_some_and(PayBasis::pay_includes_on_costs);
        [
            ("pay_rate", self.pay, true),
            ("employer_ni", self.employer_ni, on_costs),
            ("apprenticeship_levy", self.apprenticeship_levy, on_costs),
            (
                "holiday_pay",
                self.holiday_pay,
                basis == Some(PayBasis::Paye),
            ),
            ("agency_margin", self.agency_margin, true),
        ]
        .into_iter()
        .filter(|(_, v, needed)| *needed && v.is_none())
        .map(|(k, _, _)| k)
        .collect()
    }

    /// What the council pays an hour, margin included, when every part `basis` needs is given:
    /// the pay rate and margin for an umbrella or limited-company worker; for a PAYE worker
    /// (or an unknown basis) also employer National Insurance, the levy and any holiday pay.
    pub fn total(&self, basis: Option<PayBasis>) -> Option<Pence> {
        if !self.missing(basis).is_empty() {
            return None;
        }
        let pay = self.pay?.0 + self.agency_margin?.0;
        if basis.is_some_and(PayBasis::pay_includes_on_costs) {
            return Some(Pence(pay));
        }
        Some(Pence(
            pay + self.employer_ni?.0
                + self.apprenticeship_levy?.0
                + self.holiday_pay.map_or(0, |h| h.0),
        ))
    }
}
