//! Rates from counts, as published.

use swforce_domain::{Cell, EesSymbol, Formula, Measure, Row, Year};

/// Working days in a workforce reporting year (1 October to 30 September), the denominator of
/// the sickness absence rate per FTE.
///
/// The publisher's absence rates are reproduced by 253 days in every year from 2017 to 2022
/// except 2020, which needs 254 (the year to 30 September 2020 included 29 February). Every
/// published local authority, regional and national rate in those releases matches with these
/// values and no others; other years take 253.
pub fn working_days(year: Year) -> f64 {
    if year.get() == 2020 { 254.0 } else { 253.0 }
}

/// Computes a derived measure from its inputs, in stored units (a fraction for percentages).
///
/// - `None` when the measure is not derived, or an input was not published in the release;
/// - the input's symbol when an input is suppressed or unavailable (`c` outranks `x`, which
///   outranks the rest: a rate never reveals a suppressed count);
/// - `z` when the denominator is zero (Isles of Scilly with no social worker in post), never
///   an infinite or NaN rate.
/// - `0` when both inputs are zero for the measures the publisher shows that way (agency cover),
///   and when a zero numerator sits over a suppressed (`c`, so small but not zero) denominator.
pub fn compute(
    measure: &Measure,
    year: Year,
    input: impl Fn(&str) -> Option<Cell<f64>>,
) -> Option<Cell<f64>> {
    let formula = measure.formula?;
    let [a, b] = formula.inputs();
    let (ca, cb) = (input(a)?, input(b)?);
    let (va, vb) = match (ca, cb) {
        (Cell::Value(x), Cell::Value(y)) => (x, y),
        // `c` hides a small count that is not zero, so nothing over it is 0 and reveals nothing
        // (the publisher shows Isles of Scilly's 2017 re-referral rate as 0 beside `c` referrals).
        (Cell::Value(x), Cell::Symbol(EesSymbol::C))
            if x == 0.0 && !matches!(formula, Formula::Absence { .. }) =>
        {
            return Some(Cell::Value(0.0));
        }
        _ => return Some(Cell::Symbol(strongest(ca.symbol(), cb.symbol()))),
    };
    Some(evaluate(measure, year, va, vb).map_or(Cell::Symbol(EesSymbol::Z), Cell::Value))
}

/// The measure's formula on plain numbers; `None` for a zero denominator (or a measure that is
/// not derived).
pub fn evaluate(measure: &Measure, year: Year, a: f64, b: f64) -> Option<f64> {
    let formula = measure.formula?;
    if measure.zero_when_both_zero && a == 0.0 && b == 0.0 {
        return Some(0.0);
    }
    let (num, den) = match formula {
        Formula::Ratio { .. } => (a, b),
        Formula::Share { .. } => (a, a + b),
        Formula::Absence { .. } => (a, b * working_days(year)),
        Formula::PerTenThousand { .. } => (a * 10_000.0, b),
    };
    (den > 0.0).then(|| num / den)
}

fn strongest(a: Option<EesSymbol>, b: Option<EesSymbol>) -> EesSymbol {
    let rank = |s: EesSymbol| match s {
        EesSymbol::C => 0,
        EesSymbol::X => 1,
        EesSymbol::Z => 2,
        EesSymbol::Low => 3,
        EesSymbol::U => 4,
    };
    match (a, b) {
        (Some(x), Some(y)) => {
            if rank(x) <= rank(y) {
                x
            } else {
                y
            }
        }
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => EesSymbol::X,
    }
}

