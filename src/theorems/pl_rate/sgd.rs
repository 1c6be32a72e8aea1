//! G2, the SGD audit (Monte Carlo, never a proof): GD on `½(ab − 1)²` with the multiplicative
//! noise `ξ = ε∇f`, i.e. the random step `γ(1 + ε)`, `ε = s·Z`, `Z ~ N(0, 1)`.
//!
//! The runs follow the exact reduced recursion of paper 5 with step `g = γ(1 + ε)` (the identities
//! hold for every step): `r' = r·(1 − gw + g²rp)`, `q' = q·(1 − g²r²)`, `p = 1 + r`,
//! `w = √(4p² + q²)`. The residual `r` is only ever multiplied, so its logarithm is exact up to
//! rounding even when `r` is far below `1e-300`. Per run, after `burn_in` steps, over `steps`
//! measured steps:
//! - the exponent `(1/K)·log(|r_{K0+K}|/|r_{K0}|) = (1/K)·Σ log|factor_n|` against
//!   `(1/K)·Σ E log|1 − γ(1 + ε)w_n|` (the per-step expectation, which is the a.s. exponent at the
//!   limit);
//! - the mean-square factor `Σ factor_n² / Σ E[factor_n²]` against 1, where
//!   `E[factor²] = (1 − γw)² + γ²s²w² + O(r)` is computed exactly from the moments of g.
//!
//! The statistics are medians over runs (the mean of `f` itself is heavy-tailed) with bootstrap
//! percentile intervals. Random numbers: SplitMix64 (theorems.md §0.3, primitive 7); the runs draw
//! two uniforms a step, run after run, and the bootstrap continues the same stream.

pub use crate::spec::random::SplitMix64;

/// `E log|μ + Z|` for `Z ~ N(0, 1)`. `(μ + Z)²` is noncentral χ² with one degree of freedom, a
/// Poisson(μ²/2) mixture of χ²_{1+2J}, and `E ln χ²_k = ln 2 + ψ(k/2)`; so the value is
/// `½(ln 2 + Σ_j P(J = j) ψ(j + ½))` with `ψ(j + ½) = −γ_E − 2 ln 2 + 2Σ_{i≤j} 1/(2i − 1)`. For
/// `μ ≥ 20` the expansion `ln μ − Σ_k (2k − 1)!!/(2k μ^{2k})` is used (its error is below 1e-15).
pub fn expected_log_abs_normal(mu: f64) -> f64 {
    let mu = mu.abs();
    if mu >= 20.0 {
        let m2 = mu * mu;
        let mut term_num = 1.0; // (2k − 1)!!
        let mut pow = 1.0;
        let mut sum = 0.0;
        for k in 1..=12 {
            term_num *= (2 * k - 1) as f64;
            pow *= m2;
            sum += term_num / (2.0 * k as f64 * pow);
        }
        return mu.ln() - sum;
    }
    const EULER: f64 = 0.577_215_664_901_532_9;
    let l = mu * mu / 2.0;
    let mut p = (-l).exp();
    let mut psi = -EULER - 2.0 * std::f64::consts::LN_2;
    let mut total = p * psi;
    let mut mass = p;
    let mut j = 0usize;
    while j < 10_000 && (j as f64 <= l + 12.0 * l.sqrt() + 40.0 || p > 1e-18) {
        j += 1;
        p *= l / j as f64;
        psi += 2.0 / (2 * j - 1) as f64;
        total += p * psi;
        mass += p;
    }
    0.5 * (std::f64::consts::LN_2 + total / mass)
}

/// `E log|a − b·Z|` for `Z ~ N(0, 1)`.
pub fn expected_log_abs_affine(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        return a.abs().ln();
    }
    b.abs().ln() + expected_log_abs_normal(a / b)
}

/// The configuration of one audit.
#[derive(Clone, Debug)]
pub struct Setup {
    pub gamma: f64,
    pub s: f64,
    /// Start in reduced coordinates: `r₀ = a₀b₀ − 1`, `q₀ = a₀² − b₀²` (exact, then rounded).
    pub r0: f64,
    pub q0: f64,
    pub seed: u64,
    pub runs: usize,
    pub burn_in: usize,
    pub steps: usize,
    pub resamples: usize,
}

/// One run's statistics (runs that left the local regime have none).
#[derive(Clone, Debug)]
pub(crate) struct RunStat {
    pub exponent: f64,
    pub predicted_exponent: f64,
    pub mean_square_ratio: f64,
}

/// A statistic over runs: the median with its bootstrap percentile interval (widened to hold the
/// median), and the medians of the observed and predicted quantities, for reports.
#[derive(Clone, Debug)]
pub struct Summary {
    pub estimate: f64,
    pub lo: f64,
    pub hi: f64,
    pub observed: f64,
    pub predicted: f64,
}

/// The outcome of an audit.
#[derive(Clone, Debug)]
pub struct Audit {
    pub exponent: Summary,
    pub mean_square: Summary,
}

/// The confidence level of the bootstrap intervals.
pub const CONFIDENCE: f64 = 0.95;

/// A run stays in the local regime while `|r| <= LOCAL`, from the start of the measured window on.
const LOCAL: f64 = 1e-3;

