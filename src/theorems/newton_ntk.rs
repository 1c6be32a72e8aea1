//! Paper 4 (`newton-ntk`): convergence of regularised Newton for neural networks in the
//! overparameterized limit (Riedl, Spiliopoulos, Sirignano, arXiv 2605.08352).
//!
//! **Statement certified** (derived in `theorems.md` from the abstract and a linearised model, not
//! from the paper's full text; see `proofs/newton-ntk.md`). In the linear regime regularised
//! Newton `θ ← θ − α(JᵀJ + λI)⁻¹Jᵀe` moves the residual by `e ← (I − α·NNTK)e`, with
//! `NNTK = K(K + λI)⁻¹` and `K = JJᵀ` the NTK Gram matrix.
//! - N1: if `κ_min = λ_min(K) > 0` then `spec(NNTK) ⊂ [κ_min/(κ_min + λ), κ_max/(κ_max + λ)] ⊂ (0, 1)`
//!   and every mode contracts by at most `1 − α·κ_min/(κ_min + λ) < 1` per Newton step.
//! - N2: GD `e ← (I − ηK)e` contracts uniformly by at best `(κ_max − κ_min)/(κ_max + κ_min)`; the
//!   number of GD steps that match one Newton step on the worst mode is the ratio of the logarithms.
//! - The kernel: the two-layer ReLU NTK on `M` equispaced circle points (with or without a bias
//!   coordinate), whose Gram matrix is circulant with eigenvalues `κ_k` (each certified); or any
//!   points from a file (Gram matrix by intervals, `κ_min`, `κ_max` by inertia). Without bias the
//!   odd frequencies `k >= 3` give `κ_k = 0` exactly, proved in `Q(ζ_N)`: `CONDITION_NOT_MET`.
//! - N3: a width-`h` tanh network on the circle points, 20 steps of regularised Newton with the full
//!   Hessian; `∇²L(θ_k) + λI ≻ 0` at every recorded iterate, by interval Hessians and LDLᵀ congruences.
//! - N4 is an audit, not a claim of the certificate: `gdcert audit newton-ntk` ([`audit`]) runs
//!   finite widths against the kernel prediction; `certify` never produces it.

use super::congruence_witness;
use super::inertia::{bracket, count_at, enclosing_imat};
use super::instance::{InputError, Kind, ParamSpec, Params};
use super::{
    bound_q, claim, escalate, exact_claim, fmt_q, publish, undecided_all, uses, ClaimGroup,
    RunOptions, Theorem,
};
use crate::arith::exact::{format_exact, q_from_f64, q_to_f64, Q};
use crate::arith::{q_frac, q_int, Arith, Elementary, RatInterval};
use crate::certificate::{Claim, MatrixRecord, Role, Witness};
use crate::linalg;
use crate::methods::escalation::Task;
use crate::methods::stationary::{derivatives, Objective};
use crate::spec::newton_ntk::*;
use crate::spec::random::SplitMix64;
use nalgebra::{DMatrix, DVector};
use std::collections::BTreeMap;
use std::path::Path;

pub mod audit;

pub struct NewtonNtk;

const GROUPS: &[&str] = &["N1", "N2", "N3"];
const YES_NO: &[&str] = &["yes", "no"];
const DEFAULT_INSTANCE: &str = include_str!("../../certificates/instances/newton-ntk/d1.toml");

/// Limits: circle points, points in a file (and their dimension), network width, Newton steps.
pub const MAX_CIRCLE: i64 = 256;
pub const MAX_FILE_POINTS: usize = 200;
pub const MAX_WIDTH: i64 = 16;
pub const MAX_STEPS: i64 = 50;
/// The name of the Gram matrix of a points file in congruence witnesses.
pub const GRAM: &str = "gram(points)";
/// Working precision of the derived quantities (NNTK, rates), from the published `κ` enclosures.
pub const DERIVED_BITS: u32 = 128;

