//! Rolling-origin evaluation, as the forecasting literature does it (the M4 and M5
//! competitions): the model is fitted on the history up to every origin the history allows,
//! projected to every horizon that has actual figures, and scored beside two simple benchmarks
//! on the same places, years and horizons:
//!
//! - **naive**: the figure at the origin, carried forward;
//! - **drift**: the place's own straight line from its first year to the origin, carried on.
//!
//! Scores, per level (England, region, authority), indicator and horizon:
//! - MAPE and MdAPE: the mean and median absolute percentage error of the median;
//! - MASE: the mean absolute error scaled by the place's in-sample one-year naive error up to
//!   the origin (below 1 beats last year's figure on its own history);
//! - coverage: the share of actual figures inside the P5 to P95 band;
//! - interval score of the P5 to P95 band (Gneiting and Raftery, 2007): its width plus 20 times
//!   any distance by which the actual figure falls outside it, as a percentage of the actual.

use crate::backtest::actual_of;
use crate::estimate::{History, estimate};
use crate::indicator::Indicator;
use crate::model::Baseline;
use crate::simulate::{Group, RunSpec, SpecError, project};
use serde::Serialize;
use swforce_domain::Year;

/// The indicators scored: the stocks and flows a plan rests on.
pub const ROLLING: [Indicator; 6] = [
    Indicator::InpostFte,
    Indicator::StartersFte,
    Indicator::LeaversFte,
    Indicator::AgencyFte,
    Indicator::VacancyFte,
    Indicator::CaseloadFte,
];

/// One projected figure beside what followed and the two benchmarks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    pub level: String,
    pub code: String,
    pub indicator: Indicator,
    pub origin: Year,
    pub horizon: u16,
    pub actual: f64,
    pub median: f64,
    pub p5: f64,
    pub p95: f64,
    pub naive: f64,
    pub drift: f64,
    /// The place's mean absolute one-year change up to the origin, if it changed at all.
    pub scale: Option<f64>,
}

/// Scores of one set of pairs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub level: String,
    pub indicator: Indicator,
    /// `None` for every horizon together.
    pub horizon: Option<u16>,
    pub pairs: usize,
    pub mape: f64,
    pub mdape: f64,
    pub naive_mape: f64,
    pub naive_mdape: f64,
    pub drift_mape: f64,
    pub drift_mdape: f64,
    /// Over the pairs with a scale.
    pub mase: Option<f64>,
    pub naive_mase: Option<f64>,
    pub drift_mase: Option<f64>,
    /// Share of actual figures inside the P5 to P95 band, 0 to 1.
    pub coverage: f64,
    /// Mean interval score of the band, as a percentage of the actual figure.
    pub interval_score: f64,
}

/// The whole evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rolling {
    pub origins: Vec<Year>,
    pub runs: u32,
    pub seed: u64,
    pub scores: Vec<Scores>,
    /// Indicators with no actual figures to score (starters, before releases published them).
    pub unscored: Vec<Indicator>,
    #[serde(skip)]
    pub pairs: Vec<Pair>,
}

