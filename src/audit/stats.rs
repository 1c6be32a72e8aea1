//! Statistics of audits, in f64: medians, means, least-squares slopes, and bootstrap percentile
//! intervals. The bootstrap resamples whole seeds (a seed's runs at every size stay together), so
//! a slope's interval reflects the variation between independent trajectories.

use crate::spec::random::SplitMix64;

/// The median (the mean of the two middle values for an even count). `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.to_vec();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    })
}

/// The arithmetic mean. `None` when empty.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The least-squares slope of `y` on `x`. `None` with fewer than two distinct `x`.
pub fn ols_slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0 && sxx.is_finite()).then(|| sxy / sxx)
}

/// The most frequent value, the smallest one on ties, with its count. `None` when empty.
pub fn mode(values: &[i64]) -> Option<(i64, usize)> {
    let mut v = values.to_vec();
    v.sort_unstable();
    let mut best: Option<(i64, usize)> = None;
    let mut i = 0;
    while i < v.len() {
        let j = v[i..].iter().take_while(|&&x| x == v[i]).count();
        if best.is_none_or(|(_, c)| j > c) {
            best = Some((v[i], j));
        }
        i += j;
    }
    best
}

/// An estimate with its bootstrap percentile interval at level `confidence`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub estimate: f64,
    pub lo: f64,
    pub hi: f64,
}

/// Resamples `groups` with replacement `resamples` times (SplitMix64 from `seed`), applies
/// `statistic` to each resample, and returns the statistic of the data with the percentile interval
/// of the resampled statistics (widened to hold the estimate). Resamples where the statistic is
/// undefined are skipped; `None` when the statistic of the data is undefined or fewer than half of
/// the resamples give one.
pub fn bootstrap<G: Clone>(
    groups: &[G],
    statistic: impl Fn(&[G]) -> Option<f64>,
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> Option<Interval> {
    let estimate = statistic(groups)?;
    if groups.is_empty() || resamples == 0 {
        return None;
    }
    let mut rng = SplitMix64(seed);
    let mut stats = Vec::with_capacity(resamples);
    let mut sample = groups.to_vec();
    for _ in 0..resamples {
        for s in sample.iter_mut() {
            *s = groups[rng.index(groups.len())].clone();
        }
        if let Some(v) = statistic(&sample).filter(|v| v.is_finite()) {
            stats.push(v);
        }
    }
    if stats.len() * 2 < resamples {
        return None;
    }
    stats.sort_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    let last = stats.len() - 1;
    let at = |p: f64| stats[((p * last as f64).round() as usize).min(last)];
    Some(Interval {
        estimate,
        lo: at(tail).min(estimate),
        hi: at(1.0 - tail).max(estimate),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_mean_mode() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(mean(&[1.0, 2.0, 6.0]), Some(3.0));
        assert_eq!(mode(&[2, 1, 2, 3, 1, 2]), Some((2, 3)));
        assert_eq!(mode(&[5, 4]), Some((4, 1)));
    }

    #[test]
    fn slope_of_a_line_is_exact_and_degenerate_x_has_none() {
        let pts: Vec<(f64, f64)> = (0..5).map(|i| (i as f64, 3.0 - 0.5 * i as f64)).collect();
        assert_eq!(ols_slope(&pts), Some(-0.5));
        assert_eq!(ols_slope(&[(1.0, 2.0), (1.0, 3.0)]), None);
    }

    #[test]
    fn bootstrap_interval_holds_the_estimate_and_covers_the_mean_of_a_known_sample() {
        // 400 uniforms on [0, 1): the mean's 95% interval has half-width about 2·0.29/20 = 0.029.
        let mut rng = SplitMix64(7);
        let xs: Vec<f64> = (0..400).map(|_| rng.uniform_f64()).collect();
        let iv = bootstrap(&xs, mean, 2000, 0.95, 1).unwrap();
        assert!(iv.lo <= iv.estimate && iv.estimate <= iv.hi);
        assert!(iv.lo < 0.5 && 0.5 < iv.hi, "{iv:?}");
        assert!(iv.hi - iv.lo < 0.08 && iv.hi - iv.lo > 0.03, "{iv:?}");
        // Deterministic in its seed.
        assert_eq!(bootstrap(&xs, mean, 2000, 0.95, 1), Some(iv));
    }
}