impl Theorem for NewtonNtk {
    fn id(&self) -> &'static str {
        "newton-ntk"
    }
    fn title(&self) -> &'static str {
        "Convergence Analysis of Newton's Method for Neural Networks in the Overparameterized Limit (Riedl, Spiliopoulos, Sirignano, arXiv 2605.08352)"
    }
    fn statement(&self) -> &'static str {
        "Linearised model: regularised Newton moves the residual by e <- (I - alpha NNTK) e with NNTK = K(K + lambda I)^-1, \
         K the NTK Gram matrix. N1: if kappa_min = lambda_min(K) > 0, spec(NNTK) lies in [kappa_min/(kappa_min + lambda), \
         kappa_max/(kappa_max + lambda)], inside (0, 1), and every mode contracts by 1 - alpha kappa_min/(kappa_min + lambda) < 1 per \
         step. N2: GD contracts uniformly by at best (kappa_max - kappa_min)/(kappa_max + kappa_min); the ratio of the \
         logarithms is the number of GD steps per Newton step. K: the two-layer ReLU NTK \
         (sin phi + 2(pi - phi) cos phi)/(2 pi) on M equispaced circle points (circulant, eigenvalues kappa_k certified \
         each; without bias the odd k >= 3 vanish exactly) or on points from a file (inertia). N3: along 20 steps of \
         regularised Newton on a small tanh network, Hess L(theta_k) + lambda I is positive definite at every iterate. \
         Model derived from the abstract (theorems.md), not from the paper's full text."
    }
    fn claim_groups(&self) -> &'static str {
        "N1 NNTK spectrum and Newton rate; N2 GD contrast; N3 Hessian PD along Newton (N4 width limit: gdcert audit newton-ntk)"
    }
    fn schema(&self) -> Vec<ParamSpec> {
        let int = |key, min, max, default, help| ParamSpec {
            key,
            kind: Kind::Integer { min, max },
            default: Some(default),
            required: false,
            help,
        };
        vec![
            int("points", 2, MAX_CIRCLE, "16", "M, the number of equispaced circle points"),
            ParamSpec {
                key: "bias",
                kind: Kind::Choices { allowed: YES_NO },
                default: Some("yes"),
                required: false,
                help: "yes: x_j = (cos t_j, sin t_j, 1)/√2; no: x_j = (cos t_j, sin t_j)",
            },
            ParamSpec {
                key: "points.file",
                kind: Kind::Text,
                default: None,
                required: false,
                help: "a CSV/JSON/.npy matrix whose rows are the data points (replaces the circle for N1/N2)",
            },
            ParamSpec {
                key: "lambda",
                kind: Kind::Rational { positive: true },
                default: Some("1/1000"),
                required: false,
                help: "the regularisation λ > 0",
            },
            ParamSpec {
                key: "alpha",
                kind: Kind::Rational { positive: true },
                default: Some("1"),
                required: false,
                help: "the Newton step α in (0, 1]",
            },
            int("width", 1, MAX_WIDTH, "8", "N3: hidden width of the tanh network"),
            int("newton_steps", 1, MAX_STEPS, "20", "N3: regularised Newton steps"),
            int("target_seed", 0, i64::MAX, "1", "N3: SplitMix64 seed of the targets y = 2u − 1"),
            int("init_seed", 0, i64::MAX, "2", "N3: SplitMix64 seed of the initialisation"),
            // The audit's keys have no schema default, so certificates do not record them.
            ParamSpec {
                key: "audit.seed",
                kind: Kind::Integer { min: 0, max: i64::MAX },
                default: None,
                required: false,
                help: "audit N4: the first seed (default 7)",
            },
            ParamSpec {
                key: "audit.runs",
                kind: Kind::Integer { min: 2, max: 1000 },
                default: None,
                required: false,
                help: "audit N4: the number of seeds, networks per width (default 16)",
            },
            ParamSpec {
                key: "audit.steps",
                kind: Kind::Integer { min: 1, max: 1000 },
                default: None,
                required: false,
                help: "audit N4: Newton steps per run (default 50)",
            },
            ParamSpec {
                key: "audit.widths",
                kind: Kind::Rationals { min_len: 2, max_len: 8 },
                default: None,
                required: false,
                help: "audit N4: the widths N, integers in [1, 16384] (default 64, 256, 1024, 4096)",
            },
            ParamSpec {
                key: "audit.gamma",
                kind: Kind::Rational { positive: false },
                default: None,
                required: false,
                help: "audit N4: λ_N = λ·N^(−γ), γ in [0, 1] (default 1/4)",
            },
            ParamSpec {
                key: "audit.tol",
                kind: Kind::Rational { positive: true },
                default: None,
                required: false,
                help: "audit N4: half-width of the pass band of the slope around −1/2 (default 1/4)",
            },
            ParamSpec {
                key: "claims",
                kind: Kind::Choices { allowed: GROUPS },
                default: Some("N1,N2"),
                required: false,
                help: "claim groups to certify",
            },
        ]
    }
    fn default_instance(&self) -> (&'static str, &'static str) {
        (
            "certificates/instances/newton-ntk/d1.toml",
            DEFAULT_INSTANCE,
        )
    }
    fn auditor(&self) -> Option<&dyn crate::audit::Auditor> {
        Some(self)
    }
    fn certify(&self, params: &Params, opts: &RunOptions) -> Result<Vec<Claim>, InputError> {
        let inst = Inst::from_params(params)?;
        Ok(certify(&inst, opts))
    }
    fn matrices(&self, params: &Params) -> BTreeMap<String, MatrixRecord> {
        let mut m = BTreeMap::new();
        if let Ok(Inst {
            file: Some(pts), ..
        }) = Inst::from_params(params)
        {
            m.insert(
                "points".to_string(),
                MatrixRecord {
                    rows: pts.len(),
                    cols: pts[0].len(),
                    entries: pts.iter().flatten().map(format_exact).collect(),
                },
            );
        }
        m
    }
}

