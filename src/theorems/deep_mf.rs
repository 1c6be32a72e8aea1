//! Paper 1 (`deep-matrix-factorization`): implicit regularization of perturbed deep matrix
//! factorization (Chou, Wang, arXiv 2605.28613).
//!
//! **Statement certified** (derived in `theorems.md`, Paper 1 (b), from the abstract and the prior
//! work of Chou, Gieshoff, Maly, Rauhut; see `proofs/deep-matrix-factorization.md`). GD with step η
//! on `½‖W_N⋯W_1 − Ã‖_F²`, `W_j(0) = αI`, `Ã = A + E` with `A = Q diag(λ) Qᵀ` (Q a Cayley-rational
//! orthogonal matrix, so spec(A) = λ exactly) and E symmetric with `‖E‖₂ ≤ e`:
//! - R (Lemma R): the matrix GD run for `matrix_steps` steps in interval arithmetic keeps the
//!   factors equal and agrees with the scalar reduction `w ← g(w; λ̃_i)` (E = 0: entrywise against
//!   `Q diag(w_i(K)) Qᵀ`; E ≠ 0: the iterate commutes with Ã), both to within 10⁻²⁰;
//! - H1 `ηNΛ^{2−2/N} ≤ 1` with `Λ = max|λ_i| + e`; H2 `α^N < δ ≤ λ⁺(N−1)/(2N−1)`, `α^N < θλ⁻`;
//!   `‖E‖₂ ≤ e` for a concrete E (exact elimination);
//! - H3 / C2: `K_hit ≤ K_esc` with `K_hit = ⌈c(λ⁻)T_GF(λ⁻; α^N → θλ⁻)/η⌉`,
//!   `K_esc = ⌊T_GF(λ⁺; α^N → δ)/η⌋` (certified quadrature), λ⁻ = λ_r − e, λ⁺ = λ_{r+1} + e; then
//!   for every k in `[K_hit, K_esc]` the top r eigenvalues of `P_k` are `≥ θλ⁻` and the others `≤ δ`;
//!   the exact window of the extreme eigenvalues, from mean-value orbits of g, contains it;
//! - C3: the limits `max(λ̃_i, 0)` lie within e of `λ_i`; C4: the steps to relative accuracy ε.

use super::instance::{InputError, Kind, ParamSpec, Params};
use super::{
    bound_q, claim, escalate, exact_claim, fmt_q, publish, undecided_all, uses, ClaimGroup,
    RunOptions, Theorem,
};
use crate::arith::exact::{format_directed, format_exact, parse_q, q_from_f64, q_to_f64, Q};
use crate::arith::ratinterval::round_rel;
use crate::arith::{q_frac, q_int, Arith, Elementary, RatInterval};
use crate::certificate::{Claim, MatrixRecord, Role, Witness};
use crate::linalg::QMat;
use crate::methods::escalation::Task;
use crate::methods::mean_value::Prepared;
use crate::methods::quadrature::integrate_adaptive;
use crate::spec::deep_mf::*;
use num_traits::{Signed, ToPrimitive, Zero};
use std::collections::BTreeMap;
use std::path::Path;

pub struct DeepMatrixFactorization;

const DEFAULT_INSTANCE: &str =
    include_str!("../../certificates/instances/deep-matrix-factorization/i1.toml");

/// Largest matrix size, depth, orbit length.
pub const MAX_N: usize = 50;
pub const MAX_DEPTH: i64 = 12;
pub const MAX_ORBIT_STEPS: i64 = 1_000_000;
/// Quadrature: Taylor order, initial pieces, most pieces.
pub const QUAD_ORDER: usize = 16;
const QUAD_INITIAL: u32 = 2;
pub const QUAD_MAX_PIECES: usize = 2048;

impl Theorem for DeepMatrixFactorization {
    fn id(&self) -> &'static str {
        "deep-matrix-factorization"
    }
    fn title(&self) -> &'static str {
        "Implicit regularization in perturbed deep matrix factorization (Chou, Wang, arXiv 2605.28613)"
    }
    fn statement(&self) -> &'static str {
        "GD with step eta on |W_N...W_1 - (A + E)|_F^2 / 2 from W_j(0) = alpha I, A = Q diag(lambda) Q^T, E symmetric \
         with |E|_2 <= e: the factors stay equal and reduce to w <- w - eta w^(N-1) (w^N - lambda~_i) on the \
         eigenvalues of A + E (R); under eta N Lambda^(2-2/N) <= 1 (H1), alpha^N < delta <= lambda+ (N-1)/(2N-1) and \
         alpha^N < theta lambda- (H2), with lambda- = lambda_r - e, lambda+ = lambda_{r+1} + e, the window \
         [K_hit, K_esc] from certified gradient-flow times is non-empty (H3) and on it the top r eigenvalues of the \
         product are >= theta lambda- and the others <= delta (C2); limits max(lambda~_i, 0) within e of lambda_i \
         (C3); steps to relative accuracy epsilon (C4). Model derived in theorems.md from the abstract and prior \
         work, not from the paper's full text."
    }
    fn claim_groups(&self) -> &'static str {
        "R exact reduction; H1-H3 hypotheses; C2 low-rank window; C3 eigenvalue recovery; C4 iteration complexity"
    }
    fn schema(&self) -> Vec<ParamSpec> {
        let rat = |key, required, default, help| ParamSpec {
            key,
            kind: Kind::Rational { positive: true },
            default,
            required,
            help,
        };
        let int = |key, min, max, default, help| ParamSpec {
            key,
            kind: Kind::Integer { min, max },
            default,
            required: false,
            help,
        };
        vec![
            ParamSpec {
                key: "N",
                kind: Kind::Integer {
                    min: 2,
                    max: MAX_DEPTH,
                },
                default: None,
                required: true,
                help: "depth N >= 2, the number of factors",
            },
            rat("alpha", true, None, "initial scale α > 0, W_j(0) = αI"),
            rat("eta", true, None, "step size η > 0"),
            ParamSpec {
                key: "spectrum",
                kind: Kind::Rationals {
                    min_len: 1,
                    max_len: MAX_N,
                },
                default: None,
                required: true,
                help: "spec(A), decreasing, e.g. [4, 2, 0.2, 0.05] (its length is n)",
            },
            ParamSpec {
                key: "r",
                kind: Kind::Integer {
                    min: 1,
                    max: MAX_N as i64,
                },
                default: None,
                required: true,
                help: "the rank r <= n of the low-rank phase",
            },
            rat("theta", true, None, "accuracy θ in (0, 1)"),
            rat("delta", true, None, "small level δ > 0"),
            rat("epsilon", false, Some("1/1000"), "relative accuracy ε in (0, 1) for C4"),
            int("basis_seed", 0, i64::MAX, Some("1"), "SplitMix64 seed of the Cayley basis Q"),
            ParamSpec {
                key: "perturbation.norm",
                kind: Kind::Rational { positive: false },
                default: None,
                required: false,
                help: "the Weyl radius e >= ‖E‖₂ (alone: worst case over all symmetric E with ‖E‖₂ <= e)",
            },
            ParamSpec {
                key: "perturbation.file",
                kind: Kind::Text,
                default: None,
                required: false,
                help: "E as a symmetric n×n matrix file (CSV, JSON, npy), relative to the instance",
            },
            int(
                "perturbation.seed",
                0,
                i64::MAX,
                None,
                "draw E from SplitMix64 normals, scaled to ‖E‖_F <= perturbation.norm",
            ),
            int(
                "matrix_steps",
                0,
                10_000,
                None,
                "steps of full matrix GD for Lemma R (default min(100, 200000/(n³N)))",
            ),
            int(
                "max_steps",
                1,
                MAX_ORBIT_STEPS,
                Some("200000"),
                "most steps of the scalar orbits",
            ),
        ]
    }
    fn default_instance(&self) -> (&'static str, &'static str) {
        (
            "certificates/instances/deep-matrix-factorization/i1.toml",
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
            if let Some(e) = &inst.e_mat {
                out.insert(
                    "E".to_string(),
                    MatrixRecord {
                        rows: inst.n,
                        cols: inst.n,
                        entries: e.iter().map(format_exact).collect(),
                    },
                );
            }
        }
        out
    }
}

