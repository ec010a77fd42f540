use proptest::prelude::*;
use swforce_engine::scenario::{Retain, Route, Train};
use swforce_engine::testing::national_baseline;
use swforce_engine::{Baseline, Group, Indicator, Projection, RunSpec, Scenario, project};

fn groups(b: &Baseline) -> Vec<Group> {
    let mut gs = vec![Group {
        code: "E92000001".into(),
        name: "England".into(),
        level: "national".into(),
        members: (0..b.authorities.len()).collect(),
    }];
    for (i, a) in b.authorities.iter().enumerate() {
        gs.push(Group {
            code: a.code.clone(),
            name: a.name.clone(),
            level: "local_authority".into(),
            members: vec![i],
        });
    }
    gs
}

fn value(
    p: &Projection,
    code: &str,
    scenario: usize,
    y: usize,
    ind: Indicator,
) -> swforce_engine::Summary {
    p.get(code, scenario, p.years[y], ind).unwrap()
}

fn training(places: f64) -> Scenario {
    Scenario {
        name: "train".into(),
        train: Some(Train {
            routes: vec![Route {
                route: "Frontline".into(),
                places,
                start_year: 2023,
                end_year: None,
                course_years: 1,
                completion_rate: 0.9,
                share_to_councils: 0.8,
                first_year_retention: 0.7,
                authority: None,
            }],
            ..Train::default()
        }),
        ..Scenario::default()
    }
}

fn retention(cut: f64) -> Scenario {
    Scenario {
        name: "retain".into(),
        retain: Some(Retain {
            from_year: 2023,
            relative_reduction: Some(cut),
            absolute_reduction: None,
        }),
        ..Scenario::default()
    }
}

const F32: f64 = 1e-3; // results are kept as f32

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn stocks_are_conserved_and_nothing_goes_negative(seed in any::<u64>(), n in 1usize..12) {
        let b = national_baseline(n);
        let gs = groups(&b);
        let p = project(&b, &[training(400.0)], RunSpec { years: 8, runs: 1, seed, volatility: 1.0 }, &gs).unwrap();
        for g in &gs {
            for s in 0..2 {
                let mut previous = b.authorities.iter().enumerate().filter(|(i, _)| g.members.contains(i)).map(|(_, a)| a.start.inpost).sum::<f64>();
                for y in 0..8 {
                    let get = |ind| value(&p, &g.code, s, y, ind).p50;
                    let (inpost, starters, leavers) = (get(Indicator::InpostFte), get(Indicator::StartersFte), get(Indicator::LeaversFte));
                    prop_assert!((inpost - (previous + starters - leavers)).abs() <= F32 * inpost.max(1.0), "{} year {y}: {inpost} != {previous} + {starters} - {leavers}", g.code);
                    for ind in [Indicator::InpostFte, Indicator::StartersFte, Indicator::LeaversFte, Indicator::AgencyFte, Indicator::VacancyFte, Indicator::TurnoverRateFte, Indicator::AgencyRateFte, Indicator::VacancyRateFte, Indicator::CaseloadFte, Indicator::PostsNeeded, Indicator::DirectHoursPerWeek] {
                        prop_assert!(get(ind) >= 0.0, "{:?} is {}", ind, get(ind));
                    }
                    previous = inpost;
                }
            }
        }
    }

    #[test]
    fn percentiles_are_ordered(seed in any::<u64>()) {
        let b = national_baseline(6);
        let p = project(&b, &[], RunSpec { years: 5, runs: 60, seed, volatility: 1.0 }, &groups(&b)).unwrap();
        for g in &p.groups {
            for year in &g.series[0].values {
                for s in year {
                    prop_assert!(s.p5 <= s.p50 + 1e-9 && s.p50 <= s.p95 + 1e-9, "{s:?}");
                }
            }
        }
    }

    #[test]
    fn more_training_never_lowers_in_post(seed in any::<u64>(), places in 0.0f64..2000.0, extra in 1.0f64..2000.0) {
        let b = national_baseline(8);
        let gs = groups(&b);
        let p = project(&b, &[training(places), training(places + extra)], RunSpec { years: 10, runs: 3, seed, volatility: 1.0 }, &gs).unwrap();
        for g in &gs {
            for y in 0..10 {
                for q in [|s: swforce_engine::Summary| s.p5, |s: swforce_engine::Summary| s.p50, |s: swforce_engine::Summary| s.p95] {
                    let (base, less, more) = (q(value(&p, &g.code, 0, y, Indicator::InpostFte)), q(value(&p, &g.code, 1, y, Indicator::InpostFte)), q(value(&p, &g.code, 2, y, Indicator::InpostFte)));
                    prop_assert!(less >= base - F32 * base && more >= less - F32 * less, "{} year {y}: {base} {less} {more}", g.code);
                }
            }
        }
    }

    #[test]
    fn lower_turnover_cuts_leavers_when_it_starts_and_never_lowers_in_post(seed in any::<u64>(), cut in 0.0f64..0.5, deeper in 0.01f64..0.5) {
        let b = national_baseline(8);
        let gs = groups(&b);
        let p = project(&b, &[retention(cut), retention((cut + deeper).min(1.0))], RunSpec { years: 10, runs: 1, seed, volatility: 1.0 }, &gs).unwrap();
        for g in &gs {
            let leavers = |s| value(&p, &g.code, s, 0, Indicator::LeaversFte).p50;
            prop_assert!(leavers(1) <= leavers(0) + F32 && leavers(2) <= leavers(1) + F32, "{}: {} {} {}", g.code, leavers(0), leavers(1), leavers(2));
            for y in 0..10 {
                let inpost = |s| value(&p, &g.code, s, y, Indicator::InpostFte).p50;
                prop_assert!(inpost(2) >= inpost(1) - F32 * inpost(1) && inpost(1) >= inpost(0) - F32 * inpost(0));
            }
        }
    }

    #[test]
    fn a_total_is_the_sum_of_its_parts_run_by_run(seed in any::<u64>()) {
        let b = national_baseline(10);
        let gs = groups(&b);
        let p = project(&b, &[], RunSpec { years: 6, runs: 1, seed, volatility: 1.0 }, &gs).unwrap();
        for y in 0..6 {
            for ind in [Indicator::InpostFte, Indicator::AgencyFte, Indicator::LeaversFte, Indicator::StartersFte, Indicator::VacancyFte, Indicator::PostsNeeded] {
                let england = value(&p, "E92000001", 0, y, ind).p50;
                let parts: f64 = b.authorities.iter().map(|a| value(&p, &a.code, 0, y, ind).p50).sum();
                prop_assert!((england - parts).abs() <= F32 * england.max(1.0), "{ind:?} year {y}: {england} vs {parts}");
            }
        }
    }
}

