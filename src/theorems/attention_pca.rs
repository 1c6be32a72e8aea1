//! Paper 9 (`attention-pca`): attention-based PCA (Maulen-Soto, Boyer, arXiv 2605.18315).
//!
//! **Statement certified** (a model derived in `theorems.md` from the abstract, not the paper's
//! full text; see `proofs/attention-pca.md`). For tokens `q ~ N(0, Σ)` and a rank-one key–query
//! product `vvᵀ`, the infinite-prompt attention output is `(vᵀq)Σv` and its reconstruction loss is
//! `ℓ(v) = tr Σ − 2vᵀΣ²v + (vᵀΣv)(vᵀΣ²v)`.
//! - P1: the infinite-prompt reduction for Gaussian tokens, as exact polynomial identities in a free
//!   `w` with the instance's Σ (Gaussian expectations by Isserlis' recursion): the Taylor coefficients of
//!   `E[e^{t⟨w,x⟩}] = exp(½t²wᵀΣw)` and of `E[e^{t⟨w,x⟩}x] = tΣw·E[e^{t⟨w,x⟩}]` through order
//!   [`P1_ORDER`] + 1, so softmax (all orders: Stein's lemma) and linear attention both tend to
//!   `Σw = (vᵀq)Σv`.
//! - P2: the closed forms of ℓ, ∇ℓ, ∇²ℓ (exact polynomial identities); for `Σ = U diag(λ) Uᵀ` with
//!   a rational orthogonal U, the critical points `±u_j/√λ_j` with `ℓ = tr Σ − λ_j` and Hessian
//!   eigenpairs `(8λ_j², u_j)`, `(2λ_i(λ_j − λ_i), u_i)` (exact, modulo `s² = 1/λ_j`).
//! - P3: the eigengap `λ_1 − λ_2 > 0` (inertia) and the step size `η < 1/(4λ_1²)` (hypotheses); the
//!   minimiser v* (n-D Krawczyk on ∇ℓ = 0, positive definite Hessian, hence `v* = ±u_1/√λ_1`); the
//!   local rate `ρ = max|1 − ηh|` over the Hessian's spectrum at v*; GD from v_0 enclosed until it
//!   enters a ball `B(v*, R)` on which `‖I − η∇²ℓ‖₂ ≤ ρ_B < 1`, hence for all `k ≥ K_ε`:
//!   `|⟨v_k/‖v_k‖, u_1⟩| ≥ 1 − ε` and `|‖v_k‖²λ_1 − 1| ≤ ε`.
//! - P4: for `L` seeded tokens, `‖Σ̂_L − Σ‖₂`, the minimiser v̂ of the loss of `Σ̂_L` (aligned with
//!   `û_1`), `sin∠(û_1, u_1)` and the Davis–Kahan bound `sin∠ ≤ 2‖Σ̂_L − Σ‖₂/(λ_1 − λ_2)`.

use super::congruence_witness;
use super::inertia::{bracket, count_at, enclosing_imat, short};
use super::instance::{InputError, Kind, ParamSpec, Params, Value};
use super::{
    bound_q, box_encl, claim, escalate, exact_claim, fmt_q, orbit_witness, publish, undecided_all,
    uses, ClaimGroup, RunOptions, Theorem,
};
use crate::arith::exact::{format_exact, q_from_f64, q_to_f64, Q};
use crate::arith::{q_frac, q_int, Arith, Elementary};
use crate::certificate::{Bound, Claim, MatrixRecord, Role, Verdict, Witness};
use crate::linalg::{self, IMat, QMat};
use crate::methods::escalation::Task;
use crate::methods::identity::identity_holds;
use crate::methods::mean_value::{Orbit, Prepared};
use crate::methods::stationary::{newton, prove_stationary_point, Objective, StationaryPoint};
use crate::spec::attention_pca::*;
use crate::spec::deep_mf::{cayley_basis, spectral_norm_at_most};
use crate::spec::Dynamics;
use num_traits::{Signed, Zero};
use std::collections::BTreeMap;
use std::path::Path;

mod bbp;

pub struct AttentionPca;

const GROUPS: &[&str] = &["P1", "P2", "P3", "P4"];
const DEFAULT_INSTANCE: &str = include_str!("../../certificates/instances/attention-pca/q1.toml");
/// Largest dimension whose GD orbit is certified (the orbit code is compiled per dimension).
pub const MAX_ORBIT_DIM: usize = 8;
/// Largest Σ accepted.
pub const MAX_DIM: usize = 64;

/// Names under which congruence witnesses refer to matrices.
pub const SIGMA: &str = "Sigma";
pub const HESSIAN_AT_MIN: &str = "hessian(P3.minimiser)";
pub const HESSIAN_ON_BALL: &str = "hessian(P3.ball)";
pub const HESSIAN_AT_SAMPLE_MIN: &str = "hessian(P4.minimiser)";
/// Names of the losses in stationary-point witnesses.
pub const LOSS: &str = "attention_pca(Sigma)";
pub const SAMPLE_LOSS: &str = "attention_pca(Sigma_hat)";

