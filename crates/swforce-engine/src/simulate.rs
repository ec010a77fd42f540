//! The Monte Carlo: every authority simulated year by year, summed run by run into the groups
//! asked for (regions, England), so the uncertainty of a total is that of its parts together.

use crate::HOURS_PER_FTE_WEEK;
use crate::indicator::Indicator;
use crate::model::{Baseline, Param};
use crate::quantile::Summary;
use crate::scenario::{Allocation, MAX_YEARS, Scenario};
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::SeedableRng;
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

/// Memory the kept runs may take before a projection is refused, in bytes.
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

/// Additive quantities per authority and year, summed into groups.
const SUMS: usize = 10;
const S_INPOST: usize = 0;
const S_STARTERS: usize = 1;
const S_LEAVERS: usize = 2;
const S_AGENCY: usize = 3;
const S_VACANCY: usize = 4;
const S_CASES: usize = 5;
const S_HOLDERS: usize = 6;
const S_NEEDED: usize = 7;
const S_HOURS: usize = 8;
const S_EQUIV: usize = 9;

/// The levers of one scenario, turned into numbers per projected year.
#[derive(Debug, Clone)]
struct Plan {
    /// Extra entrants arriving in each projected year (all authorities), and their first-year
    /// retention (weighted by route).
    arrivals: Vec<(f64, f64)>,
    /// Each authority's share of arrivals.
    allocation: Vec<f64>,
    /// Turnover multiplier and subtraction in each year.
    retain: Vec<(f64, f64)>,
    direct_now: f64,
    direct: Vec<f64>,
    cap: Vec<Option<f64>>,
    conversion: Vec<f64>,
    growth_override: Option<f64>,
    target_caseload: f64,
}

/// Share of working time on direct work assumed today when no scenario says otherwise.
pub const DEFAULT_DIRECT_SHARE: f64 = 0.2;

fn plan(scenario: &Scenario, baseline: &Baseline, years: &[Year], direct_now: f64) -> Plan {
    let n = years.len();
    let mut arrivals = vec![(0.0, 1.0); n];
    let mut allocation = vec![0.0; baseline.authorities.len()];
    if let Some(t) = &scenario.train {
        for (k, y) in years.iter().enumerate() {
            let (mut total, mut retained) = (0.0, 0.0);
            for r in &t.routes {
                // A cohort starting in year c arrives in year c + course length.
                let cohort = y.get().saturating_sub(r.course_years);
                let running = cohort >= r.start_year && r.end_year.is_none_or(|e| cohort <= e);
                if running {
                    let people = r.places * r.completion_rate * r.share_to_councils;
                    total += people;
                    retained += people * r.first_year_retention;
                }
            }
            arrivals[k] = (total, if total > 0.0 { retained / total } else { 1.0 });
        }
        match t.allocation {
            Allocation::Vacancies => {
                let sum: f64 = baseline
                    .authorities
                    .iter()
                    .map(|a| a.start.vacancies.max(0.0))
                    .sum();
                for (i, a) in baseline.authorities.iter().enumerate() {
                    allocation[i] = if sum > 0.0 {
                        a.start.vacancies.max(0.0) / sum
                    } else {
                        1.0 / baseline.authorities.len() as f64
                    };
                }
            }
            Allocation::Table => {
                let sum: f64 = t.shares.values().sum();
                for (i, a) in baseline.authorities.iter().enumerate() {
                    allocation[i] = t
                        .shares
                        .get(&a.code)
                        .map_or(0.0, |s| if sum > 0.0 { s / sum } else { 0.0 });
                }
            }
        }
    }
    let retain = years
        .iter()
        .map(|y| match &scenario.retain {
            Some(r) if y.get() >= r.from_year => (
                1.0 - r.relative_reduction.unwrap_or(0.0),
                r.absolute_reduction.unwrap_or(0.0),
            ),
            _ => (1.0, 0.0),
        })
        .collect();
    let direct = years
        .iter()
        .map(|y| match &scenario.reform {
            Some(r) if y.get() >= r.from_year => {
                let progress = if r.ramp_years == 0 {
                    1.0
                } else {
                    (f64::from(y.get() - r.from_year + 1) / f64::from(r.ramp_years)).min(1.0)
                };
                r.direct_share_now + progress * (r.direct_share_target - r.direct_share_now)
            }
            _ => direct_now,
        })
        .collect();
    let (cap, conversion) = years
        .iter()
        .map(|y| match &scenario.agency {
            Some(a) if y.get() >= a.from_year => (a.cap_rate, a.conversion_rate.unwrap_or(0.0)),
            _ => (None, 0.0),
        })
        .unzip();
    Plan {
        arrivals,
        allocation,
        retain,
        direct_now,
        direct,
        cap,
        conversion,
        growth_override: scenario
            .demand
            .as_ref()
            .and_then(|d| d.cin_growth)
            .map(|g| (1.0 + g).ln()),
        target_caseload: scenario
            .demand
            .as_ref()
            .and_then(|d| d.target_caseload)
            .unwrap_or(baseline.england_caseload),
    }
}

