//! A synthetic national baseline for tests and benchmarks: `n` authorities of varied size and
//! habits across nine regions, built by formula (no randomness), close to England's figures.

use crate::model::{Authority, Baseline, Param, Path, Stocks};
use crate::statistical::to_log;
use swforce_domain::Year;

pub fn national_baseline(n: usize) -> Baseline {
    let authorities = (0..n)
        .map(|i| {
            let f = i as f64;
            let size = 40.0 + (f * 37.0) % 400.0;
            let vac = size * (0.1 + (f * 0.013) % 0.2);
            let agency = size * (0.05 + (f * 0.007) % 0.2);
            Authority {
                code: format!("E06{:06}", i + 1),
                name: format!("Authority {}", i + 1),
                region_code: format!("E1200000{}", 1 + i % 9),
                start: Stocks {
                    inpost: size,
                    agency,
                    vacancies: vac,
                    cases: size * 0.64 * 16.5,
                },
                turnover: Param {
                    mean: 0.12 + (f * 0.011) % 0.1,
                    sd: 0.01,
                },
                turnover_noise: 0.02,
                fill: Param {
                    mean: 0.55 + (f * 0.017) % 0.2,
                    sd: 0.04,
                },
                cover: Param {
                    mean: 0.6,
                    sd: 0.05,
                },
                other_agency: Param {
                    mean: 0.03,
                    sd: 0.01,
                },
                case_holder_share: Param {
                    mean: 0.55,
                    sd: 0.02,
                },
                growth: Param {
                    mean: 0.005,
                    sd: 0.005,
                },
                posts_growth: Param {
                    mean: 0.01,
                    sd: 0.005,
                },
                growth_noise: 0.02,
                posts_noise: 0.02,
                starters_derived: true,
                paths: [size, vac, agency, 16.5].map(|v| Path {
                    start: to_log(v),
                    level: Param {
                        mean: to_log(v),
                        sd: 0.02,
                    },
                    rho: 0.8,
                    drift: 0.005,
                    sd: 0.05,
                    unit: None,
                }),
            }
        })
        .collect();
    Baseline {
        origin: Year::try_from(2022).expect("2022 is a valid year"),
        authorities,
        national_turnover_noise: 0.01,
        national_growth_noise: 0.01,
        national_stock_noise: [0.01; 4],
        regional_stock_noise: [0.01; 4],
        england_caseload: 16.6,
        excluded: Vec::new(),
        notes: Vec::new(),
        agency_estimated: Vec::new(),
        from_year_before: Vec::new(),
    }
}