impl Theorem for AttentionPca {
    fn id(&self) -> &'static str {
        "attention-pca"
    }
    fn title(&self) -> &'static str {
        "Attention-based PCA (Maulen-Soto, Boyer, arXiv 2605.18315)"
    }
    fn statement(&self) -> &'static str {
        "Tokens q ~ N(0, Sigma), rank-one key-query vv^T: the infinite-prompt attention output is (v^T q) Sigma v, with \
         reconstruction loss l(v) = tr Sigma - 2 v^T Sigma^2 v + (v^T Sigma v)(v^T Sigma^2 v). P1: for x ~ N(0, Sigma), \
         E[<w,x>^k] = (k-1)!! (w^T Sigma w)^(k/2) (k even, else 0) and E[<w,x>^(k+1) x] = (k+1) Sigma w E[<w,x>^k] \
         for k <= 6, exactly as polynomials in w (Wick): the series of E[e^<w,x> x]/E[e^<w,x>] = Sigma w (softmax) \
         and E[<w,x> x] = Sigma w (linear), so both output (v^T q) Sigma v. P2: closed forms of l, its \
         gradient and Hessian; critical points +-u_j/sqrt(lambda_j) with l = tr Sigma - lambda_j and Hessian eigenvalues \
         8 lambda_j^2 (along u_j), 2 lambda_i (lambda_j - lambda_i) (along u_i). P3: if lambda_1 > lambda_2 and \
         eta < 1/(4 lambda_1^2), the minimiser v* = +-u_1/sqrt(lambda_1) is locally attracting with rate \
         max(|1 - 8 eta lambda_1^2|, max_(i>=2) |1 - 2 eta lambda_i (lambda_1 - lambda_i)|), and GD from v_0 satisfies \
         |<v_k/|v_k|, u_1>| >= 1 - eps and ||v_k|^2 lambda_1 - 1| <= eps for all k >= K_eps. P4: for the sample \
         covariance of L tokens, sin(u1_hat, u_1) <= 2 |Sigma_hat - Sigma|_2 / (lambda_1 - lambda_2) (Davis-Kahan). \
         Model derived from the abstract (theorems.md), not from the paper's full text."
    }
    fn claim_groups(&self) -> &'static str {
        "P1 Gaussian reduction (softmax = linear = Sigma w); P2 closed forms and critical points; P3 eigengap, minimiser, local rate, GD convergence; P4 finite prompt (Davis-Kahan)"
    }
    fn schema(&self) -> Vec<ParamSpec> {
        let int = |key, min, max, default, help| ParamSpec {
            key,
            kind: Kind::Integer { min, max },
            default,
            required: false,
            help,
        };
        vec![
            ParamSpec {
                key: "sigma",
                kind: Kind::Rationals { min_len: 2, max_len: MAX_DIM },
                default: None,
                required: false,
                help: "the spectrum λ of Σ = U diag(λ) Uᵀ (U = I, or a Cayley rotation with rotation_seed)",
            },
            int("rotation_seed", 0, i64::MAX, None, "SplitMix64 seed of the Cayley-rational rotation U"),
            ParamSpec {
                key: "sigma_file",
                kind: Kind::Text,
                default: None,
                required: false,
                help: "Σ as a symmetric matrix file (CSV, JSON, npy), relative to the instance; instead of sigma",
            },
            ParamSpec {
                key: "eta",
                kind: Kind::Rational { positive: true },
                default: None,
                required: true,
                help: "the GD step size η > 0, e.g. 0.02",
            },
            ParamSpec {
                key: "v0",
                kind: Kind::Rationals { min_len: 2, max_len: MAX_DIM },
                default: None,
                required: false,
                help: "the GD start v_0 (P3 convergence)",
            },
            ParamSpec {
                key: "eps",
                kind: Kind::Rational { positive: true },
                default: Some("1/1000"),
                required: false,
                help: "the alignment accuracy ε in (0, 1)",
            },
            int("max_steps", 1, 1_000_000, Some("100000"), "most GD steps enclosed before the contraction ball"),
            int("tokens", 2, 100_000, None, "P4: the prompt length L (tokens x_t = U diag(√λ) z_t)"),
            int("token_seed", 0, i64::MAX, Some("1"), "P4: SplitMix64 seed of the tokens"),
            ParamSpec {
                key: "claims",
                kind: Kind::Choices { allowed: GROUPS },
                default: None,
                required: false,
                help: "claim groups to certify (default: P1, P2, P3, and P4 when tokens is given)",
            },
        ]
        .into_iter()
        .chain(Self::bbp_keys())
        .collect()
    }
    fn auditor(&self) -> Option<&dyn crate::audit::Auditor> {
        Some(self)
    }
    fn default_instance(&self) -> (&'static str, &'static str) {
        (
            "certificates/instances/attention-pca/q1.toml",
            DEFAULT_INSTANCE,
        )
    }
    fn certify(&self, params: &Params, opts: &RunOptions) -> Result<Vec<Claim>, InputError> {
        let inst = Inst::from_params(params)?;
        Ok(certify(&inst, opts))
    }
    fn matrices(&self, params: &Params) -> BTreeMap<String, MatrixRecord> {
        let mut out = BTreeMap::new();
        if let Ok(inst) = Inst::from_params(params) {
            let rec = |m: &[Q]| MatrixRecord {
                rows: inst.n,
                cols: inst.n,
                entries: m.iter().map(format_exact).collect(),
            };
            out.insert(SIGMA.to_string(), rec(&inst.sigma));
            if let Some(s) = inst.sample.as_ref() {
                out.insert("Sigma_hat".to_string(), rec(s));
            }
        }
        out
    }
}

/// A validated instance.
#[derive(Clone, Debug)]
pub struct Inst {
    pub n: usize,
    pub sigma: Vec<Q>,
    /// `(U, λ)` when Σ was given by its spectrum.
    pub eigen: Option<(Vec<Q>, Vec<Q>)>,
    pub eta: Q,
    pub v0: Option<Vec<Q>>,
    pub eps: Q,
    pub max_steps: usize,
    /// `Σ̂_L` from the seeded tokens.
    pub sample: Option<Vec<Q>>,
    pub groups: Vec<String>,
}

fn identity_matrix(n: usize) -> Vec<Q> {
    (0..n * n)
        .map(|k| if k / n == k % n { q_int(1) } else { Q::zero() })
        .collect()
}

