//! The statistical forecast of each authority's stocks: the baseline a projection starts from.
//!
//! Tried on data it had not seen (the rolling-origin evaluation), the stock-flow model on its
//! own forecast an authority's social workers in post worse than "same as last year": the flows
//! of one year (its leavers and its hiring) are noisy, and a model that carries them forward
//! moves every authority away from where it stands. So the baseline's stocks follow a plain
//! statistical forecast, chosen and checked on that evaluation, and the stock-flow model
//! supplies what the statistics cannot: the effect of a lever, added run by run.
//!
//! Each stock (in post, vacancies, agency workers, the caseload) is forecast on the log scale
//! of one plus the figure, `x`, as:
//!
//! - a level: the authority's own mean of `x` over the years to the origin;
//! - the distance of the origin's `x` from that level, shrinking by `rho` a year (`rho` is
//!   estimated from every authority's one-year-ahead changes before the origin, so a stock that
//!   does not return toward its level keeps `rho` at 1 and the forecast starts as "same as last
//!   year");
//! - half of England's own trend in the stock to the origin, per year (a damped trend: the
//!   national direction of travel, taken at half strength because a trend does not run on
//!   undiminished);
//! - shocks: one of the authority's own each year, and one shared by every authority (the
//!   national labour market moves them together), both sized by the one-year-ahead errors of
//!   this same forecast before the origin.

use crate::estimate::{AuthorityHistory, YearFigures};
use crate::model::{Param, Path, Stock, Stocks};
use std::collections::BTreeMap;
use swforce_domain::Year;

/// The figure of one stock in one year's published figures.
fn figure(stock: Stock, f: &YearFigures) -> Option<f64> {
    match stock {
        Stock::Inpost => f.inpost,
        Stock::Vacancies => f.vacancies,
        Stock::Agency => f.agency,
        Stock::Caseload => match (f.cases, f.case_holders) {
            (Some(c), Some(h)) if h > 0.0 => Some(c / h),
            _ => None,
        },
    }
}

/// Whether a stock is forecast on the log scale (in post and the caseload, which grow and
/// shrink in proportion) or as a share of the authority's establishment (vacancies and agency
/// workers, often a handful, whose changes are counts of posts rather than proportions).
pub fn on_log_scale(stock: Stock) -> bool {
    matches!(stock, Stock::Inpost | Stock::Caseload)
}

/// `ln(1 + x)`: the scale in post and the caseload are forecast on.
pub fn to_log(x: f64) -> f64 {
    x.max(0.0).ln_1p()
}

/// The figure back from the log scale, never below zero.
pub fn from_log(x: f64) -> f64 {
    x.exp_m1().max(0.0)
}

/// An authority's establishment (in post plus vacancies), the mean of its years to the origin:
/// the unit vacancies and agency workers are counted in.
fn establishment(a: &AuthorityHistory, origin: Year) -> f64 {
    let posts: Vec<f64> = a
        .years
        .range(..=origin)
        .filter_map(|(_, f)| Some(f.inpost? + f.vacancies?))
        .collect();
    mean(posts.into_iter()).max(1.0)
}

/// The unit a stock of this authority is forecast in: 1 on the log scale, else its
/// establishment.
fn unit(a: &AuthorityHistory, stock: Stock, origin: Year) -> f64 {
    if on_log_scale(stock) {
        1.0
    } else {
        establishment(a, origin)
    }
}

fn scaled(stock: Stock, value: f64, unit: f64) -> f64 {
    if on_log_scale(stock) {
        to_log(value)
    } else {
        value / unit
    }
}

/// One authority's series of a stock to the origin, on its scale, in year order.
fn series(a: &AuthorityHistory, stock: Stock, origin: Year) -> Vec<(Year, f64)> {
    let u = unit(a, stock, origin);
    a.years
        .range(..=origin)
        .filter_map(|(y, f)| figure(stock, f).map(|v| (*y, scaled(stock, v, u))))
        .collect()
}

