//! One run of the two-step protocol of paper 2 in `f64` (theorems.md, Paper 2 (b)–(c)), and the
//! statistics of one run: the outlier count of `P_ã^⊥ W₂` and the debiased polynomial strengths θ_m.
//!
//! Model (Ba et al. parametrisation): `f_W(x) = N^{-1/2} Σ_j a_j σ(⟨w_j, x⟩)`, `a_j = ã_j/√N`, `ã_j`
//! iid N(0, 1) (or ±1), frozen; `W₀` rows uniform on the sphere; `x ~ N(0, I_d)`, `d = N`,
//! `n = round(ψN)`; `L(W) = (1/2n) Σ (y_i − f_W(x_i))²`; steps `W_{t+1} = W_t − η_t √N ∇L(W_t)` with
//! `η_t` such that `‖W_{t+1} − W_t‖₂ = N^{α_t}` exactly. Random numbers: SplitMix64(seed), normals
//! by the cosine branch of Box–Muller, drawn in the order W₀, ã, β, batch 1 (X row by row, then the
//! label noise), batch 2.

use crate::spec::random::SplitMix64;
use faer::{Mat, Par};

/// The activation σ and its derivative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// `z + z²/2 + z³/6`: μ₁..μ₄ = (1.5, 1, 1, 0), so the expansion stops at k = 2.
    Cubic,
    /// `tanh(z + 1/2)`: bounded and generic.
    TanhShifted,
    /// `tanh z`: μ₂ = 0, so term k = 1 vanishes.
    Tanh,
    /// `max(z, 0)`: μ₃ = 0, so term k = 2 vanishes.
    Relu,
}

impl Activation {
    pub const NAMES: &'static [&'static str] = &["cubic", "tanh_b", "tanh", "relu"];

    pub fn parse(name: &str) -> Option<Activation> {
        Some(match name {
            "cubic" => Activation::Cubic,
            "tanh_b" => Activation::TanhShifted,
            "tanh" => Activation::Tanh,
            "relu" => Activation::Relu,
            _ => return None,
        })
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Activation::Cubic => "σ(z) = z + z²/2 + z³/6",
            Activation::TanhShifted => "σ(z) = tanh(z + 1/2)",
            Activation::Tanh => "σ(z) = tanh z",
            Activation::Relu => "σ(z) = max(z, 0)",
        }
    }

    pub fn value(&self, z: f64) -> f64 {
        match self {
            Activation::Cubic => z + z * z / 2.0 + z * z * z / 6.0,
            Activation::TanhShifted => (z + 0.5).tanh(),
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(0.0),
        }
    }

    pub fn derivative(&self, z: f64) -> f64 {
        match self {
            Activation::Cubic => 1.0 + z + z * z / 2.0,
            Activation::TanhShifted => 1.0 - (z + 0.5).tanh().powi(2),
            Activation::Tanh => 1.0 - z.tanh().powi(2),
            Activation::Relu => f64::from(u8::from(z > 0.0)),
        }
    }

    /// `μ_k = E σ^{(k)}(g) = E[σ(g) He_k(g)]`, g ~ N(0, 1), by the trapezoidal rule on [−12, 12]
    /// (the integrand is smooth times a Gaussian; the error is far below what the audit resolves).
    pub fn hermite_mu(&self, k: usize) -> f64 {
        let steps = 24_000;
        let h = 24.0 / steps as f64;
        let norm = 1.0 / (2.0 * std::f64::consts::PI).sqrt();
        (0..=steps)
            .map(|i| {
                let g = -12.0 + i as f64 * h;
                let w = if i == 0 || i == steps { 0.5 } else { 1.0 };
                w * self.value(g) * hermite_he(k, g) * (-g * g / 2.0).exp() * norm * h
            })
            .sum()
    }
}

