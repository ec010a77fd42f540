//! The Monte Carlo: every authority simulated year by year, summed run by run into the groups
//! asked for (regions, England), so the uncertainty of a total is that of its parts together.

use crate::indicator::Indicator;
use crate::model::Baseline;
pub use crate::paths::DEFAULT_DIRECT_SHARE;
use crate::paths::{
    LANES, Own, Plan, STOCKS, SUMS, Shared, authority_draws, combine, indicator, per_authority,
    per_run, plan, shared_draws, statistical, stock_flow, trend,
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
        "{} × {years} years × {runs} runs is more than a projection keeps at once ({} MB); at most {most} runs fit these places and years",
        if *groups == 1 { "1 place".to_string() } else { format!("{groups} places") },
        MAX_RESULT_BYTES / (1024 * 1024)
    )]
    TooLarge {
        groups: usize,
        years: u16,
        runs: u32,
        /// The most runs these places and years may take.
        most: u32,
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
            most: u32::try_from(MAX_RESULT_BYTES / bytes_per_run).unwrap_or(MAX_RUNS),
        });
    }

    // The numbers each run shares among authorities, drawn once.
    let shared = shared_draws(spec.seed, runs, (region_codes.len(), ny), spec.volatility);

    // Each larger group's sums, run by run.
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
    let trends: Vec<Vec<[f64; STOCKS]>> = baseline
        .authorities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if feeds[i].is_empty() && alone[i].is_empty() {
                Vec::new()
            } else {
                trend(baseline, a, ny, spec.volatility)
            }
        })
        .collect();
    let job = |i: usize| Job {
        baseline,
        i,
        moved: &trends[i],
        plans: &plans,
        spec: &spec,
        shared: &shared,
        region: (region_codes.len(), region_of[i]),
        width,
    };
    let mut summaries: Vec<Vec<(Summary, Option<Summary>)>> = vec![Vec::new(); groups.len()];

    // An authority shown on its own: authority by authority, every run, summarised at once, and
    // added into the larger groups it is in. So memory grows with the runs only for the groups
    // of several authorities, never with the number of authorities shown.
    let shown: Vec<usize> = (0..na).filter(|&i| !alone[i].is_empty()).collect();
    // The larger groups add their members in the same order however they are reached (so their
    // figures do not depend on which of their members are also shown): here when every member
    // is shown, otherwise all in the second pass, a shown one simulated again there.
    let feeding = (0..na).filter(|&i| !feeds[i].is_empty());
    let all_shown = feeding.clone().all(|i| !alone[i].is_empty());
    let mut own = vec![0.0f64; if shown.is_empty() { 0 } else { runs * width }];
    for &i in &shown {
        // Runs go in chunks of [`LANES`], stepped side by side; the last chunk may be shorter.
        let chunk = width * LANES;
        // One that adds into one larger group alone (England, say) adds each run as soon as it
        // is simulated, while its numbers are at hand; one that adds into several does so group
        // by group afterwards (faster than reaching into several at once).
        let (now, later) = match feeds[i][..] {
            _ if !all_shown => (None, &[][..]),
            [t] => (Some(t), &[][..]),
            _ => (None, &feeds[i][..]),
        };
        let into = match now {
            Some(t) => Either::Left(sums[t].par_chunks_mut(chunk).map(Some)),
            None => Either::Right((0..runs.div_ceil(LANES)).into_par_iter().map(|_| None)),
        };
        let job = job(i);
        own.par_chunks_mut(chunk)
            .zip(into)
            .enumerate()
            .for_each_init(
                || (Scratch::new(ny), Scratch::new(ny)),
                |(lanes, one), (c, (out, total))| {
                    job.chunk((lanes, one), c * LANES, out);
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
        let (first, more) = alone[i].split_first().expect("shown on its own");
        summaries[*first] = summarise(runs, (scenario_count, ny), |r, at| own[r * width + at]);
        for &g in more {
            summaries[g] = summaries[*first].clone();
        }
    }

    // The second pass: a tile of runs at a time, every member of a larger group added in, so
    // that a tile's sums and shared numbers stay at hand.
    let pooled: Vec<usize> = if all_shown {
        Vec::new()
    } else {
        feeding.collect()
    };
    if !pooled.is_empty() {
        let jobs: Vec<Job> = pooled.iter().map(|&i| job(i)).collect();
        // Each tile's part of every larger group's sums.
        let mut tiles: Vec<Vec<&mut [f32]>> =
            (0..runs.div_ceil(TILE)).map(|_| Vec::new()).collect();
        for total in &mut sums {
            for (tile, part) in tiles.iter_mut().zip(total.chunks_mut(TILE * width)) {
                tile.push(part);
            }
        }
        tiles.into_par_iter().enumerate().for_each_init(
            || (Scratch::new(ny), Scratch::new(ny), vec![0.0; LANES * width]),
            |(lanes, one, out), (tile, mut totals)| {
                let tile_runs = totals[0].len() / width;
                for job in &jobs {
                    for first in (0..tile_runs).step_by(LANES) {
                        let n = LANES.min(tile_runs - first);
                        let out = &mut out[..n * width];
                        job.chunk((lanes, one), tile * TILE + first, out);
                        for &t in &feeds[job.i] {
                            add(&mut totals[t][first * width..(first + n) * width], out);
                        }
                    }
                }
            },
        );
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

/// Runs in a tile of [`project`]'s second pass: a multiple of [`LANES`], whose sums and shared
/// numbers stay in the processor's cache while every authority is added in.
const TILE: usize = 64;

/// One authority's runs, as a thread does them.
struct Job<'a> {
    baseline: &'a Baseline,
    /// The authority.
    i: usize,
    /// Its [`trend`].
    moved: &'a [[f64; STOCKS]],
    /// The baseline's plan, then each scenario's.
    plans: &'a [Plan],
    spec: &'a RunSpec,
    /// Every run's shared numbers ([`shared_draws`]); how many regions, and the authority's.
    shared: &'a [f32],
    region: (usize, usize),
    /// A run's sums: each scenario's years.
    width: usize,
}

/// A thread's room for `L` runs of an authority.
struct Scratch<const L: usize> {
    base: Vec<[f64; L]>,
    model: Vec<[f64; L]>,
    /// One run's own numbers, for the stock-flow model.
    run: (Vec<f64>, Vec<f64>),
    /// One run's sums: the baseline's, the model's baseline and a scenario's.
    sums: [Vec<f64>; 3],
}

impl<const L: usize> Scratch<L> {
    fn new(years: usize) -> Self {
        let (base, model) = per_authority(years);
        let size = years * SUMS;
        Self {
            base: vec![[0.0; L]; base],
            model: vec![[0.0; L]; model],
            run: (vec![0.0; base], vec![0.0; model]),
            sums: [vec![0.0; size], vec![0.0; size], vec![0.0; size]],
        }
    }
}

impl Job<'_> {
    /// Up to [`LANES`] runs from `first` into `out` (a run's sums after another), side by side
    /// when there are [`LANES`].
    fn chunk(
        &self,
        (lanes, one): (&mut Scratch<LANES>, &mut Scratch<1>),
        first: usize,
        out: &mut [f64],
    ) {
        if out.len() == LANES * self.width {
            self.runs::<LANES>(lanes, first, out);
        } else {
            for (l, out) in out.chunks_exact_mut(self.width).enumerate() {
                self.runs::<1>(one, first + l, out);
            }
        }
    }

    /// Runs `first` to `first + L - 1` of the authority, side by side where they can be, into
    /// `out` (a run's sums after another).
    fn runs<const L: usize>(&self, scratch: &mut Scratch<L>, first: usize, out: &mut [f64]) {
        let (baseline, spec, plans) = (self.baseline, self.spec, self.plans);
        let scenarios = plans.len() > 1;
        let years = self.moved.len();
        authority_draws(
            spec.seed,
            (first, self.i),
            spec.volatility,
            &mut scratch.base,
            scenarios.then_some(scratch.model.as_mut_slice()),
        );
        let shared = |run| Shared::of(self.shared, run, self.region, years);
        let a = &baseline.authorities[self.i];
        let draws = (&scratch.base[..], shared(first));
        statistical::<L>(
            baseline,
            (a, self.moved),
            &plans[0],
            draws,
            (out, self.width),
        );
        if !scenarios {
            return;
        }
        let size = years * SUMS;
        let Scratch {
            base: by_number,
            model: model_by_number,
            run: (base, model_draws),
            sums: [statistical_sums, model, scenario],
        } = scratch;
        for (l, out) in out.chunks_exact_mut(self.width).enumerate() {
            for (v, z) in base.iter_mut().zip(by_number.iter()) {
                *v = z[l];
            }
            for (v, z) in model_draws.iter_mut().zip(model_by_number.iter()) {
                *v = z[l];
            }
            let own = Own {
                base,
                model: model_draws,
            };
            let draws = (own, shared(first + l));
            statistical_sums.copy_from_slice(&out[..size]);
            stock_flow(baseline, self.i, &plans[0], draws, years, model);
            for (s, p) in plans.iter().enumerate().skip(1) {
                stock_flow(baseline, self.i, p, draws, years, scenario);
                combine(
                    (statistical_sums, a.start.inpost),
                    model,
                    scenario,
                    p,
                    &mut out[s * size..(s + 1) * size],
                );
            }
        }
    }
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
