"""A plain NumPy version of swforce's projection baseline, as a speed and memory peer for the Rust
engine.

The same synthetic national baseline (swforce_engine::testing::national_baseline) and the same
yearly equations of the statistical baseline (docs/model.md): each authority's four stocks
(in post, vacancies, agency workers, caseload) forecast on the log scale of one plus the figure,
returning toward their level at rate rho, with half England's trend and authority, regional and
national shocks, lowered by half their variance; leavers at the run's turnover, starters from the
stock identity. Vectorised over runs and authorities; only the random numbers differ (NumPy's
generator). Each place (England, or every authority, region and England with --geography all)
is summed run by run and summarised as mean and P5/P50/P95, year by year (so NumPy keeps one
year of runs at a time).

    python3 bench/numpy_peer.py --runs 10000 --years 10 --geography all

Compare with `swforce project --geography all --runs 10000 --years 10` and with
`cargo bench -p swforce-engine`.
"""

import argparse
import time

import numpy as np

HOURS = 37.0
DIRECT = 0.2


def national_baseline(n):
    f = np.arange(n, dtype=float)
    size = 40.0 + (f * 37.0) % 400.0
    vac = size * (0.1 + (f * 0.013) % 0.2)
    agency = size * (0.05 + (f * 0.007) % 0.2)
    return {
        "inpost": size,
        "stocks": np.stack([size, vac, agency, np.full(n, 16.5)]),
        "level_sd": 0.02,
        "rho": 0.8,
        "drift": 0.005,
        "sd": 0.05,
        "regional": 0.01,
        "national": 0.01,
        "turnover": (0.12 + (f * 0.011) % 0.1, 0.01),
        "turnover_noise": 0.02,
        "national_turnover_noise": 0.01,
        "share": (np.full(n, 0.55), 0.02),
        "region": np.arange(n) % 9,
        "target_caseload": 16.6,
    }


def indicators(s):
    """The thirteen indicators from sums of shape (runs, places)."""
    p, st, l, a, v, c, h, nd, hrs = s
    ratio = lambda x, y: np.divide(x, y, out=np.zeros_like(x), where=y > 0)
    return [p, st, l, ratio(l, p), a, ratio(a, a + p), v, ratio(v, v + p), ratio(c, h), nd,
            nd - p - a, hrs, np.zeros_like(p)]


def project(b, runs, years, seed, every_place):
    rng = np.random.default_rng(seed)
    n = b["inpost"].shape[0]
    regions = 9
    onehot = np.zeros((n, regions))
    onehot[np.arange(n), b["region"]] = 1.0

    def draw(p, lo, hi):
        mean, sd = p
        return np.clip(mean + sd * rng.standard_normal((runs, n)), lo, hi)

    turnover = draw(b["turnover"], 0.0, 0.9)
    share = draw(b["share"], 0.2, 1.5)
    start = np.log1p(b["stocks"])[:, None, :]
    levels = start + b["level_sd"] * rng.standard_normal((4, runs, n))
    distance = start - levels
    rho, sd, nat, reg = b["rho"], b["sd"], b["national"], b["regional"]
    spread, pull = 0.0, 1.0
    inpost = np.tile(b["inpost"], (runs, 1))
    summaries = []
    for y in range(years):
        z = rng.standard_normal((5, runs, n))
        zn = rng.standard_normal((5, runs, 1))
        zr = rng.standard_normal((4, runs, regions))[:, :, b["region"]]
        distance = rho * distance + sd * z[1:] + reg * zr + nat * zn[1:]
        spread = rho * rho * spread + sd * sd + reg * reg + nat * nat
        pull *= rho
        variance = spread + ((1.0 - pull) * b["level_sd"]) ** 2
        x = np.maximum(np.expm1(levels + b["drift"] * (y + 1) + distance - variance / 2.0), 0.0)
        nxt, vac, agency, caseload = x
        rate = np.clip(turnover + b["turnover_noise"] * z[0] + b["national_turnover_noise"] * zn[0], 0.0, 0.9)
        leavers = np.maximum(inpost * rate, inpost - nxt)
        starters = nxt - inpost + leavers
        workforce = nxt + agency
        holders = share * workforce
        cases = caseload * holders
        needed = cases / b["target_caseload"] / share
        hours = workforce * HOURS * DIRECT
        inpost = nxt
        parts = [nxt, starters, leavers, agency, vac, cases, holders, needed, hours]
        if every_place:
            # Every authority, every region and England: (runs, n + 9 + 1).
            sums = [np.concatenate([v, v @ onehot, v.sum(axis=1, keepdims=True)], axis=1) for v in parts]
        else:
            sums = [v.sum(axis=1, keepdims=True) for v in parts]
        values = np.stack(indicators(sums))  # (13, runs, places)
        mean = values.mean(axis=1)
        p5, p50, p95 = np.percentile(values, [5, 50, 95], axis=1)
        summaries.append((mean, p5, p50, p95))
    return summaries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--authorities", type=int, default=152)
    parser.add_argument("--geography", choices=["England", "all"], default="England")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    b = national_baseline(args.authorities)
    times = []
    for i in range(args.repeat):
        start = time.perf_counter()
        summaries = project(b, args.runs, args.years, i, args.geography == "all")
        times.append(time.perf_counter() - start)
    times.sort()
    mean, p5, p50, p95 = summaries[-1]
    print(f"numpy peer: {args.authorities} authorities, {args.geography}, {args.years} years, {args.runs} runs: median {times[len(times) // 2] * 1000:.0f} ms")
    print(f"  England in post, final year: median {p50[0][-1]:.0f} (P5 {p5[0][-1]:.0f}, P95 {p95[0][-1]:.0f})")


if __name__ == "__main__":
    main()
