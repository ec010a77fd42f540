//! The projection's speed: England with every authority, 10 years. Targets: 10,000 runs under
//! 1 s on 2 cores; 1,000 runs under 150 ms, so the web form answers at once.

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
