//! Figures to check: rules that notice a published workforce figure that is implausible for its
//! own place (none of a year's leavers recorded, a rate that jumps and comes back), each saying
//! why in plain words with the numbers.
//!
//! A flag never changes a figure; it only says "check this figure". The rules read one place's
//! figures over the years, in stored units (a rate as a fraction), and nothing else. A rate that
//! does not match its own counts is reconciliation's business ([`crate::reconcile`]), not this
//! module's. The thresholds are tuned on the published 2017-2022 workforce files; the reasons
//! for each are in docs/statistics.md ("Figures to check").

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use swforce_domain::number::round_half_away;
use swforce_domain::{Measure, Unit, Year};

/// One place's figures of one dataset: year, then canonical measure name, then the value in
/// stored units. Suppressed and missing cells are simply absent.
pub type History = BTreeMap<Year, BTreeMap<&'static str, f64>>;

/// Which rule raised a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A figure that cannot be: a count or rate below zero, or a share of a whole above 100%.
    Impossible,
    /// A count in full-time equivalents disagrees with the same count in people.
    FteHeadcount,
    /// None, or almost none, of a flow (leavers, agency workers, vacancies, days lost) against
    /// a workforce that had many of them the years either side.
    TooFew,
    /// A value far outside the place's other years, or half or double the years either side,
    /// that reverses the next year.
    Jump,
}

impl Rule {
    /// The id used in the API and CSV downloads (`impossible`, `fte_headcount`, `too_few`,
    /// `jump`).
    pub fn id(self) -> &'static str {
        match self {
            Rule::Impossible => "impossible",
            Rule::FteHeadcount => "fte_headcount",
            Rule::TooFew => "too_few",
            Rule::Jump => "jump",
        }
    }
}

/// One figure to check: which measure and year, the rule and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    pub measure: &'static str,
    pub year: Year,
    pub rule: Rule,
    /// Plain English with the numbers, as shown beside the figure.
    pub reason: String,
}

/// FTE may exceed headcount by rounding and little else: each person counts for at most one
/// FTE. More than 5% over, and by at least [`FTE_OVER_HEADCOUNT_LEAST`], is flagged.
pub const FTE_OVER_HEADCOUNT: f64 = 0.05;
/// The least excess of FTE over people that is flagged (15.0 FTE from 14 leavers is left alone).
pub const FTE_OVER_HEADCOUNT_LEAST: f64 = 2.0;

/// A flow is "too few" when the rate of each year either side, applied to this year's
/// workforce, would give at least this many...
pub const TOO_FEW_EXPECTED: f64 = 5.0;
/// ...and the figure is at most this share of the smaller of those expectations.
pub const TOO_FEW_SHARE: f64 = 0.1;

/// The jump rule looks only at places with at least this many social workers in post (FTE)
/// that year: below it, a few people more or less move a rate by several points.
pub const JUMP_MIN_IN_POST: f64 = 50.0;
/// How far from the median of the other years a value must be, in units of the larger of the
/// series' own spread (scaled median absolute deviation) and the noise its size allows.
pub const JUMP_SPREAD: f64 = 5.0;
/// The value must differ from the year before and the year after by at least this factor,
/// in the same direction (up then down, or down then up).
pub const JUMP_FACTOR: f64 = 1.5;
/// Fewest years with a figure for the jump rule to judge a series.
pub const JUMP_MIN_YEARS: usize = 5;
/// A value at most 1/this of both the year before and the year after, or at least this times
/// both, is a reversal ("halves and doubles back") whatever the spread of the other years...
pub const REVERSAL_FACTOR: f64 = 2.0;
/// ...when each of the two changes is at least this many standard deviations of the noise the
/// place's size allows.
pub const REVERSAL_NOISE: f64 = 2.5;

/// Counts published both in FTE and in people.
const FTE_PAIRS: &[(&str, &str)] = &[
    ("inpost_fte", "inpost_headcount"),
    ("leavers_fte", "leavers_headcount"),
    ("starters_fte", "starters_headcount"),
    ("agency_fte", "agency_headcount"),
];

/// Flows checked by [`too_few`]: the flow, the workforce it is measured against, the rate
/// built from them (flagged with the flow), and whether the flow can really stop. A place can
/// do without agency workers or have every post filled; it cannot have nobody leave, start or
/// fall ill among many social workers for years on end.
const FLOWS: &[(&str, &str, Option<&str>, bool)] = &[
    (
        "leavers_fte",
        "inpost_fte",
        Some("turnover_rate_fte"),
        false,
    ),
    (
        "leavers_headcount",
        "inpost_headcount",
        Some("turnover_rate_headcount"),
        false,
    ),
    ("starters_fte", "inpost_fte", None, false),
    ("starters_headcount", "inpost_headcount", None, false),
    ("agency_fte", "inpost_fte", Some("agency_rate_fte"), true),
    (
        "agency_headcount",
        "inpost_headcount",
        Some("agency_rate_headcount"),
        true,
    ),
    ("vacancy_fte", "inpost_fte", Some("vacancy_rate_fte"), true),
    (
        "working_days_lost_fte",
        "inpost_fte",
        Some("absence_rate_fte"),
        false,
    ),
];