impl Inst {
    pub fn from_params(p: &Params) -> Result<Self, InputError> {
        let eta = p
            .q("eta")
            .cloned()
            .ok_or_else(|| p.error("eta", "missing required key"))?;
        if eta > q_int(1000) || eta < q_frac(1, 1_000_000_000) {
            return Err(p.error("eta", "must lie in [1e-9, 1000]"));
        }
        let file = match p.values.get("sigma_file") {
            Some(Value::Text(t)) => Some(t.clone()),
            _ => None,
        };
        let (sigma, eigen, n) = match (p.qs("sigma"), file) {
            (Some(_), Some(_)) => {
                return Err(p.error("sigma_file", "give either sigma or sigma_file, not both"))
            }
            (None, None) => {
                return Err(p.error("sigma", "missing: give sigma (a spectrum) or sigma_file"))
            }
            (Some(l), None) => {
                let n = l.len();
                let big = q_int(1_000_000);
                if l.iter().any(|x| x.abs() > big) {
                    return Err(p.error("sigma", "entries must lie in [-1e6, 1e6]"));
                }
                let basis = match p.int("rotation_seed") {
                    Some(s) => cayley_basis(n, s as u64),
                    None => identity_matrix(n),
                };
                let sigma = rotated_diagonal(&basis, l);
                (sigma, Some((basis, l.to_vec())), n)
            }
            (None, Some(f)) => {
                if p.int("rotation_seed").is_some() {
                    return Err(p.error(
                        "rotation_seed",
                        "rotates a spectrum given by sigma, not a sigma_file",
                    ));
                }
                let m = read_sigma(p, &f)?;
                (m.data, None, m.rows)
            }
        };
        let v0 = match p.qs("v0") {
            Some(v) if v.len() != n => {
                return Err(p.error("v0", format!("has {} entries, Σ is {n}x{n}", v.len())))
            }
            Some(v) => {
                if v.iter().any(|x| x.abs() > q_int(1000)) {
                    return Err(p.error("v0", "entries must lie in [-1000, 1000]"));
                }
                Some(v.to_vec())
            }
            None => None,
        };
        let eps = p.q("eps").cloned().unwrap_or_else(|| q_frac(1, 1000));
        if eps >= q_int(1) || eps < q_frac(1, 1_000_000_000_000) {
            return Err(p.error("eps", "must lie in [1e-12, 1)"));
        }
        let sample = match p.int("tokens") {
            None => None,
            Some(l) => {
                let Some((basis, spectrum)) = &eigen else {
                    return Err(p.error("tokens", "tokens x_t = U diag(√λ) z_t need Σ given by its spectrum (sigma), not a file"));
                };
                if spectrum.iter().any(|x| x.is_negative()) {
                    return Err(p.error(
                        "tokens",
                        "tokens need a positive semidefinite Σ (sigma >= 0)",
                    ));
                }
                let rotated = p.int("rotation_seed").is_some().then_some(basis.as_slice());
                let seed = p.int("token_seed").unwrap_or(1) as u64;
                let toks = tokens(rotated, spectrum, l as usize, seed);
                Some(
                    sample_covariance(&toks)
                        .ok_or_else(|| p.error("tokens", "a token is not finite"))?,
                )
            }
        };
        let groups: Vec<String> = match p.list("claims") {
            Some(l) => {
                if l.iter().any(|g| g == "P4") && sample.is_none() {
                    return Err(p.error("claims", "P4 needs tokens"));
                }
                l.to_vec()
            }
            None => {
                let mut g = vec!["P1".to_string(), "P2".to_string(), "P3".to_string()];
                if sample.is_some() {
                    g.push("P4".into());
                }
                g
            }
        };
        Ok(Inst {
            n,
            sigma,
            eigen,
            eta,
            v0,
            eps,
            max_steps: p.int("max_steps").unwrap_or(100_000) as usize,
            sample,
            groups,
        })
    }

    fn wants(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }
}

fn read_sigma(p: &Params, file: &str) -> Result<QMat, InputError> {
    let src = p.source_of("sigma_file");
    let path = match Path::new(src).parent() {
        Some(dir) if Path::new(file).is_relative() && src != "--set" => dir.join(file),
        _ => Path::new(file).to_path_buf(),
    };
    let m = linalg::io::read_matrix(&path).map_err(|e| p.error("sigma_file", format!("{e}")))?;
    let name = path.display();
    if m.rows != m.cols || m.rows < 2 || m.rows > MAX_DIM {
        return Err(p.error(
            "sigma_file",
            format!(
                "{name}: Σ is {}x{}, expected square of size 2 to {MAX_DIM}",
                m.rows, m.cols
            ),
        ));
    }
    if let Some((i, j)) = m.asymmetry() {
        return Err(p.error(
            "sigma_file",
            format!(
                "{name}: Σ must be exactly symmetric, but entry ({}, {}) differs from ({}, {})",
                i + 1,
                j + 1,
                j + 1,
                i + 1
            ),
        ));
    }
    if m.data.iter().any(|x| x.abs() > q_int(1_000_000)) {
        return Err(p.error(
            "sigma_file",
            format!("{name}: entries must lie in [-1e6, 1e6]"),
        ));
    }
    Ok(m)
}

impl Objective for AttentionLoss {
    fn dim(&self) -> usize {
        self.n
    }
    fn value<T: Elementary>(&self, theta: &[T]) -> T {
        AttentionLoss::value(self, theta)
    }
}

/// Certifies every requested claim group.
pub fn certify(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    let loss = AttentionLoss::new(inst.n, inst.sigma.clone());
    let mut out = vec![];
    if inst.wants("P1") {
        crate::progress::stage(
            "P1: the Gaussian reduction of softmax and linear attention (exact)",
        );
        for i in p1_identities(&loss) {
            out.push(exact_claim(
                i.id,
                Role::Conclusion,
                i.statement.clone(),
                None,
                None,
                identity_holds(&i.differences, &i.relations),
            ));
        }
    }
    if inst.wants("P2") {
        crate::progress::stage("P2: closed forms and critical points (exact)");
        let mut ids = identities(&loss);
        if let Some((basis, spectrum)) = &inst.eigen {
            ids.extend(critical_identities(&loss, basis, spectrum));
        }
        for i in ids {
            out.push(exact_claim(
                i.id,
                Role::Conclusion,
                i.statement.clone(),
                None,
                None,
                identity_holds(&i.differences, &i.relations),
            ));
        }
        if let Some(sorted) = sorted_spectrum(inst) {
            let least = min_q(&hessian_spectrum_at(&sorted, 0));
            out.push(exact_claim(
                "P2.least_curvature",
                Role::Conclusion,
                "the least Hessian eigenvalue at ±u_1/√λ_1, min(8λ_1², min_(i≥2) 2λ_i(λ_1 − λ_i)) (P2.critical): positive iff λ_1 > λ_2, so that ±u_1/√λ_1 is a strict minimum",
                Some(&least),
                None,
                true,
            ));
        }
    }
    if !(inst.wants("P3") || inst.wants("P4")) {
        return out;
    }
    crate::progress::stage("P3: the eigengap and the step size (inertia)");
    let spectral = sigma_claims(inst);
    let gap_ok = spectral.gap.as_ref().is_some_and(|g| g.0 > Q::zero());
    let step = spectral.lambda1.as_ref().map(|l| {
        let four_eta = q_int(4) * &inst.eta;
        (four_eta.clone() * &l.0 * &l.0, four_eta * &l.1 * &l.1)
    });
    let step_claim = claim(
        "P3.step_size",
        Role::Hypothesis,
        "the step-size hypothesis η < 1/(4λ_1²): the enclosure of 4ηλ_1²",
        step.clone(),
        bound_q("<", &q_int(1)),
        "exact",
        uses(&spectral.lambda1_claim),
    );
    let step_verdict = step_claim.verdict;
    out.extend(spectral.claims);
    out.push(step_claim);
    if let Some(sorted) = sorted_spectrum(inst) {
        let rho = local_rate(&sorted, &inst.eta);
        out.push(exact_claim(
            "P3.rate_formula",
            Role::Conclusion,
            "the local rate by the formula of P3 from the exact spectrum: max(|1 − 8ηλ_1²|, max_(i≥2) |1 − 2ηλ_i(λ_1 − λ_i)|)",
            Some(&rho),
            None,
            true,
        ));
    }
    if step_verdict == Verdict::ConditionNotMet && gap_ok {
        out.extend(axis_claims(inst, &loss, opts));
    }
    if !gap_ok {
        // Without a positive eigengap the theorem says nothing about v*, its rate or GD.
        return out;
    }
    crate::progress::stage("P3/P4: minimisers (Krawczyk), Hessians (inertia), GD orbit");
    let sample = inst
        .sample
        .as_ref()
        .filter(|_| inst.wants("P4"))
        .map(|s| AttentionLoss::new(inst.n, s.clone()));
    let deviation = sample.as_ref().and_then(|_| deviation_claim(inst));
    let task = MainTask {
        inst,
        loss: &loss,
        guess: minimiser_guess(&loss).map(|g| oriented(&loss, &inst.eta, inst.v0.as_deref(), g)),
        sample: sample.as_ref().map(|s| (s, minimiser_guess(s))),
        converge: inst.wants("P3") && step_verdict == Verdict::Certified,
        step_failed: step_verdict == Verdict::ConditionNotMet,
        gap: spectral.gap.unwrap_or_default(),
        deviation: deviation
            .as_ref()
            .and_then(|c| c.enclosure.as_ref())
            .and_then(|e| e.parse().ok()),
    };
    out.extend(deviation);
    out.extend(escalate(opts, &task));
    out
}