/// A validated instance.
#[derive(Clone, Debug)]
pub struct Inst {
    pub depth: u32,
    pub alpha: Q,
    pub eta: Q,
    pub spectrum: Vec<Q>,
    pub n: usize,
    pub r: usize,
    pub theta: Q,
    pub delta: Q,
    pub epsilon: Q,
    pub basis_seed: u64,
    /// The Weyl radius e.
    pub e: Q,
    /// Whether e was given (otherwise it was computed from the concrete E).
    pub e_given: bool,
    /// The concrete perturbation, when there is one (row-major).
    pub e_mat: Option<Vec<Q>>,
    pub matrix_steps: usize,
    pub max_steps: usize,
}

impl Inst {
    pub fn from_params(p: &Params) -> Result<Self, InputError> {
        let need_q = |k: &str| {
            p.q(k)
                .cloned()
                .ok_or_else(|| p.error(k, "missing required key"))
        };
        let depth = p
            .int("N")
            .ok_or_else(|| p.error("N", "missing required key"))? as u32;
        let alpha = need_q("alpha")?;
        let eta = need_q("eta")?;
        let theta = need_q("theta")?;
        let delta = need_q("delta")?;
        let epsilon = p.q("epsilon").cloned().unwrap_or_else(|| q_frac(1, 1000));
        let spectrum = p
            .qs("spectrum")
            .map(|v| v.to_vec())
            .ok_or_else(|| p.error("spectrum", "missing required key"))?;
        let n = spectrum.len();
        let big = q_int(1_000_000);
        let tiny = q_frac(1, 1_000_000_000_000);
        for (key, v, lo, hi) in [
            ("alpha", &alpha, &tiny, &q_int(1000)),
            ("eta", &eta, &tiny, &q_int(1000)),
            ("delta", &delta, &tiny, &big),
        ] {
            if v < lo || v > hi {
                return Err(p.error(
                    key,
                    format!(
                        "must lie in [{}, {}], got {}",
                        fmt_q(lo),
                        fmt_q(hi),
                        fmt_q(v)
                    ),
                ));
            }
        }
        for (key, v) in [("theta", &theta), ("epsilon", &epsilon)] {
            if *v >= q_int(1) || *v <= q_int(0) {
                return Err(p.error(key, format!("must lie in (0, 1), got {}", fmt_q(v))));
            }
        }
        for (i, l) in spectrum.iter().enumerate() {
            if l.abs() > big {
                return Err(p.error(
                    "spectrum",
                    format!("entry {} = {} is outside [-1e6, 1e6]", i + 1, fmt_q(l)),
                ));
            }
            if i > 0 && *l > spectrum[i - 1] {
                return Err(p.error(
                    "spectrum",
                    format!(
                        "must be sorted decreasingly (λ_1 >= … >= λ_n): entry {} = {} exceeds entry {} = {}",
                        i + 1,
                        fmt_q(l),
                        i,
                        fmt_q(&spectrum[i - 1])
                    ),
                ));
            }
        }
        let r = p
            .int("r")
            .ok_or_else(|| p.error("r", "missing required key"))? as usize;
        if r > n {
            return Err(p.error(
                "r",
                format!("must be at most n = {n} (the length of spectrum), got {r}"),
            ));
        }
        let basis_seed = p.int("basis_seed").unwrap_or(1) as u64;
        let norm = p.q("perturbation.norm").cloned();
        if let Some(e) = &norm {
            if *e < q_int(0) || *e > big {
                return Err(p.error("perturbation.norm", "must lie in [0, 1e6]"));
            }
        }
        let file = p.values.get("perturbation.file").and_then(|v| match v {
            super::instance::Value::Text(t) => Some(t.clone()),
            _ => None,
        });
        let seed = p.int("perturbation.seed");
        if file.is_some() && seed.is_some() {
            return Err(p.error(
                "perturbation.seed",
                "give either perturbation.file or perturbation.seed, not both",
            ));
        }
        let e_mat = match (&file, seed) {
            (Some(f), _) => Some(read_perturbation(p, f, n)?),
            (None, Some(s)) => {
                let e = norm.clone().ok_or_else(|| {
                    p.error(
                        "perturbation.norm",
                        "missing: perturbation.seed needs the norm to scale E to",
                    )
                })?;
                Some(seeded_perturbation(n, s as u64, &e))
            }
            (None, None) => None,
        };
        let (e, e_given) = match (&norm, &e_mat) {
            (Some(e), _) => (e.clone(), true),
            (None, Some(m)) => (norm_bound_of(m, n), false),
            (None, None) => (Q::zero(), true),
        };
        let default_steps = default_matrix_steps(n, depth);
        let matrix_steps = match p.int("matrix_steps") {
            None => default_steps,
            Some(k) => {
                let k = k as usize;
                if k > 0 && k > max_matrix_steps(n, depth) {
                    return Err(p.error(
                        "matrix_steps",
                        format!(
                            "n³·N·steps must stay below {MATRIX_WORK}: at most {} steps for n = {n}, N = {depth}",
                            max_matrix_steps(n, depth)
                        ),
                    ));
                }
                k
            }
        };
        Ok(Inst {
            depth,
            alpha,
            eta,
            spectrum,
            n,
            r,
            theta,
            delta,
            epsilon,
            basis_seed,
            e,
            e_given,
            e_mat,
            matrix_steps,
            max_steps: p.int("max_steps").unwrap_or(200_000) as usize,
        })
    }

