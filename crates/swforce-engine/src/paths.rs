//! One authority's run: its path under the stock-flow model for a scenario's plan, and under the
//! statistical baseline, as additive sums per year that groups add up.

use crate::HOURS_PER_FTE_WEEK;
use crate::exp::exp_each;
use crate::model::{Authority, Baseline, Param, Stock};
use crate::scenario::{Allocation, Scenario};
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::SeedableRng;
use rayon::prelude::*;
use swforce_domain::Year;

/// Additive quantities per authority and year, summed into groups.
pub(crate) const SUMS: usize = 10;
pub(crate) const S_INPOST: usize = 0;
pub(crate) const S_STARTERS: usize = 1;
pub(crate) const S_LEAVERS: usize = 2;
pub(crate) const S_AGENCY: usize = 3;
pub(crate) const S_VACANCY: usize = 4;
pub(crate) const S_CASES: usize = 5;
pub(crate) const S_HOLDERS: usize = 6;
pub(crate) const S_NEEDED: usize = 7;
pub(crate) const S_HOURS: usize = 8;
pub(crate) const S_EQUIV: usize = 9;

/// The levers of one scenario, turned into numbers per projected year.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Extra entrants from national places arriving in each projected year (all authorities),
    /// and their first-year retention (weighted by route).
    arrivals: Vec<(f64, f64)>,
    /// Each authority's share of arrivals.
    allocation: Vec<f64>,
    /// An authority's own places: its entrants and their retention, by projected year.
    own: std::collections::BTreeMap<usize, Vec<(f64, f64)>>,
    /// Turnover multiplier and subtraction in each year.
    retain: Vec<(f64, f64)>,
    /// Per projected year, per FTE: hours of direct work a week, and the FTE that the change in
    /// direct work since today is worth (as a share of today's).
    hours: Vec<f64>,
    equiv: Vec<f64>,
    cap: Vec<Option<f64>>,
    conversion: Vec<f64>,
    growth_override: Option<f64>,
    target_caseload: f64,
}

impl Plan {
    /// Extra entrants joining authority `i` in projected year `y` (its share of national places
    /// and its own), and their first-year retention.
    fn trained(&self, i: usize, y: usize) -> (f64, f64) {
        let (arrivals, retention) = self.arrivals[y];
        let national = arrivals * self.allocation[i];
        match self.own.get(&i).map(|v| v[y]) {
            Some((own, own_retention)) if own > 0.0 => {
                let people = national + own;
                (
                    people,
                    (national * retention + own * own_retention) / people,
                )
            }
            _ => (national, retention),
        }
    }
}

/// Share of working time on direct work assumed today when no scenario says otherwise.
pub const DEFAULT_DIRECT_SHARE: f64 = 0.2;

