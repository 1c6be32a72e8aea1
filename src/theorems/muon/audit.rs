//! `gdcert audit muon`: M4 (uniform-stability proxy against N and κ) and M5 (convergence slope
//! against T), Muon and MiMuon side by side, on matrix least squares
//! `f(W) = (1/2N) Σ ‖W x_i − y_i‖²`, `W ∈ R^{8×8}`, `y_i = W* x_i + ν ξ_i`, `W* = diag(1 + (7 − j)κ)`
//! (planted singular gaps κ). Audits only: f64, seeds × sizes N, never CERTIFIED.
//!
//! One run `(N, seed)` draws everything from `SplitMix64(seed)`: the data set S, a replacement of
//! its last sample (S'), and the minibatch indices, shared by the runs on S and S' (identical
//! randomness). It records `‖W_T − W'_T‖_F` at κ_large and κ_small, and, for each horizon T of
//! `audit.horizons` with step `η (T₁/T)^{3/4}`, `min_{t≤T} ‖∇f(W_t)‖_*` (nuclear norm).

use super::Muon;
use crate::arith::exact::q_to_f64;
use crate::audit::stats::{bootstrap, median, ols_slope};
use crate::audit::{judge_inside, Auditor, Grid, Protocol, RunRecord, Statistic};
use crate::spec::muon::{mat_mul, ns_step, transpose, NsPoly};
use crate::spec::random::SplitMix64;
use crate::theorems::instance::Params;
use std::collections::BTreeMap;

const D: usize = 8;
const AUDIT_INSTANCE: &str = include_str!("../../../certificates/instances/muon/audit.toml");

/// The audit's settings, from the instance (`audit.*`).
#[derive(Clone, Debug)]
pub struct AuditSpec {
    pub steps: usize,
    pub batch: usize,
    pub eta: f64,
    pub beta: f64,
    pub tau: f64,
    pub noise: f64,
    pub kappa_small: f64,
    pub kappa_large: f64,
    pub horizons: Vec<usize>,
    pub seeds: u64,
    pub sizes: Vec<u64>,
    pub n_slope_max: f64,
    pub kappa_band: (f64, f64),
    pub t_slope_max: f64,
}

fn spec(p: &Params) -> AuditSpec {
    let f = |k: &str, d: f64| p.q(k).map(q_to_f64).unwrap_or(d);
    let i = |k: &str, d: i64| p.int(k).unwrap_or(d);
    let v = |k: &str| -> Vec<f64> {
        p.qs(k)
            .map(|v| v.iter().map(q_to_f64).collect())
            .unwrap_or_default()
    };
    let band = v("audit.kappa_band");
    AuditSpec {
        steps: i("audit.steps", 50) as usize,
        batch: i("audit.batch", 4) as usize,
        eta: f("audit.eta", 0.02),
        beta: f("audit.beta", 0.9),
        tau: f("audit.tau", 0.05),
        noise: f("audit.noise", 0.5),
        kappa_small: f("audit.kappa_small", 0.001),
        kappa_large: f("audit.kappa_large", 0.2),
        horizons: v("audit.horizons").iter().map(|x| *x as usize).collect(),
        seeds: i("audit.seeds", 8) as u64,
        sizes: v("audit.sizes").iter().map(|x| *x as u64).collect(),
        n_slope_max: f("audit.n_slope_max", -0.75),
        kappa_band: (
            band.first().copied().unwrap_or(0.5),
            band.get(1).copied().unwrap_or(2.0),
        ),
        t_slope_max: f("audit.t_slope_max", -0.2),
    }
}

/// Eigenvalues (ascending) and eigenvectors (columns, row-major) of a symmetric `n×n` matrix by
/// cyclic Jacobi rotations (deterministic).
pub fn jacobi_eigen(a: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = a.to_vec();
    let mut v: Vec<f64> = (0..n * n)
        .map(|k| if k / n == k % n { 1.0 } else { 0.0 })
        .collect();
    for _ in 0..60 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j].powi(2))
            .sum();
        let diag: f64 = (0..n).map(|i| a[i * n + i].powi(2)).sum();
        if off <= 1e-30 * diag.max(1e-300) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&i, &j| a[i * n + i].total_cmp(&a[j * n + j]));
    let vals = idx.iter().map(|&i| a[i * n + i]).collect();
    let vecs = (0..n * n).map(|k| v[(k / n) * n + idx[k % n]]).collect();
    (vals, vecs)
}

