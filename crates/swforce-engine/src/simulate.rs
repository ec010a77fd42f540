//! The Monte Carlo: every authority simulated year by year, summed run by run into the groups
//! asked for (regions, England), so the uncertainty of a total is that of its parts together.

use crate::HOURS_PER_FTE_WEEK;
use crate::indicator::Indicator;
use crate::model::{Authority, Baseline, Param, Stock};
use crate::quantile::Summary;
use crate::scenario::{Allocation, MAX_YEARS, Scenario};
use crate::statistical::from_log;
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
    /// Per region, year and stock.
    regions: Vec<f64>,
}

/// Random numbers per authority and run: seven parameters of the stock-flow model and the level
/// of each statistically forecast stock.
const PARAMS: usize = 7 + STOCKS;

/// Random numbers per projected year: turnover and demand shocks, then one for each stock.
const PER_YEAR: usize = 2 + STOCKS;

const STOCKS: usize = Stock::ALL.len();

fn per_authority(years: usize) -> usize {
    PARAMS + PER_YEAR * years
}

fn draw(
    seed: u64,
    run: u32,
    (authorities, regions): (usize, usize),
    years: usize,
    volatility: f64,
) -> Draws {
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
    let regions = (0..regions * years * STOCKS).map(|_| normal()).collect();
    Draws {
        national,
        authorities,
        regions,
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
                + a.growth_noise * z[PARAMS + PER_YEAR * y + 1]
                + baseline.national_growth_noise * draws.national[PER_YEAR * y + 1];
            cases *= g.exp();
            posts *= g.exp();
            let noisy = turnover_in(baseline, a, draws, z, y, turnover);
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
            let o = &mut out[(i * years + y) * SUMS..(i * years + y + 1) * SUMS];
            let flows = Flows {
                inpost,
                starters,
                leavers,
                agency,
                vacancies,
                cases,
            };
            flows.write(o, share, plan, y);
        }
    }
}

/// One authority's year, before it is written as sums.
struct Flows {
    inpost: f64,
    starters: f64,
    leavers: f64,
    agency: f64,
    vacancies: f64,
    cases: f64,
}

impl Flows {
    fn write(&self, o: &mut [f64], share: f64, plan: &Plan, y: usize) {
        let workforce = self.inpost + self.agency;
        o[S_INPOST] = self.inpost;
        o[S_STARTERS] = self.starters;
        o[S_LEAVERS] = self.leavers;
        o[S_AGENCY] = self.agency;
        o[S_VACANCY] = self.vacancies;
        o[S_CASES] = self.cases;
        o[S_HOLDERS] = share * workforce;
        o[S_NEEDED] = self.cases / plan.target_caseload / share;
        o[S_HOURS] = workforce * HOURS_PER_FTE_WEEK * plan.direct[y];
        o[S_EQUIV] = workforce * (plan.direct[y] - plan.direct_now) / plan.direct_now;
    }
}

/// An authority's turnover in projected year `y` of a run, before any lever.
fn turnover_in(
    baseline: &Baseline,
    a: &Authority,
    draws: &Draws,
    z: &[f64],
    y: usize,
    mean: f64,
) -> f64 {
    mean + a.turnover_noise * z[PARAMS + PER_YEAR * y]
        + baseline.national_turnover_noise * draws.national[PER_YEAR * y]
}

