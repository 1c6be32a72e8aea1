//! `gdcert audit bradley-terry-metric`: S2, the statistical rate (theorems.md, Paper 3 (b) S2 and
//! (e)). For each number n of triplets and each seed, the data are drawn as for B1 (primitive 7),
//! the empirical minimiser `Û` is found in binary64 (spectral start, GD, then Newton's method on
//! the same generic loss of `spec::bradley_terry`), and `‖ÛÛᵀ − M*‖_F` is recorded. The statistic
//! is the least-squares slope of `log ‖M̂ − M*‖_F` against `log n` over all runs, with a bootstrap
//! interval over seeds. An audit only: the rate is a high-probability statement with unknown
//! constants.

use super::BradleyTerryMetric;
use crate::arith::exact::q_to_f64;
use crate::audit::stats::{bootstrap, ols_slope};
use crate::audit::{judge_inside, Auditor, Grid, Protocol, RunRecord, Statistic};
use crate::spec::bradley_terry::{generate, BtLoss};
use crate::theorems::instance::Params;
use faer::Mat;
use std::collections::BTreeMap;

const AUDIT_INSTANCE: &str = include_str!("../../../audits/bradley-terry-metric/s2.toml");

/// The expected slope (parametric rate n^{-1/2}) and the band around it, fixed before any run.
pub const SLOPE: f64 = -0.5;
pub const SLOPE_TOL: f64 = 0.15;
/// GD steps from the spectral start before Newton's method, and Newton steps at most.
const GD_STEPS: usize = 100;
const NEWTON_STEPS: usize = 30;

struct Setup {
    truth: Vec<f64>,
    dim: usize,
    rank: usize,
    items: usize,
    eta: f64,
}

fn setup(p: &Params) -> Result<Setup, String> {
    let diag = p
        .qs("truth")
        .ok_or("the audit needs `truth`, the diagonal of M*")?;
    let dim = diag.len();
    let truth = (0..dim * dim)
        .map(|k| {
            if k / dim == k % dim {
                q_to_f64(&diag[k / dim])
            } else {
                0.0
            }
        })
        .collect();
    let rank = p.int("rank").unwrap_or(1) as usize;
    if rank > dim {
        return Err(format!("rank {rank} exceeds the dimension {dim}"));
    }
    Ok(Setup {
        truth,
        dim,
        rank,
        items: p.int("items").unwrap_or(200) as usize,
        eta: p.q("eta").map(q_to_f64).unwrap_or(0.05),
    })
}

/// Solves `a x = b` (`n×n`, row-major) by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<f64>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).max_by(|&x, &y| a[x * n + c].abs().total_cmp(&a[y * n + c].abs()))?;
        if a[p * n + c].abs() < 1e-300 {
            return None;
        }
        for k in 0..n {
            a.swap(p * n + k, c * n + k);
        }
        b.swap(p, c);
        for r in c + 1..n {
            let f = a[r * n + c] / a[c * n + c];
            for k in c..n {
                a[r * n + k] -= f * a[c * n + k];
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|k| a[r * n + k] * x[k]).sum();
        x[r] = (b[r] - s) / a[r * n + r];
    }
    Some(x)
}