/// Singular values (descending) of a square matrix, and its polar factor `UVᵀ = M (MᵀM)^{-1/2}`
/// (directions with σ ≤ 1e-12·σ_max dropped).
pub fn svd_polar(m: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let g = mat_mul(&transpose(m, n, n), m, n, n, n);
    let (lam, v) = jacobi_eigen(&g, n);
    let sig: Vec<f64> = lam.iter().rev().map(|l| l.max(0.0).sqrt()).collect();
    let smax = sig.first().copied().unwrap_or(0.0);
    let mut inv_sqrt = vec![0.0; n * n];
    for k in 0..n {
        let s = lam[k].max(0.0).sqrt();
        if s <= 1e-12 * smax || s == 0.0 {
            continue;
        }
        for i in 0..n {
            for j in 0..n {
                inv_sqrt[i * n + j] += v[i * n + k] * v[j * n + k] / s;
            }
        }
    }
    (sig, mat_mul(m, &inv_sqrt, n, n, n))
}

/// Which optimiser.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Opt {
    Muon,
    MiMuon,
}

struct Data {
    x: Vec<[f64; D]>,
    y: Vec<[f64; D]>,
}

fn normals(rng: &mut SplitMix64) -> [f64; D] {
    std::array::from_fn(|_| rng.normal_f64())
}

/// The data set S (N samples), the replacement of its last sample, and the minibatch indices.
fn draw(
    n: usize,
    steps: usize,
    batch: usize,
    kappa: f64,
    noise: f64,
    seed: u64,
) -> (Data, Data, Vec<usize>) {
    let mut rng = SplitMix64(seed);
    let w_star = |x: &[f64; D], e: &[f64; D]| -> [f64; D] {
        std::array::from_fn(|j| (1.0 + (D - 1 - j) as f64 * kappa) * x[j] + noise * e[j])
    };
    let mut x = vec![];
    let mut y = vec![];
    for _ in 0..n + 1 {
        let xi = normals(&mut rng);
        let ei = normals(&mut rng);
        y.push(w_star(&xi, &ei));
        x.push(xi);
    }
    let idx: Vec<usize> = (0..steps * batch).map(|_| rng.index(n)).collect();
    let s = Data {
        x: x[..n].to_vec(),
        y: y[..n].to_vec(),
    };
    let mut xp = x[..n].to_vec();
    let mut yp = y[..n].to_vec();
    xp[n - 1] = x[n];
    yp[n - 1] = y[n];
    (s, Data { x: xp, y: yp }, idx)
}

/// `(1/|I|) Σ_{i∈I} (W x_i − y_i) x_iᵀ`.
fn gradient(w: &[f64], data: &Data, idx: &[usize]) -> Vec<f64> {
    let mut g = vec![0.0; D * D];
    for &i in idx {
        let (x, y) = (&data.x[i], &data.y[i]);
        for r in 0..D {
            let res: f64 = (0..D).map(|c| w[r * D + c] * x[c]).sum::<f64>() - y[r];
            for c in 0..D {
                g[r * D + c] += res * x[c];
            }
        }
    }
    let k = idx.len().max(1) as f64;
    g.iter().map(|v| v / k).collect()
}

/// The update direction of `opt` for the momentum `m`.
fn direction(opt: Opt, m: &[f64], tau: f64) -> Vec<f64> {
    match opt {
        Opt::Muon => {
            let norm = m.iter().map(|v| v * v).sum::<f64>().sqrt() + 1e-7;
            let p = NsPoly::jordan();
            let mut x: Vec<f64> = m.iter().map(|v| v / norm).collect();
            for _ in 0..5 {
                x = ns_step(&p, &x, D, D);
            }
            x
        }
        Opt::MiMuon => {
            let (sig, polar) = svd_polar(m, D);
            let smax = sig.first().copied().unwrap_or(0.0);
            let pos: Vec<f64> = sig.into_iter().filter(|s| *s > 1e-12 * smax).collect();
            let gap = pos
                .windows(2)
                .map(|w| w[0] - w[1])
                .fold(f64::INFINITY, f64::min);
            if gap > tau {
                polar
            } else {
                m.to_vec()
            }
        }
    }
}