#[test]
fn an_authoritys_own_places_join_that_authority_alone() {
    let b = national_baseline(6);
    let gs = groups(&b);
    let code = b.authorities[2].code.clone();
    let mut own = training(40.0);
    if let Some(t) = own.train.as_mut() {
        t.routes[0].authority = Some(code.clone());
    }
    let p = project(
        &b,
        &[own],
        RunSpec {
            years: 5,
            runs: 20,
            seed: 9,
            volatility: 1.0,
        },
        &gs,
    )
    .unwrap();
    let k = Indicator::ALL
        .iter()
        .position(|i| *i == Indicator::InpostFte)
        .unwrap();
    for g in &p.groups {
        let gained = g.series[1].difference.as_ref().unwrap()[4][k].p50;
        if g.code == code || g.code == "E92000001" {
            assert!(gained > 1.0, "{} gains: {gained}", g.code);
        } else {
            assert!(gained.abs() < 1e-6, "{} gains nothing: {gained}", g.code);
        }
    }
}

#[test]
fn one_seed_gives_one_answer_at_any_thread_count() {
    let b = national_baseline(20);
    let gs = groups(&b);
    let spec = RunSpec {
        years: 10,
        runs: 300,
        seed: 42,
        volatility: 1.0,
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| project(&b, &[training(500.0)], spec, &gs).unwrap());
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(|| project(&b, &[training(500.0)], spec, &gs).unwrap());
    assert_eq!(one, four);
    let other_seed = project(&b, &[], RunSpec { seed: 43, ..spec }, &gs).unwrap();
    assert_ne!(other_seed.groups[0].series[0], one.groups[0].series[0]);
}

/// A place's figures are the same whichever other places are asked for beside it, at any number
/// of runs (not only a multiple of those stepped side by side) and of threads.
#[test]
fn a_place_gives_one_answer_whatever_else_is_asked_for() {
    let b = national_baseline(23);
    let all = groups(&b);
    let region = Group {
        code: "E12000003".into(),
        name: "Region 3".into(),
        level: "regional".into(),
        members: (0..b.authorities.len())
            .filter(|i| b.authorities[*i].region_code == "E12000003")
            .collect(),
    };
    let shown =
        |picked: &[usize]| -> Vec<Group> { picked.iter().map(|&i| all[1 + i].clone()).collect() };
    let spec = RunSpec {
        years: 7,
        runs: 1_003,
        seed: 5,
        volatility: 1.0,
    };
    let scenarios = [training(300.0), retention(0.1)];
    let run = |gs: Vec<Group>, threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| project(&b, &scenarios, spec, &gs).unwrap())
    };
    let find = |p: &Projection, code: &str| {
        p.groups
            .iter()
            .find(|g| g.code == code)
            .unwrap()
            .series
            .clone()
    };
    // Every place; England and the region alone; with one of the region's authorities and one
    // elsewhere; those two alone.
    let mut everything = all.clone();
    everything.push(region.clone());
    let asks = [
        (everything, 2),
        (vec![all[0].clone(), region.clone()], 1),
        (vec![all[0].clone(), region.clone()], 3),
        (
            [vec![all[0].clone(), region.clone()], shown(&[2, 4])].concat(),
            2,
        ),
        (shown(&[2, 4]), 1),
    ];
    let answers: Vec<Projection> = asks.into_iter().map(|(gs, t)| run(gs, t)).collect();
    for p in &answers[1..4] {
        assert_eq!(find(p, "E92000001"), find(&answers[0], "E92000001"));
        assert_eq!(find(p, "E12000003"), find(&answers[0], "E12000003"));
    }
    for p in &answers[3..] {
        for i in [2, 4] {
            let code = &b.authorities[i].code;
            assert_eq!(find(p, code), find(&answers[0], code));
        }
    }
}