/// What a size-driven noise floor for the jump rule is, per measure.
#[derive(Clone, Copy)]
enum Noise {
    /// A share of `n` people: binomial, sqrt(p(1-p)/n).
    Share(&'static str),
    /// Cases per case holder: about value / sqrt(cases), the cases being counts.
    PerCase(&'static str),
    /// A count: Poisson, sqrt(value).
    Count,
}

impl Noise {
    /// The standard deviation of one year's figure at `level`, from the year's own size; none
    /// when the size is missing or zero. A share is taken as at least 1% and at most 99%, so
    /// that a rate of 0 still has some noise.
    fn at(self, level: f64, values: &BTreeMap<&'static str, f64>) -> Option<f64> {
        match self {
            Noise::Share(n) => values.get(n).filter(|n| **n > 0.0).map(|n| {
                let p = level.clamp(0.01, 0.99);
                (p * (1.0 - p) / n).sqrt()
            }),
            Noise::PerCase(n) => values
                .get(n)
                .filter(|n| **n > 0.0)
                .map(|n| level / n.sqrt()),
            Noise::Count => Some(level.max(1.0).sqrt()),
        }
    }
}

/// Measures checked by [`jumps`]: the indicators and the stocks behind them. Flows are left to
/// [`too_few`] and their rates; cover rates are ratios of small numbers that can exceed 100%.
const JUMPING: &[(&str, Noise)] = &[
    ("turnover_rate_fte", Noise::Share("inpost_fte")),
    ("turnover_rate_headcount", Noise::Share("inpost_headcount")),
    ("agency_rate_fte", Noise::Share("inpost_fte")),
    ("agency_rate_headcount", Noise::Share("inpost_headcount")),
    ("vacancy_rate_fte", Noise::Share("inpost_fte")),
    ("absence_rate_fte", Noise::Share("inpost_fte")),
    ("caseload_fte", Noise::PerCase("cases")),
    ("inpost_fte", Noise::Count),
    ("inpost_headcount", Noise::Count),
    ("case_holders_fte", Noise::Count),
    ("cases", Noise::Count),
];

/// Every rule over one place's history; at most one flag per measure and year, the first rule
/// in [`Rule`] order winning (the most specific explanation).
pub fn check(history: &History) -> Vec<Flag> {
    let mut seen = BTreeSet::new();
    let mut out: Vec<Flag> = impossible(history)
        .into_iter()
        .chain(fte_headcount(history))
        .chain(too_few(history))
        .chain(jumps(history))
        .filter(|f| seen.insert((f.measure, f.year)))
        .collect();
    out.sort_by(|a, b| (a.year, a.measure).cmp(&(b.year, b.measure)));
    out
}

/// Rates that are a part of their whole, so never above 100%: agency workers among all the
/// social workers, vacancies among all the posts, days lost among the days to work. (Turnover,
/// and agency cover of vacancies, are ratios of two counts that may pass 100%.)
const SHARES: &[&str] = &[
    "agency_rate_fte",
    "agency_rate_headcount",
    "vacancy_rate_fte",
    "absence_rate_fte",
];

/// Figures that cannot be: any measure below zero, or a share ([`SHARES`]) above 100%.
pub fn impossible(history: &History) -> Vec<Flag> {
    let mut out = Vec::new();
    for (year, values) in history {
        for (&measure, &v) in values {
            let reason = if v < 0.0 {
                format!(
                    "{} is {}, below zero: no count or rate can be",
                    label(measure),
                    shown(measure, v)
                )
            } else if v > 1.0 && SHARES.contains(&measure) {
                format!(
                    "{} is {}: a part of a whole cannot be more than 100%",
                    label(measure),
                    shown(measure, v)
                )
            } else {
                continue;
            };
            out.push(Flag {
                measure,
                year: *year,
                rule: Rule::Impossible,
                reason,
            });
        }
    }
    out
}

/// A count in FTE that is zero while the same count in people is not (or the reverse), or FTE
/// in post more than [`FTE_OVER_HEADCOUNT`] above the people in post. The zero side (or the
/// FTE in post) is flagged, with the rates built from it.
pub fn fte_headcount(history: &History) -> Vec<Flag> {
    let mut out = Vec::new();
    for (year, values) in history {
        for (fte, heads) in FTE_PAIRS {
            let (Some(&f), Some(&h)) = (values.get(fte), values.get(heads)) else {
                continue;
            };
            let (flagged, reason) = if f == 0.0 && h > 0.0 {
                (
                    *fte,
                    format!(
                        "0 {} but {} by headcount in the same year: each person counted has more than 0 FTE",
                        noun(fte),
                        shown(heads, h)
                    ),
                )
            } else if h == 0.0 && f > 0.0 {
                (
                    *heads,
                    format!(
                        "0 {} but {} FTE in the same year: FTE cannot exist without people",
                        noun(heads),
                        shown(fte, f)
                    ),
                )
            } else if f > h * (1.0 + FTE_OVER_HEADCOUNT) && f - h >= FTE_OVER_HEADCOUNT_LEAST {
                (
                    *fte,
                    format!(
                        "{} but only {} {}: each person counts for at most 1 FTE",
                        counted(fte, f),
                        shown(heads, h),
                        if shown(heads, h) == "1" {
                            "person"
                        } else {
                            "people"
                        }
                    ),
                )
            } else {
                continue;
            };
            for measure in std::iter::once(flagged)
                .chain(rates_of(flagged))
                .filter(|m| values.contains_key(m))
            {
                out.push(Flag {
                    measure,
                    year: *year,
                    rule: Rule::FteHeadcount,
                    reason: reason.clone(),
                });
            }
        }
    }
    out
}

/// A flow of (almost) none: at most [`TOO_FEW_SHARE`] of what this year's workforce would give
/// at the rate of the nearest year on each side that is not itself low, when each of those
/// would give at least [`TOO_FEW_EXPECTED`]. A year is low when its rate is at most
/// [`TOO_FEW_SHARE`] of the median rate of the place's other years (its usual level); low years
/// are skipped, so two bad years in a row are each judged against the good years around them.
///
/// Where there is a good year on one side only (the first and last years, or a run of low years
/// that reaches them), the median of the other years is a second yardstick: a year that is low
/// only against one unusual neighbour is left alone. Agency workers and vacancies can really
/// stop: two or more low years in a row that reach the first or last year are left alone (the
/// authority stopped using agency workers and kept it so, or started only lately).
pub fn too_few(history: &History) -> Vec<Flag> {
    let mut out = Vec::new();
    for (flow, stock, rate, can_stop) in FLOWS {
        // Every year with both counts and a workforce: (year, count, rate).
        let years: Vec<(Year, f64, f64)> = history
            .iter()
            .filter_map(|(y, v)| {
                let (c, s) = (*v.get(flow)?, *v.get(stock)?);
                (s > 0.0).then_some((*y, c, c / s))
            })
            .collect();
        for (i, &(year, count, _)) in years.iter().enumerate() {
            let size = history[&year][stock];
            let others: Vec<f64> = years
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, y)| y.2)
                .collect();
            if others.is_empty() {
                continue;
            }
            let usual = median(&others);
            let low = |r: f64| r <= usual * TOO_FEW_SHARE;
            let mut skipped = Vec::new();
            let mut nearest = Vec::new();
            for side in [
                years[..i].iter().rev().collect::<Vec<_>>(),
                years[i + 1..].iter().collect(),
            ] {
                match side.iter().position(|y| !low(y.2)) {
                    Some(k) => {
                        skipped.extend(side[..k].iter().map(|y| y.0));
                        nearest.push(*side[k]);
                    }
                    None => skipped.extend(side.iter().map(|y| y.0)),
                }
            }
            let Some(least_nearest) = nearest.iter().map(|y| y.2 * size).min_by(f64::total_cmp)
            else {
                continue;
            };
            // Two or more low years in a row that reach the first or last year: a flow that
            // can stop may have stopped (or only just started), and kept it so.
            if *can_stop && nearest.len() < 2 && !skipped.is_empty() {
                continue;
            }
            // With a good year on one side only, that year alone could be the odd one out.
            let least = if nearest.len() == 2 {
                least_nearest
            } else {
                least_nearest.min(usual * size)
            };
            if least < TOO_FEW_EXPECTED || count > least * TOO_FEW_SHARE {
                continue;
            }
            skipped.sort();
            let around: Vec<String> = nearest
                .iter()
                .map(|(y, c, _)| format!("{} in {y}", shown(flow, *c)))
                .collect();
            let also = match skipped.as_slice() {
                [] => String::new(),
                [one] => format!(" ({one} was also low)"),
                [first @ .., last] => format!(
                    " ({} and {last} were also low)",
                    first
                        .iter()
                        .map(Year::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let reason = format!(
                "{} in {year} against {}; there were {}{also}, which at this size would be about {} or more, and about {} at the median rate of its other years",
                counted(flow, count),
                counted(stock, size),
                around.join(" and "),
                grouped(least_nearest, 0),
                grouped(usual * size, 0)
            );
            let values = &history[&year];
            for measure in std::iter::once(*flow)
                .chain(*rate)
                .filter(|m| values.contains_key(m))
            {
                out.push(Flag {
                    measure,
                    year,
                    rule: Rule::TooFew,
                    reason: reason.clone(),
                });
            }
        }
    }
    out
}

/// A value that jumps and comes back: it differs from both the year before and the year after
/// in the same direction (up then down, or down then up), and either
///
/// - lies far outside the place's other years (beyond [`JUMP_SPREAD`] times the larger of their
///   robust spread and the noise the place's size allows, and outside their range) and differs
///   from both neighbours by [`JUMP_FACTOR`] (needs [`JUMP_MIN_YEARS`] years), or
/// - is at most half, or at least double, both neighbours ([`REVERSAL_FACTOR`]), each change
///   being at least [`REVERSAL_NOISE`] times the noise of the difference of two years.
///
/// Only places with [`JUMP_MIN_IN_POST`] or more in post that year are judged. A trend or a
/// step change that persists has no way back, and the first and last years have no year on
/// one side, so none of them is flagged by this rule.
pub fn jumps(history: &History) -> Vec<Flag> {
    let mut out = Vec::new();
    for (measure, noise) in JUMPING {
        let series: Vec<(Year, f64)> = history
            .iter()
            .filter_map(|(y, v)| v.get(measure).map(|x| (*y, *x)))
            .collect();
        for i in 1..series.len().saturating_sub(1) {
            let (year, value) = series[i];
            let (before_year, before) = series[i - 1];
            let (after_year, after) = series[i + 1];
            // Neighbours must be the adjacent years, not across a gap.
            if before_year.next() != Some(year) || year.next() != Some(after_year) {
                continue;
            }
            let values = &history[&year];
            let in_post = values.get("inpost_fte").copied();
            if in_post.is_none_or(|n| n < JUMP_MIN_IN_POST) {
                continue;
            }
            if (value - before) * (value - after) <= 0.0 {
                continue;
            }
            let others: Vec<f64> = series
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, (_, x))| *x)
                .collect();
            let (low, high) = others
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| {
                    (l.min(*x), h.max(*x))
                });
            let (went, back) = if value > before {
                ("rose", "fell back")
            } else {
                ("fell", "rose back")
            };
            let told = format!(
                "{} {went} from {} in {before_year} to {} in {year} and {back} to {} in {after_year}",
                label(measure),
                shown(measure, before),
                shown(measure, value),
                shown(measure, after),
            );
            let why = if far_outside(&series, i, &others, (low, high), *noise, values) {
                format!(
                    "every other year was between {} and {}",
                    shown(measure, low),
                    shown(measure, high)
                )
            } else if halves_and_comes_back(&series, i, &others, (low, high), *noise, values) {
                let times = if value < before {
                    "at most half of"
                } else {
                    "at least double"
                };
                format!("{times} both the year before and the year after")
            } else {
                continue;
            };
            let sep = if why.starts_with("every") { "; " } else { ": " };
            out.push(Flag {
                measure,
                year,
                rule: Rule::Jump,
                reason: format!(
                    "{told}{sep}{why}. A change this large that reverses the next year is more often a recording error than a real change"
                ),
            });
        }
    }
    out
}

