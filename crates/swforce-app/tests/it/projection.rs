use crate::demo_app;
use swforce_app::projection::Report;
use swforce_domain::Year;
use swforce_engine::{Indicator, RunSpec, Scenario};

fn year(y: u16) -> Year {
    Year::try_from(y).unwrap()
}

#[test]
fn the_published_history_gives_a_baseline_for_nearly_every_authority() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let b = snap.baseline(None).unwrap();
    assert_eq!(b.origin, year(2022));
    assert!(b.authorities.len() >= 148, "{}", b.authorities.len());
    let west = b.excluded.iter().find(|(c, _)| c == "E06000062").unwrap();
    assert!(west.1.contains("West Northamptonshire"));
    assert!(
        b.notes
            .iter()
            .any(|n| n.contains("derived from the stock identity"))
    );
    // Bournemouth, Christchurch and Poole's history runs back through Bournemouth and Poole.
    let history = snap.history();
    let bcp = history
        .authorities
        .iter()
        .find(|a| a.code == "E06000058")
        .unwrap();
    assert_eq!(bcp.years.len(), 6);
    assert!(
        snap.baseline(Some(year(2017))).is_err(),
        "one year of history is not enough"
    );
}

#[test]
fn england_starts_where_the_published_figures_end() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let (_, p) = snap
        .project(
            None,
            &[],
            RunSpec {
                years: 3,
                runs: 200,
                seed: 1,
                volatility: 1.0,
            },
            &Report::One("England".into()),
        )
        .unwrap();
    assert_eq!(p.groups.len(), 1);
    let inpost = p
        .get("E92000001", 0, year(2023), Indicator::InpostFte)
        .unwrap();
    assert!((inpost.p50 / 31634.1 - 1.0).abs() < 0.05, "{inpost:?}");
    let vacancy = p
        .get("E92000001", 0, year(2023), Indicator::VacancyRateFte)
        .unwrap();
    assert!((vacancy.p50 - 0.20).abs() < 0.03, "{vacancy:?}");
    assert!(inpost.p5 < inpost.p50 && inpost.p50 < inpost.p95);
}

#[test]
fn a_scenario_for_one_authority_reports_that_authority_and_its_difference() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let s = Scenario::from_toml(
        "s",
        include_str!("../../../swforce-engine/tests/scenario.toml"),
    )
    .unwrap();
    let (_, p) = snap
        .project(
            None,
            &[s],
            RunSpec {
                years: 5,
                runs: 100,
                seed: 2,
                volatility: 1.0,
            },
            &Report::One("Camden".into()),
        )
        .unwrap();
    assert_eq!(p.groups[0].code, "E09000007");
    assert_eq!(p.groups[0].series.len(), 2);
    assert!(p.groups[0].series[1].difference.is_some());
    let err = snap
        .project(
            None,
            &[],
            RunSpec::default(),
            &Report::One("E06000062".into()),
        )
        .unwrap_err();
    assert!(err.to_string().contains("West Northamptonshire"), "{err}");
}

#[test]
fn the_backtest_from_2019_beats_the_naive_forecast_for_england_in_post() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let bt = snap.backtest(year(2019), 3, 300, 1).unwrap();
    assert_eq!(bt.horizon, 3);
    let england = bt
        .rows
        .iter()
        .find(|r| r.level == "national" && r.indicator == Indicator::InpostFte)
        .unwrap();
    assert_eq!(england.pairs, 3);
    assert!(england.mape < england.naive_mape, "{england:?}");
    assert_eq!(england.coverage, 1.0);
    assert!(
        bt.rows
            .iter()
            .any(|r| r.level == "local_authority" && r.pairs > 400)
    );
    assert!(
        snap.backtest(year(2022), 3, 100, 1).is_err(),
        "nothing to test against after the last year"
    );
}