/// Random numbers one run uses, drawn up front in a fixed order so every scenario of the run
/// sees the same ones (common random numbers).
struct Draws {
    national: Vec<f64>,
    authorities: Vec<f64>,
}

const PARAMS: usize = 7;

/// Random numbers per projected year: turnover, demand and establishment shocks.
const PER_YEAR: usize = 3;

fn per_authority(years: usize) -> usize {
    PARAMS + PER_YEAR * years
}

fn draw(seed: u64, run: u32, authorities: usize, years: usize, volatility: f64) -> Draws {
    // Run i's seed comes from (seed, i) alone, so the answer does not depend on threads.
    let mut rng = Pcg64Mcg::seed_from_u64(splitmix(
        seed ^ splitmix(u64::from(run).wrapping_add(0x9E37_79B9_7F4A_7C15)),
    ));
    let mut normal = || {
        let z: f64 = StandardNormal.sample(&mut rng);
        z * volatility
    };
    let national = (0..PER_YEAR * years).map(|_| normal()).collect();
    let authorities = (0..authorities * per_authority(years))
        .map(|_| normal())
        .collect();
    Draws {
        national,
        authorities,
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn param(p: Param, z: f64, lo: f64, hi: f64) -> f64 {
    (p.mean + p.sd * z).clamp(lo, hi)
}

/// Simulates one run of one scenario: the additive quantities per authority per year, written
/// into `out[authority][year][sum]`.
fn simulate_run(baseline: &Baseline, plan: &Plan, draws: &Draws, years: usize, out: &mut [f64]) {
    let stride = per_authority(years);
    for (i, a) in baseline.authorities.iter().enumerate() {
        let z = &draws.authorities[i * stride..(i + 1) * stride];
        let turnover = param(a.turnover, z[0], 0.0, 0.9);
        let fill = param(a.fill, z[1], 0.05, 1.0);
        let cover = param(a.cover, z[2], 0.0, 3.0);
        let other = param(a.other_agency, z[3], 0.0, 1.0);
        let share = param(a.case_holder_share, z[4], 0.2, 1.5);
        let growth = plan
            .growth_override
            .unwrap_or_else(|| param(a.growth, z[5], -0.3, 0.3));
        let (mut inpost, mut agency) = (a.start.inpost, a.start.agency);
        let mut posts = a.start.inpost + a.start.vacancies.max(0.0);
        let mut cases = a.start.cases;
        // Extra entrants of the year before, still in their first year, and their retention.
        let (mut trainees, mut trainee_retention) = (0.0, 1.0);
        for y in 0..years {
            let g = growth
                + a.growth_noise * z[PARAMS + 2 * y + 1]
                + baseline.national_growth_noise * draws.national[2 * y + 1];
            cases *= g.exp();
            posts *= g.exp();
            let noisy = turnover
                + a.turnover_noise * z[PARAMS + 2 * y]
                + baseline.national_turnover_noise * draws.national[2 * y];
            let (mult, minus) = plan.retain[y];
            let rate = (noisy.clamp(0.0, 0.9) * mult - minus).clamp(0.0, 0.9);
            let settled = (inpost - trainees).max(0.0);
            let leavers = (settled * rate + trainees * (1.0 - trainee_retention)).min(inpost);
            let remaining = inpost - leavers;
            let open = (posts - remaining).max(0.0);
            let regular = fill * open;
            let converted = plan.conversion[y] * agency;
            let (arrivals, retention) = plan.arrivals[y];
            let trained = arrivals * plan.allocation[i];
            let without_training = open.min(regular + converted);
            let starters = open.min(regular + converted + trained);
            trainees = starters - without_training;
            trainee_retention = retention;
            inpost = remaining + starters;
            if inpost > posts {
                posts = inpost;
            }
            let vacancies = posts - inpost;
            agency = cover * vacancies + other * inpost;
            if let Some(cap) = plan.cap[y] {
                agency = agency.min(cap / (1.0 - cap).max(1e-9) * inpost);
            }
            let workforce = inpost + agency;
            let holders = share * workforce;
            let needed = cases / plan.target_caseload / share;
            let o = &mut out[(i * years + y) * SUMS..(i * years + y + 1) * SUMS];
            o[S_INPOST] = inpost;
            o[S_STARTERS] = starters;
            o[S_LEAVERS] = leavers;
            o[S_AGENCY] = agency;
            o[S_VACANCY] = vacancies;
            o[S_CASES] = cases;
            o[S_HOLDERS] = holders;
            o[S_NEEDED] = needed;
            o[S_HOURS] = workforce * HOURS_PER_FTE_WEEK * plan.direct[y];
            o[S_EQUIV] = workforce * (plan.direct[y] - plan.direct_now) / plan.direct_now;
        }
    }
}

/// Indicators from a group's sums.
fn indicators(s: &[f64]) -> [f64; 13] {
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    [
        s[S_INPOST],
        s[S_STARTERS],
        s[S_LEAVERS],
        ratio(s[S_LEAVERS], s[S_INPOST]),
        s[S_AGENCY],
        ratio(s[S_AGENCY], s[S_AGENCY] + s[S_INPOST]),
        s[S_VACANCY],
        ratio(s[S_VACANCY], s[S_VACANCY] + s[S_INPOST]),
        ratio(s[S_CASES], s[S_HOLDERS]),
        s[S_NEEDED],
        s[S_NEEDED] - s[S_INPOST] - s[S_AGENCY],
        s[S_HOURS],
        s[S_EQUIV],
    ]
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
    let ni = Indicator::ALL.len();
    let scenario_count = scenarios.len() + 1;
    let per_run = scenario_count * groups.len() * ny * ni;
    if per_run.saturating_mul(spec.runs as usize).saturating_mul(4) > MAX_RESULT_BYTES {
        return Err(SpecError::TooLarge {
            groups: groups.len(),
            years: spec.years,
            runs: spec.runs,
        });
    }
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

    // kept[run][scenario][group][year][indicator], as f32: the runs are the memory, and six
    // significant digits are more than any published figure has.
    let mut kept = vec![0f32; per_run * spec.runs as usize];
    kept.par_chunks_mut(per_run).enumerate().for_each_init(
        || (vec![0.0; na * ny * SUMS], vec![0.0; SUMS]),
        |(authority_sums, group_sums), (run, slot)| {
            let draws = draw(spec.seed, run as u32, na, ny, spec.volatility);
            for (s, p) in plans.iter().enumerate() {
                simulate_run(baseline, p, &draws, ny, authority_sums);
                for (g, group) in groups.iter().enumerate() {
                    for y in 0..ny {
                        group_sums.iter_mut().for_each(|v| *v = 0.0);
                        for &i in &group.members {
                            let a = &authority_sums[(i * ny + y) * SUMS..(i * ny + y + 1) * SUMS];
                            for k in 0..SUMS {
                                group_sums[k] += a[k];
                            }
                        }
                        let base = ((s * groups.len() + g) * ny + y) * ni;
                        for (k, v) in indicators(group_sums).into_iter().enumerate() {
                            slot[base + k] = v as f32;
                        }
                    }
                }
            }
        },
    );

    // Every (scenario, group, year, indicator) cell is summarised over the runs, in parallel.
    let cells = scenario_count * groups.len() * ny * ni;
    let runs = spec.runs as usize;
    let summaries: Vec<(Summary, Option<Summary>)> = (0..cells)
        .into_par_iter()
        .map_init(
            || vec![0.0f64; runs],
            |column, at| {
                for (r, c) in column.iter_mut().enumerate() {
                    *c = f64::from(kept[r * per_run + at]);
                }
                let level = Summary::of(column);
                let s = at / (groups.len() * ny * ni);
                let difference = (s > 0).then(|| {
                    let base_at = at % (groups.len() * ny * ni);
                    for (r, c) in column.iter_mut().enumerate() {
                        *c = f64::from(kept[r * per_run + at])
                            - f64::from(kept[r * per_run + base_at]);
                    }
                    Summary::of(column)
                });
                (level, difference)
            },
        )
        .collect();
    let summarise = |s: usize, g: usize, y: usize, k: usize, minus_baseline: bool| {
        let (level, difference) = summaries[((s * groups.len() + g) * ny + y) * ni + k];
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
