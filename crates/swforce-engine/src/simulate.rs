//! The Monte Carlo: every authority simulated year by year, summed run by run into the groups
//! asked for (regions, England), so the uncertainty of a total is that of its parts together.

use crate::indicator::Indicator;
use crate::model::Baseline;
pub use crate::paths::DEFAULT_DIRECT_SHARE;
use crate::paths::{
    Own, Plan, SUMS, Shared, authority_draws, combine, indicator, per_authority, per_run, plan,
    shared_draws, statistical, stock_flow, trend,
};
use crate::quantile::Summary;
use crate::scenario::{MAX_YEARS, Scenario};
use rayon::iter::Either;
use rayon::prelude::*;
use serde::Serialize;
use swforce_domain::Year;

/// How to run: years ahead, number of runs, the seed, and how much randomness (1 as estimated,
/// 0 for the deterministic path).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RunSpec {
    pub years: u16,
    pub runs: u32,
    pub seed: u64,
    pub volatility: f64,
}

impl Default for RunSpec {
    fn default() -> Self {
        Self {
            years: 10,
            runs: 1000,
            seed: 1,
            volatility: 1.0,
        }
    }
}

/// Most runs one projection may take.
pub const MAX_RUNS: u32 = 100_000;

/// Memory the kept runs may take before a projection is refused, in bytes: the sums of every
/// group of several authorities, one authority's and the shared random numbers, per run.
pub const MAX_RESULT_BYTES: usize = 512 * 1024 * 1024;

/// Why a projection cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("years is {0}; a projection runs 1 to {MAX_YEARS} years ahead")]
    Years(u16),
    #[error("runs is {0}; choose 1 to {MAX_RUNS}")]
    Runs(u32),
    #[error(
        "{groups} places × {years} years × {runs} runs is too much to keep at once; choose fewer runs or fewer places"
    )]
    TooLarge {
        groups: usize,
        years: u16,
        runs: u32,
    },
    #[error("no authority has figures to start the projection from")]
    Empty,
}

/// A place to report: a name and the authorities (indices into the baseline) it adds up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub level: String,
    pub members: Vec<usize>,
}

/// One scenario's results for a group: per year, per indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioSeries {
    pub scenario: String,
    /// `values[year][indicator]`, indicators in [`Indicator::ALL`] order.
    pub values: Vec<Vec<Summary>>,
    /// For a scenario other than the baseline: scenario minus baseline, run by run.
    pub difference: Option<Vec<Vec<Summary>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupResult {
    pub code: String,
    pub name: String,
    pub level: String,
    /// The baseline first, then each scenario.
    pub series: Vec<ScenarioSeries>,
}

/// A projection's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Projection {
    pub origin: Year,
    pub years: Vec<Year>,
    pub spec: RunSpec,
    pub groups: Vec<GroupResult>,
}