/// The baseline of one run: each authority's stocks as the statistical forecast has them
/// (see [`crate::statistical`]), its leavers at the run's turnover (or the fall in post, if
/// larger), and its starters from the stock identity.
///
/// Each stock is lowered on the log scale by half its variance so far, so that its mean (not
/// only its median) is the forecast: a total adds up means, and without this a region's or
/// England's total would creep up with the spread of its parts.
fn statistical_run(
    baseline: &Baseline,
    plan: &Plan,
    draws: &Draws,
    (years, volatility): (usize, f64),
    region_of: &[usize],
    out: &mut [f64],
) {
    let v2 = volatility * volatility;
    let stride = per_authority(years);
    for (i, a) in baseline.authorities.iter().enumerate() {
        let region = &draws.regions[region_of[i] * years * STOCKS..];
        let z = &draws.authorities[i * stride..(i + 1) * stride];
        let turnover = param(a.turnover, z[0], 0.0, 0.9);
        let share = param(a.case_holder_share, z[4], 0.2, 1.5);
        let levels: [f64; STOCKS] =
            std::array::from_fn(|k| a.paths[k].level.mean + a.paths[k].level.sd * z[7 + k]);
        let mut distance: [f64; STOCKS] = std::array::from_fn(|k| a.paths[k].start - levels[k]);
        let mut inpost = a.start.inpost;
        // The variance of each stock's distance from its level, and the weight its level has.
        let mut spread = [0.0; STOCKS];
        let mut pull = [1.0; STOCKS];
        for y in 0..years {
            let x: [f64; STOCKS] = std::array::from_fn(|k| {
                let p = &a.paths[k];
                let national = baseline.national_stock_noise[k];
                let regional = baseline.regional_stock_noise[k];
                distance[k] = p.rho * distance[k]
                    + p.sd * z[PARAMS + PER_YEAR * y + 2 + k]
                    + regional * region[y * STOCKS + k]
                    + national * draws.national[PER_YEAR * y + 2 + k];
                spread[k] = p.rho * p.rho * spread[k]
                    + v2 * (p.sd * p.sd + regional * regional + national * national);
                pull[k] *= p.rho;
                let drift = p.drift * (y + 1) as f64;
                match p.unit {
                    Some(unit) => (unit * (levels[k] + distance[k]) * drift.exp()).max(0.0),
                    None => {
                        let variance = spread[k] + v2 * ((1.0 - pull[k]) * p.level.sd).powi(2);
                        from_log(levels[k] + drift + distance[k] - variance / 2.0)
                    }
                }
            });
            let [next, vacancies, agency, caseload] = x;
            let rate = turnover_in(baseline, a, draws, z, y, turnover).clamp(0.0, 0.9);
            let leavers = (inpost * rate).max(inpost - next);
            let o = &mut out[(i * years + y) * SUMS..(i * years + y + 1) * SUMS];
            let flows = Flows {
                inpost: next,
                starters: next - inpost + leavers,
                leavers,
                agency,
                vacancies,
                cases: caseload * share * (next + agency),
            };
            flows.write(o, share, plan, y);
            inpost = next;
        }
    }
}

/// A scenario's run: the statistical baseline plus the scenario's difference from the
/// stock-flow model's own baseline, run by run, kept within what can be (nothing below zero,
/// no more agency workers than the scenario's cap allows).
fn combine(
    statistical: &[f64],
    model: &[f64],
    scenario: &[f64],
    plan: &Plan,
    years: usize,
    out: &mut [f64],
) {
    let parts = statistical
        .chunks_exact(SUMS)
        .zip(model.chunks_exact(SUMS))
        .zip(scenario.chunks_exact(SUMS));
    for (k, (o, ((s, m), c))) in out.chunks_exact_mut(SUMS).zip(parts).enumerate() {
        for j in 0..SUMS {
            o[j] = s[j] + c[j] - m[j];
        }
        for j in [S_INPOST, S_AGENCY, S_VACANCY, S_CASES, S_HOLDERS, S_NEEDED] {
            o[j] = o[j].max(0.0);
        }
        // Starters and leavers keep the stock identity when either would fall below zero.
        if o[S_STARTERS] < 0.0 {
            o[S_LEAVERS] -= o[S_STARTERS];
            o[S_STARTERS] = 0.0;
        }
        if o[S_LEAVERS] < 0.0 {
            o[S_STARTERS] -= o[S_LEAVERS];
            o[S_LEAVERS] = 0.0;
        }
        let y = k % years;
        if let Some(cap) = plan.cap[y] {
            o[S_AGENCY] = o[S_AGENCY].min(cap / (1.0 - cap).max(1e-9) * o[S_INPOST]);
        }
        // Time follows the workforce as it now stands.
        let workforce = o[S_INPOST] + o[S_AGENCY];
        o[S_HOURS] = workforce * HOURS_PER_FTE_WEEK * plan.direct[y];
        o[S_EQUIV] = workforce * (plan.direct[y] - plan.direct_now) / plan.direct_now;
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
    let regions = region_codes.len();

    // kept[run][scenario][group][year][indicator], as f32: the runs are the memory, and six
    // significant digits are more than any published figure has.
    let mut kept = vec![0f32; per_run * spec.runs as usize];
    let size = na * ny * SUMS;
    kept.par_chunks_mut(per_run).enumerate().for_each_init(
        || {
            (
                [
                    vec![0.0; size],
                    vec![0.0; size],
                    vec![0.0; size],
                    vec![0.0; size],
                ],
                vec![0.0; SUMS],
            )
        },
        |([statistical, model, scenario, combined], group_sums), (run, slot)| {
            let draws = draw(spec.seed, run as u32, (na, regions), ny, spec.volatility);
            statistical_run(
                baseline,
                &plans[0],
                &draws,
                (ny, spec.volatility),
                &region_of,
                statistical,
            );
            if plans.len() > 1 {
                simulate_run(baseline, &plans[0], &draws, ny, model);
            }
            for (s, p) in plans.iter().enumerate() {
                let authority_sums: &[f64] = if s == 0 {
                    statistical
                } else {
                    simulate_run(baseline, p, &draws, ny, scenario);
                    combine(statistical, model, scenario, p, ny, combined);
                    combined
                };
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