/// Evaluates from every origin after the first year of `history` up to the year before its
/// last, scoring every horizon to the last year. `groups` gives the places scored for each
/// origin's baseline.
pub fn rolling(
    history: &History,
    runs: u32,
    seed: u64,
    groups: impl Fn(&Baseline) -> Vec<Group>,
) -> Result<Rolling, SpecError> {
    let years: std::collections::BTreeSet<Year> = history
        .authorities
        .iter()
        .flat_map(|a| a.years.keys().copied())
        .collect();
    let (Some(first), Some(last)) = (years.first().copied(), years.last().copied()) else {
        return Ok(Rolling {
            origins: Vec::new(),
            runs,
            seed,
            scores: Vec::new(),
            unscored: ROLLING.to_vec(),
            pairs: Vec::new(),
        });
    };
    let origins: Vec<Year> = years
        .iter()
        .copied()
        .filter(|y| *y > first && *y < last)
        .collect();
    let mut pairs = Vec::new();
    for origin in &origins {
        let baseline = estimate(history, *origin);
        let groups = groups(&baseline);
        let horizon = last.get() - origin.get();
        let projection = project(
            &baseline,
            &[],
            RunSpec {
                years: horizon,
                runs,
                seed,
                volatility: 1.0,
            },
            &groups,
        )?;
        for (group, result) in groups.iter().zip(&projection.groups) {
            let members: Vec<&str> = group
                .members
                .iter()
                .map(|&i| baseline.authorities[i].code.as_str())
                .collect();
            for indicator in ROLLING {
                let k = Indicator::ALL
                    .iter()
                    .position(|i| *i == indicator)
                    .unwrap_or(0);
                let at = |y: Year| actual_of(history, &members, y, indicator);
                let Some(at_origin) = at(*origin) else {
                    continue;
                };
                // The place's history to the origin: its first year with a figure, and its
                // one-year changes.
                let past: Vec<(Year, f64)> = years
                    .iter()
                    .copied()
                    .filter(|y| y <= origin)
                    .filter_map(|y| at(y).map(|v| (y, v)))
                    .collect();
                let drift_per_year = past
                    .first()
                    .filter(|(y, _)| y < origin)
                    .map(|(y, v)| (at_origin - v) / f64::from(origin.get() - y.get()));
                let changes: Vec<f64> = past
                    .windows(2)
                    .filter(|w| w[1].0.get() == w[0].0.get() + 1)
                    .map(|w| (w[1].1 - w[0].1).abs())
                    .collect();
                let scale = (!changes.is_empty())
                    .then(|| changes.iter().sum::<f64>() / changes.len() as f64)
                    .filter(|s| *s > 0.0);
                for (y, year) in projection.years.iter().enumerate() {
                    let Some(actual) = at(*year) else { continue };
                    let h = year.get() - origin.get();
                    let s = result.series[0].values[y][k];
                    pairs.push(Pair {
                        level: group.level.clone(),
                        code: group.code.clone(),
                        indicator,
                        origin: *origin,
                        horizon: h,
                        actual,
                        median: s.p50,
                        p5: s.p5,
                        p95: s.p95,
                        naive: at_origin,
                        drift: at_origin + drift_per_year.unwrap_or(0.0) * f64::from(h),
                        scale,
                    });
                }
            }
        }
    }
    let mut levels: Vec<String> = Vec::new();
    for p in &pairs {
        if !levels.contains(&p.level) {
            levels.push(p.level.clone());
        }
    }
    let max_h = pairs.iter().map(|p| p.horizon).max().unwrap_or(0);
    let mut scores = Vec::new();
    for level in &levels {
        for indicator in ROLLING {
            for horizon in std::iter::once(None).chain((1..=max_h).map(Some)) {
                let set: Vec<&Pair> = pairs
                    .iter()
                    .filter(|p| {
                        p.level == *level
                            && p.indicator == indicator
                            && horizon.is_none_or(|h| p.horizon == h)
                    })
                    .collect();
                if let Some(s) = score(level, indicator, horizon, &set) {
                    scores.push(s);
                }
            }
        }
    }
    let unscored = ROLLING
        .into_iter()
        .filter(|i| !pairs.iter().any(|p| p.indicator == *i))
        .collect();
    Ok(Rolling {
        origins,
        runs,
        seed,
        scores,
        unscored,
        pairs,
    })
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    crate::quantile::quantile_sorted(&v, 0.5)
}

/// The interval score of a P5 to P95 band (alpha 0.1) for one actual figure.
pub fn interval_score(p5: f64, p95: f64, actual: f64) -> f64 {
    let alpha = 0.1;
    (p95 - p5) + (2.0 / alpha) * (p5 - actual).max(0.0) + (2.0 / alpha) * (actual - p95).max(0.0)
}