/// The probabilists' Hermite polynomial `He_k(x)`.
pub fn hermite_he(k: usize, x: f64) -> f64 {
    let (mut a, mut b) = (1.0, x);
    if k == 0 {
        return a;
    }
    for j in 1..k {
        let c = x * b - j as f64 * a;
        a = b;
        b = c;
    }
    b
}

/// The target `y = σ_*(⟨β, x⟩) + noise`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `He₁ + He₂`.
    He12,
    /// `He₂/√2`.
    He2,
    /// `He₃/√6`.
    He3,
    /// Pure noise: `√3·N(0, 1)` labels.
    Null,
}

impl Target {
    pub const NAMES: &'static [&'static str] = &["he12", "he2", "he3", "null"];

    pub fn parse(name: &str) -> Option<Target> {
        Some(match name {
            "he12" => Target::He12,
            "he2" => Target::He2,
            "he3" => Target::He3,
            "null" => Target::Null,
            _ => return None,
        })
    }
}

/// The settings of a run.
#[derive(Clone, Debug)]
pub struct Protocol {
    pub alpha1: f64,
    pub alpha2: f64,
    pub activation: Activation,
    pub target: Target,
    /// `ψ = n/d`.
    pub psi: f64,
    /// Label noise standard deviation (0.1).
    pub tau: f64,
    /// Reuse the first batch for the second step.
    pub reuse: bool,
    /// `±1` readout instead of Gaussian.
    pub pm1_readout: bool,
    /// The count threshold is `(1 + κ)·edge`.
    pub kappa: f64,
}

/// Highest degree of the polynomial span in ã (degrees 0..=6).
pub const DEGREES: usize = 7;
/// Sign-randomised draws for the floor of θ_m.
const FLOOR_DRAWS: usize = 8;

/// What one run measured.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// `#{i : s_i(P_ã^⊥ W₂) > (1 + κ)·edge}`.
    pub count: usize,
    /// The bulk edge `‖Π^⊥ W₂‖₂`.
    pub edge: f64,
    /// `s₁(P_ã^⊥ W₂)/edge`.
    pub top_ratio: f64,
    /// Debiased `θ_m = ‖q_mᵀ(W₂ − W₁)‖`, m = 0..6.
    pub theta: [f64; DEGREES],
    /// `|⟨B_m, β⟩|/‖B_m‖` with `B_m = q_mᵀ(W₂ − W₁)`, m = 0..6 (theorems.md: learning vs spectrum).
    pub align: [f64; DEGREES],
}

fn matmul(a: faer::MatRef<'_, f64>, b: faer::MatRef<'_, f64>) -> Mat<f64> {
    let mut c = Mat::<f64>::zeros(a.nrows(), b.ncols());
    faer::linalg::matmul::matmul(c.as_mut(), faer::Accum::Replace, a, b, 1.0, Par::Seq);
    c
}

fn normals(rng: &mut SplitMix64, rows: usize, cols: usize) -> Mat<f64> {
    let mut m = Mat::<f64>::zeros(rows, cols);
    for i in 0..rows {
        for j in 0..cols {
            m[(i, j)] = rng.normal_f64();
        }
    }
    m
}

/// The largest singular value.
fn spectral_norm(m: &Mat<f64>) -> Result<f64, String> {
    let s = m
        .singular_values()
        .map_err(|e| format!("SVD did not converge: {e:?}"))?;
    Ok(s.first().copied().unwrap_or(0.0))
}

/// `√N ∇_W L` at W on the batch (X, y).
fn scaled_gradient(w: &Mat<f64>, x: &Mat<f64>, y: &[f64], at: &[f64], act: Activation) -> Mat<f64> {
    let (n, big_n) = (x.nrows(), w.nrows());
    let z = matmul(x.as_ref(), w.transpose());
    let mut dz = Mat::<f64>::zeros(n, big_n);
    for i in 0..n {
        let f: f64 = (0..big_n)
            .map(|j| act.value(z[(i, j)]) * at[j])
            .sum::<f64>()
            / big_n as f64;
        let r = y[i] - f;
        for j in 0..big_n {
            dz[(i, j)] = act.derivative(z[(i, j)]) * r;
        }
    }
    let mut g = matmul(dz.transpose(), x.as_ref());
    let scale = -1.0 / (n as f64 * (big_n as f64).sqrt());
    for j in 0..big_n {
        for k in 0..g.ncols() {
            g[(j, k)] *= at[j] * scale;
        }
    }
    g
}