    /// λ_r − e.
    pub fn lam_lo(&self) -> Q {
        &self.spectrum[self.r - 1] - &self.e
    }
    /// λ_{r+1} + e, when r < n.
    pub fn lam_hi(&self) -> Option<Q> {
        self.spectrum.get(self.r).map(|l| l + &self.e)
    }
    /// Whether some sub-threshold eigenvalue may escape above δ (otherwise K_esc = ∞).
    pub fn escape_possible(&self) -> bool {
        self.lam_hi().is_some_and(|l| l > self.delta)
    }
    fn alpha_n(&self) -> Q {
        self.alpha.pow(self.depth as i32)
    }
}

fn read_perturbation(p: &Params, file: &str, n: usize) -> Result<Vec<Q>, InputError> {
    let base = Path::new(p.source_of("perturbation.file"));
    let path = match base.parent() {
        Some(dir)
            if Path::new(file).is_relative() && p.source_of("perturbation.file") != "--set" =>
        {
            dir.join(file)
        }
        _ => Path::new(file).to_path_buf(),
    };
    let m = crate::linalg::io::read_matrix(&path)
        .map_err(|e| p.error("perturbation.file", format!("{e}")))?;
    if m.rows != n || m.cols != n {
        return Err(p.error(
            "perturbation.file",
            format!(
                "{}: E is {}x{}, expected {n}x{n} (the length of spectrum)",
                path.display(),
                m.rows,
                m.cols
            ),
        ));
    }
    if let Some((i, j)) = m.asymmetry() {
        return Err(p.error(
            "perturbation.file",
            format!(
                "{}: E must be exactly symmetric, but entry ({}, {}) differs from ({}, {})",
                path.display(),
                i + 1,
                j + 1,
                j + 1,
                i + 1
            ),
        ));
    }
    Ok(m.data)
}