/// The prefix of paper 5's claims on the top axis.
pub const AXIS_PREFIX: &str = "P3.axis.";

/// With the step size too large: GD on the top axis is paper 5's cubic at `μ = 4ηλ_1²` (exact when
/// the spectrum is given); its claims (group T1: the 2-cycle and its multiplier for 1 < μ < √5 − 1)
/// are included, prefixed `P3.axis.`, as information on what GD does instead of converging.
fn axis_claims(inst: &Inst, loss: &AttentionLoss, opts: &RunOptions) -> Vec<Claim> {
    let Some((basis, spectrum)) = &inst.eigen else {
        return vec![];
    };
    let n = inst.n;
    let Some(j) = (0..n).max_by(|&a, &b| spectrum[a].cmp(&spectrum[b])) else {
        return vec![];
    };
    let (u, l1): (Vec<Q>, Q) = (
        (0..n).map(|r| basis[r * n + j].clone()).collect(),
        spectrum[j].clone(),
    );
    let id = axis_identity(loss, &inst.eta, &u, &l1);
    let mu = q_int(4) * &inst.eta * &l1 * &l1;
    let statement = format!("{} (μ = {})", id.statement, fmt_q(&mu));
    let mut out = vec![exact_claim(
        id.id,
        Role::Conclusion,
        statement,
        None,
        None,
        identity_holds(&id.differences, &id.relations),
    )];
    let sub = super::two_factor::Inst {
        mu,
        x0: q_frac(1, 2),
        catapult: None,
        max_steps: inst.max_steps.min(5000),
        groups: vec!["T1".into()],
    };
    for mut c in super::two_factor::certify(&sub, opts) {
        c.id = format!("{AXIS_PREFIX}{}", c.id);
        if let Witness::Uses { claim, .. } = &mut c.witness {
            *claim = format!("{AXIS_PREFIX}{claim}");
        }
        out.push(c);
    }
    out
}

fn min_q(v: &[Q]) -> Q {
    v.iter()
        .skip(1)
        .fold(v[0].clone(), |m, x| if *x < m { x.clone() } else { m })
}

/// The exact spectrum, sorted descending, when Σ was given by it.
fn sorted_spectrum(inst: &Inst) -> Option<Vec<Q>> {
    let (_, s) = inst.eigen.as_ref()?;
    let mut s = s.clone();
    s.sort_by(|a, b| b.cmp(a));
    Some(s)
}

fn f64_matrix(n: usize, m: &[Q]) -> faer::Mat<f64> {
    faer::Mat::from_fn(n, n, |i, j| q_to_f64(&m[i * n + j]))
}

/// `u_1/√λ_1` refined by Newton's method in binary64 (an estimate only).
fn minimiser_guess(loss: &AttentionLoss) -> Option<Vec<f64>> {
    let n = loss.n;
    let (vals, vecs) = linalg::eig::approximate_eigen(&f64_matrix(n, &loss.sigma)).ok()?;
    let l1 = vals[n - 1];
    if l1.is_nan() || l1 <= 0.0 {
        return None;
    }
    let guess: Vec<f64> = (0..n).map(|i| vecs[(i, n - 1)] / l1.sqrt()).collect();
    newton(loss, &guess, 50).ok()
}

/// `guess` or `−guess`, whichever binary64 GD from `v0` approaches (ℓ is even, so both are minimisers).
fn oriented(loss: &AttentionLoss, eta: &Q, v0: Option<&[Q]>, guess: Vec<f64>) -> Vec<f64> {
    let Some(v0) = v0 else { return guess };
    let c = loss.constants(&0.0f64);
    let e = q_to_f64(eta);
    let mut v: Vec<f64> = v0.iter().map(q_to_f64).collect();
    for _ in 0..10_000 {
        let g = loss.gradient(&c, &v);
        v.iter_mut().zip(&g).for_each(|(x, gi)| *x -= e * gi);
        if !v.iter().all(|x| x.is_finite()) {
            return guess;
        }
    }
    let dot: f64 = v.iter().zip(&guess).map(|(a, b)| a * b).sum();
    if dot < 0.0 {
        guess.iter().map(|x| -x).collect()
    } else {
        guess
    }
}

struct SigmaClaims {
    claims: Vec<Claim>,
    /// The enclosure of `λ_1` and the claim that proves it.
    lambda1: Option<(Q, Q)>,
    lambda1_claim: String,
    gap: Option<(Q, Q)>,
}

