//! The drivers view: how each standard's answers go with intention to stay, across
//! respondents (Spearman's rank correlation with its interval), and the order statistics the
//! benchmarks use.

use super::summary::Driver;
use super::tabulate::standard_ranges;
use crate::diary::rounded_count;
use swforce_domain::healthcheck::{QuestionSet, Response};

/// Respondents the drivers view needs before it says anything.
pub const DRIVERS_NEED: u64 = 20;

/// Average ranks (ties share the mean of their places), 1-based.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for k in &order[i..=j] {
            out[*k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Spearman's rank correlation of two equally long lists (Pearson's of their average ranks),
/// and its 95% interval by Fisher's z with the variance 1.06 / (n − 3) of Fieller, Hartley
/// and Pearson (1957). `None` with fewer than 4 pairs or no spread.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<(f64, f64, f64)> {
    let n = x.len();
    if n < 4 || y.len() != n {
        return None;
    }
    let (rx, ry) = (ranks(x), ranks(y));
    let mean = (n as f64 + 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mean) * (b - mean);
        sxx += (a - mean) * (a - mean);
        syy += (b - mean) * (b - mean);
    }
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    let rho = (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0);
    let z = rho.clamp(-0.999_999, 0.999_999).atanh();
    let se = (1.06 / (n as f64 - 3.0)).sqrt();
    Some((rho, (z - 1.96 * se).tanh(), (z + 1.96 * se).tanh()))
}

/// Each standard's rank correlation with intention to stay, strongest first: each respondent's
/// mean point across the standard's statements against their point on intention to stay.
pub(super) fn drivers(set: &QuestionSet, responses: &[Response]) -> Vec<Driver> {
    let stay = set.stay_index();
    let mut out: Vec<Driver> = set
        .standards
        .iter()
        .zip(standard_ranges(set))
        .filter_map(|(s, range)| {
            let (mut xs, mut ys) = (Vec::new(), Vec::new());
            for r in responses {
                let Some(y) = r.answers.get(stay).point() else {
                    continue;
                };
                let points: Vec<f64> = range
                    .clone()
                    .filter_map(|i| r.answers.get(i).point().map(f64::from))
                    .collect();
                if points.is_empty() {
                    continue;
                }
                xs.push(points.iter().sum::<f64>() / points.len() as f64);
                ys.push(f64::from(y));
            }
            if (xs.len() as u64) < DRIVERS_NEED {
                return None;
            }
            let (rho, low, high) = spearman(&xs, &ys)?;
            Some(Driver {
                key: s.key.clone(),
                title: s.title.clone(),
                pairs: rounded_count(xs.len() as u64),
                rho,
                low,
                high,
            })
        })
        .collect();
    out.sort_by(|a, b| b.rho.total_cmp(&a.rho));
    out
}

/// The median of a list (`None` when empty).
pub(super) fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

/// The upper quarter point of a list (linear between order statistics, as NumPy's default).
pub(super) fn upper_quarter(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let h = 0.75 * (v.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    Some(v[lo] + (h - lo as f64) * (v[hi] - v[lo]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values from SciPy 1.17 (`scipy.stats.spearmanr`, ties included), and the
    /// interval from NumPy's `tanh(arctanh(rho) ± 1.96 * sqrt(1.06 / (n - 3)))`.
    #[test]
    fn spearman_matches_the_reference_with_ties() {
        let x = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 2.5, 4.5];
        let y = [2.0, 1.0, 3.0, 3.0, 5.0, 4.0, 5.0, 4.0, 2.0, 5.0];
        let (rho, low, high) = spearman(&x, &y).unwrap();
        assert!((rho - 0.770_455_489_559_523_6).abs() < 1e-12, "{rho}");
        assert!((low - 0.253_113_483_841_739_5).abs() < 1e-12, "{low}");
        assert!((high - 0.945_140_658_222_554_9).abs() < 1e-12, "{high}");
        assert!(spearman(&[1.0, 1.0, 1.0, 1.0], &[1.0, 2.0, 3.0, 4.0]).is_none());
    }

    #[test]
    fn quarters_and_medians_are_numpys() {
        assert_eq!(upper_quarter(vec![0.5, 0.6, 0.7, 0.8, 0.9]), Some(0.8));
        assert!((upper_quarter(vec![0.1, 0.2, 0.3, 0.4]).unwrap() - 0.325).abs() < 1e-12);
        assert_eq!(median(vec![3.0, 1.0, 2.0, 10.0]), Some(2.5));
    }
}
