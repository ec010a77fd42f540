//! The projection's speed: England with every authority, 10 years (targets: 10,000 runs under
//! 0.3 s on 2 cores; 1,000 runs under 150 ms, so the web form answers at once), and every place
//! (each authority, region and England) at 10,000 runs, the shape of bench/numpy_peer.py
//! `--geography all`.

use criterion::{Criterion, criterion_group, criterion_main};
use swforce_engine::testing::national_baseline;
use swforce_engine::{Group, RunSpec, Scenario, project};

fn projection(c: &mut Criterion) {
    let baseline = national_baseline(152);
    let england = Group {
        code: "E92000001".into(),
        name: "England".into(),
        level: "national".into(),
        members: (0..baseline.authorities.len()).collect(),
    };
    let scenario = Scenario::from_toml("bench.toml", include_str!("../tests/scenario.toml"))
        .expect("the bench scenario parses");
    let mut group = c.benchmark_group("project");
    group.sample_size(10);
    for runs in [1_000u32, 10_000] {
        group.bench_function(
            format!("England, 152 authorities, 10 years, {runs} runs"),
            |b| {
                b.iter(|| {
                    project(
                        &baseline,
                        &[],
                        RunSpec {
                            years: 10,
                            runs,
                            seed: 7,
                            volatility: 1.0,
                        },
                        std::slice::from_ref(&england),
                    )
                    .expect("runs")
                })
            },
        );
    }
    // Every place: each authority, each region and England, as `--geography all`.
    let mut every_place: Vec<Group> = (0..baseline.authorities.len())
        .map(|i| Group {
            code: baseline.authorities[i].code.clone(),
            name: baseline.authorities[i].name.clone(),
            level: "local_authority".into(),
            members: vec![i],
        })
        .collect();
    for r in 1..=9 {
        let code = format!("E1200000{r}");
        every_place.push(Group {
            members: (0..baseline.authorities.len())
                .filter(|i| baseline.authorities[*i].region_code == code)
                .collect(),
            code,
            name: format!("Region {r}"),
            level: "regional".into(),
        });
    }
    every_place.push(england.clone());
    group.bench_function("every place, 10 years, 10000 runs", |b| {
        b.iter(|| {
            project(
                &baseline,
                &[],
                RunSpec {
                    years: 10,
                    runs: 10_000,
                    seed: 7,
                    volatility: 1.0,
                },
                &every_place,
            )
            .expect("runs")
        })
    });
    group.bench_function(
        "England, baseline and one scenario, 10 years, 1000 runs",
        |b| {
            b.iter(|| {
                project(
                    &baseline,
                    std::slice::from_ref(&scenario),
                    RunSpec {
                        years: 10,
                        runs: 1000,
                        seed: 7,
                        volatility: 1.0,
                    },
                    std::slice::from_ref(&england),
                )
                .expect("runs")
            })
        },
    );
    group.finish();
}

criterion_group!(benches, projection);
criterion_main!(benches);
