//! G2, one run of the SGD audit (Monte Carlo, never a proof; the statistics over seeds are in
//! [`super::audit`]): GD on `½(ab − 1)²` with the multiplicative
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
//! Random numbers: SplitMix64 (theorems.md §0.3, primitive 7) from the run's seed; a run draws two
//! uniforms a step.

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

/// The configuration of one run.
#[derive(Clone, Debug)]
pub struct Setup {
    pub gamma: f64,
    pub s: f64,
    /// Start in reduced coordinates: `r₀ = a₀b₀ − 1`, `q₀ = a₀² − b₀²` (exact, then rounded).
    pub r0: f64,
    pub q0: f64,
    pub burn_in: usize,
    pub steps: usize,
}

/// One run's statistics (runs that left the local regime have none).
#[derive(Clone, Debug)]
pub(crate) struct RunStat {
    pub exponent: f64,
    pub predicted_exponent: f64,
    pub mean_square_ratio: f64,
}

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
