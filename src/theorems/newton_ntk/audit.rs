//! `gdcert audit newton-ntk`: N4, finite-width regularised Newton against its infinite-width kernel
//! prediction, over widths (sizes) × seeds. An audit, never a proof, and never part of a
//! certificate.
//!
//! Network `f(x) = (1/√N) Σ_j v_j relu(w_j·x)` on the instance's points (circle points or a points
//! file; NTK parametrisation, whose limit kernel is the `Θ` of [`crate::spec::newton_ntk`]), `w_j`
//! standard normal in `R^d`, `v_j` standard normal, targets those of N3 (`target_seed`). Regularised
//! Gauss–Newton `θ ← θ − αJᵀ(JJᵀ + λ_N I)⁻¹e` with `λ_N = λ·N^{−γ}` for `audit.steps` steps; the
//! kernel prediction is `ê_k = (I − αΘ(Θ + λ_N I)⁻¹)^k e_0` from the same `e_0`. The run of
//! `(N, seed)` draws `w` (row by row), then `v`, from `SplitMix64(seed)` and measures
//! `gap = max_{k ≤ steps} ‖e_k − ê_k‖`.
//!
//! Statistic (fixed before any run): per seed, the least-squares slope of `ln gap` against `ln N`
//! over the sizes; the median of these slopes over seeds, with a bootstrap percentile interval
//! (seeds resampled). Criterion: the interval lies in `[−1/2 − tol, −1/2 + tol]` (`audit.tol`,
//! 1/4 by default: the band is chosen before the data, not tuned to them).

use super::{Inst, NewtonNtk};
use crate::arith::exact::q_to_f64;
use crate::audit::stats::{bootstrap, median, ols_slope};
use crate::audit::{judge_inside, Auditor, Grid, Protocol, RunRecord, Statistic};
use crate::spec::newton_ntk::{circle_points, seeded_targets};
use crate::spec::random::SplitMix64;
use crate::theorems::instance::{InputError, Params};
use nalgebra::{DMatrix, DVector};
use std::collections::BTreeMap;

/// The audit's default instance (not a certificate instance: `certificates/regenerate.sh` never
/// certifies it).
const AUDIT_INSTANCE: &str = include_str!("../../../audits/newton-ntk/widths.toml");

/// Largest width a run accepts (the Jacobian is `M × N(d + 1)`, dense).
pub const MAX_AUDIT_WIDTH: u64 = 16384;

/// One run's inputs, in binary64.
#[derive(Clone, Debug)]
pub struct Setup {
    pub points: Vec<Vec<f64>>,
    pub targets: Vec<f64>,
    pub lambda0: f64,
    pub gamma: f64,
    pub alpha: f64,
    pub steps: usize,
}

/// The audit's settings from the instance: the run's inputs, the first seed, the number of seeds,
/// the default widths and the tolerance of the slope band.
struct Settings {
    setup: Setup,
    seed: u64,
    seeds: u64,
    widths: Vec<u64>,
    tol: f64,
}

fn settings(p: &Params) -> Result<Settings, String> {
    let inst = Inst::from_params(p).map_err(|e| e.to_string())?;
    let a = &inst.audit;
    let points: Vec<Vec<f64>> = match &inst.file {
        Some(p) => p.iter().map(|x| x.iter().map(q_to_f64).collect()).collect(),
        None => circle_points(&1.0f64, inst.m, inst.bias),
    };
    Ok(Settings {
        setup: Setup {
            targets: seeded_targets(inst.target_seed, points.len())
                .iter()
                .map(q_to_f64)
                .collect(),
            points,
            lambda0: q_to_f64(&inst.lambda),
            gamma: q_to_f64(&a.gamma),
            alpha: q_to_f64(&inst.alpha),
            steps: a.steps,
        },
        seed: a.seed,
        seeds: a.runs as u64,
        widths: a.widths.iter().map(|&w| w as u64).collect(),
        tol: q_to_f64(&a.tol),
    })
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

/// `max_k ‖e_k − ê_k‖` at width `n`, drawing the network from `rng`.
pub fn gap_at_width(s: &Setup, n: usize, rng: &mut SplitMix64) -> Result<f64, String> {
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
    let inv = shifted
        .try_inverse()
        .ok_or("Θ + λ_N I is numerically singular")?;
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
        let z = gram
            .lu()
            .solve(&e)
            .ok_or("JJᵀ + λ_N I is numerically singular")?;
        let delta = jac.transpose() * z * s.alpha;
        for (p, dp) in w.iter_mut().chain(v.iter_mut()).zip(delta.iter()) {
            *p -= dp;
        }
        e = residual(&w, &v);
        pred = &step * pred;
        worst = worst.max((&e - &pred).norm());
    }
    if worst.is_finite() && worst > 0.0 {
        Ok(worst)
    } else {
        Err(format!("the gap {worst} is not a positive finite number"))
    }
}