/// `λ_1`, `λ_2` by inertia brackets of Σ, the eigengap hypothesis; when the gap is not positive, an
/// exact proof of `λ_1 = λ_2` where one is found.
fn sigma_claims(inst: &Inst) -> SigmaClaims {
    let n = inst.n;
    let a = linalg::enclose(&QMat::new(n, n, inst.sigma.clone()));
    let est = linalg::eig::approximate_eigen(&f64_matrix(n, &inst.sigma))
        .ok()
        .map(|(v, _)| v);
    let scale = est
        .as_ref()
        .map(|v| v.iter().fold(1e-300f64, |m, x| m.max(x.abs())))
        .unwrap_or(1.0);
    let br = |index: usize| {
        est.as_ref()
            .and_then(|e| bracket(&a, index, e[index - 1], scale))
    };
    let (b1, b2) = (br(n), br(n - 1));
    let bracket_claim =
        |id: &str,
         index: usize,
         what: &str,
         b: &Option<(Q, linalg::InertiaCount, Q, linalg::InertiaCount)>| {
            match b {
        Some((lo, cl, hi, ch)) => claim(
            id,
            Role::Conclusion,
            format!("{what} of Σ (inertia bracket: {} eigenvalues below the lower end, {} below the upper)", cl.below, ch.below),
            Some((lo.clone(), hi.clone())),
            None,
            "interval",
            Witness::Bracket {
                index,
                lower: Box::new(congruence_witness(SIGMA, lo, cl)),
                upper: Box::new(congruence_witness(SIGMA, hi, ch)),
            },
        ),
        None => claim(id, Role::Conclusion, "no inertia bracket decided the eigenvalue", None, None, "interval", Witness::None),
    }
        };
    let mut claims = vec![
        bracket_claim("P3.lambda1", n, "the largest eigenvalue λ_1", &b1),
        bracket_claim("P3.lambda2", n - 1, "the second eigenvalue λ_2", &b2),
    ];
    let l1 = b1.as_ref().map(|b| (b.0.clone(), b.2.clone()));
    let gap = match (&b1, &b2) {
        (Some(x), Some(y)) => Some((x.0.clone() - &y.2, x.2.clone() - &y.0)),
        _ => None,
    };
    let gap_statement = "the eigengap hypothesis λ_1 − λ_2 > 0";
    if gap.as_ref().is_some_and(|g| g.0 > Q::zero()) {
        claims.push(claim(
            "P3.gap",
            Role::Hypothesis,
            gap_statement,
            gap.clone(),
            bound_q(">", &Q::zero()),
            "interval",
            uses("P3.lambda1"),
        ));
        return SigmaClaims {
            claims,
            lambda1: l1,
            lambda1_claim: "P3.lambda1".into(),
            gap,
        };
    }
    // λ_1 = λ_2 = t exactly, for t from the given spectrum or a short rational near the estimate.
    let mut candidates: Vec<Q> = sorted_spectrum(inst)
        .map(|s| vec![s[0].clone()])
        .unwrap_or_default();
    if let Some(e) = &est {
        candidates.extend(short(e[n - 1]));
        candidates.extend(q_from_f64(e[n - 1]));
    }
    if let Some(t) = candidates
        .iter()
        .find(|t| top_eigenvalue_is_multiple(&inst.sigma, n, t))
    {
        claims.push(exact_claim(
            "P3.top_multiple",
            Role::Conclusion,
            "λ_1 = λ_2 = t exactly: tI − Σ is positive semidefinite and rank(Σ − tI) <= n − 2; t =",
            Some(t),
            None,
            true,
        ));
        let mut g = claim(
            "P3.gap",
            Role::Hypothesis,
            gap_statement,
            Some((Q::zero(), Q::zero())),
            bound_q(">", &Q::zero()),
            "exact",
            uses("P3.top_multiple"),
        );
        g.note = Some("the top eigenvalue is multiple: the top direction is not unique and ∇²ℓ has a zero eigenvalue at every minimiser".into());
        claims.push(g);
        return SigmaClaims {
            claims,
            lambda1: Some((t.clone(), t.clone())),
            lambda1_claim: "P3.top_multiple".into(),
            gap: Some((Q::zero(), Q::zero())),
        };
    }
    claims.push(claim(
        "P3.gap",
        Role::Hypothesis,
        gap_statement,
        gap.clone(),
        bound_q(">", &Q::zero()),
        "interval",
        uses("P3.lambda1"),
    ));
    SigmaClaims {
        claims,
        lambda1: l1,
        lambda1_claim: "P3.lambda1".into(),
        gap,
    }
}

/// `‖Σ̂_L − Σ‖₂ ∈ (lo, hi]`, both ends decided exactly (`hi·I ∓ E` positive semidefinite, and not
/// so at `lo`).
fn deviation_claim(inst: &Inst) -> Option<Claim> {
    let n = inst.n;
    let e: Vec<Q> = inst
        .sample
        .as_ref()?
        .iter()
        .zip(&inst.sigma)
        .map(|(a, b)| a.clone() - b)
        .collect();
    let (vals, _) = linalg::eig::approximate_eigen(&f64_matrix(n, &e)).ok()?;
    let est = vals.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let mut w = est * 1e-9 + 1e-300;
    for _ in 0..20 {
        let (lo, hi) = (short(est - w)?, short(est + w)?);
        let lo = if lo.is_negative() { Q::zero() } else { lo };
        if spectral_norm_at_most(&e, n, &hi) && (lo.is_zero() || !spectral_norm_at_most(&e, n, &lo))
        {
            let mut c = exact_claim(
                "P4.deviation",
                Role::Conclusion,
                "‖Σ̂_L − Σ‖₂ for the sample covariance of the seeded tokens, in (lo, hi]: hI ∓ (Σ̂_L − Σ) ⪰ 0 and not so at lo (exact)",
                None,
                None,
                true,
            );
            c.enclosure = Some(crate::certificate::Encl::new(&lo, &hi));
            return Some(c);
        }
        w *= 16.0;
    }
    None
}

struct MainTask<'a> {
    inst: &'a Inst,
    loss: &'a AttentionLoss,
    guess: Option<Vec<f64>>,
    sample: Option<(&'a AttentionLoss, Option<Vec<f64>>)>,
    /// Whether the hypotheses of the convergence claim are certified.
    converge: bool,
    step_failed: bool,
    gap: (Q, Q),
    deviation: Option<(Q, Q)>,
}

const MIN_IDS: [&str; 4] = [
    "P3.minimiser",
    "P3.hessian_min",
    "P3.hessian_max",
    "P3.local_rate",
];
const ORBIT_IDS: [&str; 5] = [
    "P3.ball",
    "P3.ball_lower",
    "P3.ball_upper",
    "P3.orbit",
    "P3.convergence",
];
const SAMPLE_IDS: [&str; 4] = ["P4.minimiser", "P4.hessian_min", "P4.sin", "P4.davis_kahan"];

