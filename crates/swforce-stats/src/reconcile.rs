//! Reconciliation: recompute every published rate from the published counts and say, row by
//! row, whether it matches to the published precision, and why not where it cannot.

use crate::indicator::{compute, evaluate};
use crate::rollup::{Hierarchy, RolledUp, roll_up};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use swforce_domain::number::round_half_away;
use swforce_domain::{
    Cell, Dataset, Formula, GeographicLevel, GeographyCode, Measure, Row, Unit, Year,
};

/// How one published rate compares with the rate computed from the published counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The computed rate, rounded as published, is the published figure.
    Exact,
    /// The counts are themselves rounded (FTEs to one decimal place; children in need counts
    /// above authority level to the nearest 10) and the published figure lies within the range
    /// those rounded counts allow: the publisher computed it from the unrounded counts.
    WithinInputRounding,
    /// An aggregate figure that matches when rebuilt from its authorities' counts, taking only
    /// the authorities that returned both inputs (`authorities` of `of`): the publisher leaves
    /// out an authority that could not return one of them.
    RebuiltFromAuthorities { authorities: usize, of: usize },
    /// A rate per 10,000 children that the publisher divided by the population estimate of its
    /// time, since revised by ONS: every such rate of the row is reproduced by one number of
    /// children (`used`, the middle of the range they allow), which differs from the estimate
    /// on record (`current`). The counts and the rates agree; only the denominator moved.
    EarlierPopulation { used: f64, current: f64 },
    /// A rate per 10,000 children of a place and year the population estimates on record give no
    /// number of children for (`x`, or absent): every such rate of the row is reproduced by one
    /// number of children (`used`), within a quarter of the number the place's rates imply the
    /// year before or after, so the counts and the rates agree.
    PopulationNotOnRecord { used: f64 },
    /// Published without a value and no value can be computed either.
    NoValue,
    /// Cannot be reproduced from this file; the reason says why.
    Unreproducible { reason: String },
}

impl Outcome {
    /// Whether the published figure is reproduced (to the published precision).
    pub fn reproduced(&self) -> bool {
        !matches!(self, Outcome::Unreproducible { .. })
    }
}

/// One published rate, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub geography: GeographyCode,
    pub level: GeographicLevel,
    pub year: Year,
    pub breakdown: String,
    pub measure: &'static str,
    /// Published figure in published units (a percentage as 17.1).
    pub published: Cell<f64>,
    /// Computed from the published counts, in published units, unrounded.
    pub computed: Option<Cell<f64>>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Half the rounding step of a published count: how far the true count can lie from it.
///
/// FTEs and days are published to one decimal place. Children in need and referral counts above
/// authority level are published rounded to the nearest 10; authority counts are exact.
pub fn count_half_width(measure: &Measure, level: GeographicLevel) -> f64 {
    match measure.unit {
        Unit::Fte | Unit::Days => 0.05,
        Unit::Count | Unit::Headcount => {
            let rounded_to_tens = matches!(
                measure.dataset,
                Dataset::ChildrenInNeed | Dataset::Referrals
            ) && level != GeographicLevel::LocalAuthority;
            if rounded_to_tens { 5.0 } else { 0.0 }
        }
        _ => 0.0,
    }
}