/// `‖ÛÛᵀ − M*‖_F` for one data set, in binary64.
fn error(s: &Setup, n: usize, seed: u64) -> Result<f64, String> {
    let (d, r) = (s.dim, s.rank);
    let data = generate(d, &s.truth, s.items, n, seed);
    let loss = BtLoss::new(&data, r);
    let arms = loss.arms_in(&0.0f64);
    // Spectral start: top-r eigenpairs of (1/(6n)) Σ y_t A_t.
    let mut sm = Mat::<f64>::zeros(d, d);
    for ((p, q), y) in arms.iter().zip(&loss.labels) {
        for a in 0..d {
            for b in 0..d {
                sm[(a, b)] += f64::from(*y) * (p[a] * p[b] - q[a] * q[b]);
            }
        }
    }
    let sm = Mat::<f64>::from_fn(d, d, |a, b| sm[(a, b)] / (6.0 * n as f64));
    let eig = sm
        .self_adjoint_eigen(faer::Side::Lower)
        .map_err(|e| format!("eigendecomposition failed: {e:?}"))?;
    let mut u = vec![0.0; d * r];
    for c in 0..r {
        let col = d - 1 - c;
        let lam = eig.S()[col].max(0.0).sqrt();
        for i in 0..d {
            u[i * r + c] = eig.U()[(i, col)] * lam;
        }
    }
    for _ in 0..GD_STEPS {
        let g = loss.gradient_with(&arms, &u);
        for (ui, gi) in u.iter_mut().zip(&g) {
            *ui -= s.eta * gi;
        }
    }
    // Newton's method; for r > 1 the Hessian is singular along the gauge, so add a tiny ridge.
    let k = d * r;
    for _ in 0..NEWTON_STEPS {
        let g = loss.gradient_with(&arms, &u);
        if g.iter().map(|v| v * v).sum::<f64>().sqrt() < 1e-13 {
            break;
        }
        let mut h = loss.hessian_with(&arms, &u);
        for i in 0..k {
            h[i * k + i] += 1e-10;
        }
        let step = solve(h, g).ok_or("singular Hessian in Newton's method")?;
        for (ui, si) in u.iter_mut().zip(&step) {
            *ui -= si;
        }
    }
    let g = loss.gradient_with(&arms, &u);
    let gn = g.iter().map(|v| v * v).sum::<f64>().sqrt();
    if gn.is_nan() || gn >= 1e-8 {
        return Err(format!(
            "no empirical minimiser found (‖∇ℓ‖ = {gn:.2e}; separable labels?)"
        ));
    }
    let mut e = 0.0;
    for a in 0..d {
        for b in 0..d {
            let m: f64 = (0..r).map(|c| u[a * r + c] * u[b * r + c]).sum();
            e += (m - s.truth[a * d + b]).powi(2);
        }
    }
    Ok(e.sqrt())
}

impl Auditor for BradleyTerryMetric {
    fn default_instance(&self) -> (&'static str, &'static str) {
        ("audits/bradley-terry-metric/s2.toml", AUDIT_INSTANCE)
    }

    fn grid(&self, _params: &Params) -> Grid {
        Grid {
            sizes: vec![500, 1000, 2000, 4000],
            seeds: (1..=40).collect(),
        }
    }

    fn run(&self, params: &Params, size: u64, seed: u64) -> Result<BTreeMap<String, f64>, String> {
        let s = setup(params)?;
        if !(3..=100_000).contains(&size) {
            return Err("the number of triplets must lie in 3..=100000".into());
        }
        let e = error(&s, size as usize, seed)?;
        Ok(BTreeMap::from([("error".to_string(), e)]))
    }

    fn statistics(
        &self,
        _params: &Params,
        runs: &[RunRecord],
        protocol: &Protocol,
    ) -> Vec<Statistic> {
        // One group per seed: its (log n, log error) points.
        let groups: Vec<Vec<(f64, f64)>> = protocol
            .grid
            .seeds
            .iter()
            .map(|&seed| {
                runs.iter()
                    .filter(|r| r.seed == seed)
                    .filter_map(|r| {
                        let e = *r.values.get("error")?;
                        (e > 0.0).then(|| ((r.size as f64).ln(), e.ln()))
                    })
                    .collect::<Vec<_>>()
            })
            .filter(|g| !g.is_empty())
            .collect();
        let slope = |gs: &[Vec<(f64, f64)>]| {
            let pts: Vec<(f64, f64)> = gs.iter().flatten().copied().collect();
            ols_slope(&pts)
        };
        let iv = if groups.len() >= 2 {
            bootstrap(
                &groups,
                slope,
                protocol.resamples,
                protocol.confidence,
                protocol.bootstrap_seed,
            )
        } else {
            None
        };
        let interval = iv.map(|iv| [iv.lo, iv.hi]);
        let used: usize = groups.iter().map(Vec::len).sum();
        vec![Statistic {
            id: "S2.slope".into(),
            statement: format!(
                "least-squares slope of log ‖M̂ − M*‖_F against log n over {used} of {} runs (M̂ = ÛÛᵀ, Û the empirical minimiser by spectral start, GD and Newton in binary64; bootstrap over {} seeds)",
                runs.len(),
                groups.len()
            ),
            estimate: iv.map(|iv| iv.estimate),
            interval,
            criterion: format!(
                "the {:.0}% bootstrap interval of the slope lies in [{}, {}] (rate n^(-1/2) ± {SLOPE_TOL}, fixed before any run)",
                protocol.confidence * 100.0,
                SLOPE - SLOPE_TOL,
                SLOPE + SLOPE_TOL
            ),
            verdict: judge_inside(interval, SLOPE - SLOPE_TOL, SLOPE + SLOPE_TOL),
        }]
    }
}