fn stationary_witness<S: Arith>(loss: &str, p: &StationaryPoint<S>) -> Option<Witness> {
    Some(Witness::Stationary {
        loss: loss.into(),
        center: p.center.iter().map(format_exact).collect(),
        radius: p.radius.iter().map(format_exact).collect(),
        tight: box_encl(&p.tight)?,
        preconditioner: p.preconditioner.iter().map(format_exact).collect(),
    })
}

/// The Hessian of `loss` over a box, as an interval matrix.
fn hessian_imat<S: Arith>(loss: &AttentionLoss, x: &[S]) -> Option<IMat> {
    let c = loss.constants(&x[0]);
    enclosing_imat(loss.n, &loss.hessian(&c, x))
}

fn q_max(a: Q, b: Q) -> Q {
    if a > b {
        a
    } else {
        b
    }
}

/// `|x|` over `[lo, hi]`, as an interval.
fn abs_range(lo: Q, hi: Q) -> (Q, Q) {
    if lo.is_positive() {
        (lo, hi)
    } else if hi.is_negative() {
        (-hi, -lo)
    } else {
        (Q::zero(), q_max(-lo, hi))
    }
}

impl Task for MainTask<'_> {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let arith = unit.arith_name();
        let mut out = vec![];
        let mut all_ids: Vec<&str> = MIN_IDS.to_vec();
        if self.converge && self.inst.v0.is_some() {
            all_ids.extend(ORBIT_IDS);
        }
        if self.sample.is_some() {
            all_ids.extend(SAMPLE_IDS);
        }
        let Some(guess) = &self.guess else {
            return undecided_all(&all_ids, "no estimate of u_1/√λ_1 (λ_1 <= 0?)", &arith);
        };
        let p: StationaryPoint<S> = match prove_stationary_point(self.loss, unit, guess) {
            Ok(p) => p,
            Err(e) => return undecided_all(&all_ids, &format!("Krawczyk: {e}"), &arith),
        };
        let Some(w) = stationary_witness(LOSS, &p) else {
            return undecided_all(&all_ids, "the minimiser's box is unbounded", &arith);
        };
        let lv = self.loss.value(&p.tight);
        out.push(claim(
            "P3.minimiser",
            Role::Conclusion,
            format!("∇ℓ has exactly one zero v* in the box centre ± {} (Krawczyk); ℓ(v*) (= tr Σ − λ_1 once v* = ±u_1/√λ_1) ∈", crate::certificate::display_interval(&p.radius[0], &p.radius[0], 3)),
            publish(&lv),
            None,
            &arith,
            w,
        ));
        // The Hessian's extreme eigenvalues at v*, by inertia over the tight box.
        let hess_claims = hessian_brackets(
            self.loss,
            &p.tight,
            &arith,
            self.inst.eta.clone(),
            self.step_failed,
        );
        let (hess, rate_ok) = match hess_claims {
            Some(x) => x,
            None => {
                out.extend(
                    undecided_all(&all_ids[1..], "the Hessian at v* was not bracketed", &arith).0,
                );
                return ClaimGroup(out);
            }
        };
        out.extend(hess);
        if self.converge {
            if let Some(v0) = &self.inst.v0 {
                out.extend(orbit_dispatch(self, unit, &p.tight, v0, rate_ok));
            }
        }
        if let Some((sample, sguess)) = &self.sample {
            out.extend(sample_claims(
                self,
                unit,
                sample,
                sguess.as_deref(),
                &p.tight,
            ));
        }
        ClaimGroup(out)
    }
}

/// `P3.hessian_min`, `P3.hessian_max` (brackets over the tight box of v*) and `P3.local_rate`;
/// with whether ρ < 1 was certified.
fn hessian_brackets<S: Arith>(
    loss: &AttentionLoss,
    tight: &[S],
    arith: &str,
    eta: Q,
    step_failed: bool,
) -> Option<(Vec<Claim>, bool)> {
    let n = loss.n;
    let h = hessian_imat(loss, tight)?;
    let mid = faer::Mat::from_fn(n, n, |i, j| h.mid[(i, j)]);
    let (est, _) = linalg::eig::approximate_eigen(&mid).ok()?;
    let scale = est.iter().fold(1e-300f64, |m, x| m.max(x.abs()));
    let (lo_b, hi_b) = (
        bracket(&h, 1, est[0], scale)?,
        bracket(&h, n, est[n - 1], scale)?,
    );
    let mk = |id: &str,
              index: usize,
              stmt: &str,
              b: &(Q, linalg::InertiaCount, Q, linalg::InertiaCount),
              bound: Option<Bound>| {
        claim(
            id,
            Role::Conclusion,
            stmt,
            Some((b.0.clone(), b.2.clone())),
            bound,
            arith,
            Witness::Bracket {
                index,
                lower: Box::new(congruence_witness(HESSIAN_AT_MIN, &b.0, &b.1)),
                upper: Box::new(congruence_witness(HESSIAN_AT_MIN, &b.2, &b.3)),
            },
        )
    };
    let one = q_int(1);
    let (a_lo, a_hi) = abs_range(one.clone() - &eta * &hi_b.2, one.clone() - &eta * &hi_b.0);
    let (b_lo, b_hi) = abs_range(one.clone() - &eta * &lo_b.2, one.clone() - &eta * &lo_b.0);
    let rho = (q_max(a_lo, b_lo), q_max(a_hi, b_hi));
    let rel = if step_failed { ">=" } else { "<" };
    let rate = claim(
        "P3.local_rate",
        Role::Conclusion,
        if step_failed {
            "the local rate ρ = max|1 − ηh| over the spectrum of ∇²ℓ(v*) (extreme brackets) is at least 1: with η >= 1/(4λ_1²) the minimiser is not linearly stable (|1 − 8ηλ_1²| >= 1)"
        } else {
            "the local rate ρ = max|1 − ηh| over the spectrum of ∇²ℓ(v*) (extreme brackets): the spectral radius of the GD Jacobian at v*"
        },
        Some(rho),
        bound_q(rel, &one),
        arith,
        uses("P3.hessian_max"),
    );
    let ok = rate.verdict == Verdict::Certified && !step_failed;
    Some((
        vec![
            mk("P3.hessian_min", 1, "the least eigenvalue of ∇²ℓ(v*) (inertia bracket): positive, so v* is a strict minimum and, by P2, v* = ±u_1/√λ_1 with λ_1 simple", &lo_b, bound_q(">", &Q::zero())),
            mk("P3.hessian_max", n, "the largest eigenvalue of ∇²ℓ(v*) (inertia bracket; 8λ_1² by P2)", &hi_b, None),
            rate,
        ],
        ok,
    ))
}