/// Projects `baseline` under the empty scenario and under each of `scenarios`, reporting the
/// `groups` asked for. Every scenario shares each run's random draws with the baseline.
pub fn project(
    baseline: &Baseline,
    scenarios: &[Scenario],
    spec: RunSpec,
    groups: &[Group],
) -> Result<Projection, SpecError> {
    if spec.years == 0 || spec.years > MAX_YEARS {
        return Err(SpecError::Years(spec.years));
    }
    if spec.runs == 0 || spec.runs > MAX_RUNS {
        return Err(SpecError::Runs(spec.runs));
    }
    if baseline.authorities.is_empty() {
        return Err(SpecError::Empty);
    }
    let years: Vec<Year> = (1..=spec.years)
        .filter_map(|k| Year::try_from(baseline.origin.get() + k).ok())
        .collect();
    let ny = years.len();
    let scenario_count = scenarios.len() + 1;
    let direct_now = scenarios
        .iter()
        .find_map(|s| s.reform.as_ref().map(|r| r.direct_share_now))
        .unwrap_or(DEFAULT_DIRECT_SHARE);
    let baseline_scenario = Scenario {
        name: "baseline".into(),
        ..Scenario::default()
    };
    let plans: Vec<Plan> = std::iter::once(&baseline_scenario)
        .chain(scenarios)
        .map(|s| plan(s, baseline, &years, direct_now))
        .collect();
    let na = baseline.authorities.len();
    // Each authority's region, numbered in the order regions first appear.
    let mut region_codes: Vec<&str> = Vec::new();
    let region_of: Vec<usize> = baseline
        .authorities
        .iter()
        .map(|a| {
            region_codes
                .iter()
                .position(|r| *r == a.region_code)
                .unwrap_or_else(|| {
                    region_codes.push(&a.region_code);
                    region_codes.len() - 1
                })
        })
        .collect();
    let runs = spec.runs as usize;
    let shared_len = per_run(region_codes.len(), ny);
    let width = scenario_count * ny * SUMS;
    let totals: Vec<usize> = (0..groups.len())
        .filter(|g| groups[*g].members.len() != 1)
        .collect();
    // What is kept run by run: each larger group's sums (f32), one authority's (f64) and the
    // shared numbers.
    let bytes_per_run = totals.len() * width * 4 + width * 8 + shared_len * 4;
    if bytes_per_run.saturating_mul(runs) > MAX_RESULT_BYTES {
        return Err(SpecError::TooLarge {
            groups: groups.len(),
            years: spec.years,
            runs: spec.runs,
        });
    }

    // The numbers each run shares among authorities, drawn once.
    let shared = shared_draws(spec.seed, runs, (region_codes.len(), ny), spec.volatility);

    // Authority by authority, every run: a group of one is summarised from its authority's runs
    // at once; a larger group adds them up, run by run, and is summarised at the end. So memory
    // grows with the runs only for the groups of several authorities, never with the number of
    // authorities shown.
    let mut sums: Vec<Vec<f32>> = totals.iter().map(|_| vec![0f32; runs * width]).collect();
    let mut feeds: Vec<Vec<usize>> = vec![Vec::new(); na];
    let mut alone: Vec<Vec<usize>> = vec![Vec::new(); na];
    for (t, &g) in totals.iter().enumerate() {
        for &i in &groups[g].members {
            feeds[i].push(t);
        }
    }
    for (g, group) in groups.iter().enumerate() {
        if let [i] = group.members[..] {
            alone[i].push(g);
        }
    }
    let mut summaries: Vec<Vec<(Summary, Option<Summary>)>> = vec![Vec::new(); groups.len()];
    let mut own = vec![0.0f64; runs * width];
    let (base_len, model_len) = per_authority(ny);
    let size = ny * SUMS;
    for i in 0..na {
        if feeds[i].is_empty() && alone[i].is_empty() {
            continue;
        }
        let a = &baseline.authorities[i];
        let moved = trend(baseline, a, ny, spec.volatility);
        // An authority that adds into one larger group alone (England, say) adds each run as
        // soon as it is simulated, while its numbers are at hand; one that adds into several
        // does so group by group afterwards (faster than reaching into several at once).
        let (now, later) = match feeds[i][..] {
            [t] => (Some(t), &[][..]),
            _ => (None, &feeds[i][..]),
        };
        let into = match now {
            Some(t) => Either::Left(sums[t].par_chunks_mut(width).map(Some)),
            None => Either::Right((0..runs).into_par_iter().map(|_| None)),
        };
        own.par_chunks_mut(width)
            .zip(into)
            .enumerate()
            .for_each_init(
                || {
                    (
                        (vec![0.0; base_len], vec![0.0; model_len]),
                        [vec![0.0; size], vec![0.0; size], vec![0.0; size]],
                    )
                },
                |((base, model_draws), [statistical_sums, model, scenario]),
                 (run, (out, total))| {
                    authority_draws(
                        spec.seed,
                        (run, i),
                        spec.volatility,
                        base,
                        (plans.len() > 1).then_some(model_draws.as_mut_slice()),
                    );
                    let shared = Shared::of(&shared, (run, runs), region_of[i], ny);
                    let own = Own {
                        base,
                        model: model_draws,
                    };
                    let draws = (own, shared);
                    statistical(baseline, (a, &moved), &plans[0], draws, &mut out[..size]);
                    if plans.len() > 1 {
                        statistical_sums.copy_from_slice(&out[..size]);
                        stock_flow(baseline, i, &plans[0], draws, ny, model);
                    }
                    for (s, p) in plans.iter().enumerate().skip(1) {
                        stock_flow(baseline, i, p, draws, ny, scenario);
                        combine(
                            (statistical_sums, a.start.inpost),
                            model,
                            scenario,
                            p,
                            &mut out[s * size..(s + 1) * size],
                        );
                    }
                    if let Some(total) = total {
                        add(total, out);
                    }
                },
            );
        for &t in later {
            sums[t]
                .par_chunks_mut(width)
                .zip(own.par_chunks(width))
                .for_each(|(total, part)| add(total, part));
        }
        if let Some((&first, more)) = alone[i].split_first() {
            summaries[first] = summarise(runs, (scenario_count, ny), |r, at| own[r * width + at]);
            for &g in more {
                summaries[g] = summaries[first].clone();
            }
        }
    }
    for (t, &g) in totals.iter().enumerate() {
        let total = &sums[t];
        summaries[g] = summarise(runs, (scenario_count, ny), |r, at| {
            f64::from(total[r * width + at])
        });
    }
    let ni = Indicator::ALL.len();
    let summarise = |s: usize, g: usize, y: usize, k: usize, minus_baseline: bool| {
        let (level, difference) = summaries[g][(s * ny + y) * ni + k];
        if minus_baseline {
            difference.unwrap_or(level)
        } else {
            level
        }
    };
    let names: Vec<String> = std::iter::once("baseline".to_string())
        .chain(scenarios.iter().enumerate().map(|(i, s)| {
            if s.name.is_empty() {
                format!("scenario {}", i + 1)
            } else {
                s.name.clone()
            }
        }))
        .collect();
    let results = groups
        .iter()
        .enumerate()
        .map(|(g, group)| GroupResult {
            code: group.code.clone(),
            name: group.name.clone(),
            level: group.level.clone(),
            series: (0..scenario_count)
                .map(|s| ScenarioSeries {
                    scenario: names[s].clone(),
                    values: (0..ny)
                        .map(|y| (0..ni).map(|k| summarise(s, g, y, k, false)).collect())
                        .collect(),
                    difference: (s > 0).then(|| {
                        (0..ny)
                            .map(|y| (0..ni).map(|k| summarise(s, g, y, k, true)).collect())
                            .collect()
                    }),
                })
                .collect(),
        })
        .collect();
    Ok(Projection {
        origin: baseline.origin,
        years,
        spec,
        groups: results,
    })
}

