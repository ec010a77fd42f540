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
        // Each selection leaves the values above its order statistic to its right, so the next
        // (higher) quantile is looked for there alone.
        let (p5, from) = quantile_from(values, 0, 0.05);
        let (p50, from) = quantile_from(values, from, 0.5);
        let (p95, _) = quantile_from(values, from, 0.95);
        Self { mean, p5, p50, p95 }
    }
}

/// The `q` quantile of `values`, as [`quantile_select`], where every value before `from` is known
/// to be no greater than the order statistics it needs; and the index of the lower of them, the
/// `from` of a higher quantile.
fn quantile_from(values: &mut [f64], from: usize, q: f64) -> (f64, usize) {
    let n = values.len();
    if n <= 1 {
        return (values.first().copied().unwrap_or(f64::NAN), 0);
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    if lo < from {
        return (quantile_select(values, q), 0);
    }
    let (_, &mut low, rest) = values[from..].select_nth_unstable_by(lo - from, f64::total_cmp);
    let high = if lo + 1 < n {
        rest.iter().copied().fold(f64::INFINITY, f64::min)
    } else {
        low
    };
    (low + (h - lo as f64) * (high - low), lo)
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
        for n in [2usize, 3, 20, 21, 1000, 1001] {
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
