//! Summaries of a distribution of runs.

use serde::Serialize;

/// Mean and the 5th, 50th and 95th percentiles of the runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// The `q` quantile of sorted values, interpolating linearly between order statistics (the
/// default of NumPy and R's type 7), so the figures agree with a spreadsheet or a script.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

impl Summary {
    /// Summarises values (in any order; `values` is reordered in place). Empty input gives NaNs,
    /// which callers never produce: every projection has at least one run.
    pub fn of(values: &mut [f64]) -> Self {
        let n = values.len();
        let mean = values.iter().sum::<f64>() / n.max(1) as f64;
        if n <= 1 {
            let only = values.first().copied().unwrap_or(f64::NAN);
            return Self {
                mean,
                p5: only,
                p50: only,
                p95: only,
            };
        }
        // Each quantile interpolates between the order statistics `lo` and `lo + 1` (fewer than
        // n). The median's is selected first; the 5th percentile's then lie among the values
        // to its left (and the median's own), the 95th's among those to its right, so each is
        // selected in about half the values.
        let rank = |q: f64| {
            let h = (n - 1) as f64 * q;
            (h.floor() as usize, h - h.floor())
        };
        let interpolate = |(low, high): (f64, f64), t: f64| low + t * (high - low);
        let least = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let (m, t50) = rank(0.5);
        let (left, &mut middle, right) = values.select_nth_unstable_by(m, f64::total_cmp);
        // The order statistic after the median's (the median's own when it is the last).
        let next = if right.is_empty() {
            middle
        } else {
            least(right)
        };
        let (l, t5) = rank(0.05);
        let p5 = if l == m {
            (middle, next)
        } else {
            let (_, &mut low, rest) = left.select_nth_unstable_by(l, f64::total_cmp);
            (low, if rest.is_empty() { middle } else { least(rest) })
        };
        let (h, t95) = rank(0.95);
        let p95 = if h == m {
            (middle, next)
        } else {
            let (_, &mut low, rest) = right.select_nth_unstable_by(h - m - 1, f64::total_cmp);
            (low, if rest.is_empty() { low } else { least(rest) })
        };
        Self {
            mean,
            p5: interpolate(p5, t5),
            p50: interpolate((middle, next), t50),
            p95: interpolate(p95, t95),
        }
    }
}

/// The same quantile as [`quantile_sorted`], found by selection rather than a full sort: the
/// two order statistics it interpolates between are the only ones it needs.
pub fn quantile_select(values: &mut [f64], q: f64) -> f64 {
    match values.len() {
        0 => f64::NAN,
        1 => values[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let (_, &mut low, rest) = values.select_nth_unstable_by(lo, f64::total_cmp);
            let high = if lo + 1 < n {
                rest.iter().copied().fold(f64::INFINITY, f64::min)
            } else {
                low
            };
            low + (h - lo as f64) * (high - low)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let mut v: Vec<f64> = (1..=10).map(f64::from).collect();
        let s = Summary::of(&mut v);
        assert_eq!(s.mean, 5.5);
        assert!((s.p5 - 1.45).abs() < 1e-12);
        assert!((s.p50 - 5.5).abs() < 1e-12);
        assert!((s.p95 - 9.55).abs() < 1e-12);
        assert_eq!(Summary::of(&mut [3.0]).p95, 3.0);
        // The three quantiles of one summary agree with sorting too, ties and all.
        for n in (1usize..=60).chain([1000, 1001, 10_000]) {
            let mut v: Vec<f64> = (0..n).map(|i| ((i * 7919) % 97) as f64).collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let s = Summary::of(&mut v);
            assert_eq!(s.p5, quantile_sorted(&sorted, 0.05), "{n}");
            assert_eq!(s.p50, quantile_sorted(&sorted, 0.5), "{n}");
            assert_eq!(s.p95, quantile_sorted(&sorted, 0.95), "{n}");
        }
        // Selection agrees with sorting, whatever the order.
        let mut shuffled: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 / 3.0)
            .collect();
        let mut sorted = shuffled.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.05, 0.5, 0.95, 0.0, 1.0] {
            assert_eq!(
                quantile_select(&mut shuffled, q),
                quantile_sorted(&sorted, q)
            );
        }
    }
}
