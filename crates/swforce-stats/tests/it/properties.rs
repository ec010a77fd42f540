//! Invariants of the statistics, over generated data.

use proptest::prelude::*;
use swforce_domain::{
    Cell, Dataset, GeographicLevel, Geography, GeographyCode, Measure, Row, Year,
};
use swforce_stats::{Hierarchy, benchmark, compute, roll_up};

fn year() -> Year {
    Year::try_from(2022).unwrap()
}

fn authority(i: usize, inpost: f64, leavers: f64, agency: f64) -> Row {
    let code = GeographyCode::parse(&format!("E06{i:06}")).unwrap();
    let mut r = Row::new(Dataset::CswwHeadline, code, year(), "");
    let m = |n| Measure::named(n).unwrap();
    r.set(m("inpost_fte"), Cell::Value(inpost));
    r.set(m("leavers_fte"), Cell::Value(leavers));
    r.set(m("agency_fte"), Cell::Value(agency));
    r
}

fn hierarchy(n: usize) -> Hierarchy {
    let england = Geography {
        code: GeographyCode::england(),
        name: "England".into(),
        level: GeographicLevel::National,
        parent: None,
        old_la_code: None,
    };
    let mut geos = vec![england];
    for i in 0..n {
        geos.push(Geography {
            code: GeographyCode::parse(&format!("E06{i:06}")).unwrap(),
            name: format!("LA {i}"),
            level: GeographicLevel::LocalAuthority,
            parent: Some(GeographyCode::england()),
            old_la_code: None,
        });
    }
    Hierarchy::new(geos.iter())
}

proptest! {
    #[test]
    fn rolled_up_counts_equal_the_sum_of_the_authorities(
        las in prop::collection::vec((1.0f64..1000.0, 0.0f64..300.0, 0.0f64..200.0), 1..40)
    ) {
        let rows: Vec<Row> = las.iter().enumerate().map(|(i, (a, b, c))| authority(i, *a, *b, *c)).collect();
        let refs: Vec<&Row> = rows.iter().collect();
        let up = roll_up(Dataset::CswwHeadline, year(), &refs, &hierarchy(rows.len()));
        prop_assert_eq!(up.len(), 1);
        let total: f64 = las.iter().map(|l| l.0).sum();
        prop_assert!((up[0].row.value("inpost_fte").unwrap() - total).abs() < 1e-6);
        // A rate of summed counts lies between the smallest and largest authority rate.
        let rates: Vec<f64> = las.iter().map(|(a, b, _)| b / a).collect();
        let lo = rates.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = rates.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let agg = up[0].row.value("turnover_rate_fte").unwrap();
        prop_assert!(agg >= lo - 1e-12 && agg <= hi + 1e-12, "{} not in [{}, {}]", agg, lo, hi);
    }

    #[test]
    fn a_rate_from_non_negative_counts_is_a_finite_number_or_not_applicable(
        a in 0.0f64..1e7, b in 0.0f64..1e7, zero_b in any::<bool>()
    ) {
        let b = if zero_b { 0.0 } else { b };
        for name in ["turnover_rate_fte", "agency_rate_fte", "absence_rate_fte", "caseload_fte", "agency_cover_rate_fte"] {
            let m = Measure::named(name).unwrap();
            let [x, _] = m.formula.unwrap().inputs();
            let got = compute(m, year(), |n| Some(Cell::Value(if n == x { a } else { b }))).unwrap();
            match got {
                Cell::Value(v) => prop_assert!(v.is_finite() && v >= 0.0),
                Cell::Symbol(s) => prop_assert_eq!(s, swforce_domain::EesSymbol::Z),
            }
        }
    }

    #[test]
    fn ranks_and_quarters_stay_in_range_and_follow_the_values(
        peers in prop::collection::vec(0.0f64..1.0, 1..200), pick in any::<prop::sample::Index>(), other in any::<prop::sample::Index>()
    ) {
        let m = Measure::named("turnover_rate_fte").unwrap();
        let v = peers[pick.index(peers.len())];
        let w = peers[other.index(peers.len())];
        let b = benchmark(m, Some(v), None, None, None, &peers);
        let c = benchmark(m, Some(w), None, None, None, &peers);
        let (rank, q) = (b.rank.unwrap(), b.quartile.unwrap().0);
        prop_assert!(rank >= 1 && rank <= peers.len());
        prop_assert!((1..=4).contains(&q));
        if v < w {
            prop_assert!(b.rank.unwrap() <= c.rank.unwrap());
            prop_assert!(b.quartile.unwrap() <= c.quartile.unwrap());
        }
    }
}