/// Checks every published derived measure in `rows` (one dataset, all levels).
///
/// `levels` gives each geography's level; `hierarchy` lets aggregate rows be rebuilt from their
/// authorities when the published aggregate does not follow from its own counts.
pub fn reconcile(
    rows: &[Row],
    levels: &HashMap<GeographyCode, GeographicLevel>,
    hierarchy: &Hierarchy,
) -> Vec<Finding> {
    let mut rebuilt: HashMap<(GeographyCode, Year, String), RolledUp> = HashMap::new();
    let mut by_year: BTreeMap<(Dataset, Year), Vec<&Row>> = BTreeMap::new();
    for r in rows {
        if levels.get(&r.geography) == Some(&GeographicLevel::LocalAuthority) {
            by_year.entry((r.dataset, r.year)).or_default().push(r);
        }
    }
    for ((dataset, year), las) in &by_year {
        for up in roll_up(*dataset, *year, las, hierarchy) {
            rebuilt.insert(
                (up.row.geography.clone(), *year, up.row.breakdown.clone()),
                up,
            );
        }
    }

    // The children each row's rates per 10,000 children imply (with how many rates agree on
    // the number), and how many times the estimate on record that is, by place and year:
    // worked out once, for the row itself and for the years either side of it.
    type Implied = ((f64, usize), Option<f64>);
    let implied: HashMap<(GeographyCode, String, Year), Implied> = rows
        .iter()
        .filter_map(|r| {
            let level = levels
                .get(&r.geography)
                .copied()
                .unwrap_or(GeographicLevel::LocalAuthority);
            let used = children_used(r, level)?;
            let ratio = Measure::of(r.dataset)
                .find(|m| m.joined.is_some())
                .and_then(|m| r.value(m.name))
                .filter(|v| *v > 0.0)
                .map(|current| used.0 / current);
            Some((
                (r.geography.clone(), r.breakdown.clone(), r.year),
                (used, ratio),
            ))
        })
        .collect();
    // Whether a neighbouring year's implied figure (`pick`) is within STEADY of this one's.
    let around = |row: &Row, pick: fn(&Implied) -> Option<f64>, this: f64| {
        [row.year.previous(), row.year.next()]
            .into_iter()
            .flatten()
            .filter_map(|y| implied.get(&(row.geography.clone(), row.breakdown.clone(), y)))
            .filter_map(pick)
            .any(|other| (other / this - 1.0).abs() <= STEADY)
    };
    let steady_number = |row: &Row, used: f64| around(row, |i| Some(i.0.0), used);
    let steady = |row: &Row, ratio: f64| around(row, |i| i.1, ratio);
    let mut out = Vec::new();
    for row in rows {
        let level = levels
            .get(&row.geography)
            .copied()
            .unwrap_or(GeographicLevel::LocalAuthority);
        let children_used = implied
            .get(&(row.geography.clone(), row.breakdown.clone(), row.year))
            .map(|(used, _)| *used);
        for measure in Measure::of(row.dataset) {
            let (Some(formula), Some(published)) = (measure.formula, row.cell(measure.name)) else {
                continue;
            };
            let computed = compute(measure, row.year, |m| row.cell(m));
            let unit = measure.unit;
            let published_units = published.map(|v| unit.to_published(v));
            let computed_units = computed.map(|c| c.map(|v| unit.to_published(v)));
            let [a, b] = formula.inputs();
            let children_missing = matches!(formula, Formula::PerTenThousand { children, .. }
                if !matches!(row.cell(children), Some(Cell::Value(_))));
            let outcome = match (published_units, computed_units) {
                (Cell::Value(_), _)
                    if children_missing
                        && children_used.is_some_and(|(u, _)| steady_number(row, u)) =>
                {
                    Outcome::PopulationNotOnRecord {
                        used: children_used.map_or(0.0, |(u, _)| u.round()),
                    }
                }
                (Cell::Symbol(_), None | Some(Cell::Symbol(_))) => Outcome::NoValue,
                (Cell::Symbol(s), Some(Cell::Value(v))) => Outcome::Unreproducible {
                    reason: format!(
                        "published as {s} ({}) although its counts give {v:.2}",
                        s.meaning()
                    ),
                },
                (Cell::Value(_), None) => Outcome::Unreproducible {
                    reason: format!("{a} and {b} are not in this release"),
                },
                (Cell::Value(_), Some(Cell::Symbol(s))) => Outcome::Unreproducible {
                    reason: format!("an input ({a} or {b}) is {s}: {}", s.meaning()),
                },
                (Cell::Value(p), Some(Cell::Value(c))) => {
                    let (va, vb) = (row.value(a).unwrap_or(0.0), row.value(b).unwrap_or(0.0));
                    let width = |name: &str, n: f64| {
                        Measure::find(row.dataset, name)
                            .map_or(0.0, |m| n * count_half_width(m, level))
                    };
                    let rebuilt_inputs = rebuilt
                        .get(&(row.geography.clone(), row.year, row.breakdown.clone()))
                        .and_then(|up| {
                            up.rate_inputs
                                .get(measure.name)
                                .map(|i| (*i, up.authorities))
                        });
                    if (round_half_away(c, unit.decimals()) - p).abs() < 1e-9 {
                        Outcome::Exact
                    } else if within_rounding(
                        measure,
                        row.year,
                        (va, width(a, 1.0)),
                        (vb, width(b, 1.0)),
                        p,
                    ) {
                        Outcome::WithinInputRounding
                    } else if let Some(((_, _, n), of)) =
                        rebuilt_inputs.filter(|((sa, sb, n), _)| {
                            // Each authority's count carries its own rounding into the sum.
                            let k = *n as f64;
                            within_rounding(
                                measure,
                                row.year,
                                (*sa, width(a, k)),
                                (*sb, width(b, k)),
                                p,
                            )
                        })
                    {
                        Outcome::RebuiltFromAuthorities { authorities: n, of }
                    } else if let Some(used) = children_used
                        .filter(|_| matches!(formula, Formula::PerTenThousand { .. }))
                        .filter(|(used, _)| {
                            let ratio = used / vb;
                            vb > 0.0
                                && (1.0 / MAX_RATIO..=MAX_RATIO).contains(&ratio)
                                && ((ratio - 1.0).abs() <= MAX_REVISION || steady(row, ratio))
                        })
                    {
                        Outcome::EarlierPopulation {
                            used: used.0.round(),
                            current: vb,
                        }
                    } else {
                        Outcome::Unreproducible {
                            reason: format!(
                                "computed {c:.2} from the published counts; the publisher's figure \
                                 {p} lies outside what rounding of those counts allows"
                            ),
                        }
                    }
                }
            };
            out.push(Finding {
                geography: row.geography.clone(),
                level,
                year: row.year,
                breakdown: row.breakdown.clone(),
                measure: measure.name,
                published: published_units,
                computed: computed_units,
                outcome,
            });
        }
    }
    out
}