/// `E = s·G`: G symmetric with standard normal entries (theorems.md §0.3 primitive 7: the upper
/// triangle row by row, diagonal included, two uniforms an entry, cosine branch), s a 53-bit
/// dyadic with `s ≤ e/‖G‖_F`, so `‖E‖₂ ≤ ‖E‖_F ≤ e`.
pub fn seeded_perturbation(n: usize, seed: u64, e: &Q) -> Vec<Q> {
    let mut rng = SplitMix64(seed);
    let mut uniform = || rng.uniform_f64();
    let mut g = vec![Q::zero(); n * n];
    for i in 0..n {
        for j in i..n {
            let (u1, u2) = (uniform(), uniform());
            let z = (-2.0 * (1.0 - u1).ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            let v = q_from_f64(z).unwrap_or_default();
            g[i * n + j] = v.clone();
            g[j * n + i] = v;
        }
    }
    let ss: Q = g.iter().map(|x| x * x).sum();
    if ss.is_zero() || e.is_zero() {
        return vec![Q::zero(); n * n];
    }
    let fro_up = RatInterval::point(ss, 128)
        .sqrt()
        .hi()
        .cloned()
        .unwrap_or_default();
    let s = round_rel(&(e / fro_up), 53, false);
    g.iter().map(|x| x * &s).collect()
}

/// A Weyl radius for a concrete E: its verified spectral radius rounded up to 6 digits (and
/// enlarged until the exact test `‖E‖₂ ≤ e` passes).
fn norm_bound_of(m: &[Q], n: usize) -> Q {
    let qm = QMat::new(n, n, m.to_vec());
    let est = match crate::linalg::enclose_symmetric_spectrum(&crate::linalg::enclose(&qm)) {
        Ok(s) => s
            .enclosures
            .iter()
            .map(|(a, b)| f64::abs(*a).max(f64::abs(*b)))
            .fold(0.0, f64::max),
        Err(_) => qm.max_abs_f64() * n as f64,
    };
    let mut e = q_from_f64(est.max(1e-300)).unwrap_or_else(|| q_int(1));
    for _ in 0..20 {
        e = parse_q(&format_directed(&e, 6, true)).unwrap_or(e);
        if spectral_norm_at_most(m, n, &e) {
            return e;
        }
        e *= q_frac(1001, 1000);
    }
    e
}

/// Work budget of the matrix GD of Lemma R (engine and kernel): `n³·N·steps`.
pub const MATRIX_WORK: usize = 200_000;

pub fn max_matrix_steps(n: usize, depth: u32) -> usize {
    MATRIX_WORK / (n * n * n * depth as usize).max(1)
}

/// `min(100, MATRIX_WORK/(n³N))` steps.
pub fn default_matrix_steps(n: usize, depth: u32) -> usize {
    max_matrix_steps(n, depth).min(100)
}

/// The Lemma R tolerance, 10⁻²⁰.
pub fn lemma_r_tolerance() -> Q {
    q_frac(1, 1) / q_int(10).pow(20)
}

fn fq(x: &Q) -> String {
    format_directed(x, 6, false)
}

/// Certifies every claim.
pub fn certify(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    let mut out = vec![];
    let n = inst.n;
    let depth = inst.depth;
    if let Some(m) = &inst.e_mat {
        let holds = spectral_norm_at_most(m, n, &inst.e);
        let mut c = exact_claim(
            "E.norm",
            Role::Hypothesis,
            format!(
                "‖E‖₂ ≤ e = {}: eI − E and eI + E are positive semidefinite (exact elimination); Weyl: λ̃_i ∈ [λ_i − e, λ_i + e]",
                fmt_q(&inst.e)
            ),
            Some(&inst.e),
            None,
            holds,
        );
        if !inst.e_given {
            c.note = Some("e computed from E (verified spectral radius rounded up)".into());
        }
        out.push(c);
    }
    if inst.matrix_steps > 0 {
        crate::progress::stage("R: full matrix GD in interval arithmetic");
        out.extend(escalate(opts, &LemmaRTask { inst: inst.clone() }));
    }
    let big_l = lambda_max(&inst.spectrum, &inst.e);
    let h1 = step_condition_power(depth, &inst.eta, &big_l);
    let mut c = exact_claim(
        "H1.step",
        Role::Hypothesis,
        format!(
            "step size: (ηN)^N Λ^(2N−2) ≤ 1, i.e. ηNΛ^(2−2/N) ≤ 1, with Λ = max|λ_i| + e = {}",
            fmt_q(&big_l)
        ),
        Some(&h1),
        bound_q("<=", &q_int(1)),
        h1 <= q_int(1),
    );
    c.note = Some(format!(
        "ηNΛ^(2−2/N) ≈ {:.4}",
        q_to_f64(&h1).powf(1.0 / depth as f64)
    ));
    out.push(c);
    let an = inst.alpha_n();
    let lam_lo = inst.lam_lo();
    out.push(exact_claim(
        "H2.alpha_below_delta",
        Role::Hypothesis,
        "initialisation: α^N < δ",
        Some(&an),
        bound_q("<", &inst.delta),
        an < inst.delta,
    ));
    if inst.escape_possible() {
        let th = delta_threshold(depth, &inst.lam_hi().unwrap_or_default());
        out.push(exact_claim(
            "H2.delta_small",
            Role::Hypothesis,
            format!(
                "δ ≤ λ⁺(N−1)/(2N−1) with λ⁺ = λ_(r+1) + e = {}",
                fmt_q(&inst.lam_hi().unwrap_or_default())
            ),
            Some(&inst.delta),
            bound_q("<=", &th),
            inst.delta <= th,
        ));
    }
    let theta_lo = &inst.theta * &lam_lo;
    out.push(exact_claim(
        "H2.alpha_below_theta",
        Role::Hypothesis,
        format!(
            "initialisation: α^N < θλ⁻ with λ⁻ = λ_r − e = {}",
            fmt_q(&lam_lo)
        ),
        Some(&an),
        bound_q("<", &theta_lo),
        an < theta_lo,
    ));
    if out
        .iter()
        .any(|c| c.role == Role::Hypothesis && c.verdict != crate::certificate::Verdict::Certified)
    {
        return out;
    }
    crate::progress::stage("H3: gradient-flow times (quadrature)");
    let bounds = escalate(opts, &BoundsTask { inst: inst.clone() });
    let k_of = |id: &str| -> Option<u64> {
        let c = bounds.iter().find(|c| c.id == id)?;
        if c.verdict != crate::certificate::Verdict::Certified {
            return None;
        }
        let (lo, _) = c.enclosure.as_ref()?.parse().ok()?;
        lo.to_integer().to_u64()
    };
    let k_hit = k_of("H3.K_hit");
    let k_esc = if inst.escape_possible() {
        k_of("H3.K_esc").map(Some)
    } else {
        Some(None)
    };
    let c4_r = k_of(&format!("C4.bound.{}", inst.r));
    out.extend(bounds);
    match (k_hit, k_esc) {
        (Some(kh), Some(ke)) => {
            let (value, holds, text) = match ke {
                Some(ke) => {
                    let v = q_int(ke as i64) - q_int(kh as i64);
                    let ok = ke >= kh;
                    (
                        Some(v),
                        ok,
                        format!("the window [K_hit, K_esc] = [{kh}, {ke}] is non-empty: K_esc − K_hit ≥ 0"),
                    )
                }
                None => (
                    None,
                    true,
                    format!("no eigenvalue can escape above δ (r = n or λ⁺ ≤ δ, so x_j ≤ max(α^N, λ⁺) ≤ δ): the window [{kh}, ∞) is non-empty"),
                ),
            };
            let mut h3 = exact_claim(
                "H3.window",
                Role::Hypothesis,
                text,
                value.as_ref(),
                value.as_ref().and_then(|_| bound_q(">=", &q_int(0))),
                holds,
            );
            h3.witness = uses("H3.K_hit");
            out.push(h3);
            if holds {
                let (hi, stmt) = match ke {
                    Some(ke) => (ke, format!("for every k in [{kh}, {ke}]")),
                    None => (kh, format!("for every k ≥ {kh}")),
                };
                let mut c = exact_claim(
                    "C2.window",
                    Role::Conclusion,
                    format!(
                        "{stmt}: x_i(k) ≥ θλ⁻ = {} for i ≤ r and x_j(k) ≤ δ for j > r, so σ_(r+1)(P_k) ≤ δ and ‖P_k − [P_k]_r‖₂ ≤ δ",
                        fq(&theta_lo)
                    ),
                    None,
                    None,
                    true,
                );
                c.enclosure = Some(crate::certificate::Encl::new(
                    &q_int(kh as i64),
                    &q_int(hi as i64),
                ));
                c.witness = uses("H3.window");
                out.push(c);
            }
        }
        _ => out.extend(
            undecided_all(
                &["H3.window"],
                "the hitting or escape bound could not be certified",
                "exact",
            )
            .0
            .into_iter()
            .map(|mut c| {
                c.role = Role::Hypothesis;
                c
            }),
        ),
    }
    crate::progress::stage("C2: mean-value orbits of the extreme eigenvalues");
    let task = OrbitTask {
        inst: inst.clone(),
        c4_step: c4_r,
        k_hit,
        k_esc: k_esc.flatten(),
    };
    // More precision cannot help an orbit that needs more than max_steps steps: then run once.
    let lower_ok = estimate_crossing(inst, &lam_lo, &theta_lo).is_some_and(|k| {
        c4_r.is_none_or(|c4| (c4 as usize) <= inst.max_steps) && k <= inst.max_steps
    });
    let upper_ok = !inst.escape_possible()
        || estimate_crossing(inst, &inst.lam_hi().unwrap_or_default(), &inst.delta).is_some();
    if lower_ok && upper_ok {
        out.extend(escalate(opts, &task));
    } else {
        out.extend(crate::methods::escalation::run_at(opts.arith, &task).0);
    }
    out.extend(c3_claims(inst));
    out
}

/// The first step at which `x_k(λ) > thresh` in `f64` (an estimate, to steer the search only).
fn estimate_crossing(inst: &Inst, lambda: &Q, thresh: &Q) -> Option<usize> {
    let (eta, lam, t) = (q_to_f64(&inst.eta), q_to_f64(lambda), q_to_f64(thresh));
    let mut w = q_to_f64(&inst.alpha);
    for k in 0..=inst.max_steps {
        let p = w.powi(inst.depth as i32 - 1);
        if p * w > t {
            return Some(k);
        }
        w -= eta * p * (p * w - lam);
        if !w.is_finite() {
            return None;
        }
    }
    None
}

fn c3_claims(inst: &Inst) -> Vec<Claim> {
    let mut out = vec![];
    for i in 0..inst.r {
        let l = &inst.spectrum[i];
        let (lo, hi) = (l - &inst.e, l + &inst.e);
        let mut c = exact_claim(
            &format!("C3.limit.{}", i + 1),
            Role::Conclusion,
            format!(
                "x_{}(k) increases to λ̃_{} ∈ [λ_{} − e, λ_{} + e]: |lim x_{} − λ_{}| ≤ e",
                i + 1,
                i + 1,
                i + 1,
                i + 1,
                i + 1,
                i + 1
            ),
            None,
            None,
            true,
        );
        c.enclosure = Some(crate::certificate::Encl::new(&lo, &hi));
        out.push(c);
    }
    if inst.r < inst.n {
        let z = Q::zero();
        let lo = &inst.spectrum[inst.n - 1] - &inst.e;
        let hi = &inst.spectrum[inst.r] + &inst.e;
        let clamp = |x: Q| if x < z { z.clone() } else { x };
        let mut c = exact_claim(
            "C3.tail",
            Role::Conclusion,
            "for j > r, x_j(k) → max(λ̃_j, 0) ∈ [max(λ_n − e, 0), max(λ_(r+1) + e, 0)]",
            None,
            None,
            true,
        );
        c.enclosure = Some(crate::certificate::Encl::new(&clamp(lo), &clamp(hi)));
        out.push(c);
    }
    out
}

// ------------------------------------------------------------------------------------------------
// R: Lemma R on the full matrix GD.

struct LemmaRTask {
    inst: Inst,
}

/// The matrix GD of Lemma R and its two deviations (factors, reduction), in any arithmetic.
pub fn lemma_r_deviations<S: Arith>(inst: &Inst, basis: &[Q], unit: &S) -> Option<(S, S)> {
    let (inst_depth, eta, alpha, spectrum) = (inst.depth, &inst.eta, &inst.alpha, &inst.spectrum);
    let (e_mat, steps) = (inst.e_mat.as_deref(), inst.matrix_steps);
    let n = spectrum.len();
    let a = target(basis, spectrum);
    let at: Vec<S> = (0..n * n)
        .map(|k| {
            let v = match e_mat {
                Some(e) => &a[k] + &e[k],
                None => a[k].clone(),
            };
            unit.constant(&v)
        })
        .collect();
    let w0: Vec<S> = (0..n * n)
        .map(|k| {
            if k / n == k % n {
                unit.constant(alpha)
            } else {
                unit.int(0)
            }
        })
        .collect();
    let mut ws = vec![w0; inst_depth as usize];
    let eta_s = unit.constant(eta);
    for _ in 0..steps {
        ws = matrix_gd_step(&ws, &at, &eta_s, n);
        if ws[0].iter().any(|x| x.bounds().is_none()) {
            return None;
        }
    }
    let mut diffs = vec![];
    for i in 0..ws.len() {
        for j in i + 1..ws.len() {
            diffs.extend(ws[i].iter().zip(&ws[j]).map(|(a, b)| a.clone() - b));
        }
    }
    let factors = if diffs.is_empty() {
        unit.int(0)
    } else {
        max_abs(diffs)?
    };
    let reduction = match e_mat {
        None => {
            let mut ws_red = vec![];
            for l in spectrum {
                let map = ScalarGd {
                    depth: inst_depth,
                    eta: eta.clone(),
                    lambda: l.clone(),
                };
                let prep = Prepared::new(&map, unit);
                let mut w = [unit.constant(alpha)];
                for _ in 0..steps {
                    w = prep.mv_step(&w);
                }
                ws_red.push(w[0].clone());
            }
            let q: Vec<S> = basis.iter().map(|x| unit.constant(x)).collect();
            let mut devs = vec![];
            for i in 0..n {
                for j in 0..n {
                    let mut m = unit.int(0);
                    for (k, wk) in ws_red.iter().enumerate() {
                        m = m + &(q[i * n + k].clone() * &q[j * n + k] * wk);
                    }
                    for w in &ws {
                        devs.push(w[i * n + j].clone() - &m);
                    }
                }
            }
            max_abs(devs)?
        }
        Some(_) => {
            let left = mat_mul(&ws[0], &at, n);
            let right = mat_mul(&at, &ws[0], n);
            max_abs(left.into_iter().zip(right).map(|(a, b)| a - &b))?
        }
    };
    Some((factors, reduction))
}

impl Task for LemmaRTask {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let inst = &self.inst;
        let arith = unit.arith_name();
        let k = inst.matrix_steps;
        let basis = cayley_basis(inst.n, inst.basis_seed);
        let res = lemma_r_deviations(inst, &basis, unit);
        let Some((factors, reduction)) = res else {
            return undecided_all(
                &["R.factors_equal", "R.reduction"],
                &format!("the matrix GD enclosure blew up within {k} steps at this precision"),
                &arith,
            );
        };
        let tol = lemma_r_tolerance();
        let what = if inst.e_mat.is_some() {
            format!("max |(W_1Ã − ÃW_1)_ij| after {k} steps: W_j(K) commutes with Ã = A + E, as a polynomial in Ã does (Lemma R)")
        } else if inst.e.is_zero() {
            format!("max_(j,i,l) |W_j(K)_il − (Q diag(w(K)) Qᵀ)_il| after {k} steps, w(K) from the scalar map g on spec(A) (Lemma R)")
        } else {
            format!("max_(j,i,l) |W_j(K)_il − (Q diag(w(K)) Qᵀ)_il| after {k} steps on the representative E = 0 (only ‖E‖₂ ≤ e is given; Lemma R holds for every symmetric E)")
        };
        ClaimGroup(vec![
            claim(
                "R.factors_equal",
                Role::Conclusion,
                format!("max_(i,j) of the largest entry of |W_i(K) − W_j(K)| after K = {k} steps of full matrix GD: the factors stay equal"),
                publish(&factors),
                bound_q("<=", &tol),
                &arith,
                Witness::Exact,
            ),
            claim(
                "R.reduction",
                Role::Conclusion,
                what,
                publish(&reduction),
                bound_q("<=", &tol),
                &arith,
                Witness::Exact,
            ),
        ])
    }
}