/// The median over seeds of the per-seed slopes of `ln gap` against `ln N`; each group is one
/// seed's `(N, gap)` points. Seeds with fewer than two measured widths give no slope.
pub fn median_slope(groups: &[Vec<(f64, f64)>]) -> Option<f64> {
    let slopes: Vec<f64> = groups
        .iter()
        .filter_map(|g| {
            let pts: Vec<(f64, f64)> = g.iter().map(|(n, e)| (n.ln(), e.ln())).collect();
            if pts.len() < 2 {
                None
            } else {
                ols_slope(&pts)
            }
        })
        .collect();
    median(&slopes)
}

impl Auditor for NewtonNtk {
    fn default_instance(&self) -> (&'static str, &'static str) {
        ("audits/newton-ntk/widths.toml", AUDIT_INSTANCE)
    }

    fn validate(&self, params: &Params) -> Result<(), InputError> {
        settings(params)
            .map(|_| ())
            .map_err(|e| InputError::new(&params.source, None, e))
    }

    fn grid(&self, params: &Params) -> Grid {
        let (sizes, seed, seeds) = match settings(params) {
            Ok(s) if !s.widths.is_empty() => (s.widths, s.seed, s.seeds),
            Ok(s) => (vec![64, 256, 1024, 4096], s.seed, s.seeds),
            Err(_) => (vec![64, 256, 1024, 4096], 7, 16),
        };
        Grid {
            sizes,
            seeds: (seed..seed.saturating_add(seeds)).collect(),
        }
    }

    fn run(&self, params: &Params, size: u64, seed: u64) -> Result<BTreeMap<String, f64>, String> {
        let s = settings(params)?;
        if !(1..=MAX_AUDIT_WIDTH).contains(&size) {
            return Err(format!("width N = {size} outside 1..={MAX_AUDIT_WIDTH}"));
        }
        let gap = gap_at_width(&s.setup, size as usize, &mut SplitMix64(seed))?;
        Ok(BTreeMap::from([("gap".to_string(), gap)]))
    }

    fn statistics(
        &self,
        params: &Params,
        runs: &[RunRecord],
        protocol: &Protocol,
    ) -> Vec<Statistic> {
        let Ok(s) = settings(params) else {
            return vec![];
        };
        let groups: Vec<Vec<(f64, f64)>> = protocol
            .grid
            .seeds
            .iter()
            .map(|seed| {
                runs.iter()
                    .filter(|r| r.seed == *seed)
                    .filter_map(|r| Some((r.size as f64, *r.values.get("gap")?)))
                    .collect()
            })
            .collect();
        let sloped = groups.iter().filter(|g| g.len() >= 2).count();
        let iv = bootstrap(
            &groups,
            median_slope,
            protocol.resamples,
            protocol.confidence,
            protocol.bootstrap_seed,
        );
        let interval = iv.map(|i| [i.lo, i.hi]);
        let medians: Vec<String> = protocol
            .grid
            .sizes
            .iter()
            .map(|&n| {
                let v: Vec<f64> = runs
                    .iter()
                    .filter(|r| r.size == n)
                    .filter_map(|r| r.values.get("gap").copied())
                    .collect();
                median(&v).map_or(format!("N = {n}: —"), |m| format!("N = {n}: {m:.4e}"))
            })
            .collect();
        let (lo, hi) = (-0.5 - s.tol, -0.5 + s.tol);
        vec![Statistic {
            id: "N4.width_slope".into(),
            statement: format!(
                "median over seeds of the least-squares slope of ln sup_k ‖e_k − ê_k‖ against ln N (finite-width regularised Newton vs the kernel prediction (I − αΘ(Θ + λ_N I)⁻¹)^k e_0, {} steps, λ_N = λ·N^(−γ)); {sloped} of {} seeds gave a slope; median gaps {}",
                s.setup.steps,
                protocol.grid.seeds.len(),
                medians.join(", ")
            ),
            estimate: iv.map(|i| i.estimate),
            interval,
            criterion: format!(
                "gap ~ N^(-1/2): the {:.0}% bootstrap interval of the median slope lies in [−1/2 − {}, −1/2 + {}] = [{lo}, {hi}] (band fixed before the data)",
                protocol.confidence * 100.0,
                s.tol,
                s.tol
            ),
            verdict: judge_inside(interval, lo, hi),
        }]
    }
}