/// What the forecast of one stock shares across authorities.
#[derive(Debug, Clone, PartialEq)]
struct Shared {
    rho: f64,
    drift: f64,
    /// Variance of the authority's own one-year error, pooled.
    idio_var: f64,
    /// Standard deviation of the shock shared by a region's authorities.
    regional_sd: f64,
    /// Standard deviation of the shock shared by every authority.
    national_sd: f64,
    /// The mean error of each year and region: the shared part of an authority's error.
    shared_error: BTreeMap<(Year, String), f64>,
}

/// England's trend in a stock to the origin: the yearly change of the log of the total over
/// the authorities with a figure in every year (so an authority joining the figures is not
/// counted as growth). The caseload's total is its cases over its case holders.
fn england_trend(histories: &[&AuthorityHistory], stock: Stock, origin: Year) -> f64 {
    let years: Vec<Year> = {
        let mut all: Vec<Year> = histories
            .iter()
            .flat_map(|a| a.years.range(..=origin).map(|(y, _)| *y))
            .collect();
        all.sort();
        all.dedup();
        all
    };
    let (Some(first), Some(last)) = (years.first().copied(), years.last().copied()) else {
        return 0.0;
    };
    if first >= last {
        return 0.0;
    }
    let complete: Vec<&&AuthorityHistory> = histories
        .iter()
        .filter(|a| {
            years.iter().all(|y| {
                a.years.get(y).is_some_and(|f| match stock {
                    Stock::Caseload => f.cases.is_some() && f.case_holders.is_some(),
                    _ => figure(stock, f).is_some(),
                })
            })
        })
        .collect();
    let total = |y: Year| -> Option<f64> {
        let (mut a, mut b) = (0.0, 0.0);
        for h in &complete {
            let f = h.years.get(&y)?;
            match stock {
                Stock::Caseload => {
                    a += f.cases?;
                    b += f.case_holders?;
                }
                _ => a += figure(stock, f)?,
            }
        }
        match stock {
            Stock::Caseload if b > 0.0 => Some(a / b),
            Stock::Caseload => None,
            _ => Some(a),
        }
    };
    match (total(first), total(last)) {
        (Some(a), Some(b)) if a > 0.0 && b > 0.0 => {
            (b.ln() - a.ln()) / f64::from(last.get() - first.get())
        }
        _ => 0.0,
    }
}

/// The mean of the values.
fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// One-year-ahead pairs before the origin: the distance from the expanding mean in a year and
/// the year after, and the year after.
fn steps(s: &[(Year, f64)]) -> impl Iterator<Item = (f64, f64, Year)> + '_ {
    (1..s.len().saturating_sub(1)).filter_map(move |k| {
        if s[k + 1].0.get() != s[k].0.get() + 1 {
            return None;
        }
        let m = mean(s[..=k].iter().map(|p| p.1));
        Some((s[k].1 - m, s[k + 1].1 - m, s[k + 1].0))
    })
}