macro_rules! dispatch_dim {
    ($n:expr, $f:ident, $($arg:expr),*) => {
        match $n {
            2 => Some($f::<_, 2>($($arg),*)),
            3 => Some($f::<_, 3>($($arg),*)),
            4 => Some($f::<_, 4>($($arg),*)),
            5 => Some($f::<_, 5>($($arg),*)),
            6 => Some($f::<_, 6>($($arg),*)),
            7 => Some($f::<_, 7>($($arg),*)),
            8 => Some($f::<_, 8>($($arg),*)),
            _ => None,
        }
    };
}

fn orbit_dispatch<S: Arith>(
    t: &MainTask<'_>,
    unit: &S,
    tight: &[S],
    v0: &[Q],
    rate_ok: bool,
) -> Vec<Claim> {
    let arith = unit.arith_name();
    if !rate_ok {
        return undecided_all(
            &ORBIT_IDS,
            "the local rate at v* is not certified below 1",
            &arith,
        )
        .0;
    }
    dispatch_dim!(t.inst.n, orbit_claims, t, unit, tight, v0).unwrap_or_else(|| {
        undecided_all(
            &ORBIT_IDS,
            &format!("GD orbits are certified up to dimension {MAX_ORBIT_DIM}"),
            &arith,
        )
        .0
    })
}

fn bounds_of<S: Arith>(x: &[S]) -> Option<Vec<(Q, Q)>> {
    x.iter().map(|v| v.bounds()).collect()
}

fn orbit_claims<S: Arith, const N: usize>(
    t: &MainTask<'_>,
    unit: &S,
    tight: &[S],
    v0: &[Q],
) -> Vec<Claim> {
    let arith = unit.arith_name();
    let why = |m: &str| undecided_all(&ORBIT_IDS, m, &arith).0;
    let inst = t.inst;
    let eta = &inst.eta;
    let Some(tb) = bounds_of(tight) else {
        return why("unbounded minimiser box");
    };
    let norm_est = tb
        .iter()
        .map(|(a, _)| q_to_f64(a).powi(2))
        .sum::<f64>()
        .sqrt();
    // The largest radius R (a power of 2 below ‖v*‖/4) whose box has ‖I − η∇²ℓ‖₂ <= ρ_B < 1.
    let mut found = None;
    for k in 2..24 {
        let Some(r) = q_from_f64(2f64.powi((norm_est.log2().floor() as i32) - k)) else {
            continue;
        };
        let ball: Vec<S> = tb
            .iter()
            .map(|(lo, hi)| unit.from_bounds(&(lo.clone() - &r), &(hi.clone() + &r)))
            .collect();
        let Some(h) = hessian_imat(t.loss, &ball) else {
            continue;
        };
        let mid = faer::Mat::from_fn(N, N, |i, j| h.mid[(i, j)]);
        let Ok((est, _)) = linalg::eig::approximate_eigen(&mid) else {
            continue;
        };
        let e = q_to_f64(eta);
        let rho = (1.0 - e * est[0]).max(e * est[N - 1] - 1.0);
        if rho.is_nan() || rho >= 1.0 {
            continue;
        }
        let Some(rho_b) = q_from_f64(((rho + 0.25 * (1.0 - rho)) * 4096.0).ceil() / 4096.0) else {
            continue;
        };
        if rho_b >= q_int(1) {
            continue;
        }
        let (t_lo, t_hi) = ((q_int(1) - &rho_b) / eta, (q_int(1) + &rho_b) / eta);
        if let (Some(cl), Some(ch)) = (count_at(&h, &t_lo), count_at(&h, &t_hi)) {
            if cl.below == 0 && ch.below == N {
                found = Some((ball, rho_b, t_lo, cl, t_hi, ch));
                break;
            }
        }
    }
    let Some((ball, rho_b, t_lo, cl, t_hi, ch)) = found else {
        return why("no ball around v* on which ‖I − η∇²ℓ‖₂ < 1 was certified");
    };
    let Some(bb) = bounds_of(&ball) else {
        return why("unbounded ball");
    };
    // The radius of the Euclidean ball around v* inside the box: the least margin around T.
    let r_eff = bb
        .iter()
        .zip(&tb)
        .map(|(b, tt)| {
            let m = tt.0.clone() - &b.0;
            let m2 = b.1.clone() - &tt.1;
            if m < m2 {
                m
            } else {
                m2
            }
        })
        .reduce(|a, b| if a < b { a } else { b })
        .unwrap_or_default();
    let r_sq = r_eff.clone() * &r_eff;
    let map = AttentionGd::<N> {
        loss: t.loss.clone(),
        eta: eta.clone(),
    };
    let prep = Prepared::new(&map, unit);
    let start: [Q; N] = std::array::from_fn(|i| v0[i].clone());
    let x0: [S; N] = std::array::from_fn(|i| unit.constant(&v0[i]));
    let mut entered = false;
    let orbit = Orbit::iterate(&prep, x0, inst.max_steps, |_, x| {
        let inside = bounds_of(x).is_some_and(|xb| distance_sq_upper(&xb, &tb) <= r_sq);
        entered |= inside;
        inside
    });
    if !entered {
        return why(&format!(
            "the GD orbit did not enter the contraction ball within {} steps",
            inst.max_steps
        ));
    }
    let k = orbit.boxes.len() - 1;
    let Some(ow) = orbit_witness(map.name(), &start, &orbit) else {
        return why("unbounded orbit");
    };
    let Some(xb) = bounds_of(orbit.last()) else {
        return why("unbounded orbit");
    };
    let d = distance_sq_upper(&xb, &tb);
    let nrm = norm_sq_lower(&tb);
    let Some(boxed) = box_encl(&ball) else {
        return why("unbounded ball");
    };
    let mut out = vec![
        claim(
            "P3.ball",
            Role::Conclusion,
            format!("for every v in the box B = (box of v*) ± {} ⊇ ball(v*, R): ‖I − η∇²ℓ(v)‖₂ <= ρ_B (P3.ball_lower, P3.ball_upper), so GD maps ball(v*, R) into itself with rate ρ_B; ρ_B =", crate::certificate::display_interval(&r_eff, &r_eff, 4)),
            Some((rho_b.clone(), rho_b.clone())),
            bound_q("<", &q_int(1)),
            &arith,
            Witness::InvariantBox { orbit: "P3.orbit".into(), boxed, rate: format_exact(&rho_b) },
        ),
        claim(
            "P3.ball_lower",
            Role::Conclusion,
            format!("∇²ℓ over B has no eigenvalue below (1 − ρ_B)/η = {}: the number below", fmt_q(&t_lo)),
            Some((Q::zero(), Q::zero())),
            bound_q("=", &Q::zero()),
            &arith,
            congruence_witness(HESSIAN_ON_BALL, &t_lo, &cl),
        ),
        claim(
            "P3.ball_upper",
            Role::Conclusion,
            format!("∇²ℓ over B has all its eigenvalues below (1 + ρ_B)/η = {}: the number below", fmt_q(&t_hi)),
            Some((q_int(N as i64), q_int(N as i64))),
            bound_q("=", &q_int(N as i64)),
            &arith,
            congruence_witness(HESSIAN_ON_BALL, &t_hi, &ch),
        ),
        claim(
            "P3.orbit",
            Role::Conclusion,
            format!("GD enclosed for K = {k} steps from v_0; sup ‖v_K − v*‖² over the last box, against R²"),
            Some((Q::zero(), d.clone())),
            bound_q("<=", &r_sq),
            &arith,
            ow,
        ),
    ];
    // K_ε: the least j with ρ_B^{2j}·D/‖v*‖² small enough.
    let ratio = q_to_f64(&(d.clone() / &nrm));
    let target = q_to_f64(&t.inst.eps) / 3.0;
    let lr = 2.0 * q_to_f64(&rho_b).ln();
    let mut j = if ratio > target {
        ((target / ratio).ln() / lr).floor().max(0.0) as usize
    } else {
        0
    };
    while !alignment_holds(&relative_distance_sq(&rho_b, j, &d, &nrm), &t.inst.eps) {
        j += 1;
    }
    while j > 0 && alignment_holds(&relative_distance_sq(&rho_b, j - 1, &d, &nrm), &t.inst.eps) {
        j -= 1;
    }
    let k_eps = q_int((k + j) as i64);
    let mut c = claim(
        "P3.convergence",
        Role::Conclusion,
        format!(
            "for every k >= K_ε: |⟨v_k/‖v_k‖, u_1⟩| >= 1 − ε and |‖v_k‖²λ_1 − 1| <= ε with ε = {} (‖v_k − v*‖² <= ρ_B^(2(k − K))·sup‖v_K − v*‖², v* = ±u_1/√λ_1); K_ε =",
            fmt_q(&t.inst.eps)
        ),
        Some((k_eps.clone(), k_eps)),
        None,
        &arith,
        uses("P3.ball"),
    );
    let last = orbit.last();
    let nv: S = last.iter().fold(unit.int(0), |a, x| a + &x.sqr());
    c.note = Some(format!(
        "K = {k}; at step K, ‖v_K‖² ∈ {}",
        crate::theorems::box_display(&nv)
    ));
    out.push(c);
    out
}