/// A validated instance.
#[derive(Clone, Debug)]
pub struct Inst {
    pub m: usize,
    pub bias: bool,
    /// Points from a file (rows), replacing the circle for N1/N2.
    pub file: Option<Vec<Vec<Q>>>,
    pub lambda: Q,
    pub alpha: Q,
    pub width: usize,
    pub steps: usize,
    pub target_seed: u64,
    pub init_seed: u64,
    pub groups: Vec<String>,
    pub audit: AuditOpts,
}

/// The N4 audit's options (see [`audit`]); `certify` ignores them.
#[derive(Clone, Debug)]
pub struct AuditOpts {
    pub seed: u64,
    pub runs: usize,
    pub steps: usize,
    pub widths: Vec<usize>,
    pub gamma: Q,
    pub tol: Q,
}

impl Inst {
    pub fn from_params(p: &Params) -> Result<Self, InputError> {
        let lambda = p.q("lambda").cloned().unwrap_or_else(|| q_frac(1, 1000));
        if lambda > q_int(1000) {
            return Err(p.error("lambda", "must lie in (0, 1000]"));
        }
        let alpha = p.q("alpha").cloned().unwrap_or_else(|| q_int(1));
        if alpha > q_int(1) {
            return Err(p.error("alpha", "the Newton step must lie in (0, 1]"));
        }
        let bias = p.list("bias").map(|l| l.to_vec()).unwrap_or_default();
        if bias.len() != 1 {
            return Err(p.error("bias", "give exactly one of yes, no"));
        }
        let groups = p
            .list("claims")
            .map(|l| l.to_vec())
            .unwrap_or_else(|| vec!["N1".into(), "N2".into()]);
        let file = match p.values.get("points.file") {
            Some(super::instance::Value::Text(f)) => Some(read_points(p, f)?),
            _ => None,
        };
        let widths = p
            .qs("audit.widths")
            .map(<[Q]>::to_vec)
            .unwrap_or_default()
            .iter()
            .map(|w| {
                if w.is_integer() && *w >= q_int(1) && *w <= q_int(16384) {
                    Ok(q_to_f64(w) as usize)
                } else {
                    Err(p.error("audit.widths", "widths must be integers in [1, 16384]"))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let gamma = p.q("audit.gamma").cloned().unwrap_or_else(|| q_frac(1, 4));
        if gamma < q_int(0) || gamma > q_int(1) {
            return Err(p.error("audit.gamma", "must lie in [0, 1]"));
        }
        let audit = AuditOpts {
            seed: p.int("audit.seed").unwrap_or(7) as u64,
            runs: p.int("audit.runs").unwrap_or(16) as usize,
            steps: p.int("audit.steps").unwrap_or(50) as usize,
            widths,
            gamma,
            tol: p.q("audit.tol").cloned().unwrap_or_else(|| q_frac(1, 4)),
        };
        Ok(Inst {
            audit,
            m: p.int("points").unwrap_or(16) as usize,
            bias: bias[0] == "yes",
            file,
            lambda,
            alpha,
            width: p.int("width").unwrap_or(8) as usize,
            steps: p.int("newton_steps").unwrap_or(20) as usize,
            target_seed: p.int("target_seed").unwrap_or(1) as u64,
            init_seed: p.int("init_seed").unwrap_or(2) as u64,
            groups,
        })
    }
    fn wants(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }
}

/// Reads the points file (relative to the instance file), exactly; every point must be nonzero.
fn read_points(p: &Params, file: &str) -> Result<Vec<Vec<Q>>, InputError> {
    let key = "points.file";
    let path = match Path::new(p.source_of(key)).parent() {
        Some(dir) if Path::new(file).is_relative() && p.source_of(key) != "--set" => dir.join(file),
        _ => Path::new(file).to_path_buf(),
    };
    let m = linalg::io::read_matrix(&path).map_err(|e| p.error(key, format!("{e}")))?;
    if m.rows < 2 || m.rows > MAX_FILE_POINTS || m.cols > 64 {
        return Err(p.error(
            key,
            format!(
                "{}: {} points of dimension {}; expected 2 to {MAX_FILE_POINTS} points of dimension at most 64",
                path.display(),
                m.rows,
                m.cols
            ),
        ));
    }
    let pts: Vec<Vec<Q>> = (0..m.rows)
        .map(|i| m.data[i * m.cols..(i + 1) * m.cols].to_vec())
        .collect();
    if let Some(i) = pts.iter().position(|x| x.iter().all(|v| *v == q_int(0))) {
        return Err(p.error(
            key,
            format!(
                "{}: point {} (row {}) is zero; the ReLU NTK needs nonzero points",
                path.display(),
                i,
                i + 1
            ),
        ));
    }
    Ok(pts)
}

pub fn certify(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    let mut out = vec![];
    if inst.wants("N1") || inst.wants("N2") {
        crate::progress::stage("N1/N2: the NTK Gram spectrum and the NNTK");
        let spectrum = match &inst.file {
            Some(pts) => escalate(opts, &FileTask { pts }),
            None => circle_claims(inst, opts),
        };
        let hyp = spectrum.iter().find(|c| c.id == "N1.kappa_min").cloned();
        let kmax = spectrum.iter().find(|c| c.id == "N1.kappa_max").cloned();
        out.extend(spectrum);
        if let (Some(h), Some(kmax)) = (hyp, kmax) {
            if h.verdict == crate::certificate::Verdict::Certified {
                out.extend(rate_claims(inst, &h, &kmax));
            }
        }
    }
    if inst.wants("N3") {
        crate::progress::stage("N3: the regularised Hessian along Newton's method");
        out.extend(newton_claims(inst, opts));
    }
    out
}

// ---- N1/N2 on the circle.

/// The frequencies `0..=M/2` (the eigenvalue of frequency `k` is that of `M − k`).
fn frequencies(m: usize) -> std::ops::RangeInclusive<usize> {
    0..=m / 2
}

fn kappa_id(k: usize) -> String {
    format!("N1.kappa.{k}")
}

fn circle_claims(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    let exact_zero: Vec<bool> = frequencies(inst.m)
        .map(|k| !inst.bias && kappa_vanishes_no_bias(inst.m, k))
        .collect();
    escalate(
        opts,
        &CircleTask {
            m: inst.m,
            bias: inst.bias,
            exact_zero,
        },
    )
}

struct CircleTask {
    m: usize,
    bias: bool,
    exact_zero: Vec<bool>,
}

/// `[min lo, min hi]` and `[max lo, max hi]` of enclosures.
fn min_max(es: &[(Q, Q)]) -> ((Q, Q), (Q, Q)) {
    let pick = |f: &dyn Fn(&(Q, Q)) -> Q, max: bool| {
        es.iter()
            .map(f)
            .reduce(|a, b| if (b > a) == max { b } else { a })
            .unwrap_or_else(|| q_int(0))
    };
    (
        (pick(&|e| e.0.clone(), false), pick(&|e| e.1.clone(), false)),
        (pick(&|e| e.0.clone(), true), pick(&|e| e.1.clone(), true)),
    )
}

impl Task for CircleTask {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let arith = unit.arith_name();
        let row = circle_row(unit, self.m, self.bias);
        let points = if self.bias {
            "x_j = (cos t_j, sin t_j, 1)/√2"
        } else {
            "x_j = (cos t_j, sin t_j)"
        };
        let mut out = vec![];
        let mut encls = vec![];
        for k in frequencies(self.m) {
            let mult = if k == 0 || 2 * k == self.m { 1 } else { 2 };
            if self.exact_zero[k] {
                let z = q_int(0);
                out.push(exact_claim(
                    &kappa_id(k),
                    Role::Conclusion,
                    format!(
                        "κ_{k} = Σ_j Θ(x_0, x_j) cos(2πjk/M) = 0 exactly (multiplicity {mult}): κ_{k} = A/(2π) + B with A = B = 0 in Q(ζ_{})",
                        field_order(self.m)
                    ),
                    Some(&z),
                    bound_q("=", &z),
                    true,
                ));
                encls.push((z.clone(), z));
                continue;
            }
            let e = publish(&circulant_eigenvalue(&row, k));
            out.push(claim(
                &kappa_id(k),
                Role::Conclusion,
                format!(
                    "κ_{k} = Σ_j Θ(x_0, x_j) cos(2πjk/M), eigenvalue of the circulant NTK Gram matrix of M = {} points {points}, t_j = 2πj/M (multiplicity {mult})",
                    self.m
                ),
                e.clone(),
                None,
                &arith,
                Witness::Exact,
            ));
            match e {
                Some(e) => encls.push(e),
                None => {
                    out.extend(
                        undecided_all(
                            &["N1.kappa_min", "N1.kappa_max"],
                            "an eigenvalue enclosure is unbounded",
                            &arith,
                        )
                        .0,
                    );
                    return ClaimGroup(out);
                }
            }
        }
        let (kmin, kmax) = min_max(&encls);
        out.push(claim(
            "N1.kappa_min",
            Role::Hypothesis,
            "κ_min = min_k κ_k, the least eigenvalue of the NTK Gram matrix K: K ≻ 0",
            Some(kmin),
            bound_q(">", &q_int(0)),
            &arith,
            Witness::Exact,
        ));
        out.push(claim(
            "N1.kappa_max",
            Role::Conclusion,
            "κ_max = max_k κ_k, the largest eigenvalue of K",
            Some(kmax),
            None,
            &arith,
            Witness::Exact,
        ));
        ClaimGroup(out)
    }
}

// ---- N1/N2 on points from a file.

struct FileTask<'a> {
    pts: &'a [Vec<Q>],
}

impl Task for FileTask<'_> {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let arith = unit.arith_name();
        let ids = ["N1.kappa_min", "N1.kappa_max"];
        let n = self.pts.len();
        let g = gram(unit, self.pts);
        let Some(a) = enclosing_imat(n, &g) else {
            return undecided_all(&ids, "the Gram matrix enclosure is unbounded", &arith);
        };
        let mid = faer::Mat::from_fn(n, n, |i, j| a.mid[(i, j)]);
        let Ok((est, _)) = linalg::eig::approximate_eigen(&mid) else {
            return undecided_all(&ids, "the eigendecomposition failed", &arith);
        };
        let scale = est.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let mut out = vec![];
        for (id, index, role, what) in [
            (
                ids[0],
                1,
                Role::Hypothesis,
                "κ_min = λ_min(K) of the NTK Gram matrix of the points (inertia bracket): K ≻ 0",
            ),
            (
                ids[1],
                n,
                Role::Conclusion,
                "κ_max = λ_max(K) (inertia bracket)",
            ),
        ] {
            let c = match bracket(&a, index, est[index - 1], scale) {
                Some((lo, cl, hi, ch)) => {
                    let bound = (index == 1).then(|| bound_q(">", &q_int(0))).flatten();
                    claim(
                        id,
                        role,
                        format!("{what}; {n} points from the file, K_ij = Θ(x_i, x_j)"),
                        Some((lo.clone(), hi.clone())),
                        bound,
                        &arith,
                        Witness::Bracket {
                            index,
                            lower: Box::new(congruence_witness(GRAM, &lo, &cl)),
                            upper: Box::new(congruence_witness(GRAM, &hi, &ch)),
                        },
                    )
                }
                None => claim(
                    id,
                    role,
                    "no inertia bracket decided the eigenvalue",
                    None,
                    None,
                    &arith,
                    Witness::None,
                ),
            };
            out.push(c);
        }
        ClaimGroup(out)
    }
}