pub(crate) fn plan(
    scenario: &Scenario,
    baseline: &Baseline,
    years: &[Year],
    direct_now: f64,
) -> Plan {
    let n = years.len();
    let mut arrivals = vec![(0.0, 1.0); n];
    let mut allocation = vec![0.0; baseline.authorities.len()];
    let mut own: std::collections::BTreeMap<usize, Vec<(f64, f64)>> = Default::default();
    if let Some(t) = &scenario.train {
        // Entrants and those retained, by year: national places, and each authority's own.
        let mut national = vec![(0.0, 0.0); n];
        let mut local: std::collections::BTreeMap<usize, Vec<(f64, f64)>> = Default::default();
        for (k, y) in years.iter().enumerate() {
            for r in &t.routes {
                // A cohort starting in year c arrives in year c + course length.
                let cohort = y.get().saturating_sub(r.course_years);
                let running = cohort >= r.start_year && r.end_year.is_none_or(|e| cohort <= e);
                if !running {
                    continue;
                }
                let people = r.places * r.completion_rate * r.share_to_councils;
                let slot = match &r.authority {
                    None => &mut national[k],
                    Some(code) => match baseline.authorities.iter().position(|a| &a.code == code) {
                        Some(i) => &mut local.entry(i).or_insert_with(|| vec![(0.0, 0.0); n])[k],
                        None => continue,
                    },
                };
                slot.0 += people;
                slot.1 += people * r.first_year_retention;
            }
        }
        let weighted = |(people, retained): (f64, f64)| {
            (people, if people > 0.0 { retained / people } else { 1.0 })
        };
        arrivals = national.into_iter().map(weighted).collect();
        own = local
            .into_iter()
            .map(|(i, v)| (i, v.into_iter().map(weighted).collect()))
            .collect();
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
    let direct: Vec<f64> = years
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
        own,
        retain,
        hours: direct.iter().map(|d| HOURS_PER_FTE_WEEK * d).collect(),
        equiv: direct
            .iter()
            .map(|d| (d - direct_now) / direct_now)
            .collect(),
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

/// An authority's own random numbers in a run, in two streams: those of the statistical
/// baseline (which the stock-flow model shares: turnover, the case-holding share), and those the
/// stock-flow model alone takes, drawn only when a scenario needs it. The baseline's are the same
/// whether or not a scenario is run.
///
/// Baseline: turnover, share, each stock's level; then per projected year a turnover shock and a
/// shock to each stock. Model: fill, cover, other agency, demand growth; then per projected year a
/// demand shock.
const BASE_PARAMS: usize = 2 + STOCKS;
const BASE_PER_YEAR: usize = 1 + STOCKS;
const MODEL_PARAMS: usize = 4;
const MODEL_PER_YEAR: usize = 1;

pub(crate) const STOCKS: usize = Stock::ALL.len();

/// Numbers a run shares among authorities, per projected year: England's turnover and demand
/// shocks and one for each stock.
const NATIONAL_PER_YEAR: usize = 2 + STOCKS;

/// How many random numbers one authority takes in a run: the baseline's and the model's.
pub(crate) fn per_authority(years: usize) -> (usize, usize) {
    (
        BASE_PARAMS + BASE_PER_YEAR * years,
        MODEL_PARAMS + MODEL_PER_YEAR * years,
    )
}

/// Random numbers a run shares among authorities: England's, then each region's.
pub(crate) fn per_run(regions: usize, years: usize) -> usize {
    (NATIONAL_PER_YEAR + regions * STOCKS) * years
}

/// An authority's own numbers in a run (see [`per_authority`]).
#[derive(Clone, Copy)]
pub(crate) struct Own<'a> {
    pub(crate) base: &'a [f64],
    pub(crate) model: &'a [f64],
}

/// A run's shocks shared by every authority and by the authority's region. They are drawn run by
/// run and year by year (England's, then each region's), so a year's numbers do not depend on how
/// many years are projected. They are kept in blocks of [`LANES`] runs, number by number across
/// the block's runs (`[block][number][lane]`; England's numbers year by year, then each region's):
/// the runs stepped side by side read theirs together, and a block's numbers lie together.
#[derive(Clone, Copy)]
pub(crate) struct Shared<'a> {
    /// The block's numbers.
    draws: &'a [f32],
    /// The run's place in its block.
    lane: usize,
    /// Where the authority's region's numbers start in the block.
    region: usize,
}

impl<'a> Shared<'a> {
    /// Of every run's shared numbers (from [`shared_draws`]), those run `run` gives an authority
    /// of `region` of `regions`.
    pub(crate) fn of(
        draws: &'a [f32],
        run: usize,
        (regions, region): (usize, usize),
        years: usize,
    ) -> Self {
        let block = per_run(regions, years) * LANES;
        Self {
            draws: &draws[run / LANES * block..][..block],
            lane: run % LANES,
            region: (NATIONAL_PER_YEAR + region * STOCKS) * years,
        }
    }

    /// England's shock `k` in projected year `y` (turnover, demand, then each stock), to this
    /// run and the `L - 1` after it in its block.
    fn national<const L: usize>(&self, y: usize, k: usize) -> [f64; L] {
        self.lanes(y * NATIONAL_PER_YEAR + k)
    }

    /// The region's shock to stock `k` in projected year `y`, to this run and the `L - 1` after
    /// it in its block.
    fn regional<const L: usize>(&self, y: usize, k: usize) -> [f64; L] {
        self.lanes(self.region + y * STOCKS + k)
    }

    fn lanes<const L: usize>(&self, number: usize) -> [f64; L] {
        let mut lanes = [0.0; L];
        for (l, v) in lanes
            .iter_mut()
            .zip(&self.draws[number * LANES + self.lane..][..L])
        {
            *l = f64::from(*v);
        }
        lanes
    }
}