/// How far the number of children a row's rates imply may be from the estimate on record and
/// still be taken, on that alone, for a revision of the estimate since the rates were published.
pub const MAX_REVISION: f64 = 0.25;

/// A larger difference is taken for a revision only when the place's revision is steady from
/// one year to the next: its ratio to the estimate on record within this share of the year
/// before's or after's. Revisions as large as central London's after the 2021 census (Camden's
/// children by about a third, the City of London's by up to two thirds) drifted from year to
/// year, while a rate written over one year's stands alone.
pub const STEADY: f64 = 0.25;

/// Never a revision: the number implied is more than this many times the estimate, or less
/// than its reciprocal.
pub const MAX_RATIO: f64 = 3.0;

/// The number of children that reproduces every published rate per 10,000 children of a row
/// within the rounding of its count and of the rate, if one number does (the middle of the
/// range they all allow), with how many rates agree on it; `None` when the row has no such rate
/// or they need different numbers.
fn children_used(row: &Row, level: GeographicLevel) -> Option<(f64, usize)> {
    let (mut low, mut high) = (0.0_f64, f64::INFINITY);
    let mut rates = 0;
    for measure in Measure::of(row.dataset) {
        let Some(Formula::PerTenThousand { count, .. }) = measure.formula else {
            continue;
        };
        let (Some(Cell::Value(rate)), Some(Cell::Value(n))) =
            (row.cell(measure.name), row.cell(count))
        else {
            continue;
        };
        let w = Measure::find(row.dataset, count).map_or(0.0, |m| count_half_width(m, level));
        let step = 0.5 * 10f64.powi(-(measure.unit.decimals() as i32)) + 1e-9;
        if rate - step <= 0.0 {
            continue;
        }
        low = low.max((n - w).max(0.0) * 10_000.0 / (rate + step));
        high = high.min((n + w) * 10_000.0 / (rate - step));
        rates += 1;
    }
    (rates > 0 && low <= high).then_some(((low + high) / 2.0, rates))
}