// ---- The NNTK and the rates, from the κ_min and κ_max enclosures.

/// `[lo, hi]` as a [`RatInterval`] at the precision of the derived quantities.
pub fn encl_interval(lo: &Q, hi: &Q) -> RatInterval {
    RatInterval::new(lo.clone(), hi.clone(), DERIVED_BITS)
}

fn rate_claims(inst: &Inst, kmin: &Claim, kmax: &Claim) -> Vec<Claim> {
    let parse = |c: &Claim| c.enclosure.as_ref().and_then(|e| e.parse().ok());
    let (Some((a, b)), Some((c, d))) = (parse(kmin), parse(kmax)) else {
        return vec![];
    };
    let [nu_min, nu_max, newton, gd, ratio] = derived(
        &encl_interval(&a, &b),
        &encl_interval(&c, &d),
        &inst.lambda,
        &inst.alpha,
    );
    let arith = format!("rational:{DERIVED_BITS}");
    let one = q_int(1);
    let mut out = vec![];
    let mut push = |id: &str, stmt: String, v: &RatInterval, b, wanted: bool| {
        if wanted {
            out.push(claim(
                id,
                Role::Conclusion,
                stmt,
                publish(v),
                b,
                &arith,
                uses("N1.kappa_min"),
            ));
        }
    };
    let (n1, n2) = (inst.wants("N1"), inst.wants("N2"));
    push(
        "N1.nntk_min",
        format!(
            "ν_min = κ_min/(κ_min + λ), λ = {}: spec(NNTK) ⊂ [ν_min, ν_max] (NNTK = K(K + λI)⁻¹, eigenvalues κ/(κ + λ) increasing in κ); λ = c·κ_min with 1/(1 + c) = ν_min",
            fmt_q(&inst.lambda)
        ),
        &nu_min,
        bound_q(">", &q_int(0)),
        n1,
    );
    push(
        "N1.nntk_max",
        "ν_max = κ_max/(κ_max + λ) < 1".into(),
        &nu_max,
        bound_q("<", &one),
        n1,
    );
    push(
        "N1.newton_rate",
        format!(
            "regularised Newton (α = {}) contracts every mode of the residual by at most 1 − α·ν_min per step: exponential convergence, uniform across frequencies",
            fmt_q(&inst.alpha)
        ),
        &newton,
        bound_q("<", &one),
        n1,
    );
    push(
        "N2.gd_rate",
        "GD with the optimal step η = 2/(κ_max + κ_min) contracts the worst mode by (κ_max − κ_min)/(κ_max + κ_min) per step".into(),
        &gd,
        bound_q("<", &one),
        n2,
    );
    push(
        "N2.steps_ratio",
        "GD steps per Newton step for the same reduction of the worst mode: ln(1 − α·ν_min)/ln((κ_max − κ_min)/(κ_max + κ_min))".into(),
        &ratio,
        None,
        n1 && n2,
    );
    out
}