#[inline(always)]
fn normal(rng: &mut Pcg64Mcg, volatility: f64) -> f64 {
    let z: f64 = StandardNormal.sample(rng);
    z * volatility
}

/// Every run's numbers shared among `regions` regions over `years`, kept as [`Shared`] reads
/// them (a last block of fewer runs is filled with zeros). Each run's, and each authority's
/// within a run ([`authority_draws`]), come from a seed of their own made from the projection's
/// seed and the run (and authority) alone: the answer depends neither on threads nor on which
/// places are asked for.
pub(crate) fn shared_draws(
    seed: u64,
    runs: usize,
    (regions, years): (usize, usize),
    volatility: f64,
) -> Vec<f32> {
    let len = per_run(regions, years);
    let mut blocks = vec![0f32; runs.div_ceil(LANES) * LANES * len];
    blocks
        .par_chunks_mut(len * LANES)
        .enumerate()
        .for_each(|(block, out)| {
            for run in block * LANES..((block + 1) * LANES).min(runs) {
                let mut rng = Pcg64Mcg::seed_from_u64(splitmix(seed ^ splitmix(run as u64)));
                let mut put = |number: usize| {
                    out[number * LANES + run % LANES] = normal(&mut rng, volatility) as f32;
                };
                for y in 0..years {
                    for k in 0..NATIONAL_PER_YEAR {
                        put(y * NATIONAL_PER_YEAR + k);
                    }
                    for r in 0..regions {
                        for k in 0..STOCKS {
                            put((NATIONAL_PER_YEAR + r * STOCKS) * years + y * STOCKS + k);
                        }
                    }
                }
            }
        });
    blocks
}