fn shared(histories: &[&AuthorityHistory], stock: Stock, origin: Year) -> Shared {
    let drift = 0.5 * england_trend(histories, stock, origin);
    let all: Vec<Vec<(Year, f64)>> = histories.iter().map(|a| series(a, stock, origin)).collect();
    let (mut num, mut den) = (0.0, 0.0);
    for s in &all {
        for (now, next, _) in steps(s) {
            num += now * next;
            den += now * now;
        }
    }
    let rho = if den > 0.0 {
        (num / den).clamp(0.0, 1.0)
    } else {
        1.0
    };
    // The forecast's own one-year errors before the origin, by the year they fall in and the
    // region of the authority.
    let mut by_year: BTreeMap<Year, BTreeMap<&str, Vec<f64>>> = BTreeMap::new();
    for (a, s) in histories.iter().zip(&all) {
        for (k, w) in s.windows(2).enumerate() {
            if w[1].0.get() != w[0].0.get() + 1 {
                continue;
            }
            let m = mean(s[..=k].iter().map(|p| p.1));
            let forecast = one_step(stock, m, rho, w[0].1, drift);
            by_year
                .entry(w[1].0)
                .or_default()
                .entry(a.region_code.as_str())
                .or_default()
                .push(w[1].1 - forecast);
        }
    }
    // The shared shock of a year is the mean error of that year; a region's is its mean error
    // beyond England's, less what its authorities' own errors alone would give it; the rest is
    // each authority's own.
    let (mut national, mut regional, mut own) = (Vec::new(), Vec::new(), Vec::new());
    let mut shared_error = BTreeMap::new();
    for (year, regions) in &by_year {
        let year_mean = mean(regions.values().flatten().copied());
        national.push(year_mean * year_mean);
        for (region, errors) in regions {
            let m = mean(errors.iter().copied());
            shared_error.insert((*year, (*region).to_string()), m);
            let within: Vec<f64> = errors.iter().map(|v| (v - m).powi(2)).collect();
            let n = errors.len() as f64;
            let within_var = if errors.len() > 1 {
                within.iter().sum::<f64>() / (n - 1.0)
            } else {
                0.0
            };
            regional.push((m - year_mean).powi(2) - within_var / n);
            own.extend(within);
        }
    }
    Shared {
        rho,
        drift,
        idio_var: if own.is_empty() {
            DEFAULT_SD * DEFAULT_SD
        } else {
            mean(own.into_iter())
        },
        regional_sd: mean(regional.into_iter()).max(0.0).sqrt(),
        national_sd: mean(national.into_iter()).sqrt(),
        shared_error,
    }
}

/// The forecast a year ahead on a stock's scale: the level and the shrunk distance from it,
/// moved by the drift (added on the log scale, a proportion otherwise).
fn one_step(stock: Stock, level: f64, rho: f64, now: f64, drift: f64) -> f64 {
    let x = level + rho * (now - level);
    if on_log_scale(stock) {
        x + drift
    } else {
        x * drift.exp()
    }
}

/// A year-to-year error assumed where the history has no pair of consecutive years.
const DEFAULT_SD: f64 = 0.1;

/// Years of the pooled error an authority's own errors are weighed against: with few years of
/// its own, an authority's shocks are mostly the pooled size; with many, mostly its own.
const PRIOR_YEARS: f64 = 4.0;

/// Every kept authority's forecast of each stock, starting from its stocks at the origin (and
/// caseload), and the shocks shared.
pub fn fit(kept: &[(&AuthorityHistory, Stocks, f64)], origin: Year) -> Fitted {
    let histories: Vec<&AuthorityHistory> = kept.iter().map(|k| k.0).collect();
    let shares: Vec<Shared> = Stock::ALL
        .iter()
        .map(|s| shared(&histories, *s, origin))
        .collect();
    let paths = kept
        .iter()
        .map(|(a, start, caseload)| {
            std::array::from_fn(|k| {
                let stock = Stock::ALL[k];
                let sh = &shares[k];
                let s = series(a, stock, origin);
                let u = unit(a, stock, origin);
                let start = scaled(
                    stock,
                    match stock {
                        Stock::Inpost => start.inpost,
                        Stock::Vacancies => start.vacancies,
                        Stock::Agency => start.agency,
                        Stock::Caseload => *caseload,
                    },
                    u,
                );
                let own: Vec<f64> = s
                    .windows(2)
                    .enumerate()
                    .filter(|(_, w)| w[1].0.get() == w[0].0.get() + 1)
                    .map(|(k, w)| {
                        let m = mean(s[..=k].iter().map(|p| p.1));
                        let shared = sh
                            .shared_error
                            .get(&(w[1].0, a.region_code.clone()))
                            .copied()
                            .unwrap_or(0.0);
                        (w[1].1 - one_step(stock, m, sh.rho, w[0].1, sh.drift) - shared).powi(2)
                    })
                    .collect();
                let n = own.len() as f64;
                let var = (own.iter().sum::<f64>() + PRIOR_YEARS * sh.idio_var) / (n + PRIOR_YEARS);
                let level = if s.is_empty() {
                    start
                } else {
                    mean(s.iter().map(|p| p.1))
                };
                Path {
                    start,
                    level: Param {
                        mean: level,
                        // The level is a mean of the years: as uncertain as their shocks
                        // over their number.
                        sd: if sh.rho < 1.0 {
                            (var / s.len().max(1) as f64).sqrt()
                        } else {
                            0.0
                        },
                    },
                    rho: sh.rho,
                    drift: sh.drift,
                    sd: var.sqrt(),
                    unit: if on_log_scale(stock) { None } else { Some(u) },
                }
            })
        })
        .collect();
    Fitted {
        paths,
        regional_sd: std::array::from_fn(|k| shares[k].regional_sd),
        national_sd: std::array::from_fn(|k| shares[k].national_sd),
    }
}