/// The first test of [`jumps`]: far from the median of the other years, outside their range,
/// and [`JUMP_FACTOR`] from both neighbours (the direction is checked by the caller).
fn far_outside(
    series: &[(Year, f64)],
    i: usize,
    others: &[f64],
    (low, high): (f64, f64),
    noise: Noise,
    values: &BTreeMap<&'static str, f64>,
) -> bool {
    if series.len() < JUMP_MIN_YEARS {
        return false;
    }
    let value = series[i].1;
    let mid = median(others);
    let spread = 1.4826 * median(&others.iter().map(|x| (x - mid).abs()).collect::<Vec<_>>());
    let Some(floor) = noise.at(mid, values) else {
        return false;
    };
    (value - mid).abs() > JUMP_SPREAD * spread.max(floor)
        && (value < low || value > high)
        && factor(value, series[i - 1].1) >= JUMP_FACTOR
        && factor(value, series[i + 1].1) >= JUMP_FACTOR
}

/// The second test of [`jumps`]: at most half or at least double both neighbours and the
/// median of the other years, outside the range of the other years, each change to a neighbour
/// larger than [`REVERSAL_NOISE`] times the noise of a difference of two years at their mean
/// level (this year's size for both: 3, 0 and 3 vacancies are no reversal), and neither
/// neighbour itself halves or doubles both of its own (a zigzag has no settled level that the
/// value could come back to, so which year is wrong cannot be told).
fn halves_and_comes_back(
    series: &[(Year, f64)],
    i: usize,
    others: &[f64],
    (low, high): (f64, f64),
    noise: Noise,
    values: &BTreeMap<&'static str, f64>,
) -> bool {
    let value = series[i].1;
    let neighbours = [series[i - 1].1, series[i + 1].1];
    reverses_by(series, i, REVERSAL_FACTOR)
        && (value < low || value > high)
        && factor(value, median(others)) >= REVERSAL_FACTOR
        && neighbours.iter().all(|n| {
            noise
                .at((value + n) / 2.0, values)
                .is_some_and(|sd| (value - n).abs() >= REVERSAL_NOISE * sd * 2f64.sqrt())
        })
        && !reverses_by(series, i - 1, REVERSAL_FACTOR)
        && !reverses_by(series, i + 1, REVERSAL_FACTOR)
}

