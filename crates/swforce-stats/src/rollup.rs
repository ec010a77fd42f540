//! Roll-ups: authorities to regions to England, from counts.

use crate::indicator::evaluate;
use std::collections::{BTreeMap, HashMap};
use swforce_domain::{
    Cell, Dataset, EesSymbol, GeographicLevel, Geography, GeographyCode, Measure, Row, Unit, Year,
};

/// Who sits inside whom: authority → (Inner/Outer London →) region → England.
#[derive(Debug, Clone, Default)]
pub struct Hierarchy {
    parent: HashMap<GeographyCode, GeographyCode>,
    level: HashMap<GeographyCode, GeographicLevel>,
}

impl Hierarchy {
    pub fn new<'a>(geographies: impl IntoIterator<Item = &'a Geography>) -> Self {
        let mut h = Hierarchy::default();
        for g in geographies {
            h.level.insert(g.code.clone(), g.level);
            if let Some(p) = &g.parent {
                h.parent.insert(g.code.clone(), p.clone());
            }
        }
        h
    }

    /// Every geography above `code`, nearest first.
    pub fn ancestors(&self, code: &GeographyCode) -> Vec<GeographyCode> {
        let mut out = Vec::new();
        let mut cur = code;
        while let Some(p) = self.parent.get(cur) {
            if out.contains(p) || out.len() > 8 {
                break;
            }
            out.push(p.clone());
            cur = p;
        }
        out
    }

    pub fn level(&self, code: &GeographyCode) -> Option<GeographicLevel> {
        self.level.get(code).copied()
    }
}

/// Whether a measure can be added up across places (counts, FTEs and days can; rates cannot).
pub fn is_additive(measure: &Measure) -> bool {
    measure.formula.is_none()
        && matches!(
            measure.unit,
            Unit::Fte | Unit::Headcount | Unit::Count | Unit::Days
        )
}

/// An aggregate row made by adding authorities up.
#[derive(Debug, Clone)]
pub struct RolledUp {
    pub row: Row,
    /// Authorities that contributed to the row.
    pub authorities: usize,
    /// Per measure, how many authorities' values were withheld (`c` or `x`), so the total is a
    /// floor rather than the true figure.
    pub withheld: BTreeMap<&'static str, usize>,
    /// Per derived measure: the sums of its two inputs over the authorities that returned both,
    /// and how many authorities that was.
    pub rate_inputs: BTreeMap<&'static str, (f64, f64, usize)>,
}

/// Adds authority rows of one dataset and year up to every geography above them.
///
/// Counts are summed over the authorities that have a value. A rate is then computed from
/// summed counts, never by averaging authority rates, and over the authorities that returned
/// both of its inputs: this is how the publisher treats an authority that could not return
/// one of them (2017 agency cover, for example).
pub fn roll_up(
    dataset: Dataset,
    year: Year,
    authority_rows: &[&Row],
    hierarchy: &Hierarchy,
) -> Vec<RolledUp> {
    let mut groups: BTreeMap<(GeographyCode, String), Vec<&Row>> = BTreeMap::new();
    for row in authority_rows {
        if row.dataset != dataset || row.year != year {
            continue;
        }
        for a in hierarchy.ancestors(&row.geography) {
            groups
                .entry((a, row.breakdown.clone()))
                .or_default()
                .push(row);
        }
    }
    groups
        .into_iter()
        .map(|((code, breakdown), rows)| combine(dataset, year, code, &breakdown, &rows))
        .collect()
}