#[test]
fn zero_volatility_reproduces_the_deterministic_path() {
    let b = national_baseline(5);
    let gs = groups(&b);
    let many = project(
        &b,
        &[],
        RunSpec {
            years: 10,
            runs: 50,
            seed: 1,
            volatility: 0.0,
        },
        &gs,
    )
    .unwrap();
    let single = project(
        &b,
        &[],
        RunSpec {
            years: 10,
            runs: 1,
            seed: 99,
            volatility: 0.0,
        },
        &gs,
    )
    .unwrap();
    for (g, h) in many.groups.iter().zip(&single.groups) {
        for (year, other) in g.series[0].values.iter().zip(&h.series[0].values) {
            for (s, t) in year.iter().zip(other) {
                assert_eq!(s.p5, s.p95);
                assert_eq!(s.p50, t.p50);
            }
        }
    }
    // And the deterministic path follows the parameters' means: the first year's leavers.
    let a = &b.authorities[0];
    let leavers = single
        .get(&a.code, 0, single.years[0], Indicator::LeaversFte)
        .unwrap()
        .p50;
    assert!(
        (leavers - a.start.inpost * a.turnover.mean).abs() < 1e-3,
        "{leavers}"
    );
}

#[test]
fn the_difference_from_the_baseline_is_precise_with_common_random_numbers() {
    let b = national_baseline(30);
    let gs = groups(&b);
    let p = project(
        &b,
        &[training(800.0)],
        RunSpec {
            years: 10,
            runs: 500,
            seed: 3,
            volatility: 1.0,
        },
        &gs[..1],
    )
    .unwrap();
    let k = Indicator::ALL
        .iter()
        .position(|i| *i == Indicator::InpostFte)
        .unwrap();
    let last = p.years.len() - 1;
    let level = p.groups[0].series[1].values[last][k];
    let diff = p.groups[0].series[1].difference.as_ref().unwrap()[last][k];
    assert!(diff.p5 > 0.0, "every run gains: {diff:?}");
    assert!(
        diff.p95 - diff.p5 < (level.p95 - level.p5) / 2.0,
        "the difference is tighter than either level: {diff:?} vs {level:?}"
    );
}

#[test]
fn reform_turns_a_larger_share_of_time_into_hours_and_equivalent_fte() {
    let b = national_baseline(5);
    let s = Scenario::from_toml("s", include_str!("../scenario.toml")).unwrap();
    let p = project(
        &b,
        &[s],
        RunSpec {
            years: 6,
            runs: 1,
            seed: 1,
            volatility: 0.0,
        },
        &groups(&b)[..1],
    )
    .unwrap();
    let year = |k: usize| p.years[k];
    let base_hours = p
        .get("E92000001", 0, year(0), Indicator::DirectHoursPerWeek)
        .unwrap()
        .p50;
    let base_fte = p
        .get("E92000001", 0, year(0), Indicator::InpostFte)
        .unwrap()
        .p50
        + p.get("E92000001", 0, year(0), Indicator::AgencyFte)
            .unwrap()
            .p50;
    assert!((base_hours - base_fte * 37.0 * 0.2).abs() < 1.0);
    assert_eq!(
        p.get("E92000001", 0, year(5), Indicator::EquivalentFte)
            .unwrap()
            .p50,
        0.0
    );
    let eq = p
        .get("E92000001", 1, year(5), Indicator::EquivalentFte)
        .unwrap()
        .p50;
    let fte = p
        .get("E92000001", 1, year(5), Indicator::InpostFte)
        .unwrap()
        .p50
        + p.get("E92000001", 1, year(5), Indicator::AgencyFte)
            .unwrap()
            .p50;
    assert!(
        (eq - fte * 0.75).abs() < 1.0,
        "35% against 20% today is three quarters more: {eq} of {fte}"
    );
}

#[test]
fn an_impossible_spec_is_refused() {
    let b = national_baseline(3);
    let gs = groups(&b);
    assert!(
        project(
            &b,
            &[],
            RunSpec {
                years: 0,
                ..RunSpec::default()
            },
            &gs
        )
        .is_err()
    );
    assert!(
        project(
            &b,
            &[],
            RunSpec {
                years: 16,
                ..RunSpec::default()
            },
            &gs
        )
        .is_err()
    );
    assert!(
        project(
            &b,
            &[],
            RunSpec {
                runs: 0,
                ..RunSpec::default()
            },
            &gs
        )
        .is_err()
    );
    let many: Vec<Group> = (0..5000).map(|_| gs[0].clone()).collect();
    assert!(matches!(
        project(
            &b,
            &[],
            RunSpec {
                years: 15,
                runs: 100_000,
                seed: 1,
                volatility: 1.0
            },
            &many
        ),
        Err(swforce_engine::SpecError::TooLarge { .. })
    ));
}