/// Authority `authority`'s own numbers in runs `first` to `first + L - 1`, number by number
/// across the runs: the baseline's always, the model's when asked for. Each run's come from a
/// stream of its own, the same whatever `L` (drawn one stream after another: drawing them side
/// by side was slower).
pub(crate) fn authority_draws<const L: usize>(
    seed: u64,
    (first, authority): (usize, usize),
    volatility: f64,
    base: &mut [[f64; L]],
    model: Option<&mut [[f64; L]]>,
) {
    let streams: [u64; L] = std::array::from_fn(|l| {
        splitmix((first + l) as u64 ^ splitmix(authority as u64 ^ 0x9E37_79B9_7F4A_7C15))
    });
    let fill = |out: &mut [[f64; L]], streams: [u64; L]| {
        for (l, stream) in streams.into_iter().enumerate() {
            let mut rng = Pcg64Mcg::seed_from_u64(splitmix(seed ^ stream));
            for number in out.iter_mut() {
                number[l] = normal(&mut rng, volatility);
            }
        }
    };
    fill(base, streams);
    if let Some(model) = model {
        fill(model, streams.map(splitmix));
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

/// One run of authority `i` under one scenario's plan, by the stock-flow model: the additive
/// quantities per year, written into `out[year][sum]`.
pub(crate) fn stock_flow(
    baseline: &Baseline,
    i: usize,
    plan: &Plan,
    (z, shared): (Own, Shared),
    years: usize,
    out: &mut [f64],
) {
    let a = &baseline.authorities[i];
    {
        let turnover = param(a.turnover, z.base[0], 0.0, 0.9);
        let fill = param(a.fill, z.model[0], 0.05, 1.0);
        let cover = param(a.cover, z.model[1], 0.0, 3.0);
        let other = param(a.other_agency, z.model[2], 0.0, 1.0);
        let share = param(a.case_holder_share, z.base[1], 0.2, 1.5);
        let holding = Holding::new(share, plan);
        let growth = plan
            .growth_override
            .unwrap_or_else(|| param(a.growth, z.model[3], -0.3, 0.3));
        let (mut inpost, mut agency) = (a.start.inpost, a.start.agency);
        let mut posts = a.start.inpost + a.start.vacancies.max(0.0);
        let mut cases = a.start.cases;
        // Extra entrants of the year before, still in their first year, and their retention.
        let (mut trainees, mut trainee_retention) = (0.0, 1.0);
        for y in 0..years {
            let g = growth
                + a.growth_noise * z.model[MODEL_PARAMS + MODEL_PER_YEAR * y]
                + baseline.national_growth_noise * shared.national::<1>(y, 1)[0];
            cases *= g.exp();
            posts *= g.exp();
            let own = z.base[BASE_PARAMS + BASE_PER_YEAR * y];
            let [noisy] = turnover_in((baseline, a), ([turnover], [own]), shared, y);
            let (mult, minus) = plan.retain[y];
            let rate = (noisy.clamp(0.0, 0.9) * mult - minus).clamp(0.0, 0.9);
            let settled = (inpost - trainees).max(0.0);
            let leavers = (settled * rate + trainees * (1.0 - trainee_retention)).min(inpost);
            let remaining = inpost - leavers;
            let open = (posts - remaining).max(0.0);
            let regular = fill * open;
            let converted = plan.conversion[y] * agency;
            let (trained, retention) = plan.trained(i, y);
            let without_training = open.min(regular + converted);
            let starters = open.min(regular + converted + trained);
            trainees = starters - without_training;
            trainee_retention = retention;
            inpost = remaining + starters;
            if inpost > posts {
                posts = inpost;
            }
            let vacancies = posts - inpost;
            let uncapped = cover * vacancies + other * inpost;
            agency = uncapped;
            if let Some(cap) = plan.cap[y] {
                agency = agency.min(cap / (1.0 - cap).max(1e-9) * inpost);
            }
            let o = &mut out[y * SUMS..(y + 1) * SUMS];
            let flows = Flows {
                inpost,
                starters,
                leavers,
                // Before the cap: a scenario takes the model's proportional change in agency
                // workers, and its cap is applied to the result (see `combine`).
                agency: uncapped,
                vacancies,
                cases,
            };
            flows.write(o, holding, plan, y);
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

/// A run's share of the workforce holding cases, and the posts each case needs at that share
/// (worked out once a run: divisions are slow).
#[derive(Clone, Copy)]
struct Holding {
    share: f64,
    per_case: f64,
}

impl Holding {
    fn new(share: f64, plan: &Plan) -> Self {
        Self {
            share,
            per_case: 1.0 / (plan.target_caseload * share),
        }
    }
}

impl Flows {
    fn write(&self, o: &mut [f64], Holding { share, per_case }: Holding, plan: &Plan, y: usize) {
        let workforce = self.inpost + self.agency;
        o[S_INPOST] = self.inpost;
        o[S_STARTERS] = self.starters;
        o[S_LEAVERS] = self.leavers;
        o[S_AGENCY] = self.agency;
        o[S_VACANCY] = self.vacancies;
        o[S_CASES] = self.cases;
        o[S_HOLDERS] = share * workforce;
        o[S_NEEDED] = self.cases * per_case;
        o[S_HOURS] = workforce * plan.hours[y];
        o[S_EQUIV] = workforce * plan.equiv[y];
    }
}

/// An authority's turnover in projected year `y` of `L` runs side by side (`shared` the first
/// run's), before any lever: each run's `mean` moved by its own shock `own` and England's.
fn turnover_in<const L: usize>(
    (baseline, a): (&Baseline, &Authority),
    (mean, own): ([f64; L], [f64; L]),
    shared: Shared,
    y: usize,
) -> [f64; L] {
    let national = shared.national::<L>(y, 0);
    std::array::from_fn(|l| {
        mean[l] + a.turnover_noise * own[l] + baseline.national_turnover_noise * national[l]
    })
}

/// What every run of an authority's statistical baseline shares, worked out once: for each
/// projected year and stock, what moves its level (the drift so far, on the log scale less half
/// the variance so far, so that the stock's mean is the forecast; a factor on the share scale).
pub(crate) fn trend(
    baseline: &Baseline,
    a: &Authority,
    years: usize,
    volatility: f64,
) -> Vec<[f64; STOCKS]> {
    let v2 = volatility * volatility;
    let mut spread = [0.0; STOCKS];
    let mut pull = [1.0; STOCKS];
    (0..years)
        .map(|y| {
            std::array::from_fn(|k| {
                let p = &a.paths[k];
                let national = baseline.national_stock_noise[k];
                let regional = baseline.regional_stock_noise[k];
                spread[k] = p.rho * p.rho * spread[k]
                    + v2 * (p.sd * p.sd + regional * regional + national * national);
                pull[k] *= p.rho;
                let drift = p.drift * (y + 1) as f64;
                match p.unit {
                    Some(_) => drift.exp(),
                    None => drift - (spread[k] + v2 * ((1.0 - pull[k]) * p.level.sd).powi(2)) / 2.0,
                }
            })
        })
        .collect()
}

/// How many runs of an authority [`statistical`] steps side by side: each step is then the same
/// few operations on several numbers, which the compiler does in vector registers.
pub(crate) const LANES: usize = 4;

/// The baseline of `L` runs of an authority, side by side: their stocks as the statistical
/// forecast has them (see [`crate::statistical`]; `trend` from [`trend`]), their leavers at the
/// run's turnover (or the fall in post, if larger), and their starters from the stock identity.
/// `z` is the runs' own baseline numbers (from [`authority_draws`]), `shared` the shared numbers
/// of the first run (the others follow it), and run `l`'s sums go to `out[l * stride..]`. Each run's
/// figures are the same whatever `L`.
pub(crate) fn statistical<const L: usize>(
    baseline: &Baseline,
    (a, trend): (&Authority, &[[f64; STOCKS]]),
    plan: &Plan,
    (z, shared): (&[[f64; L]], Shared),
    (out, stride): (&mut [f64], usize),
) {
    use std::array::from_fn;
    let turnover: [f64; L] = z[0].map(|z| param(a.turnover, z, 0.0, 0.9));
    let holding: [Holding; L] =
        z[1].map(|z| Holding::new(param(a.case_holder_share, z, 0.2, 1.5), plan));
    let levels: [[f64; L]; STOCKS] = from_fn(|k| {
        let p = &a.paths[k];
        z[2 + k].map(|z| p.level.mean + p.level.sd * z)
    });
    let mut distance: [[f64; L]; STOCKS] =
        from_fn(|k| from_fn(|l| a.paths[k].start - levels[k][l]));
    let mut inpost = [a.start.inpost; L];
    // What each year's step uses, read out once.
    let rho: [f64; STOCKS] = from_fn(|k| a.paths[k].rho);
    let sd: [f64; STOCKS] = from_fn(|k| a.paths[k].sd);
    let unit: [Option<f64>; STOCKS] = from_fn(|k| a.paths[k].unit);
    let (regional, national) = (baseline.regional_stock_noise, baseline.national_stock_noise);
    for (y, moved) in trend.iter().enumerate() {
        let own = &z[BASE_PARAMS + BASE_PER_YEAR * y..][..BASE_PER_YEAR];
        let mut at = [[0.0; L]; STOCKS];
        for k in 0..STOCKS {
            let (by_region, by_nation) =
                (shared.regional::<L>(y, k), shared.national::<L>(y, 2 + k));
            let d = &mut distance[k];
            for l in 0..L {
                d[l] = rho[k] * d[l]
                    + sd[k] * own[1 + k][l]
                    + regional[k] * by_region[l]
                    + national[k] * by_nation[l];
                at[k][l] = levels[k][l] + moved[k] + d[l];
            }
        }
        // Each stock's level: from its exponential (see [`exp_each`], every stock's at once) on
        // the log scale, exp, not exp_m1, as the figures are far from zero on this scale; as a
        // share of the unit otherwise.
        let grown = exp_each(at);
        let mut x = [[0.0; L]; STOCKS];
        for k in 0..STOCKS {
            for l in 0..L {
                x[k][l] = match unit[k] {
                    Some(unit) => (unit * (levels[k][l] + distance[k][l]) * moved[k]).max(0.0),
                    None => (grown[k][l] - 1.0).max(0.0),
                };
            }
        }
        let [next, vacancies, agency, caseload] = x;
        let noisy = turnover_in((baseline, a), (turnover, own[0]), shared, y);
        for l in 0..L {
            let rate = noisy[l].clamp(0.0, 0.9);
            let leavers = (inpost[l] * rate).max(inpost[l] - next[l]);
            let flows = Flows {
                inpost: next[l],
                starters: next[l] - inpost[l] + leavers,
                leavers,
                agency: agency[l],
                vacancies: vacancies[l],
                cases: caseload[l] * holding[l].share * (next[l] + agency[l]),
            };
            let o = &mut out[l * stride + y * SUMS..][..SUMS];
            flows.write(o, holding[l], plan, y);
            inpost[l] = next[l];
        }
    }
}

/// A scenario's run of one authority: the statistical baseline plus what the stock-flow model
/// says the scenario changes (its scenario run less its own baseline run, with the same random
/// numbers), kept within what can be:
///
/// - in post moves each year by the baseline's starters less leavers plus the model's change in
///   them (never below zero); leavers are the baseline's plus the change, within zero and those in
///   post, and starters what the stock identity then needs (more leavers if it would be below
///   zero), so a lever's net effect on in post survives the clamps;
/// - vacancies and cases are the baseline's plus the change, never below zero;
/// - agency workers are the baseline's times the model's proportional change before any cap
///   (the model's agency level can be far from the baseline's, its proportion is what carries
///   over), then held within the scenario's cap;
/// - case holders, posts needed, hours of direct work and equivalent FTE are worked out from the
///   workforce as it then stands, at the baseline's share of it holding cases.
pub(crate) fn combine(
    (statistical, start): (&[f64], f64),
    model: &[f64],
    scenario: &[f64],
    plan: &Plan,
    out: &mut [f64],
) {
    let parts = statistical
        .chunks_exact(SUMS)
        .zip(model.chunks_exact(SUMS))
        .zip(scenario.chunks_exact(SUMS));
    let mut inpost = start;
    for (y, (o, ((s, m), c))) in out.chunks_exact_mut(SUMS).zip(parts).enumerate() {
        let change = |j: usize| s[j] + c[j] - m[j];
        // In post moves by the baseline's net flow plus the model's change in it, whatever the
        // clamps do to starters and leavers on their own.
        let next = (inpost + change(S_STARTERS) - change(S_LEAVERS)).max(0.0);
        let mut leavers = change(S_LEAVERS).clamp(0.0, inpost);
        let mut starters = next - inpost + leavers;
        if starters < 0.0 {
            leavers -= starters;
            starters = 0.0;
        }
        inpost = next;
        let mut agency = if m[S_AGENCY] > 0.0 {
            s[S_AGENCY] * c[S_AGENCY] / m[S_AGENCY]
        } else {
            change(S_AGENCY)
        }
        .max(0.0);
        if let Some(cap) = plan.cap[y] {
            agency = agency.min(cap / (1.0 - cap).max(1e-9) * inpost);
        }
        let base_workforce = s[S_INPOST] + s[S_AGENCY];
        let share = if base_workforce > 0.0 {
            s[S_HOLDERS] / base_workforce
        } else {
            0.0
        };
        let cases = change(S_CASES).max(0.0);
        let workforce = inpost + agency;
        o[S_INPOST] = inpost;
        o[S_STARTERS] = starters;
        o[S_LEAVERS] = leavers;
        o[S_AGENCY] = agency;
        o[S_VACANCY] = change(S_VACANCY).max(0.0);
        o[S_CASES] = cases;
        o[S_HOLDERS] = share * workforce;
        o[S_NEEDED] = if share > 0.0 {
            cases / plan.target_caseload / share
        } else {
            0.0
        };
        o[S_HOURS] = workforce * plan.hours[y];
        o[S_EQUIV] = workforce * plan.equiv[y];
    }
}

/// Indicator `k` (in [`Indicator::ALL`] order) from a group's sums.
///
/// A rate over less than half an FTE is 0, as over none: the Isles of Scilly have had no social
/// worker in post since 2021, and a share of a fraction of a person is noise, not a rate.
pub(crate) fn indicator(k: usize, s: &[f64]) -> f64 {
    let ratio = |a: f64, b: f64| if b >= 0.5 { a / b } else { 0.0 };
    match k {
        0 => s[S_INPOST],
        1 => s[S_STARTERS],
        2 => s[S_LEAVERS],
        3 => ratio(s[S_LEAVERS], s[S_INPOST]),
        4 => s[S_AGENCY],
        5 => ratio(s[S_AGENCY], s[S_AGENCY] + s[S_INPOST]),
        6 => s[S_VACANCY],
        7 => ratio(s[S_VACANCY], s[S_VACANCY] + s[S_INPOST]),
        8 => ratio(s[S_CASES], s[S_HOLDERS]),
        9 => s[S_NEEDED],
        10 => s[S_NEEDED] - s[S_INPOST] - s[S_AGENCY],
        11 => s[S_HOURS],
        _ => s[S_EQUIV],
    }
}