/// Adds one authority's sums in a run into a larger group's.
fn add(total: &mut [f32], part: &[f64]) {
    for (t, p) in total.iter_mut().zip(part) {
        *t += *p as f32;
    }
}

/// Every (scenario, year, indicator) cell of a group, summarised over the runs: `sum(run, at)`
/// is the group's sum `at` (scenario, year, sum) in a run. A scenario's cells also get the
/// summary of its difference from the baseline, run by run. Each (scenario, year) is one task,
/// in parallel: a run's sums are read once for all its indicators.
fn summarise(
    runs: usize,
    (scenarios, years): (usize, usize),
    sum: impl Fn(usize, usize) -> f64 + Sync,
) -> Vec<(Summary, Option<Summary>)> {
    let ni = Indicator::ALL.len();
    let sums_of =
        |r: usize, sy: usize| -> [f64; SUMS] { std::array::from_fn(|j| sum(r, sy * SUMS + j)) };
    let cells: Vec<Vec<(Summary, Option<Summary>)>> = (0..scenarios * years)
        .into_par_iter()
        .map_init(
            // Indicator by indicator, every run's value (`[indicator][run]`): the level, and
            // the difference from the baseline.
            || (vec![0.0f64; ni * runs], vec![0.0f64; ni * runs]),
            |(level, difference), sy| {
                let scenario = sy >= years;
                for r in 0..runs {
                    let sums = sums_of(r, sy);
                    let base = scenario.then(|| sums_of(r, sy % years));
                    for k in 0..ni {
                        let value = indicator(k, &sums);
                        level[k * runs + r] = value;
                        if let Some(base) = &base {
                            difference[k * runs + r] = value - indicator(k, base);
                        }
                    }
                }
                level
                    .chunks_exact_mut(runs)
                    .zip(difference.chunks_exact_mut(runs))
                    .map(|(level, difference)| {
                        (
                            Summary::of(level),
                            scenario.then(|| Summary::of(difference)),
                        )
                    })
                    .collect()
            },
        )
        .collect();
    cells.into_iter().flatten().collect()
}

impl Projection {
    /// One summary: group `code`, scenario index (0 is the baseline), year, indicator.
    pub fn get(
        &self,
        code: &str,
        scenario: usize,
        year: Year,
        indicator: Indicator,
    ) -> Option<Summary> {
        let g = self.groups.iter().find(|g| g.code == code)?;
        let y = self.years.iter().position(|v| *v == year)?;
        let k = Indicator::ALL.iter().position(|i| *i == indicator)?;
        g.series.get(scenario).map(|s| s.values[y][k])
    }
}