/// Whether `published` lies within the range of the formula over the rounding box of its two
/// inputs, each given as (value, half-width).
///
/// Every formula rises with its first input and falls with its second, so the range is spanned
/// by two corners of the box.
fn within_rounding(
    measure: &Measure,
    year: Year,
    (va, ha): (f64, f64),
    (vb, hb): (f64, f64),
    published: f64,
) -> bool {
    let low = evaluate(measure, year, (va - ha).max(0.0), vb + hb);
    let high = evaluate(measure, year, va + ha, (vb - hb).max(0.0));
    let half_step = 0.5 * 10f64.powi(-(measure.unit.decimals() as i32));
    let to_pub = |v: f64| measure.unit.to_published(v);
    let tolerance = half_step + 1e-9;
    match (low, high) {
        (Some(lo), Some(hi)) => {
            to_pub(lo) - tolerance <= published && published <= to_pub(hi) + tolerance
        }
        // A denominator that may round to zero leaves the range open above.
        (Some(lo), None) => to_pub(lo) - tolerance <= published,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A children in need row of one authority: children on record, and two counts with the
    /// rates the publisher gave them, as if divided by `used` children.
    fn row(year: u16, on_record: f64, used: f64) -> Row {
        let mut r = Row::new(
            Dataset::ChildrenInNeed,
            GeographyCode::parse("E10000016").unwrap(),
            Year::try_from(year).unwrap(),
            "",
        );
        let set = |r: &mut Row, name: &str, v: f64| {
            r.set(Measure::named(name).unwrap(), Cell::Value(v));
        };
        set(&mut r, "cin_population_0_17", on_record);
        for (count, rate, n) in [
            ("At31_episodes", "At31_episodes_rate", 11_000.0),
            ("Anypoint_child", "Anypoint_child_rate", 19_000.0),
        ] {
            set(&mut r, count, n);
            set(&mut r, rate, round_half_away(n / used * 10_000.0, 1));
        }
        r
    }

    fn outcomes(rows: &[Row]) -> Vec<Outcome> {
        let levels = rows
            .iter()
            .map(|r| (r.geography.clone(), GeographicLevel::LocalAuthority))
            .collect();
        reconcile(rows, &levels, &Hierarchy::new(std::iter::empty()))
            .into_iter()
            .map(|f| f.outcome)
            .collect()
    }

    #[test]
    fn rates_divided_by_an_earlier_estimate_are_reconciled_and_say_so() {
        let got = outcomes(&[row(2021, 336_000.0, 345_000.0)]);
        assert!(
            got.iter()
                .all(|o| matches!(o, Outcome::EarlierPopulation { used, current }
                    if (used - 345_000.0).abs() < 200.0 && *current == 336_000.0)),
            "{got:?}"
        );
    }

    #[test]
    fn a_year_written_over_with_another_number_of_children_is_not_reproduced() {
        // The years around imply the estimate on record; one year implies half as many again.
        let rows = [
            row(2020, 334_000.0, 334_000.0),
            row(2021, 336_000.0, 500_000.0),
            row(2022, 338_000.0, 338_000.0),
        ];
        let got = outcomes(&rows);
        let of_2021 = &got[2..4];
        assert!(
            of_2021
                .iter()
                .all(|o| matches!(o, Outcome::Unreproducible { .. })),
            "{got:?}"
        );
        // Ten times the estimate is never a revision, whatever the years around say.
        let rows = [
            row(2020, 334_000.0, 3_340_000.0),
            row(2021, 336_000.0, 3_360_000.0),
        ];
        assert!(
            outcomes(&rows)
                .iter()
                .all(|o| matches!(o, Outcome::Unreproducible { .. }))
        );
    }

    #[test]
    fn where_the_estimates_hold_no_figure_a_year_must_agree_with_the_years_around() {
        let unrecorded = |year: u16, used: f64| {
            let mut r = row(year, 1.0, used);
            r.cells.remove("cin_population_0_17");
            r
        };
        let rows = [
            unrecorded(2016, 36_000.0),
            unrecorded(2017, 36_500.0),
            unrecorded(2018, 1_000_000.0),
        ];
        let got = outcomes(&rows);
        assert!(
            got[..4]
                .iter()
                .all(|o| matches!(o, Outcome::PopulationNotOnRecord { .. })),
            "{got:?}"
        );
        assert!(
            got[4..]
                .iter()
                .all(|o| matches!(o, Outcome::Unreproducible { .. })),
            "{got:?}"
        );
    }

    #[test]
    fn a_large_revision_that_drifts_from_year_to_year_is_taken() {
        // The City of London's rates imply 1.5 to 2.8 times today's estimate, year after year.
        let rows = [
            row(2016, 700.0, 1_064.0),
            row(2017, 690.0, 1_235.0),
            row(2018, 680.0, 1_319.0),
        ];
        assert!(
            outcomes(&rows)
                .iter()
                .all(|o| matches!(o, Outcome::EarlierPopulation { .. })),
            "{:?}",
            outcomes(&rows)
        );
    }
}