/// Every kept authority's forecast of each stock, and the shocks their regions and England
/// share (standard deviations, in [`Stock::ALL`] order).
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub paths: Vec<[Path; STOCKS]>,
    pub regional_sd: [f64; STOCKS],
    pub national_sd: [f64; STOCKS],
}

const STOCKS: usize = Stock::ALL.len();

#[cfg(test)]
mod tests {
    use super::*;

    fn y(n: u16) -> Year {
        Year::try_from(n).unwrap()
    }

    fn history(code: &str, inpost: &[f64], vacancies: &[f64]) -> AuthorityHistory {
        let mut a = AuthorityHistory {
            code: code.into(),
            name: code.into(),
            region_code: "R".into(),
            ..Default::default()
        };
        for (k, (p, v)) in inpost.iter().zip(vacancies).enumerate() {
            a.years.insert(
                y(2017 + k as u16),
                YearFigures {
                    inpost: Some(*p),
                    vacancies: Some(*v),
                    agency: Some(10.0),
                    cases: Some(16.0 * 50.0),
                    case_holders: Some(50.0),
                    ..Default::default()
                },
            );
        }
        a
    }

    #[test]
    fn a_stock_that_returns_to_its_level_is_forecast_to_return_and_one_that_wanders_is_not() {
        // Vacancies jump about a level of 20; in post grows 2% a year.
        let hs: Vec<AuthorityHistory> = (0..20)
            .map(|i| {
                let wobble = |k: usize| if (k + i) % 2 == 0 { 26.0 } else { 14.0 };
                history(
                    &format!("A{i}"),
                    &(0..6).map(|k| 100.0 * 1.02f64.powi(k)).collect::<Vec<_>>(),
                    &(0..6).map(wobble).collect::<Vec<_>>(),
                )
            })
            .collect();
        let refs: Vec<&AuthorityHistory> = hs.iter().collect();
        let vac = shared(&refs, Stock::Vacancies, y(2022));
        assert!(vac.rho < 0.1, "a see-saw does not persist: {vac:?}");
        let inpost = shared(&refs, Stock::Inpost, y(2022));
        assert_eq!(inpost.rho, 1.0, "growth is not a return to the mean");
        assert!(
            (inpost.drift - 0.5 * ((1.0 + 100.0 * 1.02f64.powi(5)).ln() - 101f64.ln()) / 5.0).abs()
                < 0.002,
            "half England's trend: {inpost:?}"
        );
        assert!(inpost.national_sd > 0.0, "the other half is a shared error");
    }

    #[test]
    fn figures_round_trip_the_log_scale_and_never_go_below_zero() {
        for v in [0.0, 0.5, 12.0, 31634.1] {
            assert!((from_log(to_log(v)) - v).abs() < 1e-9 * v.max(1.0));
        }
        assert_eq!(from_log(-3.0), 0.0);
    }
}