/// Whether the `i`th value of a series differs from both adjacent years by `times` or more, in
/// the same direction; false at either end of the series or across a gap.
fn reverses_by(series: &[(Year, f64)], i: usize, times: f64) -> bool {
    let (Some(&(before_year, before)), Some(&(year, value)), Some(&(after_year, after))) = (
        i.checked_sub(1).and_then(|b| series.get(b)),
        series.get(i),
        series.get(i + 1),
    ) else {
        return false;
    };
    before_year.next() == Some(year)
        && year.next() == Some(after_year)
        && (value - before) * (value - after) > 0.0
        && factor(value, before) >= times
        && factor(value, after) >= times
}

/// How many times larger the larger of two values is; infinite when one is zero and the other
/// is not.
fn factor(a: f64, b: f64) -> f64 {
    let (lo, hi) = if a.abs() < b.abs() { (a, b) } else { (b, a) };
    if lo == 0.0 {
        if hi == 0.0 { 1.0 } else { f64::INFINITY }
    } else {
        (hi / lo).abs()
    }
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The rates built on a count, flagged with it.
fn rates_of(count: &str) -> impl Iterator<Item = &'static str> + '_ {
    FLOWS
        .iter()
        .filter(move |(flow, _, _, _)| *flow == count)
        .filter_map(|(_, _, rate, _)| *rate)
}

fn label(measure: &str) -> String {
    Measure::named(measure).map_or_else(|| measure.to_string(), |m| m.label.to_string())
}

/// "leavers (FTE)", "social workers in post (headcount)".
fn noun(measure: &str) -> String {
    let l = label(measure);
    let mut c = l.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => l,
    }
}