// ---- N3: the regularised Hessian along Newton's method on a tanh network.

impl Objective for CircleNet {
    fn dim(&self) -> usize {
        CircleNet::dim(self)
    }
    fn value<T: Elementary>(&self, theta: &[T]) -> T {
        CircleNet::value(self, theta)
    }
}

/// The name of `∇²L(θ_k) + λI` in congruence witnesses.
pub fn hessian_name(k: usize) -> String {
    format!("hessian(N3.step.{k})")
}

/// The initialisation: `W` standard normals (row by row), then `v` normals divided by `√h`.
pub fn initial_point(width: usize, input_dim: usize, seed: u64) -> Vec<f64> {
    let mut rng = SplitMix64(seed);
    let mut th: Vec<f64> = (0..width * input_dim).map(|_| rng.normal_f64()).collect();
    let s = (width as f64).sqrt();
    th.extend((0..width).map(|_| rng.normal_f64() / s));
    th
}

/// The iterates `θ_0, …, θ_steps` of `θ ← θ − α(∇²L + λI)⁻¹∇L` in binary64 (exact as rationals).
pub fn newton_iterates(net: &CircleNet, inst: &Inst) -> Result<Vec<Vec<f64>>, String> {
    let n = net.dim();
    let lam = crate::arith::exact::q_to_f64(&inst.lambda);
    let alpha = crate::arith::exact::q_to_f64(&inst.alpha);
    let mut th = initial_point(inst.width, net.net.input_dim, inst.init_seed);
    let mut out = vec![th.clone()];
    for _ in 0..inst.steps {
        let (_, g, mut h) = derivatives(net, &th);
        for i in 0..n {
            h[i * n + i] += lam;
        }
        let step = DMatrix::from_row_slice(n, n, &h)
            .lu()
            .solve(&DVector::from_vec(g))
            .ok_or("the regularised Hessian is numerically singular")?;
        for (t, s) in th.iter_mut().zip(step.iter()) {
            *t -= alpha * s;
        }
        if !th.iter().all(|v| v.is_finite()) {
            return Err("Newton's method diverged".into());
        }
        out.push(th.clone());
    }
    Ok(out)
}