/// Fills in every derived measure a row does not carry but can be computed from the counts it
/// does carry (a release without a rate column, or a roll-up of counts). Published cells are
/// left exactly as published.
pub fn derive_missing(row: &mut Row) {
    for measure in Measure::of(row.dataset) {
        if row.cells.contains_key(measure.name) {
            continue;
        }
        if let Some(cell) = compute(measure, row.year, |m| row.cell(m)) {
            row.cells.insert(measure.name, cell);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use swforce_domain::{Dataset, GeographyCode};

    fn year(y: u16) -> Year {
        Year::try_from(y).unwrap()
    }

    fn formula(name: &str) -> &'static Measure {
        Measure::named(name).unwrap()
    }

    #[test]
    fn turnover_is_leavers_over_in_post() {
        let f = formula("turnover_rate_fte");
        let got = compute(f, year(2022), |m| match m {
            "leavers_fte" => Some(Cell::Value(5422.0)),
            "inpost_fte" => Some(Cell::Value(31634.1)),
            _ => None,
        });
        let v = got.unwrap().value().unwrap();
        assert!((v * 100.0 - 17.14).abs() < 0.01, "{v}");
    }

    #[test]
    fn agency_rate_divides_by_agency_plus_in_post() {
        let v = evaluate(formula("agency_rate_fte"), year(2022), 6759.7, 31634.1).unwrap();
        assert!((v * 100.0 - 17.6).abs() < 0.05);
    }

    #[test]
    fn absence_uses_the_working_days_of_the_year() {
        // England 2022: 283,440.5 days lost over 31,634.1 FTE is 3.5%.
        let v = evaluate(formula("absence_rate_fte"), year(2022), 283440.5, 31634.1).unwrap();
        assert!((v * 100.0 - 3.54).abs() < 0.01);
        assert_eq!(working_days(year(2020)), 254.0);
    }

    #[test]
    fn a_zero_denominator_is_not_applicable_not_infinity() {
        // Isles of Scilly 2022: no social worker in post.
        let got = compute(formula("turnover_rate_fte"), year(2022), |m| match m {
            "leavers_fte" | "inpost_fte" => Some(Cell::Value(0.0)),
            _ => None,
        });
        assert_eq!(got, Some(Cell::Symbol(EesSymbol::Z)));
    }

    #[test]
    fn no_agency_workers_and_none_covering_is_a_cover_rate_of_nought() {
        // Kirklees 2022, as published.
        let got = compute(formula("agency_cover_rate_fte"), year(2022), |_| {
            Some(Cell::Value(0.0))
        });
        assert_eq!(got, Some(Cell::Value(0.0)));
    }

    #[test]
    fn nothing_over_a_suppressed_count_is_nought() {
        let got = compute(formula("Re_referrals_percent"), year(2017), |m| match m {
            "Re_referrals" => Some(Cell::Value(0.0)),
            _ => Some(Cell::Symbol(EesSymbol::C)),
        });
        assert_eq!(got, Some(Cell::Value(0.0)));
    }

    #[test]
    fn a_suppressed_input_suppresses_the_rate() {
        let got = compute(formula("absence_rate_fte"), year(2018), |m| match m {
            "working_days_lost_fte" => Some(Cell::Symbol(EesSymbol::C)),
            "inpost_fte" => Some(Cell::Value(2.0)),
            _ => None,
        });
        assert_eq!(got, Some(Cell::Symbol(EesSymbol::C)));
        assert_eq!(
            strongest(Some(EesSymbol::Z), Some(EesSymbol::C)),
            EesSymbol::C
        );
    }

    #[test]
    fn an_unpublished_input_gives_nothing_to_compute() {
        assert_eq!(
            compute(formula("turnover_rate_fte"), year(2022), |_| None),
            None
        );
    }

    #[test]
    fn derive_missing_keeps_published_cells_and_fills_the_rest() {
        let mut row = Row::new(
            Dataset::CswwHeadline,
            GeographyCode::england(),
            year(2023),
            "",
        );
        let get = |n| Measure::named(n).unwrap();
        row.set(get("inpost_fte"), Cell::Value(100.0));
        row.set(get("leavers_fte"), Cell::Value(15.0));
        row.set(get("agency_fte"), Cell::Value(25.0));
        row.set(get("agency_rate_fte"), Cell::Value(0.123));
        derive_missing(&mut row);
        assert_eq!(row.value("turnover_rate_fte"), Some(0.15));
        assert_eq!(row.value("agency_rate_fte"), Some(0.123));
        assert_eq!(row.cell("vacancy_rate_fte"), None);
    }
}