// ------------------------------------------------------------------------------------------------
// H3 and C4: certified gradient-flow times.

/// A certified `∫_α^b tgf_integrand`, with `b` a rational on the required side of `x₁^{1/N}`
/// (`b^N ≤ x₁` for a lower bound of `T_GF`, `b^N ≥ x₁` for an upper bound).
pub struct GfTime<S> {
    pub value: S,
    pub breakpoints: Vec<Q>,
}

/// A rational `b` with `b^N ≤ x` (`up = false`) or `b^N ≥ x` (`up = true`), close to `x^{1/N}`.
pub fn nth_root_bound<S: Arith>(x: &Q, depth: u32, up: bool, unit: &S) -> Option<Q> {
    let bits = unit.precision().max(64);
    let root = (unit.constant(x).ln() / &unit.int(depth as i64)).exp();
    let (lo, hi) = root.bounds()?;
    let mut b = round_rel(if up { &hi } else { &lo }, bits, up);
    let step = round_rel(
        &(&b * crate::arith::exact::pow2(-(bits as i64) + 2)),
        8,
        true,
    );
    for _ in 0..64 {
        let p = b.pow(depth as i32);
        if (up && p >= *x) || (!up && p <= *x) {
            return Some(b);
        }
        b = if up { &b + &step } else { &b - &step };
    }
    None
}