/// Adds `rows` (one dataset and year, any places) into one row for `code`, with the same rules
/// as [`roll_up`]; used for regions and for places that no longer exist as one (a predecessor
/// pair continuing a merged authority's series).
pub fn combine(
    dataset: Dataset,
    year: Year,
    code: GeographyCode,
    breakdown: &str,
    rows: &[&Row],
) -> RolledUp {
    let mut out = Row::new(dataset, code, year, breakdown);
    let mut withheld = BTreeMap::new();
    let mut rate_inputs = BTreeMap::new();
    for measure in Measure::of(dataset) {
        if is_additive(measure) {
            let mut total = 0.0;
            let mut any = false;
            let mut held = 0;
            for r in rows {
                match r.cell(measure.name) {
                    Some(Cell::Value(v)) => {
                        total += v;
                        any = true;
                    }
                    Some(Cell::Symbol(EesSymbol::C | EesSymbol::X)) => held += 1,
                    _ => {}
                }
            }
            if held > 0 {
                withheld.insert(measure.name, held);
            }
            if any {
                out.cells.insert(measure.name, Cell::Value(total));
            } else if held > 0 {
                out.cells.insert(measure.name, Cell::Symbol(EesSymbol::X));
            }
        } else if let Some(formula) = measure.formula {
            let [a, b] = formula.inputs();
            let (mut sa, mut sb, mut n) = (0.0, 0.0, 0);
            for r in rows {
                if let (Some(va), Some(vb)) = (r.value(a), r.value(b)) {
                    sa += va;
                    sb += vb;
                    n += 1;
                }
            }
            if n > 0 {
                rate_inputs.insert(measure.name, (sa, sb, n));
                let cell =
                    evaluate(measure, year, sa, sb).map_or(Cell::Symbol(EesSymbol::Z), Cell::Value);
                out.cells.insert(measure.name, cell);
            }
        }
    }
    RolledUp {
        row: out,
        authorities: rows.len(),
        withheld,
        rate_inputs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geo(code: &str, level: GeographicLevel, parent: Option<&str>) -> Geography {
        Geography {
            code: GeographyCode::parse(code).unwrap(),
            name: code.to_string(),
            level,
            parent: parent.map(|p| GeographyCode::parse(p).unwrap()),
            old_la_code: None,
        }
    }

    fn la(code: &str, inpost: Cell<f64>, leavers: f64) -> Row {
        let mut r = Row::new(
            Dataset::CswwHeadline,
            GeographyCode::parse(code).unwrap(),
            Year::try_from(2022).unwrap(),
            "",
        );
        r.set(Measure::named("inpost_fte").unwrap(), inpost);
        r.set(Measure::named("leavers_fte").unwrap(), Cell::Value(leavers));
        r
    }

    #[test]
    fn london_boroughs_roll_up_through_inner_london_to_london_and_england() {
        use GeographicLevel::*;
        let h = Hierarchy::new(&[
            geo("E92000001", National, None),
            geo("E12000007", Regional, Some("E92000001")),
            geo("E13000001", Regional, Some("E12000007")),
            geo("E12000001", Regional, Some("E92000001")),
            geo("E09000007", LocalAuthority, Some("E13000001")),
            geo("E06000001", LocalAuthority, Some("E12000001")),
        ]);
        let camden = la("E09000007", Cell::Value(20.0), 2.0);
        let hartlepool = la("E06000001", Cell::Value(80.0), 18.0);
        let out = roll_up(
            Dataset::CswwHeadline,
            Year::try_from(2022).unwrap(),
            &[&camden, &hartlepool],
            &h,
        );
        let get = |c: &str| out.iter().find(|r| r.row.geography.as_str() == c).unwrap();
        assert_eq!(get("E13000001").row.value("inpost_fte"), Some(20.0));
        assert_eq!(get("E12000007").row.value("inpost_fte"), Some(20.0));
        let england = get("E92000001");
        assert_eq!(england.row.value("inpost_fte"), Some(100.0));
        // 20 / 100 from counts, not the 15% average of 10% and 22.5%.
        assert_eq!(england.row.value("turnover_rate_fte"), Some(0.2));
        assert_eq!(england.authorities, 2);
    }

    #[test]
    fn withheld_counts_are_reported_and_left_out_of_the_rate() {
        let h = Hierarchy::new(&[
            geo("E92000001", GeographicLevel::National, None),
            geo(
                "E06000001",
                GeographicLevel::LocalAuthority,
                Some("E92000001"),
            ),
            geo(
                "E06000002",
                GeographicLevel::LocalAuthority,
                Some("E92000001"),
            ),
        ]);
        let a = la("E06000001", Cell::Symbol(EesSymbol::C), 5.0);
        let b = la("E06000002", Cell::Value(50.0), 10.0);
        let out = roll_up(
            Dataset::CswwHeadline,
            Year::try_from(2022).unwrap(),
            &[&a, &b],
            &h,
        );
        assert_eq!(out[0].withheld.get("inpost_fte"), Some(&1));
        assert_eq!(out[0].row.value("leavers_fte"), Some(15.0));
        assert_eq!(out[0].row.value("turnover_rate_fte"), Some(0.2));
    }
}