/// A count with its noun, singular for exactly one: "1 leaver (headcount)", "0.0 leavers (FTE)",
/// "1.0 vacancies (FTE)" (a number with decimals takes the plural).
fn counted(measure: &str, stored: f64) -> String {
    let number = shown(measure, stored);
    let noun = noun(measure);
    if number != "1" {
        return format!("{number} {noun}");
    }
    // The first plural word of the label: "social workers in post", "working days lost".
    const SINGULAR: &[(&str, &str)] = &[
        ("workers", "worker"),
        ("leavers", "leaver"),
        ("starters", "starter"),
        ("vacancies", "vacancy"),
        ("days", "day"),
        ("cases", "case"),
    ];
    let mut done = false;
    let words: Vec<&str> = noun
        .split(' ')
        .map(|w| {
            if done {
                return w;
            }
            match SINGULAR.iter().find(|(plural, _)| *plural == w) {
                Some((_, one)) => {
                    done = true;
                    one
                }
                None => w,
            }
        })
        .collect();
    format!("{number} {}", words.join(" "))
}

/// A stored value in published units: "17.1%", "415.0", "27".
fn shown(measure: &str, stored: f64) -> String {
    let Some(m) = Measure::named(measure) else {
        return grouped(stored, 1);
    };
    let text = grouped(m.unit.to_published(stored), m.unit.decimals());
    if m.unit == Unit::Percent {
        format!("{text}%")
    } else {
        text
    }
}