pub fn gf_time<S: Arith>(
    depth: u32,
    lambda: &Q,
    alpha: &Q,
    x1: &Q,
    up: bool,
    tol: f64,
    unit: &S,
) -> Option<GfTime<S>> {
    let b = nth_root_bound(x1, depth, up, unit)?;
    if b <= *alpha || b.pow(depth as i32) >= *lambda {
        return None;
    }
    // Geometric segments α, 2α, 4α, … , b: the integrand behaves like w^(1−N) near α.
    let mut ends = vec![alpha.clone()];
    while ends.last().is_some_and(|x| x.clone() * q_int(4) < b) {
        let next = ends[ends.len() - 1].clone() * q_int(2);
        ends.push(next);
    }
    ends.push(b.clone());
    let len = q_to_f64(&(&b - alpha));
    let per = (QUAD_MAX_PIECES / (ends.len() - 1)).max(16);
    let mut value = unit.int(0);
    let mut breakpoints = vec![alpha.clone()];
    for seg in ends.windows(2) {
        let share = tol * q_to_f64(&(&seg[1] - &seg[0])) / len;
        let q = integrate_adaptive(
            unit,
            &seg[0],
            &seg[1],
            QUAD_ORDER,
            share,
            QUAD_INITIAL,
            per,
            |w| tgf_integrand(depth, lambda, w),
        );
        value = value + &q.value;
        breakpoints.extend(q.breakpoints.into_iter().skip(1));
    }
    value.bounds()?;
    Some(GfTime { value, breakpoints })
}

/// A rough `f64` value of `T_GF` (trapezoids in log scale), to set the quadrature tolerance.
fn gf_time_estimate(depth: u32, lambda: f64, alpha: f64, x1: f64) -> f64 {
    let (a, b) = (alpha.ln(), x1.powf(1.0 / depth as f64).ln());
    let m = 400;
    let f = |u: f64| {
        let w = u.exp();
        w / (w.powi(depth as i32 - 1) * (lambda - w.powi(depth as i32)))
    };
    let h = (b - a) / m as f64;
    let mut s = 0.5 * (f(a) + f(b));
    for i in 1..m {
        s += f(a + h * i as f64);
    }
    (s * h).abs()
}

fn quad_tol(inst: &Inst, lambda: &Q, x1: &Q, prec: u32) -> f64 {
    let est = gf_time_estimate(
        inst.depth,
        q_to_f64(lambda),
        q_to_f64(&inst.alpha),
        q_to_f64(x1),
    );
    let floor = est * 2f64.powi(-(prec.min(200) as i32) + 12);
    (q_to_f64(&inst.eta) * 1e-6).max(floor).max(1e-300)
}

fn quad_witness<S: Arith>(t: &GfTime<S>, unit: &S) -> Witness {
    Witness::Quadrature {
        order: QUAD_ORDER as u32,
        bits: (unit.precision() + 48).min(1024),
        breakpoints: t.breakpoints.iter().map(format_exact).collect(),
    }
}

/// `⌈x⌉` of the upper end of an enclosure, when it is the ceiling of every point of it (so the
/// integer is the formula's, not an artefact of a wide enclosure).
fn ceil_hi<S: Arith>(x: &S) -> Option<u64> {
    let (lo, hi) = x.bounds()?;
    if lo.ceil() != hi.ceil() || lo < Q::zero() {
        return None;
    }
    hi.ceil().to_integer().to_u64()
}
/// `⌊x⌋` of the lower end, when it is the floor of every point.
fn floor_lo<S: Arith>(x: &S) -> Option<u64> {
    let (lo, hi) = x.bounds()?;
    if lo.floor() != hi.floor() || lo < Q::zero() {
        return None;
    }
    lo.floor().to_integer().to_u64()
}

/// The claims of a gradient-flow time (quadrature witness) and of the integer step bound derived
/// from it (`round` of `steps(T)`, undecided when the integer is not determined).
#[allow(clippy::too_many_arguments)]
fn time_and_bound<S: Arith>(
    ids: [&str; 2],
    time: Option<GfTime<S>>,
    steps: impl Fn(&S) -> S,
    round: fn(&S) -> Option<u64>,
    time_statement: String,
    bound_statement: impl Fn(u64) -> String,
    what: &str,
    unit: &S,
) -> Vec<Claim> {
    let arith = unit.arith_name();
    let Some(t) = time else {
        return undecided_all(&ids, "no quadrature of the gradient-flow time", &arith).0;
    };
    let k = steps(&t.value);
    let mut out = vec![claim(
        ids[0],
        Role::Conclusion,
        time_statement,
        publish(&t.value),
        None,
        &arith,
        quad_witness(&t, unit),
    )];
    match round(&k) {
        Some(v) => {
            let mut c = claim(
                ids[1],
                Role::Conclusion,
                bound_statement(v),
                Some((q_int(v as i64), q_int(v as i64))),
                None,
                &arith,
                uses(ids[0]),
            );
            c.note = Some(format!("{what} ∈ {}", super::box_display(&k)));
            out.push(c);
        }
        None => out.extend(
            undecided_all(
                &ids[1..],
                &format!("the enclosure of {what} is too wide to fix the integer"),
                &arith,
            )
            .0,
        ),
    }
    out
}

struct BoundsTask {
    inst: Inst,
}

