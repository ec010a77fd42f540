"""A plain NumPy version of swforce's projection model, as a speed peer for the Rust engine.

The same synthetic national baseline (swforce_engine::testing::national_baseline) and the same
yearly stock-flow equations, vectorised over runs and authorities; only the random numbers differ
(NumPy's generator). England is summed run by run and summarised as mean and P5/P50/P95.

    python3 bench/numpy_peer.py --runs 10000 --years 10

Compare with `cargo bench -p swforce-engine` ("England, 152 authorities, 10 years, 10000 runs").
"""

import argparse
import time

import numpy as np


def national_baseline(n):
    f = np.arange(n, dtype=float)
    size = 40.0 + (f * 37.0) % 400.0
    return {
        "inpost": size,
        "agency": size * (0.05 + (f * 0.007) % 0.2),
        "vacancies": size * (0.1 + (f * 0.013) % 0.2),
        "cases": size * 0.64 * 16.5,
        "turnover": (0.12 + (f * 0.011) % 0.1, 0.01),
        "turnover_noise": 0.02,
        "fill": (0.55 + (f * 0.017) % 0.2, 0.04),
        "cover": (np.full(n, 0.6), 0.05),
        "other": (np.full(n, 0.03), 0.01),
        "share": (np.full(n, 0.55), 0.02),
        "growth": (np.full(n, 0.005), 0.005),
        "posts_growth": (np.full(n, 0.01), 0.005),
        "growth_noise": 0.02,
        "posts_noise": 0.02,
        "national_turnover_noise": 0.01,
        "national_growth_noise": 0.01,
        "target_caseload": 16.6,
    }


def project(b, runs, years, seed):
    rng = np.random.default_rng(seed)
    n = b["inpost"].shape[0]

    def draw(p, lo, hi):
        mean, sd = p
        return np.clip(mean + sd * rng.standard_normal((runs, n)), lo, hi)

    turnover = draw(b["turnover"], 0.0, 0.9)
    fill = draw(b["fill"], 0.05, 1.0)
    cover = draw(b["cover"], 0.0, 3.0)
    other = draw(b["other"], 0.0, 1.0)
    share = draw(b["share"], 0.2, 1.5)
    growth = draw(b["growth"], -0.3, 0.3)
    posts_growth = draw(b["posts_growth"], -0.3, 0.3)
    inpost = np.tile(b["inpost"], (runs, 1))
    agency = np.tile(b["agency"], (runs, 1))
    posts = np.tile(b["inpost"] + b["vacancies"], (runs, 1))
    cases = np.tile(b["cases"], (runs, 1))
    out = np.empty((years, 13, runs))
    for y in range(years):
        zn = rng.standard_normal((3, runs, 1))
        z = rng.standard_normal((3, runs, n))
        cases = cases * np.exp(growth + b["growth_noise"] * z[1] + b["national_growth_noise"] * zn[1])
        posts = posts * np.exp(posts_growth + b["posts_noise"] * z[2] + b["national_growth_noise"] * zn[2])
        rate = np.clip(turnover + b["turnover_noise"] * z[0] + b["national_turnover_noise"] * zn[0], 0.0, 0.9)
        leavers = np.minimum(inpost * rate, inpost)
        remaining = inpost - leavers
        open_posts = np.maximum(posts - remaining, 0.0)
        starters = np.minimum(open_posts, fill * open_posts)
        inpost = remaining + starters
        posts = np.maximum(posts, inpost)
        vacancies = posts - inpost
        agency = cover * vacancies + other * inpost
        workforce = inpost + agency
        holders = share * workforce
        needed = cases / b["target_caseload"] / share
        sums = [x.sum(axis=1) for x in (inpost, starters, leavers, agency, vacancies, cases, holders, needed, workforce)]
        p, s, l, a, v, c, h, nd, w = sums
        out[y] = [p, s, l, l / p, a, a / (a + p), v, v / (v + p), c / h, nd, nd - p - a, w * 37.0 * 0.2, np.zeros(runs)]
    mean = out.mean(axis=2)
    p5, p50, p95 = np.percentile(out, [5, 50, 95], axis=2)
    return mean, p5, p50, p95


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--authorities", type=int, default=152)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    b = national_baseline(args.authorities)
    times = []
    for i in range(args.repeat):
        start = time.perf_counter()
        mean, p5, p50, p95 = project(b, args.runs, args.years, i)
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"numpy peer: {args.authorities} authorities, {args.years} years, {args.runs} runs: median {times[len(times) // 2] * 1000:.0f} ms")
    print(f"  England in post, final year: median {p50[-1][0]:.0f} (P5 {p5[-1][0]:.0f}, P95 {p95[-1][0]:.0f})")


if __name__ == "__main__":
    main()