/// A number rounded as published, with thousands separated by commas.
fn grouped(value: f64, decimals: u32) -> String {
    let rounded = round_half_away(value, decimals);
    let text = format!("{:.*}", decimals as usize, rounded.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    if rounded < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One measure pair per year: `(year, [(measure, value)])`.
    fn history(years: &[(u16, &[(&'static str, f64)])]) -> History {
        years
            .iter()
            .map(|(y, values)| {
                (
                    Year::try_from(*y).expect("test years are valid"),
                    values.iter().copied().collect(),
                )
            })
            .collect()
    }

    /// Six years, 2017 to 2022, each year's figures made from one of `values`.
    fn six_years<T, const N: usize>(
        values: impl IntoIterator<Item = T>,
        year: impl Fn(T) -> [(&'static str, f64); N],
    ) -> History {
        (2017..=2022)
            .zip(values)
            .map(|(y, v)| {
                (
                    Year::try_from(y).expect("test years are valid"),
                    BTreeMap::from(year(v)),
                )
            })
            .collect()
    }

    /// Six years of one measure, with `in_post` social workers throughout (and case holders and
    /// cases to match).
    fn series(measure: &'static str, in_post: f64, values: [f64; 6]) -> History {
        six_years(values, |v| {
            [
                (measure, v),
                ("inpost_fte", in_post),
                ("inpost_headcount", in_post),
                ("case_holders_fte", in_post * 0.6),
                ("cases", in_post * 10.0),
            ]
        })
    }

    fn flagged(flags: &[Flag]) -> Vec<(&'static str, u16, Rule)> {
        flags
            .iter()
            .map(|f| (f.measure, f.year.get(), f.rule))
            .collect()
    }

    #[test]
    fn no_leavers_against_27_in_post_when_the_years_around_had_several_is_flagged() {
        let h = history(&[
            (
                2018,
                &[("leavers_headcount", 5.0), ("inpost_headcount", 27.0)],
            ),
            (
                2019,
                &[
                    ("leavers_headcount", 0.0),
                    ("inpost_headcount", 27.0),
                    ("turnover_rate_headcount", 0.0),
                ],
            ),
            (
                2020,
                &[("leavers_headcount", 6.0), ("inpost_headcount", 26.0)],
            ),
        ]);
        let flags = check(&h);
        assert_eq!(
            flagged(&flags),
            [
                ("leavers_headcount", 2019, Rule::TooFew),
                ("turnover_rate_headcount", 2019, Rule::TooFew),
            ]
        );
        assert_eq!(
            flags[0].reason,
            "0 leavers (headcount) in 2019 against 27 social workers in post (headcount); there were 5 in 2018 and 6 in 2020, which at this size would be about 5 or more, and about 6 at the median rate of its other years"
        );
    }

    /// One flow against its workforce, year by year from `first`: `(flow, workforce)`.
    fn flow(name: &'static str, stock: &'static str, first: u16, years: &[(f64, f64)]) -> History {
        years
            .iter()
            .zip(first..)
            .map(|((c, n), y)| {
                (
                    Year::try_from(y).unwrap(),
                    BTreeMap::from([(name, *c), (stock, *n)]),
                )
            })
            .collect()
    }

    #[test]
    fn two_years_without_leavers_in_a_large_workforce_are_both_flagged() {
        // Essex, about 970 in post: 0 leavers in both 2023 and 2024.
        let h = flow(
            "leavers_fte",
            "inpost_fte",
            2017,
            &[
                (63.5, 745.9),
                (93.3, 787.6),
                (115.5, 786.4),
                (114.6, 805.6),
                (104.3, 868.2),
                (91.1, 918.1),
                (0.0, 970.0),
                (0.0, 970.0),
            ],
        );
        let flags = too_few(&h);
        assert_eq!(
            flagged(&flags),
            [
                ("leavers_fte", 2023, Rule::TooFew),
                ("leavers_fte", 2024, Rule::TooFew)
            ]
        );
        assert!(
            flags[0]
                .reason
                .contains("there were 91.1 in 2022 (2024 was also low)"),
            "{}",
            flags[0].reason
        );
    }

    #[test]
    fn waltham_forests_vacancies_of_55_0_0_61_are_flagged_in_both_empty_years() {
        let h = flow(
            "vacancy_fte",
            "inpost_fte",
            2017,
            &[
                (39.0, 134.5),
                (55.0, 125.1),
                (0.0, 131.3),
                (0.0, 139.1),
                (61.0, 141.4),
                (72.0, 140.2),
            ],
        );
        let flags = too_few(&h);
        assert_eq!(
            flagged(&flags),
            [
                ("vacancy_fte", 2019, Rule::TooFew),
                ("vacancy_fte", 2020, Rule::TooFew)
            ]
        );
        assert_eq!(
            flags[0].reason,
            "0.0 vacancies (FTE) in 2019 against 131.3 social workers in post (FTE); there were 55.0 in 2018 and 61.0 in 2021 (2020 was also low), which at this size would be about 57 or more, and about 57 at the median rate of its other years"
        );
    }

    #[test]
    fn gatesheads_first_year_turnover_within_its_usual_range_is_not_flagged() {
        // Gateshead's leavers: 1.5% in 2017 is low only against 2018's 16.1%, its one outlier;
        // the other years run from 0.7% to 7.9%. 2022's 0.7% (1 leaver from 153.7) is below
        // every other year and a tenth of the usual rate.
        let h = flow(
            "leavers_fte",
            "inpost_fte",
            2017,
            &[
                (2.0, 133.5),
                (23.6, 146.6),
                (7.0, 144.6),
                (11.4, 144.6),
                (11.7, 160.2),
                (1.0, 153.7),
            ],
        );
        assert_eq!(flagged(&too_few(&h)), [("leavers_fte", 2022, Rule::TooFew)]);
    }

    #[test]
    fn an_authority_that_stops_using_agency_workers_for_its_last_years_is_not_flagged() {
        for stopped in [2, 3] {
            let h = flow(
                "agency_fte",
                "inpost_fte",
                2017,
                &(0..6)
                    .map(|i| (if i < 6 - stopped { 11.0 } else { 0.0 }, 200.0))
                    .collect::<Vec<_>>(),
            );
            assert!(too_few(&h).is_empty(), "{stopped}: {:?}", too_few(&h));
        }
        // The same two years without leavers are flagged: nobody leaving is not a policy.
        let h = flow(
            "leavers_fte",
            "inpost_fte",
            2017,
            &(0..6)
                .map(|i| (if i < 4 { 22.0 } else { 0.0 }, 200.0))
                .collect::<Vec<_>>(),
        );
        assert_eq!(too_few(&h).len(), 2, "{:?}", too_few(&h));
    }

    #[test]
    fn a_small_authority_with_no_leavers_in_some_years_is_not_flagged() {
        // City of London: about ten social workers, 0 to 3 leavers a year.
        let leavers = [1.0, 0.0, 3.0, 1.0, 0.0, 2.0];
        let h = six_years(leavers, |l| [("leavers_fte", l), ("inpost_fte", 10.0)]);
        assert!(check(&h).is_empty(), "{:?}", check(&h));
    }

    #[test]
    fn an_authority_that_stops_using_agency_workers_is_not_flagged() {
        // Wigan and Barnsley: none for years, then some, or the other way round.
        let agency = [12.0, 10.0, 0.0, 0.0, 0.0, 0.0];
        let h = six_years(agency, |a| [("agency_fte", a), ("inpost_fte", 200.0)]);
        assert!(check(&h).is_empty(), "{:?}", check(&h));
    }

    #[test]
    fn no_days_lost_to_sickness_in_a_large_workforce_is_flagged() {
        let days = [427.5, 651.1, 419.5, 889.5, 0.0, 588.0];
        let h = six_years(days, |d| {
            [
                ("working_days_lost_fte", d),
                ("inpost_fte", 160.0),
                ("absence_rate_fte", d / (160.0 * 253.0)),
            ]
        });
        assert_eq!(
            flagged(&check(&h)),
            [
                ("absence_rate_fte", 2021, Rule::TooFew),
                ("working_days_lost_fte", 2021, Rule::TooFew),
            ]
        );
    }

    #[test]
    fn leavers_of_0_fte_but_27_people_are_flagged_as_fte_against_headcount() {
        let h = history(&[(
            2017,
            &[
                ("leavers_fte", 0.0),
                ("leavers_headcount", 27.0),
                ("turnover_rate_fte", 0.0),
                ("inpost_fte", 298.1),
            ],
        )]);
        let flags = check(&h);
        assert_eq!(
            flagged(&flags),
            [
                ("leavers_fte", 2017, Rule::FteHeadcount),
                ("turnover_rate_fte", 2017, Rule::FteHeadcount),
            ]
        );
        assert_eq!(
            flags[0].reason,
            "0 leavers (FTE) but 27 by headcount in the same year: each person counted has more than 0 FTE"
        );
    }

    #[test]
    fn more_fte_than_people_in_post_is_flagged_but_rounding_is_not() {
        let h = history(&[
            (2019, &[("inpost_fte", 249.2), ("inpost_headcount", 246.0)]),
            (2020, &[("inpost_fte", 368.2), ("inpost_headcount", 321.0)]),
        ]);
        let flags = fte_headcount(&h);
        assert_eq!(flagged(&flags), [("inpost_fte", 2020, Rule::FteHeadcount)]);
        assert!(
            flags[0]
                .reason
                .starts_with("368.2 social workers in post (FTE) but only 321 people")
        );
    }

    #[test]
    fn a_share_above_all_or_a_figure_below_zero_cannot_be() {
        let h = history(&[
            (
                2019,
                &[("agency_rate_fte", 1.042), ("turnover_rate_fte", 1.2)],
            ),
            (2020, &[("agency_rate_fte", 0.1), ("cases", -3.0)]),
        ]);
        let flags = check(&h);
        assert_eq!(
            flagged(&flags),
            [
                ("agency_rate_fte", 2019, Rule::Impossible),
                ("cases", 2020, Rule::Impossible)
            ]
        );
        assert_eq!(
            flags[0].reason,
            "Agency worker rate (FTE) is 104.2%: a part of a whole cannot be more than 100%"
        );
        assert!(
            flags[1]
                .reason
                .ends_with("below zero: no count or rate can be")
        );
    }

    #[test]
    fn an_agency_rate_far_above_every_other_year_that_comes_back_is_flagged() {
        // Newcastle upon Tyne, 2019.
        let h = series(
            "agency_rate_fte",
            238.6,
            [0.083, 0.055, 0.173, 0.102, 0.050, 0.048],
        );
        let flags = jumps(&h);
        assert_eq!(flagged(&flags), [("agency_rate_fte", 2019, Rule::Jump)]);
        assert_eq!(
            flags[0].reason,
            "Agency worker rate (FTE) rose from 5.5% in 2018 to 17.3% in 2019 and fell back to 10.2% in 2020; every other year was between 4.8% and 10.2%. A change this large that reverses the next year is more often a recording error than a real change"
        );
    }

    #[test]
    fn a_caseload_that_halves_and_doubles_back_is_flagged() {
        let h = series("caseload_fte", 150.0, [17.8, 18.2, 9.0, 18.5, 17.9, 18.1]);
        assert_eq!(flagged(&jumps(&h)), [("caseload_fte", 2019, Rule::Jump)]);
    }

    #[test]
    fn a_large_places_caseload_that_halves_and_doubles_back_within_a_wide_spread_is_flagged() {
        // Kent, about 700 in post: cases halve for one year, so the caseload goes 18.6, 8.8,
        // 18.9, in a series whose other years vary too much for the spread test alone.
        let caseloads = [14.0, 20.5, 18.6, 8.8, 18.9, 14.5];
        let h = six_years(caseloads, |c| {
            [
                ("caseload_fte", c),
                ("cases", (c * 470.0_f64).round()),
                ("case_holders_fte", 470.0),
                ("inpost_fte", 700.0),
            ]
        });
        let flags = jumps(&h);
        assert_eq!(
            flagged(&flags),
            [
                ("caseload_fte", 2020, Rule::Jump),
                ("cases", 2020, Rule::Jump)
            ]
        );
        assert_eq!(
            flags[0].reason,
            "Average caseload fell from 18.6 in 2019 to 8.8 in 2020 and rose back to 18.9 in 2021: at most half of both the year before and the year after. A change this large that reverses the next year is more often a recording error than a real change"
        );
    }

    #[test]
    fn traffords_vacancy_rate_of_3_8_percent_between_30_7_and_13_4_is_flagged() {
        // Trafford 2017-2022, as published: 5 vacancies in 2018 between 52.9 and 21.
        let rates = [0.307, 0.038, 0.134, 0.26, 0.25, 0.313];
        let in_post = [119.2, 125.0, 135.9, 114.1, 93.6, 97.7];
        let h = six_years(rates.into_iter().zip(in_post), |(r, n)| {
            [("vacancy_rate_fte", r), ("inpost_fte", n)]
        });
        let flags = jumps(&h);
        assert_eq!(flagged(&flags), [("vacancy_rate_fte", 2018, Rule::Jump)]);
        assert!(
            flags[0].reason.starts_with(
                "Vacancy rate (FTE) fell from 30.7% in 2017 to 3.8% in 2018 and rose back to 13.4% in 2019: at most half of both"
            ),
            "{}",
            flags[0].reason
        );
    }

    #[test]
    fn a_few_vacancies_more_or_less_are_not_a_reversal() {
        // Gateshead: 3, 0 and 3 vacancies from about 145 in post halve and double, but by less
        // than the noise of a place this size.
        let rates = [0.158, 0.039, 0.02, 0.0, 0.018, 0.067];
        let h = rates
            .iter()
            .zip(2017..)
            .map(|(r, y)| {
                (
                    Year::try_from(y).unwrap(),
                    BTreeMap::from([("vacancy_rate_fte", *r), ("inpost_fte", 145.0)]),
                )
            })
            .collect();
        assert!(jumps(&h).is_empty(), "{:?}", jumps(&h));
    }

    #[test]
    fn a_zigzag_has_no_level_to_come_back_to_and_is_not_a_reversal() {
        // Sunderland's turnover: 2018 is low and 2019 high against each other; which is wrong
        // cannot be told.
        let h = series(
            "turnover_rate_fte",
            200.0,
            [0.09, 0.024, 0.223, 0.104, 0.141, 0.136],
        );
        assert!(jumps(&h).is_empty(), "{:?}", jumps(&h));
        // Middlesbrough's agency workers: a climb with an uneven start. 3.2% is not below
        // every other year, and 10.2% is not double the usual level.
        let h = series(
            "agency_rate_fte",
            170.0,
            [0.012, 0.102, 0.032, 0.231, 0.287, 0.346],
        );
        assert!(jumps(&h).is_empty(), "{:?}", jumps(&h));
    }

    #[test]
    fn a_steady_trend_is_not_flagged() {
        let h = series(
            "agency_rate_fte",
            150.0,
            [0.041, 0.067, 0.097, 0.109, 0.198, 0.347],
        );
        assert!(jumps(&h).is_empty(), "{:?}", jumps(&h));
    }

    #[test]
    fn a_step_change_that_persists_is_not_flagged() {
        // Wigan's agency workers: none for three years, then about a quarter.
        let h = series(
            "agency_rate_fte",
            200.0,
            [0.0, 0.0, 0.0, 0.241, 0.243, 0.235],
        );
        assert!(jumps(&h).is_empty(), "{:?}", jumps(&h));
        let h = series("caseload_fte", 150.0, [18.0, 18.4, 11.2, 11.0, 10.8, 11.5]);
        assert!(jumps(&h).is_empty(), "{:?}", jumps(&h));
    }

    #[test]
    fn a_small_authoritys_noisy_but_plausible_series_is_not_flagged() {
        // Rutland's turnover: about 23 social workers, a few leavers more or less each year.
        let h = series(
            "turnover_rate_fte",
            23.0,
            [0.34, 0.26, 0.125, 0.34, 0.47, 0.32],
        );
        assert!(jumps(&h).is_empty());
        // The same relative swings with 60 in post are still within what the size allows.
        let h = series(
            "turnover_rate_fte",
            60.0,
            [0.14, 0.12, 0.22, 0.13, 0.16, 0.15],
        );
        assert!(jumps(&h).is_empty(), "{:?}", jumps(&h));
    }

    #[test]
    fn the_first_and_last_years_are_not_judged_for_jumps() {
        let h = series(
            "vacancy_rate_fte",
            150.0,
            [0.05, 0.05, 0.06, 0.05, 0.05, 0.40],
        );
        assert!(jumps(&h).is_empty());
    }

    #[test]
    fn a_figure_gets_one_flag_the_most_specific() {
        // 0 FTE leavers with 17 people leaving: fte_headcount, not also too_few.
        let h = history(&[
            (
                2017,
                &[
                    ("leavers_fte", 0.0),
                    ("leavers_headcount", 17.0),
                    ("inpost_fte", 135.4),
                ],
            ),
            (2018, &[("leavers_fte", 30.0), ("inpost_fte", 150.0)]),
        ]);
        assert_eq!(
            flagged(&check(&h)),
            [("leavers_fte", 2017, Rule::FteHeadcount)]
        );
    }

    #[test]
    fn one_leaver_is_one_leaver_not_one_leavers() {
        let h = history(&[
            (
                2021,
                &[("leavers_headcount", 33.0), ("inpost_headcount", 160.0)],
            ),
            (
                2022,
                &[("leavers_headcount", 1.0), ("inpost_headcount", 160.0)],
            ),
        ]);
        let flags = too_few(&h);
        assert!(
            flags[0].reason.starts_with("1 leaver (headcount) in 2022"),
            "{}",
            flags[0].reason
        );
        assert_eq!(counted("vacancy_fte", 1.0), "1.0 vacancies (FTE)");
        assert_eq!(counted("vacancy_fte", 2.0), "2.0 vacancies (FTE)");
        assert_eq!(
            counted("agency_headcount", 1.0),
            "1 agency worker (headcount)"
        );
        assert_eq!(counted("cases", 1.0), "1 case held");
        assert_eq!(
            counted("working_days_lost_fte", 1.0),
            "1.0 working days lost to sickness (FTE)"
        );
        assert_eq!(
            counted("inpost_headcount", 1.0),
            "1 social worker in post (headcount)"
        );
    }

    #[test]
    fn numbers_in_reasons_are_shown_as_published() {
        assert_eq!(shown("turnover_rate_fte", 0.171), "17.1%");
        assert_eq!(shown("inpost_fte", 31634.1), "31,634.1");
        assert_eq!(shown("inpost_headcount", 27.0), "27");
        assert_eq!(grouped(-1234.56, 1), "-1,234.6");
    }
}