impl Task for BoundsTask {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let inst = &self.inst;
        let arith = unit.arith_name();
        let depth = inst.depth;
        let eta = unit.constant(&inst.eta);
        let mut out = vec![];
        let lam_lo = inst.lam_lo();
        let x_hit = &inst.theta * &lam_lo;
        let tol = quad_tol(inst, &lam_lo, &x_hit, unit.precision());
        out.extend(time_and_bound(
            ["H3.T_hit", "H3.K_hit"],
            gf_time(depth, &lam_lo, &inst.alpha, &x_hit, true, tol, unit),
            |t| hit_factor(depth, &inst.eta, &lam_lo, unit) * t / &eta,
            ceil_hi,
            format!("∫_α^b dw/(w^(N−1)(λ⁻ − w^N)) with b^N ≥ θλ⁻: an upper bound of T_GF(λ⁻ = {}; α^N → θλ⁻)", fq(&lam_lo)),
            |kh| format!("K_hit = ⌈(1 + ηλ⁻^(2−2/N))^(N−1) T_GF/η⌉ = {kh}: x_i(k) ≥ θλ⁻ for every i ≤ r and k ≥ K_hit"),
            "c·T_GF/η",
            unit,
        ));
        if let (true, Some(lam_hi)) = (inst.escape_possible(), inst.lam_hi()) {
            let tol = quad_tol(inst, &lam_hi, &inst.delta, unit.precision());
            out.extend(time_and_bound(
                ["H3.T_esc", "H3.K_esc"],
                gf_time(depth, &lam_hi, &inst.alpha, &inst.delta, false, tol, unit),
                |t| t.clone() / &eta,
                floor_lo,
                format!("∫_α^b dw/(w^(N−1)(λ⁺ − w^N)) with b^N ≤ δ: a lower bound of T_GF(λ⁺ = {}; α^N → δ)", fq(&lam_hi)),
                |ke| format!("K_esc = ⌊T_GF/η⌋ = {ke}: x_j(k) ≤ δ for every j > r and k ≤ K_esc"),
                "T_GF/η",
                unit,
            ));
        }
        // C4 for every i ≤ r, uniform over λ̃_i ∈ [λ_i − e, λ_i + e].
        for i in 0..inst.r {
            let id = format!("C4.bound.{}", i + 1);
            let lo = &inst.spectrum[i] - &inst.e;
            let hi = &inst.spectrum[i] + &inst.e;
            let x1 = &inst.theta * &lo;
            let tol = quad_tol(inst, &lo, &x1, unit.precision());
            let done = gf_time(depth, &lo, &inst.alpha, &x1, true, tol, unit).and_then(|t| {
                let kh = hit_factor(depth, &inst.eta, &lo, unit) * &t.value / &eta;
                let tail = c4_tail(depth, &inst.eta, &inst.theta, &inst.epsilon, &lo, &hi, unit);
                let kh = ceil_hi(&kh)?;
                let (_, tail_hi) = tail.bounds()?;
                let m = if tail_hi <= Q::zero() {
                    0
                } else if tail.width_f64() < 1e-3 {
                    tail_hi.ceil().to_integer().to_u64()?
                } else {
                    return None;
                };
                let total = kh.checked_add(m)?;
                let mut c = claim(
                    &id,
                    Role::Conclusion,
                    format!(
                        "C4: λ̃_{} − x_{}(k) ≤ ε λ̃_{} for every k ≥ {total} = K_hit(λ_{} − e) + ⌈ln(ε/(N(1 − (θ(λ_{} − e)/(λ_{} + e))^(1/N))))/ln(1 − ηN(θ(λ_{} − e))^(2−2/N))⌉ = {kh} + {m}",
                        i + 1, i + 1, i + 1, i + 1, i + 1, i + 1, i + 1
                    ),
                    Some((q_int(total as i64), q_int(total as i64))),
                    None,
                    &arith,
                    quad_witness(&t, unit),
                );
                c.note = Some(format!("T_GF(λ_{} − e; α^N → θ(λ_{} − e)) ∈ {}", i + 1, i + 1, super::box_display(&t.value)));
                Some(c)
            });
            match done {
                Some(c) => out.push(c),
                None => {
                    out.extend(undecided_all(&[id.as_str()], "no certified C4 bound", &arith).0)
                }
            }
        }
        ClaimGroup(out)
    }
}

// ------------------------------------------------------------------------------------------------
// C2: the exact window of the extreme eigenvalues, by mean-value orbits of g.

struct OrbitTask {
    inst: Inst,
    c4_step: Option<u64>,
    k_hit: Option<u64>,
    k_esc: Option<u64>,
}

/// What an orbit search found: the steps and boxes of interest.
struct Found<S> {
    boxes: BTreeMap<usize, S>,
    /// First step at which the threshold is crossed (decided), if any.
    cross: Option<usize>,
    /// Why the search stopped without deciding.
    failure: Option<String>,
}

/// Iterates `g(·; λ)` from α with the mean-value form, records `x = w^N` at the steps in `keep`
/// and finds the first step where `crossed(x)` is true (`Some(false)` below, `None` undecided).
fn search<S: Arith>(
    inst: &Inst,
    lambda: &Q,
    unit: &S,
    mut extra: Vec<usize>,
    crossed: impl Fn(&S) -> Option<bool>,
) -> Found<S> {
    let map = ScalarGd {
        depth: inst.depth,
        eta: inst.eta.clone(),
        lambda: lambda.clone(),
    };
    let prep = Prepared::new(&map, unit);
    let mut w = [unit.constant(&inst.alpha)];
    let mut boxes = BTreeMap::new();
    let mut prev: Option<S> = None;
    let mut cross = None;
    extra.sort();
    let last_extra = extra.last().copied().unwrap_or(0);
    for k in 0..=inst.max_steps {
        let x = w[0].powi(inst.depth);
        if x.bounds().is_none() {
            return Found {
                boxes,
                cross,
                failure: Some(format!("the orbit enclosure blew up at step {k}")),
            };
        }
        if extra.binary_search(&k).is_ok() {
            boxes.insert(k, x.clone());
        }
        if cross.is_none() {
            match crossed(&x) {
                Some(true) => {
                    cross = Some(k);
                    boxes.insert(k, x.clone());
                    if let Some(p) = prev.take() {
                        boxes.insert(k - 1, p);
                    }
                }
                Some(false) => {}
                None => {
                    return Found {
                        boxes,
                        cross,
                        failure: Some(format!(
                            "step {k}: the enclosure {} straddles the threshold",
                            super::box_display(&x)
                        )),
                    }
                }
            }
        }
        if cross.is_some() && k >= last_extra {
            return Found {
                boxes,
                cross,
                failure: None,
            };
        }
        prev = Some(x);
        if k < inst.max_steps {
            w = prep.mv_step(&w);
        }
    }
    Found {
        boxes,
        cross,
        failure: Some(format!(
            "the threshold is not crossed within max_steps = {}",
            inst.max_steps
        )),
    }
}

/// A comparison as `Some(answer)`, or `None` when undecided.
fn decided(t: crate::arith::Tri) -> Option<bool> {
    (!matches!(t, crate::arith::Tri::Unknown)).then(|| t.is_true())
}