pub(crate) fn run_one(setup: &Setup, rng: &mut SplitMix64) -> Option<RunStat> {
    let (gamma, s) = (setup.gamma, setup.s);
    let (mut r, mut q) = (setup.r0, setup.q0);
    let (m1, m2, m3, m4) = (
        gamma,
        gamma * gamma * (1.0 + s * s),
        gamma.powi(3) * (1.0 + 3.0 * s * s),
        gamma.powi(4) * (1.0 + 6.0 * s * s + 3.0 * s.powi(4)),
    );
    let (mut log_sum, mut pred_log, mut sq, mut pred_sq) = (0.0, 0.0, 0.0, 0.0);
    let mut ok = true;
    for n in 0..setup.burn_in + setup.steps {
        let g = gamma * (1.0 + s * rng.normal_f64());
        if !ok {
            continue; // keep the stream aligned for the runs that follow
        }
        let p = 1.0 + r;
        let w = (4.0 * p * p + q * q).sqrt();
        let factor = 1.0 - g * w + g * g * r * p;
        if n >= setup.burn_in {
            if r.abs() > LOCAL || r.is_nan() || factor == 0.0 || !factor.is_finite() {
                ok = false;
                continue;
            }
            let rp = r * p;
            log_sum += factor.abs().ln();
            pred_log += expected_log_abs_affine(1.0 - gamma * w, gamma * s * w);
            sq += factor * factor;
            pred_sq +=
                1.0 - 2.0 * m1 * w + m2 * (w * w + 2.0 * rp) - 2.0 * m3 * w * rp + m4 * rp * rp;
        }
        let r_next = r * factor;
        q *= 1.0 - g * g * r * r;
        r = r_next;
        if !r.is_finite() || !q.is_finite() {
            ok = false;
        }
    }
    let k = setup.steps as f64;
    (ok && pred_sq > 0.0).then(|| RunStat {
        exponent: log_sum / k,
        predicted_exponent: pred_log / k,
        mean_square_ratio: sq / pred_sq,
    })
}

pub(crate) fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

pub(crate) fn bootstrap(values: &[f64], resamples: usize, rng: &mut SplitMix64) -> (f64, f64, f64) {
    let est = median(&mut values.to_vec());
    let mut meds = Vec::with_capacity(resamples);
    let mut sample = vec![0.0; values.len()];
    for _ in 0..resamples {
        for x in sample.iter_mut() {
            *x = values[rng.index(values.len())];
        }
        meds.push(median(&mut sample));
    }
    meds.sort_by(f64::total_cmp);
    let tail = (1.0 - CONFIDENCE) / 2.0;
    let at = |p: f64| meds[((p * (resamples - 1) as f64).round() as usize).min(resamples - 1)];
    (est, at(tail).min(est), at(1.0 - tail).max(est))
}

/// Runs the audit. `None` when fewer than two runs stayed in the local regime.
pub fn audit(setup: &Setup) -> (usize, Option<Audit>) {
    let mut rng = SplitMix64(setup.seed);
    let stats: Vec<RunStat> = (0..setup.runs)
        .filter_map(|_| run_one(setup, &mut rng))
        .collect();
    let converged = stats.len();
    if converged < 2 {
        return (converged, None);
    }
    let mut summarize = |dev: Vec<f64>, obs: Vec<f64>, pred: Vec<f64>| {
        let (estimate, lo, hi) = bootstrap(&dev, setup.resamples, &mut rng);
        Summary {
            estimate,
            lo,
            hi,
            observed: median(&mut obs.clone()),
            predicted: median(&mut pred.clone()),
        }
    };
    let exponent = summarize(
        stats
            .iter()
            .map(|s| s.exponent - s.predicted_exponent)
            .collect(),
        stats.iter().map(|s| s.exponent).collect(),
        stats.iter().map(|s| s.predicted_exponent).collect(),
    );
    let mean_square = summarize(
        stats.iter().map(|s| s.mean_square_ratio - 1.0).collect(),
        stats.iter().map(|s| s.mean_square_ratio).collect(),
        vec![1.0; converged],
    );
    (
        converged,
        Some(Audit {
            exponent,
            mean_square,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_spec() {
        assert_eq!(SplitMix64(0).next_u64(), 0xe220a8397b1dcdaf);
    }

    #[test]
    fn expected_log_closed_form_and_branches_agree() {
        // μ = 0: E log|Z| = −(γ_E + ln 2)/2.
        assert!((expected_log_abs_normal(0.0) + 0.635_181_422_730_739).abs() < 1e-12);
        // The Poisson series and the asymptotic expansion meet at μ = 20.
        let below = expected_log_abs_normal(20.0 - 1e-9);
        let above = expected_log_abs_normal(20.0);
        assert!((below - above).abs() < 1e-10, "{below} vs {above}");
        // Increasing in μ, and ln μ − 1/(2μ²) for large μ.
        assert!(expected_log_abs_normal(1.0) < expected_log_abs_normal(2.0));
        let m = 1000.0f64;
        assert!((expected_log_abs_normal(m) - (m.ln() - 0.5 / (m * m))).abs() < 1e-11);
    }
}
