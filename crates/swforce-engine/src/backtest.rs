//! Backtesting: fit on history up to an origin year only, project forward, and score the
//! projection against the actual figures that followed, beside a naive "same as last year"
//! forecast.

use crate::estimate::{History, YearFigures, estimate};
use crate::indicator::Indicator;
use crate::quantile::Summary;
use crate::simulate::{Group, RunSpec, SpecError, project};
use serde::Serialize;
use swforce_domain::Year;

/// Indicators scored: the published ones the model projects.
pub const SCORED: [Indicator; 5] = [
    Indicator::InpostFte,
    Indicator::TurnoverRateFte,
    Indicator::AgencyRateFte,
    Indicator::VacancyRateFte,
    Indicator::CaseloadFte,
];

/// Scores for one level of geography and one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestRow {
    pub level: String,
    pub indicator: Indicator,
    /// Place-years scored.
    pub pairs: usize,
    /// Mean absolute percentage error of the projection's median.
    pub mape: f64,
    /// The same for the naive forecast (the origin year's figure, unchanged).
    pub naive_mape: f64,
    /// Share of place-years whose actual figure fell between P5 and P95.
    pub coverage: f64,
}

/// One place-year compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub code: String,
    pub name: String,
    pub level: String,
    pub year: Year,
    pub indicator: Indicator,
    pub actual: f64,
    pub naive: f64,
    pub projected: Summary,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    pub origin: Year,
    pub horizon: u16,
    pub runs: u32,
    pub rows: Vec<BacktestRow>,
    pub comparisons: Vec<Comparison>,
}

/// The actual value of an indicator for a set of authorities in a year, from their published
/// counts. A level (in post) needs every member's figure; a rate is taken over the members that
/// published its counts, provided they hold at least 95% of the set's social workers.
fn actual(history: &History, members: &[&str], year: Year, indicator: Indicator) -> Option<f64> {
    actual_of(history, members, year, indicator)
}

/// The published figure of a group of authorities for a year, added up from its members'
/// counts: a rate over the members that published both its counts (at least 95% of the group's
/// social workers); a count only when every member published it.
pub(crate) fn actual_of(
    history: &History,
    members: &[&str],
    year: Year,
    indicator: Indicator,
) -> Option<f64> {
    let (mut total, mut covered) = (0.0, 0.0);
    let mut sums = [0.0f64; 6];
    for code in members {
        let f: YearFigures = history
            .authorities
            .iter()
            .find(|a| a.code == *code)
            .and_then(|a| a.years.get(&year).copied())
            .unwrap_or_default();
        let inpost = f.inpost.unwrap_or(0.0);
        total += inpost;
        let counts = match indicator {
            Indicator::InpostFte => f.inpost.map(|p| [p, 0.0]),
            Indicator::TurnoverRateFte => f.inpost.zip(f.leavers).map(|(p, l)| [p, l]),
            Indicator::AgencyRateFte => f.inpost.zip(f.agency).map(|(p, a)| [p, a]),
            Indicator::VacancyRateFte => f.inpost.zip(f.vacancies).map(|(p, v)| [p, v]),
            Indicator::CaseloadFte => f.cases.zip(f.case_holders).map(|(c, h)| [h, c]),
            Indicator::StartersFte => f.inpost.zip(f.starters).map(|(p, s)| [p, s]),
            Indicator::LeaversFte => f.inpost.zip(f.leavers).map(|(p, l)| [p, l]),
            Indicator::AgencyFte => f.inpost.zip(f.agency).map(|(p, a)| [p, a]),
            Indicator::VacancyFte => f.inpost.zip(f.vacancies).map(|(p, v)| [p, v]),
            _ => return None,
        };
        let count = matches!(
            indicator,
            Indicator::InpostFte
                | Indicator::StartersFte
                | Indicator::LeaversFte
                | Indicator::AgencyFte
                | Indicator::VacancyFte
        );
        match counts {
            Some([a, b]) => {
                covered += inpost;
                sums[0] += a;
                sums[1] += b;
            }
            None if count => return None,
            None => {}
        }
    }
    if total <= 0.0 || covered < 0.95 * total {
        return None;
    }
    let [a, b, ..] = sums;
    let value = match indicator {
        Indicator::InpostFte => a,
        Indicator::StartersFte
        | Indicator::LeaversFte
        | Indicator::AgencyFte
        | Indicator::VacancyFte => b,
        Indicator::TurnoverRateFte => b / a,
        Indicator::AgencyRateFte | Indicator::VacancyRateFte => b / (a + b),
        Indicator::CaseloadFte => b / a,
        _ => return None,
    };
    value.is_finite().then_some(value)
}