/// Runs `opt` for `steps` steps with step `eta`; calls `each` with every iterate (from W_0 = 0).
fn train(
    opt: Opt,
    a: &AuditSpec,
    data: &Data,
    idx: &[usize],
    steps: usize,
    eta: f64,
    mut each: impl FnMut(&[f64]),
) -> Vec<f64> {
    let mut w = vec![0.0; D * D];
    let mut m = vec![0.0; D * D];
    each(&w);
    for t in 0..steps {
        let g = gradient(&w, data, &idx[t * a.batch..(t + 1) * a.batch]);
        for (mi, gi) in m.iter_mut().zip(&g) {
            *mi = a.beta * *mi + gi;
        }
        let d = direction(opt, &m, a.tau);
        for (wi, di) in w.iter_mut().zip(&d) {
            *wi -= eta * di;
        }
        each(&w);
    }
    w
}

fn stability(opt: Opt, a: &AuditSpec, n: usize, kappa: f64, seed: u64) -> f64 {
    let (s, sp, idx) = draw(n, a.steps, a.batch, kappa, a.noise, seed);
    let w = train(opt, a, &s, &idx, a.steps, a.eta, |_| {});
    let wp = train(opt, a, &sp, &idx, a.steps, a.eta, |_| {});
    w.iter()
        .zip(&wp)
        .map(|(u, v)| (u - v).powi(2))
        .sum::<f64>()
        .sqrt()
}

fn nuclear(g: &[f64]) -> f64 {
    svd_polar(g, D).0.iter().sum()
}

fn min_grad(opt: Opt, a: &AuditSpec, n: usize, horizon: usize, seed: u64) -> f64 {
    let t1 = a.horizons.first().copied().unwrap_or(horizon).max(1) as f64;
    let eta = a.eta * (t1 / horizon as f64).powf(0.75);
    let (s, _, idx) = draw(n, horizon, a.batch, a.kappa_large, a.noise, seed);
    let all: Vec<usize> = (0..n).collect();
    let mut best = f64::INFINITY;
    train(opt, a, &s, &idx, horizon, eta, |w| {
        best = best.min(nuclear(&gradient(w, &s, &all)));
    });
    best
}

const OPTS: [(Opt, &str); 2] = [(Opt::Muon, "muon"), (Opt::MiMuon, "mimuon")];

impl Auditor for Muon {
    fn default_instance(&self) -> (&'static str, &'static str) {
        ("certificates/instances/muon/audit.toml", AUDIT_INSTANCE)
    }

    fn grid(&self, params: &Params) -> Grid {
        let a = spec(params);
        Grid {
            sizes: if a.sizes.is_empty() {
                vec![32, 64, 128]
            } else {
                a.sizes
            },
            seeds: (0..a.seeds.max(1)).collect(),
        }
    }

    fn run(&self, params: &Params, size: u64, seed: u64) -> Result<BTreeMap<String, f64>, String> {
        let a = spec(params);
        let n = size as usize;
        if !(2..=100_000).contains(&n) {
            return Err(format!("size N = {n} outside 2..=100000"));
        }
        let mut out = BTreeMap::new();
        for (opt, name) in OPTS {
            out.insert(
                format!("{name}.stab"),
                stability(opt, &a, n, a.kappa_large, seed),
            );
            out.insert(
                format!("{name}.stab_small_gap"),
                stability(opt, &a, n, a.kappa_small, seed),
            );
            for &h in &a.horizons {
                out.insert(
                    format!("{name}.min_grad.T{h:05}"),
                    min_grad(opt, &a, n, h, seed),
                );
            }
        }
        Ok(out)
    }

