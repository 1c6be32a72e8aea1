//! `gdcert audit attention-pca`: P5, the spiked-Wishart (BBP) curve (theorems.md, Paper 9 (b) P5).
//! Tokens `x ~ N(0, I + βe₁e₁ᵀ)`, L = round(d/γ) of them; the squared overlap `⟨û₁, e₁⟩²` of the top
//! eigenvector of `Σ̂ = (1/L)Σ xxᵀ` tends to `(1 − γ/β²)/(1 + γ/β)` for `β > √γ`, and to 0 below the
//! transition. An audit only: finite d has corrections of order `d^{-1/2}`.

use super::AttentionPca;
use crate::arith::exact::q_to_f64;
use crate::audit::stats::{bootstrap, mean};
use crate::audit::{judge_inside, Auditor, Grid, Protocol, RunRecord, Statistic};
use crate::spec::random::SplitMix64;
use crate::theorems::instance::Params;
use faer::{Mat, Par};
use std::collections::BTreeMap;

/// The audit's settings: spike β, aspect ratio γ = d/L, tolerance of the mean overlap.
struct Bbp {
    beta: f64,
    gamma: f64,
    tol: f64,
}

fn settings(p: &Params) -> Result<Bbp, String> {
    let f = |k: &str, d: f64| p.q(k).map(q_to_f64).unwrap_or(d);
    let s = Bbp {
        beta: f("bbp.beta", 2.0),
        gamma: f("bbp.gamma", 0.5),
        tol: f("bbp.tol", 0.05),
    };
    if !(s.beta > 0.0 && s.beta <= 100.0 && s.gamma > 0.0 && s.gamma <= 10.0) {
        return Err("bbp.beta must lie in (0, 100] and bbp.gamma in (0, 10]".into());
    }
    Ok(s)
}

/// The limit of `⟨û₁, u⟩²`.
pub fn bbp_overlap(beta: f64, gamma: f64) -> f64 {
    if beta > gamma.sqrt() {
        (1.0 - gamma / (beta * beta)) / (1.0 + gamma / beta)
    } else {
        0.0
    }
}

fn squared_overlap(s: &Bbp, d: usize, seed: u64) -> Result<f64, String> {
    let l = ((d as f64 / s.gamma).round() as usize).max(1);
    let mut rng = SplitMix64(seed);
    let lift = (1.0 + s.beta).sqrt();
    let x = Mat::<f64>::from_fn(l, d, |_, j| {
        let z = rng.normal_f64();
        if j == 0 {
            lift * z
        } else {
            z
        }
    });
    let mut cov = Mat::<f64>::zeros(d, d);
    faer::linalg::matmul::matmul(
        cov.as_mut(),
        faer::Accum::Replace,
        x.transpose(),
        x.as_ref(),
        1.0 / l as f64,
        Par::Seq,
    );
    let eig = cov
        .self_adjoint_eigen(faer::Side::Lower)
        .map_err(|e| format!("eigendecomposition failed: {e:?}"))?;
    // Eigenvalues ascending: the top eigenvector is the last column.
    let top = eig.U().col(d - 1);
    let norm2: f64 = (0..d).map(|i| top[i] * top[i]).sum();
    Ok(top[0] * top[0] / norm2)
}

impl AttentionPca {
    pub(crate) fn bbp_keys() -> Vec<crate::theorems::instance::ParamSpec> {
        use crate::theorems::instance::{Kind, ParamSpec};
        let p = |key, help| ParamSpec {
            key,
            kind: Kind::Rational { positive: true },
            default: None,
            required: false,
            help,
        };
        vec![
            p("bbp.beta", "audit P5: spike strength β (default 2)"),
            p("bbp.gamma", "audit P5: aspect ratio γ = d/L (default 1/2)"),
            p(
                "bbp.tol",
                "audit P5: tolerance of the mean overlap at the largest d (default 0.05)",
            ),
        ]
    }
}

impl Auditor for AttentionPca {
    fn default_instance(&self) -> (&'static str, &'static str) {
        crate::theorems::Theorem::default_instance(self)
    }

    fn grid(&self, _params: &Params) -> Grid {
        Grid {
            sizes: vec![50, 100, 200, 400],
            seeds: (0..20).collect(),
        }
    }

    fn run(&self, params: &Params, size: u64, seed: u64) -> Result<BTreeMap<String, f64>, String> {
        let s = settings(params)?;
        Ok(BTreeMap::from([(
            "overlap2".to_string(),
            squared_overlap(&s, size as usize, seed)?,
        )]))
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
        let predicted = bbp_overlap(s.beta, s.gamma);
        let means: Vec<String> = protocol
            .grid
            .sizes
            .iter()
            .map(|&d| {
                let v: Vec<f64> = runs
                    .iter()
                    .filter(|r| r.size == d)
                    .filter_map(|r| r.values.get("overlap2").copied())
                    .collect();
                format!(
                    "d = {d}: {}",
                    mean(&v).map_or("—".into(), |m| format!("{m:.4}"))
                )
            })
            .collect();
        let largest = protocol.grid.sizes.iter().copied().max().unwrap_or(0);
        let at: Vec<f64> = runs
            .iter()
            .filter(|r| r.size == largest)
            .filter_map(|r| r.values.get("overlap2").copied())
            .collect();
        let iv = if at.len() >= 2 {
            bootstrap(
                &at,
                mean,
                protocol.resamples,
                protocol.confidence,
                protocol.bootstrap_seed,
            )
        } else {
            None
        };
        let interval = iv.map(|iv| [iv.lo, iv.hi]);
        vec![Statistic {
            id: "P5.overlap".into(),
            statement: format!(
                "mean squared overlap ⟨û₁, u⟩² of the top sample eigenvector with the spike (β = {}, γ = d/L = {}; {}); BBP limit {predicted:.4}",
                s.beta,
                s.gamma,
                means.join(", ")
            ),
            estimate: iv.map(|iv| iv.estimate),
            interval,
            criterion: format!(
                "at the largest d, the 95% bootstrap interval of the mean lies within the BBP limit ± {}",
                s.tol
            ),
            verdict: judge_inside(interval, predicted - s.tol, predicted + s.tol),
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbp_curve_is_zero_below_the_transition_and_tends_to_one() {
        assert_eq!(bbp_overlap(0.5, 0.5), 0.0);
        assert!((bbp_overlap(2.0, 0.5) - (1.0 - 0.125) / 1.25).abs() < 1e-15);
        assert!(bbp_overlap(1e4, 0.5) > 0.999);
    }
}