/// Runs the protocol at width N with seed `seed` and measures the run.
pub fn run(p: &Protocol, big_n: usize, seed: u64) -> Result<RunResult, String> {
    let (_, w1, w2, at, beta) = simulate(p, big_n, seed)?;
    measure(p, &w1, &w2, &at, &beta, seed)
}

/// `(W₀, W₁, W₂, ã, β)`.
pub(crate) type TwoSteps = (Mat<f64>, Mat<f64>, Mat<f64>, Vec<f64>, Vec<f64>);

/// The two steps: `(W₀, W₁, W₂, ã)` and the target direction β (unit norm).
pub(crate) fn simulate(p: &Protocol, big_n: usize, seed: u64) -> Result<TwoSteps, String> {
    if !(0.0..0.5).contains(&p.alpha1) || !(0.0..0.5).contains(&p.alpha2) {
        return Err("CONDITION_NOT_MET: α₁, α₂ must lie in [0, 1/2)".into());
    }
    let d = big_n;
    let n = ((p.psi * big_n as f64).round() as usize).max(1);
    let mut rng = SplitMix64(seed);
    let mut w0 = normals(&mut rng, big_n, d);
    for j in 0..big_n {
        let norm = (0..d).map(|k| w0[(j, k)].powi(2)).sum::<f64>().sqrt();
        for k in 0..d {
            w0[(j, k)] /= norm;
        }
    }
    let at: Vec<f64> = (0..big_n)
        .map(|_| {
            if p.pm1_readout {
                if rng.next_u64() >> 63 == 0 {
                    -1.0
                } else {
                    1.0
                }
            } else {
                rng.normal_f64()
            }
        })
        .collect();
    let mut beta: Vec<f64> = (0..d).map(|_| rng.normal_f64()).collect();
    let bn = beta.iter().map(|b| b * b).sum::<f64>().sqrt();
    beta.iter_mut().for_each(|b| *b /= bn);
    let batch = |rng: &mut SplitMix64| {
        let x = normals(rng, n, d);
        let y: Vec<f64> = (0..n)
            .map(|i| {
                let z: f64 = (0..d).map(|k| x[(i, k)] * beta[k]).sum();
                match p.target {
                    Target::He12 => z + z * z - 1.0,
                    Target::He2 => (z * z - 1.0) / 2f64.sqrt(),
                    Target::He3 => (z * z * z - 3.0 * z) / 6f64.sqrt(),
                    Target::Null => 3f64.sqrt() * rng.normal_f64(),
                }
            })
            .collect();
        let y: Vec<f64> = y
            .into_iter()
            .map(|v| v + p.tau * rng.normal_f64())
            .collect();
        (x, y)
    };
    let (x1, y1) = batch(&mut rng);
    let g0 = scaled_gradient(&w0, &x1, &y1, &at, p.activation);
    let step = |g: &Mat<f64>, alpha: f64| -> Result<f64, String> {
        Ok((big_n as f64).powf(alpha) / spectral_norm(g)?)
    };
    let eta1 = step(&g0, p.alpha1)?;
    let w1 = &w0 - &g0 * faer::Scale(eta1);
    let (x2, y2) = if p.reuse { (x1, y1) } else { batch(&mut rng) };
    let g1 = scaled_gradient(&w1, &x2, &y2, &at, p.activation);
    let eta2 = step(&g1, p.alpha2)?;
    let w2 = &w1 - &g1 * faer::Scale(eta2);
    Ok((w0, w1, w2, at, beta))
}