    fn statistics(
        &self,
        params: &Params,
        runs: &[RunRecord],
        protocol: &Protocol,
    ) -> Vec<Statistic> {
        let a = spec(params);
        let conf = protocol.confidence;
        let pct = conf * 100.0;
        let seeds = &protocol.grid.seeds;
        let sizes = &protocol.grid.sizes;
        let nmax = sizes.iter().copied().max().unwrap_or(0);
        let mut out = vec![];
        for (_, name) in OPTS {
            // M4 (i)/(ii): the slope of ε_stab against N, seeds resampled as groups.
            let groups: Vec<Vec<(f64, f64)>> = seeds
                .iter()
                .map(|s| {
                    runs.iter()
                        .filter(|r| r.seed == *s)
                        .filter_map(|r| {
                            Some((r.size as f64, *r.values.get(&format!("{name}.stab"))?))
                        })
                        .collect()
                })
                .collect();
            let slope = |g: &[Vec<(f64, f64)>]| -> Option<f64> {
                let pts: Vec<(f64, f64)> = sizes
                    .iter()
                    .filter_map(|&n| {
                        let v: Vec<f64> = g
                            .iter()
                            .flat_map(|s| s.iter().filter(|p| p.0 == n as f64).map(|p| p.1))
                            .collect();
                        let m = median(&v)?;
                        (m > 0.0).then(|| ((n as f64).ln(), m.ln()))
                    })
                    .collect();
                if pts.len() < 2 {
                    None
                } else {
                    ols_slope(&pts)
                }
            };
            let iv = bootstrap(
                &groups,
                slope,
                protocol.resamples,
                conf,
                protocol.bootstrap_seed,
            );
            let interval = iv.map(|i| [i.lo, i.hi]);
            out.push(Statistic {
                id: format!("M4.N_slope.{name}"),
                statement: format!("{name}: log-log slope of the median over seeds of ||W_T - W'_T||_F against N (N in {sizes:?}, {} seeds, T = {}, batch {}, eta = {}, kappa = {})", seeds.len(), a.steps, a.batch, a.eta, a.kappa_large),
                estimate: iv.map(|i| i.estimate),
                interval,
                criterion: format!("eps_stab <~ C/N: the {pct:.0}% bootstrap interval of the slope lies at or below {}", a.n_slope_max),
                verdict: judge_inside(interval, f64::NEG_INFINITY, a.n_slope_max),
            });
            // M4: κ-dependence at the largest N: ratio of ε_stab at κ_small over κ_large.
            let ratios: Vec<f64> = runs
                .iter()
                .filter(|r| r.size == nmax)
                .filter_map(|r| {
                    Some(
                        r.values.get(&format!("{name}.stab_small_gap"))?
                            / r.values.get(&format!("{name}.stab"))?,
                    )
                })
                .filter(|v| v.is_finite())
                .collect();
            let iv = if ratios.len() >= 2 {
                bootstrap(
                    &ratios,
                    median,
                    protocol.resamples,
                    conf,
                    protocol.bootstrap_seed,
                )
            } else {
                None
            };
            let interval = iv.map(|i| [i.lo, i.hi]);
            out.push(Statistic {
                id: format!("M4.kappa_ratio.{name}"),
                statement: format!("{name}: median over seeds of eps_stab(kappa = {}) / eps_stab(kappa = {}) at N = {nmax} (tau = {})", a.kappa_small, a.kappa_large, a.tau),
                estimate: iv.map(|i| i.estimate),
                interval,
                criterion: format!("no 1/kappa^T growth (MiMuon: the paper's C/N with C free of kappa; Muon: M3's gap-free polar map): the {pct:.0}% bootstrap interval lies in [{}, {}]", a.kappa_band.0, a.kappa_band.1),
                verdict: judge_inside(interval, a.kappa_band.0, a.kappa_band.1),
            });
            // M5: per-seed slope of min_t ||grad f||_* against T.
            let slopes: Vec<f64> = runs
                .iter()
                .filter(|r| r.size == nmax)
                .filter_map(|r| {
                    let pts: Vec<(f64, f64)> = a
                        .horizons
                        .iter()
                        .filter_map(|&h| {
                            let v = *r.values.get(&format!("{name}.min_grad.T{h:05}"))?;
                            (v > 0.0).then(|| ((h as f64).ln(), v.ln()))
                        })
                        .collect();
                    if pts.len() < 2 {
                        None
                    } else {
                        ols_slope(&pts)
                    }
                })
                .collect();
            let iv = if slopes.len() >= 2 {
                bootstrap(
                    &slopes,
                    median,
                    protocol.resamples,
                    conf,
                    protocol.bootstrap_seed,
                )
            } else {
                None
            };
            let interval = iv.map(|i| [i.lo, i.hi]);
            out.push(Statistic {
                id: format!("M5.T_slope.{name}"),
                statement: format!("{name}: median over seeds of the log-log slope of min_(t<=T) ||grad f(W_t)||_* against T in {:?} (step eta (T1/T)^(3/4), N = {nmax})", a.horizons),
                estimate: iv.map(|i| i.estimate),
                interval,
                criterion: format!("O(T^(-1/4)): the {pct:.0}% bootstrap interval of the slope lies at or below {}", a.t_slope_max),
                verdict: judge_inside(interval, f64::NEG_INFINITY, a.t_slope_max),
            });
        }
        out
    }
}