/// Backtests from `origin` over `horizon` years (as far as actual figures exist), scoring every
/// group. Groups name their members by index into the baseline estimated at `origin`, so build
/// them from the same history and origin.
impl Backtest {
    /// The scores as a Markdown table (the one docs/model.md shows).
    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "| level | indicator | place-years | MAPE | naive MAPE | within P5-P95 |\n|---|---|---|---|---|---|\n",
        );
        for r in &self.rows {
            out.push_str(&format!(
                "| {} | {} | {} | {:.1}% | {:.1}% | {:.0}% |\n",
                r.level,
                r.indicator.name(),
                r.pairs,
                r.mape,
                r.naive_mape,
                r.coverage * 100.0
            ));
        }
        out
    }
}

pub fn backtest(
    history: &History,
    origin: Year,
    horizon: u16,
    spec: RunSpec,
    groups: &[Group],
) -> Result<Backtest, SpecError> {
    let baseline = estimate(history, origin);
    let projection = project(
        &baseline,
        &[],
        RunSpec {
            years: horizon,
            ..spec
        },
        groups,
    )?;
    let mut comparisons = Vec::new();
    for (group, result) in groups.iter().zip(&projection.groups) {
        let members: Vec<&str> = group
            .members
            .iter()
            .map(|&i| baseline.authorities[i].code.as_str())
            .collect();
        for (y, year) in projection.years.iter().enumerate() {
            for indicator in SCORED {
                let k = Indicator::ALL
                    .iter()
                    .position(|i| *i == indicator)
                    .unwrap_or(0);
                let (Some(actual), Some(naive)) = (
                    actual(history, &members, *year, indicator),
                    actual(history, &members, origin, indicator),
                ) else {
                    continue;
                };
                comparisons.push(Comparison {
                    code: group.code.clone(),
                    name: group.name.clone(),
                    level: group.level.clone(),
                    year: *year,
                    indicator,
                    actual,
                    naive,
                    projected: result.series[0].values[y][k],
                });
            }
        }
    }
    let mut levels: Vec<String> = groups.iter().map(|g| g.level.clone()).collect();
    levels.dedup();
    let mut rows = Vec::new();
    for level in levels {
        for indicator in SCORED {
            let set: Vec<&Comparison> = comparisons
                .iter()
                .filter(|c| c.level == level && c.indicator == indicator && c.actual != 0.0)
                .collect();
            if set.is_empty() {
                continue;
            }
            let n = set.len() as f64;
            let ape = |f: f64, a: f64| ((f - a) / a).abs() * 100.0;
            rows.push(BacktestRow {
                level: level.clone(),
                indicator,
                pairs: set.len(),
                mape: set
                    .iter()
                    .map(|c| ape(c.projected.p50, c.actual))
                    .sum::<f64>()
                    / n,
                naive_mape: set.iter().map(|c| ape(c.naive, c.actual)).sum::<f64>() / n,
                coverage: set
                    .iter()
                    .filter(|c| c.actual >= c.projected.p5 && c.actual <= c.projected.p95)
                    .count() as f64
                    / n,
            });
        }
    }
    Ok(Backtest {
        origin,
        horizon: projection.years.len() as u16,
        runs: spec.runs,
        rows,
        comparisons,
    })
}