/// Orthonormal basis of span{ã⁰, …, ã⁶} (modified Gram–Schmidt, twice), as N×7 columns.
fn polynomial_basis(at: &[f64]) -> Mat<f64> {
    let big_n = at.len();
    let mut q = Mat::<f64>::zeros(big_n, DEGREES);
    for m in 0..DEGREES {
        let mut v: Vec<f64> = at.iter().map(|a| a.powi(m as i32)).collect();
        for _ in 0..2 {
            for prev in 0..m {
                let dot: f64 = (0..big_n).map(|i| q[(i, prev)] * v[i]).sum();
                for (i, vi) in v.iter_mut().enumerate() {
                    *vi -= dot * q[(i, prev)];
                }
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        for (i, vi) in v.iter().enumerate() {
            q[(i, m)] = vi / norm;
        }
    }
    q
}

/// `P_ã^⊥ W₂` (left projection off the readout direction) and the bulk edge `‖Π^⊥ W₂‖₂`, `Π^⊥`
/// the left projector off the whole polynomial span `q`.
fn projected_and_edge(w2: &Mat<f64>, at: &[f64], q: &Mat<f64>) -> Result<(Mat<f64>, f64), String> {
    let an = at.iter().map(|a| a * a).sum::<f64>().sqrt();
    let ah = Mat::<f64>::from_fn(at.len(), 1, |i, _| at[i] / an);
    let proj = w2 - &ah * matmul(ah.transpose(), w2.as_ref());
    let bulk = w2 - q * matmul(q.transpose(), w2.as_ref());
    Ok((proj, spectral_norm(&bulk)?))
}

/// One sample for certification: the binary64 matrix `P_ã^⊥ W₂` of the run of `(N, seed)` and the
/// estimated bulk edge.
pub fn sample(p: &Protocol, big_n: usize, seed: u64) -> Result<(Mat<f64>, f64), String> {
    let (_, _, w2, at, _) = simulate(p, big_n, seed)?;
    projected_and_edge(&w2, &at, &polynomial_basis(&at))
}

fn measure(
    p: &Protocol,
    w1: &Mat<f64>,
    w2: &Mat<f64>,
    at: &[f64],
    beta: &[f64],
    seed: u64,
) -> Result<RunResult, String> {
    let big_n = at.len();
    let q = polynomial_basis(at);
    let (proj, edge) = projected_and_edge(w2, at, &q)?;
    let s = proj
        .singular_values()
        .map_err(|e| format!("SVD did not converge: {e:?}"))?;
    let count = s.iter().filter(|&&v| v > (1.0 + p.kappa) * edge).count();
    // θ_m with the floor of sign-randomised directions applied to the polynomial-free part.
    let d2 = w2 - w1;
    let qd = matmul(q.transpose(), d2.as_ref());
    let d2r = &d2 - &q * &qd;
    let row_norms = |m: &Mat<f64>| -> Vec<f64> {
        (0..m.nrows())
            .map(|i| {
                (0..m.ncols())
                    .map(|k| m[(i, k)].powi(2))
                    .sum::<f64>()
                    .sqrt()
            })
            .collect()
    };
    let th = row_norms(&qd);
    // Learning vs spectrum: |⟨B_m, β⟩|/‖B_m‖ with B_m = q_mᵀ(W₂ − W₁), the rows of `qd`.
    let mut align = [0.0; DEGREES];
    for (m, a) in align.iter_mut().enumerate() {
        let dot: f64 = (0..qd.ncols()).map(|k| qd[(m, k)] * beta[k]).sum();
        *a = if th[m] > 0.0 { dot.abs() / th[m] } else { 0.0 };
    }
    let mut floor = [0.0; DEGREES];
    let mut signs_rng = SplitMix64(seed ^ 0x5349_474e_5321); // "SIGNS!": a stream apart from the run's
    for _ in 0..FLOOR_DRAWS {
        let mut qs = q.clone();
        for i in 0..big_n {
            if signs_rng.next_u64() >> 63 == 1 {
                for m in 0..DEGREES {
                    qs[(i, m)] = -qs[(i, m)];
                }
            }
        }
        let r = row_norms(&matmul(qs.transpose(), d2r.as_ref()));
        for m in 0..DEGREES {
            floor[m] += r[m] * r[m];
        }
    }
    let mut theta = [0.0; DEGREES];
    for m in 0..DEGREES {
        theta[m] = (th[m] * th[m] - floor[m] / FLOOR_DRAWS as f64)
            .max(1e-12)
            .sqrt();
    }
    Ok(RunResult {
        count,
        edge,
        top_ratio: s.first().copied().unwrap_or(0.0) / edge,
        theta,
        align,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hermite_coefficients_of_the_activations() {
        // Cubic: μ₁..μ₄ = E σ', σ'', σ''', σ'''' = (1.5, 1, 1, 0) exactly.
        for (k, want) in [(1, 1.5), (2, 1.0), (3, 1.0), (4, 0.0)] {
            assert!(
                (Activation::Cubic.hermite_mu(k) - want).abs() < 1e-9,
                "μ_{k}"
            );
        }
        // tanh is odd: μ₂ = μ₄ = 0; ReLU: μ₁ = 1/2, μ₃ = 0 (σ''' is a derivative of δ: E = −g·φ … = 0).
        assert!(Activation::Tanh.hermite_mu(2).abs() < 1e-9);
        assert!((Activation::Relu.hermite_mu(1) - 0.5).abs() < 1e-4);
        assert!(Activation::Relu.hermite_mu(3).abs() < 1e-4);
        // theorems.md: tanh(z + 1/2) has μ₁..μ₄ ≈ (0.56, −0.17, −0.28, 0.30).
        let t = Activation::TanhShifted;
        for (k, want) in [(1, 0.56), (2, -0.17), (3, -0.28), (4, 0.30)] {
            assert!(
                (t.hermite_mu(k) - want).abs() < 0.01,
                "μ_{k} = {}",
                t.hermite_mu(k)
            );
        }
    }

    #[test]
    fn polynomial_basis_is_orthonormal() {
        let mut rng = SplitMix64(3);
        let at: Vec<f64> = (0..300).map(|_| rng.normal_f64()).collect();
        let q = polynomial_basis(&at);
        let g = matmul(q.transpose(), q.as_ref());
        for i in 0..DEGREES {
            for j in 0..DEGREES {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((g[(i, j)] - want).abs() < 1e-9, "({i},{j}) {}", g[(i, j)]);
            }
        }
    }

    #[test]
    fn steps_have_the_prescribed_operator_norms_and_runs_are_reproducible() {
        let p = Protocol {
            alpha1: 0.25,
            alpha2: 0.35,
            activation: Activation::Cubic,
            target: Target::He12,
            psi: 1.0,
            tau: 0.1,
            reuse: false,
            pm1_readout: false,
            kappa: 0.05,
        };
        let (w0, w1, w2, _, _) = simulate(&p, 60, 5).unwrap();
        let n1 = spectral_norm(&(&w1 - &w0)).unwrap();
        let n2 = spectral_norm(&(&w2 - &w1)).unwrap();
        assert!((n1 / 60f64.powf(0.25) - 1.0).abs() < 1e-12, "{n1}");
        assert!((n2 / 60f64.powf(0.35) - 1.0).abs() < 1e-12, "{n2}");
        let a = run(&p, 60, 5).unwrap();
        let b = run(&p, 60, 5).unwrap();
        assert_eq!(a.count, b.count);
        assert_eq!(a.theta, b.theta);
        assert!(a.edge > 1.0 && a.edge < 4.0, "edge {}", a.edge);
        let bad = Protocol { alpha1: 0.5, ..p };
        assert!(run(&bad, 60, 5).unwrap_err().contains("CONDITION_NOT_MET"));
    }
}