fn score(level: &str, indicator: Indicator, horizon: Option<u16>, set: &[&Pair]) -> Option<Scores> {
    let set: Vec<&&Pair> = set.iter().filter(|p| p.actual != 0.0).collect();
    if set.is_empty() {
        return None;
    }
    let ape = |f: f64, a: f64| ((f - a) / a).abs() * 100.0;
    let scaled: Vec<&&&Pair> = set.iter().filter(|p| p.scale.is_some()).collect();
    let mase = |pick: fn(&Pair) -> f64| {
        mean(
            scaled
                .iter()
                .map(|p| (pick(p) - p.actual).abs() / p.scale.unwrap_or(f64::NAN)),
        )
    };
    Some(Scores {
        level: level.to_string(),
        indicator,
        horizon,
        pairs: set.len(),
        mape: mean(set.iter().map(|p| ape(p.median, p.actual))).unwrap_or(f64::NAN),
        mdape: median(set.iter().map(|p| ape(p.median, p.actual))),
        naive_mape: mean(set.iter().map(|p| ape(p.naive, p.actual))).unwrap_or(f64::NAN),
        naive_mdape: median(set.iter().map(|p| ape(p.naive, p.actual))),
        drift_mape: mean(set.iter().map(|p| ape(p.drift, p.actual))).unwrap_or(f64::NAN),
        drift_mdape: median(set.iter().map(|p| ape(p.drift, p.actual))),
        mase: mase(|p| p.median),
        naive_mase: mase(|p| p.naive),
        drift_mase: mase(|p| p.drift),
        coverage: set
            .iter()
            .filter(|p| p.actual >= p.p5 && p.actual <= p.p95)
            .count() as f64
            / set.len() as f64,
        interval_score: mean(
            set.iter()
                .map(|p| interval_score(p.p5, p.p95, p.actual) / p.actual.abs() * 100.0),
        )
        .unwrap_or(f64::NAN),
    })
}

impl Rolling {
    /// The scores of every horizon together, level by level, as a Markdown table (the one
    /// docs/model.md shows).
    pub fn markdown(&self) -> String {
        let pct = |v: f64| format!("{v:.1}%");
        let opt = |v: Option<f64>| v.map_or_else(|| "\u{2013}".to_string(), |v| format!("{v:.2}"));
        let mut out = String::from(
            "| level | indicator | pairs | MdAPE | naive | drift | MASE | naive | drift | P5-P95 coverage | interval score |\n|---|---|---|---|---|---|---|---|---|---|---|\n",
        );
        for s in self.scores.iter().filter(|s| s.horizon.is_none()) {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0}% | {} |\n",
                s.level,
                s.indicator.name(),
                s.pairs,
                pct(s.mdape),
                pct(s.naive_mdape),
                pct(s.drift_mdape),
                opt(s.mase),
                opt(s.naive_mase),
                opt(s.drift_mase),
                s.coverage * 100.0,
                pct(s.interval_score),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_score_is_the_width_plus_twenty_times_a_miss() {
        assert_eq!(interval_score(90.0, 110.0, 100.0), 20.0);
        assert_eq!(interval_score(90.0, 110.0, 115.0), 20.0 + 20.0 * 5.0);
        assert_eq!(interval_score(90.0, 110.0, 88.0), 20.0 + 20.0 * 2.0);
    }

    #[test]
    fn scores_follow_their_definitions_on_a_hand_made_set() {
        let pair = |actual: f64, median: f64, naive: f64, drift: f64| Pair {
            level: "authority".into(),
            code: "E1".into(),
            indicator: Indicator::InpostFte,
            origin: Year::try_from(2019).unwrap(),
            horizon: 1,
            actual,
            median,
            p5: median - 5.0,
            p95: median + 5.0,
            naive,
            drift,
            scale: Some(4.0),
        };
        let a = pair(100.0, 102.0, 90.0, 110.0);
        let b = pair(200.0, 190.0, 200.0, 196.0);
        let s = score("authority", Indicator::InpostFte, None, &[&a, &b]).unwrap();
        assert!((s.mape - (2.0 + 5.0) / 2.0).abs() < 1e-12);
        assert!((s.naive_mape - (10.0 + 0.0) / 2.0).abs() < 1e-12);
        assert!((s.drift_mape - (10.0 + 2.0) / 2.0).abs() < 1e-12);
        assert!((s.mase.unwrap() - (2.0 / 4.0 + 10.0 / 4.0) / 2.0).abs() < 1e-12);
        // 100 is inside 97..107; 200 is outside 185..195 by 5.
        assert_eq!(s.coverage, 0.5);
        let is = (10.0 / 100.0 * 100.0 + (10.0 + 20.0 * 5.0) / 200.0 * 100.0) / 2.0;
        assert!((s.interval_score - is).abs() < 1e-9);
    }
}