fn newton_claims(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    let net = CircleNet::new(inst.width, inst.m, inst.bias, inst.target_seed);
    let arith = opts.arith.to_string();
    let ids: Vec<String> = (0..=inst.steps).map(|k| format!("N3.step.{k}")).collect();
    let iterates = match newton_iterates(&net, inst) {
        Ok(t) => t,
        Err(e) => {
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            return undecided_all(&refs, &e, &arith).0;
        }
    };
    let mut out = vec![];
    for (k, th) in iterates.iter().enumerate() {
        let Some(point) = th
            .iter()
            .map(|v| q_from_f64(*v))
            .collect::<Option<Vec<Q>>>()
        else {
            continue;
        };
        out.extend(escalate(
            opts,
            &StepTask {
                net: &net,
                k,
                point,
                lambda: inst.lambda.clone(),
            },
        ));
    }
    out
}

struct StepTask<'a> {
    net: &'a CircleNet,
    k: usize,
    point: Vec<Q>,
    lambda: Q,
}

impl Task for StepTask<'_> {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let arith = unit.arith_name();
        let id = format!("N3.step.{}", self.k);
        let n = self.net.dim();
        let x: Vec<S> = self.point.iter().map(|q| unit.constant(q)).collect();
        let (loss, _, mut h) = derivatives(self.net, &x);
        let lam = unit.constant(&self.lambda);
        for i in 0..n {
            h[i * n + i] = h[i * n + i].clone() + &lam;
        }
        let undecided = |why: &str| undecided_all(&[id.as_str()], why, &arith);
        let Some(a) = enclosing_imat(n, &h) else {
            return undecided("the Hessian enclosure is unbounded");
        };
        let zero = q_int(0);
        let Some(c) = count_at(&a, &zero) else {
            return undecided("the LDLᵀ congruence at 0 did not decide");
        };
        let below = q_int(c.below as i64);
        let mut cl = claim(
            &id,
            Role::Conclusion,
            format!(
                "∇²L(θ_{}) + λI ≻ 0 at the recorded Newton iterate θ_{} ({n} parameters): its number of eigenvalues below 0 (Sylvester, LDLᵀ congruence) is 0",
                self.k, self.k
            ),
            Some((below.clone(), below)),
            bound_q("=", &zero),
            &arith,
            Witness::PointHessian {
                point: self.point.iter().map(format_exact).collect(),
                congruence: Box::new(congruence_witness(&hessian_name(self.k), &zero, &c)),
            },
        );
        let mid = faer::Mat::from_fn(n, n, |i, j| a.mid[(i, j)]);
        let est = linalg::eig::approximate_eigen(&mid)
            .ok()
            .and_then(|(v, _)| v.first().copied())
            .map(|v| format!("; λ_min(∇²L + λI) ≈ {v:.4e} (estimate)"))
            .unwrap_or_default();
        cl.note = Some(format!(
            "L(θ_{}) ∈ {}{est}",
            self.k,
            super::box_display(&loss)
        ));
        ClaimGroup(vec![cl])
    }
}