/// The claim of an orbit of g from α, with its enclosure at the last step any claim uses.
fn orbit_claim<S: Arith>(id: &str, name: &str, lambda: &Q, last: usize, x: &S) -> Claim {
    claim(
        id,
        Role::Conclusion,
        format!("x(k) = w_k^N for g(·; {name} = {}) from w_0 = α by mean-value iteration, up to the last step used ({last}): x({last})", fq(lambda)),
        publish(x),
        None,
        &x.arith_name(),
        Witness::Exact,
    )
}

impl Task for OrbitTask {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let inst = &self.inst;
        let arith = unit.arith_name();
        let lam_lo = inst.lam_lo();
        let theta_lo = unit.constant(&(&inst.theta * &lam_lo));
        let c4_level = &(q_int(1) - &inst.epsilon) * &lam_lo;
        let mut out = vec![];
        let extra: Vec<usize> = self.c4_step.map(|k| k as usize).into_iter().collect();
        let lower = search(inst, &lam_lo, unit, extra, |x| decided(x.ge(&theta_lo)));
        let mut lower_ids = vec!["O.lower", "C2.hit", "C2.hit_first"];
        if self.c4_step.is_some() {
            lower_ids.push("C4.observed");
        }
        let k_a = match (&lower.failure, lower.cross) {
            (None, Some(ka)) => {
                let last = *lower.boxes.keys().last().unwrap_or(&ka);
                out.push(orbit_claim(
                    "O.lower",
                    "λ⁻",
                    &lam_lo,
                    last,
                    &lower.boxes[&last],
                ));
                let step = |k: usize| Witness::Uses {
                    claim: "O.lower".into(),
                    step: Some(k),
                };
                out.push(claim(
                    "C2.hit",
                    Role::Conclusion,
                    format!("x({ka}; λ⁻) ≥ θλ⁻: every top-r eigenvalue of P_k is ≥ θλ⁻ from step {ka} on"),
                    publish(&lower.boxes[&ka]),
                    bound_q(">=", &(&inst.theta * &lam_lo)),
                    &arith,
                    step(ka),
                ));
                let before = ka.saturating_sub(1);
                out.push(claim(
                    "C2.hit_first",
                    Role::Conclusion,
                    format!("x({before}; λ⁻) < θλ⁻: for the eigenvalue λ⁻ the hitting time is exactly {ka}"),
                    lower.boxes.get(&before).and_then(publish),
                    bound_q("<", &(&inst.theta * &lam_lo)),
                    &arith,
                    step(before),
                ));
                if let Some(k4) = self.c4_step {
                    let k4 = k4 as usize;
                    out.push(claim(
                        "C4.observed",
                        Role::Conclusion,
                        format!("at the C4 bound k = {k4} for i = r, the eigenvalue λ̃_r = λ⁻ is learnt to relative accuracy ε: x({k4}; λ⁻) ≥ (1 − ε)λ⁻"),
                        lower.boxes.get(&k4).and_then(publish),
                        bound_q(">=", &c4_level),
                        &arith,
                        step(k4),
                    ));
                }
                Some(ka)
            }
            (f, _) => {
                let why = f.clone().unwrap_or_else(|| "no crossing".into());
                out.extend(undecided_all(&lower_ids, &why, &arith).0);
                None
            }
        };
        let mut k_b: Option<Option<usize>> = Some(None);
        if let (true, Some(lam_hi)) = (inst.escape_possible(), inst.lam_hi()) {
            let delta = unit.constant(&inst.delta);
            let upper = search(inst, &lam_hi, unit, vec![], |x| decided(x.gt(&delta)));
            k_b = match (&upper.failure, upper.cross) {
                (None, Some(kc)) => {
                    let kb = kc - 1;
                    out.push(orbit_claim("O.upper", "λ⁺", &lam_hi, kc, &upper.boxes[&kc]));
                    let step = |k: usize| Witness::Uses {
                        claim: "O.upper".into(),
                        step: Some(k),
                    };
                    out.push(claim(
                        "C2.escape",
                        Role::Conclusion,
                        format!(
                            "x({kb}; λ⁺) ≤ δ: every other eigenvalue of P_k is ≤ δ up to step {kb}"
                        ),
                        publish(&upper.boxes[&kb]),
                        bound_q("<=", &inst.delta),
                        &arith,
                        step(kb),
                    ));
                    out.push(claim(
                        "C2.escape_first",
                        Role::Conclusion,
                        format!("x({kc}; λ⁺) > δ: for the eigenvalue λ⁺ the escape time is exactly {kc}"),
                        publish(&upper.boxes[&kc]),
                        bound_q(">", &inst.delta),
                        &arith,
                        step(kc),
                    ));
                    Some(Some(kb))
                }
                (f, _) => {
                    let why = f.clone().unwrap_or_else(|| "no crossing".into());
                    out.extend(
                        undecided_all(&["O.upper", "C2.escape", "C2.escape_first"], &why, &arith).0,
                    );
                    None
                }
            };
        }
        match (k_a, k_b, self.k_hit) {
            (Some(ka), Some(kb), Some(kh)) => {
                let (margin, window) = match (kb, self.k_esc) {
                    (Some(kb), Some(ke)) => (
                        (q_int(kh as i64) - q_int(ka as i64))
                            .min(q_int(kb as i64) - q_int(ke as i64)),
                        format!("[{ka}, {kb}]{}", if ka > kb { " (empty)" } else { "" }),
                    ),
                    (None, None) => (q_int(kh as i64) - q_int(ka as i64), format!("[{ka}, ∞)")),
                    _ => {
                        out.extend(
                            undecided_all(
                                &["C2.exact_window"],
                                "the escape bound is missing",
                                &arith,
                            )
                            .0,
                        );
                        return ClaimGroup(out);
                    }
                };
                let analytic = match self.k_esc {
                    Some(ke) => format!("[{kh}, {ke}]"),
                    None => format!("[{kh}, ∞)"),
                };
                let mut c = exact_claim(
                    "C2.exact_window",
                    Role::Conclusion,
                    format!("the window of the extreme eigenvalues λ⁻, λ⁺ is exactly {window} and contains the analytic {analytic}: min(K_hit − k_hit, k_esc − K_esc) ≥ 0"),
                    Some(&margin),
                    bound_q(">=", &q_int(0)),
                    margin >= q_int(0),
                );
                c.witness = uses("C2.hit");
                out.push(c);
            }
            _ => out.extend(
                undecided_all(
                    &["C2.exact_window"],
                    "an orbit or the hitting bound is undecided",
                    &arith,
                )
                .0,
            ),
        }
        ClaimGroup(out)
    }
}