fn sample_claims<S: Arith>(
    t: &MainTask<'_>,
    unit: &S,
    sample: &AttentionLoss,
    guess: Option<&[f64]>,
    tight: &[S],
) -> Vec<Claim> {
    let arith = unit.arith_name();
    let why = |m: &str| undecided_all(&SAMPLE_IDS, m, &arith).0;
    let Some(guess) = guess else {
        return why("no estimate of û_1/√λ̂_1");
    };
    let p: StationaryPoint<S> = match prove_stationary_point(sample, unit, guess) {
        Ok(p) => p,
        Err(e) => return why(&format!("Krawczyk: {e}")),
    };
    let Some(w) = stationary_witness(SAMPLE_LOSS, &p) else {
        return why("unbounded box");
    };
    let lv = sample.value(&p.tight);
    let mut out = vec![claim(
        "P4.minimiser",
        Role::Conclusion,
        "the loss ℓ̂ of Σ̂_L (finite prompt): ∇ℓ̂ has exactly one zero v̂ in the box (Krawczyk); ℓ̂(v̂) ∈",
        publish(&lv),
        None,
        &arith,
        w,
    )];
    let Some(h) = hessian_imat(sample, &p.tight) else {
        return why("unbounded Hessian");
    };
    let Some(c0) = count_at(&h, &Q::zero()) else {
        out.extend(
            undecided_all(
                &SAMPLE_IDS[1..],
                "the inertia of ∇²ℓ̂(v̂) was not decided",
                &arith,
            )
            .0,
        );
        return out;
    };
    out.push(claim(
        "P4.hessian_min",
        Role::Conclusion,
        "∇²ℓ̂(v̂) is positive definite (no eigenvalue below 0), so by P2 v̂ = ±û_1/√λ̂_1: the number below 0",
        Some((q_int(c0.below as i64), q_int(c0.below as i64))),
        bound_q("=", &Q::zero()),
        &arith,
        congruence_witness(HESSIAN_AT_SAMPLE_MIN, &Q::zero(), &c0),
    ));
    // sin∠(v̂, v*) = √(1 − ⟨v̂, v*⟩²/(‖v̂‖²‖v*‖²)).
    let sin = sine_between(&p.tight, tight);
    let Some((s_lo, s_hi)) = publish(&sin) else {
        return out;
    };
    out.push(claim(
        "P4.sin",
        Role::Conclusion,
        "sin∠(û_1, u_1) = sin∠(v̂, v*)",
        Some((s_lo, s_hi.clone())),
        None,
        &arith,
        uses("P4.minimiser"),
    ));
    if let Some((e_lo, e_hi)) = &t.deviation {
        let (g_lo, g_hi) = &t.gap;
        if g_lo.is_positive() {
            let dk = (q_int(2) * e_lo / g_hi, q_int(2) * e_hi / g_lo);
            out.push(claim(
                "P4.davis_kahan",
                Role::Conclusion,
                "the Davis–Kahan bound 2‖Σ̂_L − Σ‖₂/(λ_1 − λ_2) (P4.deviation, P3.gap), at least sin∠(û_1, u_1) (the upper end of P4.sin)",
                Some(dk),
                bound_q(">=", &s_hi),
                "exact",
                uses("P4.deviation"),
            ));
        }
    }
    out
}
