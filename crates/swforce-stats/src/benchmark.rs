//! Benchmarks: an authority against its region, England and the other authorities.

use serde::Serialize;
use swforce_domain::number::round_half_away;
use swforce_domain::{Measure, Polarity};

/// Which way a figure moved since the year before, judged at the published precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
    Same,
}

/// Position among authorities: the first quartile holds the lowest quarter of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Quartile(pub u8);

impl Quartile {
    /// Words for the band, honest about which end is better for this measure.
    pub fn describe(self, polarity: Polarity) -> &'static str {
        match (self.0, polarity) {
            (1, Polarity::LowerIsBetter) => "lowest quarter of authorities (best)",
            (4, Polarity::LowerIsBetter) => "highest quarter of authorities (worst)",
            (1, Polarity::HigherIsBetter) => "lowest quarter of authorities (worst)",
            (4, Polarity::HigherIsBetter) => "highest quarter of authorities (best)",
            (1, _) => "lowest quarter of authorities",
            (2, _) => "second quarter of authorities",
            (3, _) => "third quarter of authorities",
            _ => "highest quarter of authorities",
        }
    }
}

/// One measure for one authority and year, set against its region, England and its peers.
/// Values are in stored units (a rate as a fraction).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Benchmark {
    pub measure: &'static str,
    pub value: Option<f64>,
    pub region: Option<f64>,
    pub england: Option<f64>,
    /// `value - region`, in stored units.
    pub vs_region: Option<f64>,
    /// `value - england`, in stored units.
    pub vs_england: Option<f64>,
    /// 1 for the lowest value; ties share the better-placed rank.
    pub rank: Option<usize>,
    /// The place from the highest (1 is the highest; ties share the better-placed rank).
    pub rank_from_highest: Option<usize>,
    /// Authorities with a value that year.
    pub ranked: usize,
    pub quartile: Option<Quartile>,
    pub previous: Option<f64>,
    pub direction: Option<Direction>,
    /// Whether the move is good news, given which way is better; `None` when not judged.
    pub improving: Option<bool>,
}

/// Benchmarks `value` against `region`, `england` and the values of every authority that year
/// (`peers`, including this one). Suppressed or missing figures are `None` and simply leave
/// their part of the benchmark empty.
pub fn benchmark(
    measure: &'static Measure,
    value: Option<f64>,
    previous: Option<f64>,
    region: Option<f64>,
    england: Option<f64>,
    peers: &[f64],
) -> Benchmark {
    let mut sorted: Vec<f64> = peers.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let rank = value
        .filter(|_| n > 0)
        .map(|v| 1 + sorted.iter().filter(|p| **p < v - 1e-12).count());
    let rank_from_highest = value
        .filter(|_| n > 0)
        .map(|v| 1 + sorted.iter().filter(|p| **p > v + 1e-12).count());
    let quartile = rank.map(|r| Quartile(((4 * r).div_ceil(n)).clamp(1, 4) as u8));
    let published = |v: f64| round_half_away(measure.unit.to_published(v), measure.unit.decimals());
    let direction = match (value, previous) {
        (Some(v), Some(p)) => Some(match published(v).total_cmp(&published(p)) {
            std::cmp::Ordering::Greater => Direction::Up,
            std::cmp::Ordering::Less => Direction::Down,
            std::cmp::Ordering::Equal => Direction::Same,
        }),
        _ => None,
    };
    let improving = match (direction, measure.polarity) {
        (Some(Direction::Up), Polarity::HigherIsBetter)
        | (Some(Direction::Down), Polarity::LowerIsBetter) => Some(true),
        (Some(Direction::Down), Polarity::HigherIsBetter)
        | (Some(Direction::Up), Polarity::LowerIsBetter) => Some(false),
        _ => None,
    };
    Benchmark {
        measure: measure.name,
        value,
        region,
        england,
        // From the figures as shown, so that a difference is the one a reader finds.
        vs_region: value
            .zip(region)
            .map(|(v, r)| measure.unit.from_published(published(v) - published(r))),
        vs_england: value
            .zip(england)
            .map(|(v, e)| measure.unit.from_published(published(v) - published(e))),
        rank,
        rank_from_highest,
        ranked: n,
        quartile,
        previous,
        direction,
        improving,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turnover() -> &'static Measure {
        Measure::named("turnover_rate_fte").unwrap()
    }

    #[test]
    fn rank_and_quartile_count_from_the_lowest() {
        let peers = [0.10, 0.12, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40];
        let b = benchmark(
            turnover(),
            Some(0.15),
            Some(0.17),
            Some(0.16),
            Some(0.171),
            &peers,
        );
        assert_eq!(b.rank, Some(3));
        assert_eq!(b.ranked, 8);
        assert_eq!(b.quartile, Some(Quartile(2)));
        assert_eq!(b.direction, Some(Direction::Down));
        assert_eq!(b.improving, Some(true));
        assert!((b.vs_region.unwrap() + 0.01).abs() < 1e-12);
    }

    #[test]
    fn ties_share_a_rank_and_the_extremes_land_in_the_end_quartiles() {
        let peers = [0.1, 0.1, 0.2, 0.3];
        assert_eq!(
            benchmark(turnover(), Some(0.1), None, None, None, &peers).rank,
            Some(1)
        );
        assert_eq!(
            benchmark(turnover(), Some(0.1), None, None, None, &peers).quartile,
            Some(Quartile(1))
        );
        assert_eq!(
            benchmark(turnover(), Some(0.3), None, None, None, &peers).quartile,
            Some(Quartile(4))
        );
    }

    #[test]
    fn a_move_smaller_than_the_published_precision_is_no_move() {
        let b = benchmark(turnover(), Some(0.17101), Some(0.17099), None, None, &[]);
        assert_eq!(b.direction, Some(Direction::Same));
        assert_eq!(b.improving, None);
        assert_eq!(b.rank, None);
    }

    #[test]
    fn a_suppressed_value_leaves_the_benchmark_empty_not_zero() {
        let b = benchmark(
            turnover(),
            None,
            Some(0.2),
            Some(0.2),
            Some(0.2),
            &[0.1, 0.2],
        );
        assert_eq!(
            (b.rank, b.quartile, b.direction, b.vs_region),
            (None, None, None, None)
        );
    }
}
