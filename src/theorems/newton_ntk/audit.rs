//! N4, an audit (never a proof): finite-width regularised Newton against its infinite-width kernel
//! prediction, over widths.
//!
//! Network `f(x) = (1/√N) Σ_j v_j relu(w_j·x)` on the instance's circle points (NTK
//! parametrisation; its limit kernel is the `Θ` of [`crate::spec::newton_ntk`]), `w_j` standard
//! normal in `R^d`, `v_j` standard normal, targets those of N3. Regularised Gauss–Newton
//! `θ ← θ − αJᵀ(JJᵀ + λ_N I)⁻¹e` with `λ_N = λ·N^{−γ}` for `steps` steps; the kernel prediction is
//! `e_k = (I − αΘ(Θ + λ_N I)⁻¹)^k e_0` from the same `e_0`. Per run and width the error is
//! `max_k ‖e_k − ê_k‖`; per run the slope of `ln error` against `ln N` (least squares); the estimate
//! is the median slope minus the predicted −1/2, with a bootstrap percentile interval over runs.
//! Random numbers: SplitMix64 from `audit.seed`, run after run, width after width (`w` row by row,
//! then `v`); the bootstrap continues the same stream.

use crate::spec::random::SplitMix64;
use nalgebra::{DMatrix, DVector};

/// The audit's inputs, in binary64.
#[derive(Clone, Debug)]
pub struct Setup {
    pub points: Vec<Vec<f64>>,
    pub targets: Vec<f64>,
    pub widths: Vec<usize>,
    pub lambda0: f64,
    pub gamma: f64,
    pub alpha: f64,
    pub steps: usize,
    pub runs: usize,
    pub resamples: usize,
    pub seed: u64,
}

/// The outcome: median slope deviation from −1/2 with its bootstrap interval, runs that gave a
/// finite slope, and the median error per width.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub estimate: f64,
    pub lo: f64,
    pub hi: f64,
    pub finite: usize,
    pub median_errors: Vec<f64>,
}

/// The limit kernel in binary64 (an estimate; the audit is statistical anyway).
fn theta(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    let u = (dot / (na * nb)).clamp(-1.0, 1.0);
    let phi = u.acos();
    na * nb * (phi.sin() + 2.0 * (std::f64::consts::PI - phi) * u) / (2.0 * std::f64::consts::PI)
}

fn error_at_width(s: &Setup, n: usize, rng: &mut SplitMix64) -> f64 {
    let (m, d) = (s.points.len(), s.points[0].len());
    let mut w: Vec<f64> = (0..n * d).map(|_| rng.normal_f64()).collect();
    let mut v: Vec<f64> = (0..n).map(|_| rng.normal_f64()).collect();
    let scale = 1.0 / (n as f64).sqrt();
    let lam = s.lambda0 * (n as f64).powf(-s.gamma);
    let residual = |w: &[f64], v: &[f64]| -> DVector<f64> {
        DVector::from_fn(m, |i, _| {
            let x = &s.points[i];
            let f: f64 = (0..n)
                .map(|j| v[j] * (0..d).map(|k| w[j * d + k] * x[k]).sum::<f64>().max(0.0))
                .sum();
            f * scale - s.targets[i]
        })
    };
    let kernel = DMatrix::from_fn(m, m, |i, j| theta(&s.points[i], &s.points[j]));
    let shifted = &kernel + DMatrix::identity(m, m) * lam;
    let Some(inv) = shifted.try_inverse() else {
        return f64::NAN;
    };
    let step = DMatrix::identity(m, m) - &kernel * inv * s.alpha;
    let mut e = residual(&w, &v);
    let mut pred = e.clone();
    let mut worst: f64 = 0.0;
    for _ in 0..s.steps {
        // J: ∂f_i/∂w_jk = v_j 1[w_j·x_i > 0] x_ik /√N, ∂f_i/∂v_j = relu(w_j·x_i)/√N.
        let mut jac = DMatrix::zeros(m, n * (d + 1));
        for i in 0..m {
            let x = &s.points[i];
            for j in 0..n {
                let z: f64 = (0..d).map(|k| w[j * d + k] * x[k]).sum();
                if z > 0.0 {
                    for k in 0..d {
                        jac[(i, j * d + k)] = v[j] * x[k] * scale;
                    }
                    jac[(i, n * d + j)] = z * scale;
                }
            }
        }
        let gram = &jac * jac.transpose() + DMatrix::identity(m, m) * lam;
        let Some(z) = gram.lu().solve(&e) else {
            return f64::NAN;
        };
        let delta = jac.transpose() * z * s.alpha;
        for (p, dp) in w.iter_mut().chain(v.iter_mut()).zip(delta.iter()) {
            *p -= dp;
        }
        e = residual(&w, &v);
        pred = &step * pred;
        worst = worst.max((&e - &pred).norm());
    }
    worst
}

/// Runs the audit.
pub fn run(s: &Setup) -> Outcome {
    let mut rng = SplitMix64(s.seed);
    let logs: Vec<f64> = s.widths.iter().map(|&n| (n as f64).ln()).collect();
    let mean_x = logs.iter().sum::<f64>() / logs.len() as f64;
    let sxx: f64 = logs.iter().map(|x| (x - mean_x).powi(2)).sum();
    let mut per_width: Vec<Vec<f64>> = vec![vec![]; s.widths.len()];
    let mut slopes = vec![];
    for _ in 0..s.runs {
        let errs: Vec<f64> = s
            .widths
            .iter()
            .map(|&n| error_at_width(s, n, &mut rng))
            .collect();
        for (k, e) in errs.iter().enumerate() {
            per_width[k].push(*e);
        }
        if errs.iter().all(|e| e.is_finite() && *e > 0.0) {
            let ys: Vec<f64> = errs.iter().map(|e| e.ln()).collect();
            let mean_y = ys.iter().sum::<f64>() / ys.len() as f64;
            let sxy: f64 = logs
                .iter()
                .zip(&ys)
                .map(|(x, y)| (x - mean_x) * (y - mean_y))
                .sum();
            slopes.push(sxy / sxx + 0.5);
        }
    }
    let median_errors = per_width
        .iter_mut()
        .map(|v| crate::theorems::pl_rate::sgd::median(v))
        .collect();
    if slopes.len() < 2 {
        return Outcome {
            estimate: f64::NAN,
            lo: f64::NAN,
            hi: f64::NAN,
            finite: slopes.len(),
            median_errors,
        };
    }
    let (estimate, lo, hi) =
        crate::theorems::pl_rate::sgd::bootstrap(&slopes, s.resamples, &mut rng);
    Outcome {
        estimate,
        lo,
        hi,
        finite: slopes.len(),
        median_errors,
    }
}
